/**
 * The model depth path of "Analyze shot", through the real analysis worker, onnxruntime and the Depth
 * Anything V2 adapter, with a self-built graph honouring DA-V2's contract (real weights are not
 * available here). The frames are made so that the graph's output is an affine inverse depth of the
 * ground truth: red = 20 + 360 / z. The worker must align it to sparse points and give metric depth back.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEPTH_WIDTH,
  type AnalysisRequest,
  type AnalysisWorkerMessage,
} from '../../../src-main/analysis/analysis-protocol';
import { writePoints } from '../../../src-main/analysis/point-file';
import { runWorker } from '../../../src-main/analysis/run-worker';
import { decodeFloat16, float16FromBytesLE } from '../../../src-main/analysis/depth';
import { probeMedia } from '../../../src-main/media';
import { backprojectPixel, serializeCamerasJson, trackToDocument } from '../../../src-shared/geometry';
import { depthAnythingV2Contract, writeModel } from '../../helpers/onnx-builder';
import { tempDir } from '../../helpers/temp';
import { loadGtDepth, loadGtDepthShot } from '../depth/gt-depth-data';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const FRAMES = 8;

describe('Analyze shot, depth from a model', () => {
  it('aligns Depth Anything V2 output to the sparse points: metric depth, AbsRel < 0.1 against the ground truth', async () => {
    const shot = loadGtDepthShot('orbit_a');
    const W = 320;
    const H = 180;
    expect(DEPTH_WIDTH).toBe(W);
    // Frames whose red channel the contract graph turns into inverse depth.
    const raw = new Uint8Array(FRAMES * W * H * 3);
    for (let f = 0; f < FRAMES; f++) {
      const gt = loadGtDepth(shot, f);
      for (let i = 0; i < W * H; i++) {
        const o = 3 * (f * W * H + i);
        raw[o] = Math.round(Math.min(255, 20 + (gt[i]! > 0 ? 360 / gt[i]! : 0)));
        raw[o + 1] = 128;
        raw[o + 2] = 64;
      }
    }
    const seq = join(tmp.dir, 'seq');
    mkdirSync(seq);
    const ff = spawnSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-s',
        `${W}x${H}`,
        '-i',
        '-',
        join(seq, 'plate.%04d.png'),
      ],
      { input: raw },
    );
    expect(ff.status, ff.stderr?.toString()).toBe(0);
    const facts = await probeMedia(join(seq, readdirSync(seq).sort()[0]!));
    expect(facts.frameCount).toBe(FRAMES);

    // Cameras at the frames' size, and sparse points from the ground truth (what a solve provides).
    const cams = shot.cameras.slice(0, FRAMES);
    const camerasJson = serializeCamerasJson(
      trackToDocument({ fps: [24, 1], frames: cams.map((camera, index) => ({ index, camera })) }),
    );
    const pts: number[] = [];
    for (let f = 0; f < FRAMES; f += 3) {
      const gt = loadGtDepth(shot, f);
      for (let i = 7; i < W * H; i += 211) {
        if (!(gt[i]! > 0)) continue;
        const X = backprojectPixel(cams[f]!, (i % W) + 0.5, Math.floor(i / W) + 0.5, gt[i]!);
        pts.push(X[0], X[1], X[2]);
      }
    }
    const pointsFile = join(tmp.dir, 'sparse.bin');
    await writePoints(pointsFile, { xyz: new Float32Array(pts), rgb: new Uint8Array(pts.length) });
    const model = writeModel(join(tmp.dir, 'depth_anything_v2_small.onnx'), depthAnythingV2Contract());

    const depthFiles = Array.from({ length: FRAMES }, (_, i) => join(tmp.dir, `d${i}.f16`));
    const req: AnalysisRequest = {
      stage: 'depth',
      facts,
      camerasJson,
      pointsFile,
      start: 0,
      count: FRAMES,
      depthFiles,
      denseEvery: 4,
      denseOut: join(tmp.dir, 'dense.bin'),
      depthModel: model,
    };
    const done = await runWorker<
      Extract<AnalysisWorkerMessage, { type: 'progress' }>,
      Extract<AnalysisWorkerMessage, { type: 'done' }>
    >('analysis', req, new AbortController().signal, () => {});
    expect(done.result).toMatchObject({
      stage: 'depth',
      method: 'depth-anything-v2',
      provider: 'cpu',
      width: W,
      height: H,
    });
    let rel = 0;
    let n = 0;
    let nonSky = 0;
    for (let f = 0; f < FRAMES; f++) {
      const d = decodeFloat16(float16FromBytesLE(new Uint8Array(readFileSync(depthFiles[f]!))));
      const gt = loadGtDepth(shot, f);
      for (let i = 0; i < gt.length; i++) {
        if (!(gt[i]! > 0)) continue;
        nonSky++;
        if (!(d[i]! > 0)) continue;
        n++;
        rel += Math.abs(d[i]! - gt[i]!) / gt[i]!;
      }
    }
    expect(rel / n).toBeLessThan(0.1);
    expect(n / nonSky).toBeGreaterThan(0.8);
  }, 180_000);
});
