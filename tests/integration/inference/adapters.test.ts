import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runCoTracker3,
  runDepthAnythingV2,
  runVideoDepthAnything,
  type RgbImage,
} from '../../../src-main/inference/adapters';
import { builtinManifests, contractMismatches } from '../../../src-main/inference/manifest';
import { InferenceRuntime } from '../../../src-main/inference/runtime';
import {
  coTracker3Contract,
  depthAnythingV2Contract,
  videoDepthAnythingContract,
  writeModel,
} from '../../helpers/onnx-builder';
import { tempDir } from '../../helpers/temp';

/** RGB frame whose red channel is a ramp in x (0 at the left edge … 255 at the right), green = `g`. */
function rampFrame(w: number, h: number, g = 0, channels: 3 | 4 = 3): RgbImage {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * channels;
      data[i] = Math.round((255 * x) / (w - 1));
      data[i + 1] = g;
      data[i + 2] = 255 - data[i]!;
      if (channels === 4) data[i + 3] = 255;
    }
  return { width: w, height: h, channels, data };
}

function flatFrame(w: number, h: number, v: number): RgbImage {
  return { width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).fill(v) };
}

const tmp = tempDir('reshoot-adapters-');
const paths = {
  da: join(tmp.dir, 'depth_anything_v2_small.onnx'),
  vda: join(tmp.dir, 'video_depth_anything_vits.onnx'),
  ct: join(tmp.dir, 'cotracker3_offline.onnx'),
};
let rt: InferenceRuntime;

beforeAll(() => {
  writeModel(paths.da, depthAnythingV2Contract());
  writeModel(paths.vda, videoDepthAnythingContract());
  writeModel(paths.ct, coTracker3Contract());
  rt = new InferenceRuntime({ providers: ['cpu'], log: () => undefined });
});
afterAll(async () => {
  await rt.close();
  tmp.cleanup();
});

/** Interior max error of depth vs the red ramp (edges excluded: resampling clamps there). */
function rampError(depth: Float32Array, w: number, h: number): number {
  let worst = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 2; x < w - 2; x++)
      worst = Math.max(worst, Math.abs(depth[y * w + x]! - Math.round((255 * x) / (w - 1)) / 255));
  return worst;
}

describe('contract models follow the manifests', () => {
  it('each built graph loads with the exact contract of its manifest', async () => {
    const pairs = [
      ['depth-anything-v2-small', paths.da],
      ['video-depth-anything-small', paths.vda],
      ['cotracker3', paths.ct],
    ] as const;
    for (const [id, p] of pairs) {
      const info = await rt.load({ path: p });
      const m = builtinManifests().find((x) => x.id === id)!;
      expect(contractMismatches(m, info), id).toEqual([]);
    }
  });

  it('the built graphs pass onnx.checker in Debian python3-onnx', (ctx) => {
    const py = '/usr/bin/python3';
    const has = spawnSync(py, ['-c', 'import onnx'], { encoding: 'utf8' });
    if (has.status !== 0) ctx.skip();
    for (const p of Object.values(paths)) {
      const r = spawnSync(
        py,
        ['-c', `import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)`, p],
        { encoding: 'utf8' },
      );
      expect(r.status, `${p}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('depth adapters end to end through onnxruntime', () => {
  it('Depth Anything V2: resize, pad to 14, ImageNet normalise, crop, resize back', async () => {
    // 100×37 is far from a multiple of 14 at any scale; short side 70 keeps the test fast.
    for (const [w, h, shortSide] of [
      [100, 37, 70],
      [64, 48, 518],
    ] as const) {
      const frame = rampFrame(w, h, 30, 4);
      const r = await runDepthAnythingV2(rt, paths.da, [frame], { shortSide });
      expect(r.provider).toBe('cpu');
      expect([r.width, r.height]).toEqual([w, h]);
      expect(r.depth[0]!.length).toBe(w * h);
      // The graph returns the un-normalised red channel: a correct adapter gives back the ramp.
      expect(rampError(r.depth[0]!, w, h)).toBeLessThan(0.01);
    }
  });

  it('Video Depth Anything: frames stay in order across windows', async () => {
    const frames = [0, 1, 2, 3, 4].map((i) => flatFrame(30, 20, 40 * i + 10));
    const r = await runVideoDepthAnything(rt, paths.vda, frames, { shortSide: 28, window: 2 });
    expect(r.depth).toHaveLength(5);
    r.depth.forEach((d, i) => {
      expect(d.length).toBe(600);
      expect(d[123]).toBeCloseTo((40 * i + 10) / 255, 4);
    });
    const ramp = await runVideoDepthAnything(rt, paths.vda, [rampFrame(45, 31)], { shortSide: 42 });
    expect(rampError(ramp.depth[0]!, 45, 31)).toBeLessThan(0.01);
  });

  it('cancellation stops between frames', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      runDepthAnythingV2(rt, paths.da, [rampFrame(20, 20)], { signal: ac.signal, shortSide: 28 }),
    ).rejects.toThrow(/abort/i);
  });
});

describe('CoTracker3 adapter end to end through onnxruntime', () => {
  it('resizes to 384×512 in 0..255, scales queries in and tracks out, track-major, +0.5 pixel centres', async () => {
    const W = 200,
      H = 100,
      T = 3;
    const frames = [50, 100, 200].map((v) => flatFrame(W, H, v));
    const queries = [
      { t: 0, x: 50.5, y: 20.5 },
      { t: 1, x: 0.5, y: 99.5 },
    ];
    const r = await runCoTracker3(rt, paths.ct, frames, queries);
    expect(r.provider).toBe('cpu');
    expect([r.numFrames, r.numPoints]).toEqual([T, 2]);
    // Graph: model-space track = query + (t, 2t). Back in shot pixels: q + t·(W−1)/511, q + 2t·(H−1)/383.
    for (let n = 0; n < 2; n++)
      for (let t = 0; t < T; t++) {
        expect(r.x[n * T + t]).toBeCloseTo(queries[n]!.x + (t * (W - 1)) / 511, 3);
        expect(r.y[n * T + t]).toBeCloseTo(queries[n]!.y + (2 * t * (H - 1)) / 383, 3);
      }
    // visibility = mean(frame)/255 proves the video reached the model in 0..255 at full resolution.
    expect(r.visibility[0 * T + 2]).toBeCloseTo(200 / 255, 4);
    expect(r.confidence[1 * T + 0]).toBeCloseTo(1 - 50 / 255, 4);
    // visible = vis × conf > 0.6 — never for these values (max 0.25).
    expect(Array.from(r.visible)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects queries outside the clip, naming the query', async () => {
    await expect(runCoTracker3(rt, paths.ct, [flatFrame(8, 8, 1)], [{ t: 3, x: 1, y: 1 }])).rejects.toThrow(
      /query 0 at frame 3/,
    );
  });
});
