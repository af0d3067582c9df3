/**
 * The model path's depth alignment with a partial camera: the frames that have a pose are aligned to the
 * sparse points as usual; a frame without one is written all invalid (depth 0, statistics 0).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawColourFile, rawDepthFile } from '../../../src-main/analysis/analysis-protocol';
import { depthAlignStage } from '../../../src-main/analysis/depth/stages';
import {
  decodeFloat16,
  encodeFloat16,
  float16FromBytesLE,
  float16ToBytesLE,
} from '../../../src-main/analysis/depth';
import { writePoints } from '../../../src-main/analysis/point-file';
import { trackToDocument, type CameraTrack } from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const W = 64;
const H = 36;
const K = { width: W, height: H, fx: 50, fy: 50, cx: 32, cy: 18 };
const T = 5;
const UNPOSED = 2;
/** A tilted plane Z = 2 + 0.5·Y, seen by cameras looking down +Z from x = 0.05·t: depth depends on the row only. */
const depthAt = (v: number) => 2 / (1 - (0.5 * (v + 0.5 - K.cy)) / K.fy);

describe('model depth alignment with a partial camera', () => {
  it('aligns the frames with a pose and writes the one without as all invalid', async () => {
    const rawDir = join(tmp.dir, 'raw');
    mkdirSync(rawDir);
    const inverse = new Float32Array(W * H);
    for (let v = 0; v < H; v++) for (let u = 0; u < W; u++) inverse[v * W + u] = 1 / depthAt(v);
    for (let t = 0; t < T; t++)
      writeFileSync(rawDepthFile(rawDir, t), float16ToBytesLE(encodeFloat16(inverse)));
    writeFileSync(rawColourFile(rawDir, 0), new Uint8Array(3 * W * H).fill(128));
    const pts: number[] = [];
    for (let i = 0; i < 20; i++)
      for (let j = 0; j < 10; j++) {
        const Y = -0.3 + (0.6 * j) / 9;
        pts.push(-0.6 + (1.2 * i) / 19, Y, 2 + 0.5 * Y);
      }
    const pointsFile = join(tmp.dir, 'points.bin');
    await writePoints(pointsFile, { xyz: new Float32Array(pts), rgb: new Uint8Array(pts.length).fill(200) });
    const track: CameraTrack = {
      fps: [24, 1],
      frames: [...Array(T).keys()]
        .filter((t) => t !== UNPOSED)
        .map((index) => ({
          index,
          camera: { C: [0.05 * index, 0, 0], q: [1, 0, 0, 0], intrinsics: { ...K } },
        })),
    };
    const depthFiles = [...Array(T).keys()].map((t) => join(tmp.dir, `depth-${t}.f16`));
    const r = await depthAlignStage(
      {
        stage: 'depth-align',
        cameras: trackToDocument(track),
        pointsFile,
        imageWidth: W,
        imageHeight: H,
        frameCount: T,
        rawDir,
        depthFiles,
        denseEvery: 100,
        denseOut: join(tmp.dir, 'dense.bin'),
      },
      () => {},
    );
    if (r.stage !== 'depth-align') throw new Error('unexpected result');
    expect(r.frames).toHaveLength(T);
    for (let t = 0; t < T; t++) {
      const depth = decodeFloat16(float16FromBytesLE(new Uint8Array(readFileSync(depthFiles[t]!))));
      if (t === UNPOSED) {
        expect(r.frames[t]).toEqual({ frame: t, median: 0, p5: 0, p95: 0, validFraction: 0 });
        expect(depth.every((z) => z === 0)).toBe(true);
        continue;
      }
      expect(r.frames[t]!.validFraction, `frame ${t}`).toBe(1);
      for (const v of [2, 18, 33])
        expect(depth[v * W + 10]! / depthAt(v), `frame ${t} row ${v}`).toBeCloseTo(1, 2);
    }
  });
});
