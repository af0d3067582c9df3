/**
 * The depth stage's helper thread (sweep-helper.ts, depth-sweep.worker.ts): a worker that runs
 * coarseToFineSweep over views in shared memory. A sweep is the same computation on either thread, so
 * its result must be bit-identical to the one made here, and a shot's depth maps must be identical
 * whether a helper swept some of its frames or not (determinism whatever the core count).
 *
 * Under vitest the worker starts from its TypeScript source (jobs/workers.ts, source mode). Every worker
 * started is recorded (resolveWorker wrapped) so that the tests can see it exit.
 */
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { quatIdentity, type Camera } from '../../../src-shared/geometry';
import {
  coarseToFineSweep,
  ShotDepthEstimator,
  type CoarseToFineResult,
  type FrameDepth,
  type StereoView,
} from '../../../src-main/analysis/depth';
import {
  sharedImage,
  startSweepHelper,
  type SweepHelper,
  type SweepRequest,
} from '../../../src-main/analysis/depth/sweep-helper';
import { intrinsics, render, type ScenePlane } from '../../unit/depth/synthetic-scene';

const spawned = vi.hoisted(() => [] as { worker: Worker; exit: Promise<number> }[]);

vi.mock('../../../src-main/jobs/workers', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src-main/jobs/workers')>();
  return {
    ...actual,
    resolveWorker: (...args: Parameters<typeof actual.resolveWorker>) => {
      const spawn = actual.resolveWorker(...args);
      return {
        ...spawn,
        start: (data: unknown) => {
          const worker = spawn.start(data);
          const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
          spawned.push({ worker, exit });
          return worker;
        },
      };
    },
  };
});

const W = 192;
const H = 128;
const K = intrinsics(W, H, 160);
// a far textured wall and a near board on the left, as in the coarse-to-fine unit tests
const planes: ScenePlane[] = [
  { z: 6, phase: 0 },
  { z: 3, xMax: -0.3, phase: 1.3 },
];
const FRAMES = 6;
const cameras: Camera[] = Array.from({ length: FRAMES }, (_, k) => ({
  C: [0.06 * k - 0.15, 0.004 * k, 0.01 * Math.sin(k)],
  q: quatIdentity(),
  intrinsics: K,
}));
const views: StereoView[] = cameras.map((camera) => {
  const data = sharedImage(W, H);
  data.set(render(camera, planes).image.data);
  return { camera, image: { width: W, height: H, data } };
});
const OPTIONS: SweepRequest['options'] = {
  minDepth: 2,
  coarseLongSide: 48,
  coarseWindowRadius: 2,
  windowRadius: 3,
  fineWindowRadius: 3,
};
const SHOT = {
  sweep: { minDepth: 2, maxDepth: 12 },
  coarseToFine: { coarseLongSide: 48, coarseWindowRadius: 2, windowRadius: 3, fineWindowRadius: 3 },
};

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Every typed array of `b` holds exactly the bytes of `a`'s (same type, same length); the rest equal. */
function expectSameArrays(a: object, b: object, skip: readonly string[] = []): void {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  expect(Object.keys(rb).sort()).toEqual(Object.keys(ra).sort());
  let arrays = 0;
  for (const key of Object.keys(ra)) {
    if (skip.includes(key)) continue;
    const x = ra[key];
    const y = rb[key];
    if (ArrayBuffer.isView(x)) {
      arrays++;
      expect(ArrayBuffer.isView(y), key).toBe(true);
      expect((y as object).constructor, key).toBe((x as object).constructor);
      expect(Buffer.compare(bytes(x), bytes(y as ArrayBufferView)), key).toBe(0);
    } else expect(y, key).toEqual(x);
  }
  expect(arrays).toBeGreaterThan(0);
}

let helper: SweepHelper;
let calls = 0;
/** The helper, counting the sweeps it was asked for. */
const counting: SweepHelper = {
  sweep: (req) => {
    calls++;
    return helper.sweep(req);
  },
  close: () => helper.close(),
};

beforeAll(() => {
  // a frame without a view at the end: requests for it must fail cleanly
  helper = startSweepHelper([...views, null]);
});

afterAll(async () => {
  await helper?.close();
  for (const s of spawned) s.worker.ref();
  await Promise.all(spawned.map((s) => s.exit));
});

describe('sweep helper thread', () => {
  it('sweeps a frame exactly as this thread does (every array bit-identical)', async () => {
    const req: SweepRequest = { ref: 2, neighbours: [0, 4, 1, 3], options: OPTIONS };
    const [remote, local] = await Promise.all([
      helper.sweep(req),
      Promise.resolve().then(() =>
        coarseToFineSweep(
          views[2]!,
          req.neighbours.map((j) => views[j]!),
          OPTIONS,
        ),
      ),
    ]);
    // something was measured at all, so the comparison means something
    expect(local.valid.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.5 * W * H);
    expectSameArrays(local, remote, ['levels']);
    // the levels' sizes and steps too (their times differ)
    const lv = (r: CoarseToFineResult) =>
      r.levels.map(({ width, height, step }) => ({ width, height, step }));
    expect(lv(remote)).toEqual(lv(local));
    expect(remote.levels.map((l) => l.width)).toEqual([48, 96, 192]);
  });

  it('answers concurrent requests each with its own result', async () => {
    const reqs: SweepRequest[] = [
      { ref: 0, neighbours: [1, 2], options: OPTIONS },
      { ref: 5, neighbours: [4, 3], options: OPTIONS },
    ];
    const remote = await Promise.all(reqs.map((r) => helper.sweep(r)));
    for (const [k, r] of reqs.entries()) {
      const local = coarseToFineSweep(
        views[r.ref]!,
        r.neighbours.map((j) => views[j]!),
        OPTIONS,
      );
      expectSameArrays(local, remote[k]!, ['levels']);
    }
  });

  it('a request for a missing view rejects with a clear message, and the helper goes on working', async () => {
    await expect(helper.sweep({ ref: FRAMES, neighbours: [0, 1], options: OPTIONS })).rejects.toThrow(
      `depth-sweep: no view ${FRAMES}`,
    );
    await expect(helper.sweep({ ref: 0, neighbours: [1, 99], options: OPTIONS })).rejects.toThrow(
      'depth-sweep: no view 99',
    );
    const ok = await helper.sweep({ ref: 1, neighbours: [2, 0], options: OPTIONS });
    expect(ok.width).toBe(W);
  });

  it('ShotDepthEstimator with prepare(i, helper) gives exactly the FrameDepth of one without a helper', async () => {
    const alone = new ShotDepthEstimator(views, SHOT);
    const shared = new ShotDepthEstimator(views, SHOT);
    calls = 0;
    for (let i = 0; i < FRAMES; i++) {
      await shared.prepare(i, counting);
      const a: FrameDepth = alone.frame(i);
      const b: FrameDepth = shared.frame(i);
      expectSameArrays(a, b, ['timing']);
      expect(b.measured.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    }
    // the helper did take part
    expect(calls).toBeGreaterThan(0);
  });
});

describe('sweep helper lifecycle', () => {
  it('refuses views whose images are not in shared memory', () => {
    const before = spawned.length;
    const plain: StereoView = {
      camera: cameras[0]!,
      image: { width: W, height: H, data: new Float32Array(W * H) },
    };
    expect(() => startSweepHelper([views[0]!, plain])).toThrow(TypeError);
    expect(() => startSweepHelper([plain])).toThrow(/shared memory/);
    // no worker was started for them
    expect(spawned.length).toBe(before);
  });

  it('close() rejects pending requests and the worker exits (asked to, not terminated)', async () => {
    const before = spawned.length;
    const h = startSweepHelper(views);
    expect(spawned.length).toBe(before + 1);
    const { worker, exit } = spawned[before]!;
    const pending = [
      h.sweep({ ref: 3, neighbours: [1, 5, 2, 4], options: OPTIONS }),
      h.sweep({ ref: 4, neighbours: [2, 5], options: OPTIONS }),
    ];
    const settled = Promise.allSettled(pending);
    await h.close();
    for (const r of await settled) {
      expect(r.status).toBe('rejected');
      expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(/closed/);
    }
    // close() resolves once the thread has exited; it left through its own stop (exit code 0)
    expect(await exit).toBe(0);
    expect(worker.threadId).toBe(-1);
  });
});
