/**
 * Dense depth speed at 640×360 (the analysis resolution) on real frames of ../shared/gt, every figure from
 * this one run:
 *
 * - reference: the full plane sweep (plane-sweep.ts) at 640×360 — every plane (64, uniform in inverse
 *   depth) against the 6 frames at ±1, ±2, ±4, 19×19 windows, guided cost filter: the straightforward
 *   method, kept for tests and to quote speed-ups against;
 * - coarse-to-fine: the sweep the product runs (coarse-to-fine.ts) for the same reference frames, with
 *   the views view-selection.ts chooses;
 * - per frame, one thread: the whole no-model pipeline (sweep, consistency, fusion, propagation,
 *   infinity, planar fill) walking the shot in order, as "Analyze shot" does;
 * - per frame, two threads: the same with the helper thread sweeping ahead (sweep-helper.ts), as the
 *   depth stage runs on a 2-core machine.
 *
 * Cameras are the true ones (the speed does not depend on where they come from; docs/depth.md has the
 * quality with solved cameras). Times are wall-clock medians.
 *
 * Run: npx tsx bench/depth/speed.ts [--shots orbit_a,handheld_a] [--frames 24] [--write]
 * --write replaces the "## Dense depth at 640 px" section of docs/BENCHMARKS.md.
 */
import os from 'node:os';
import {
  chooseNeighbours,
  coarseToFineSweep,
  grayFromRgb,
  planeSweep,
  ShotDepthEstimator,
  SweepBuffers,
  type StereoView,
} from '../../src-main/analysis/depth';
import { sharedImage, startSweepHelper } from '../../src-main/analysis/depth/sweep-helper';
import { loadGtDepthShot, loadGtRgb } from '../../tests/integration/depth/gt-depth-data';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const shots = (arg('shots') ?? 'orbit_a,handheld_a').split(',');
const walk = Number(arg('frames') ?? 24);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;

interface Row {
  shot: string;
  referenceMs: number;
  sweepMs: number;
  /** The same coarse-to-fine sweep with the TypeScript kernels (the WebAssembly ones' reference). */
  sweepTsMs: number;
  oneThreadMs: number;
  twoThreadMs: number;
  frames: number;
}
const rows: Row[] = [];
for (const name of shots) {
  const shot = loadGtDepthShot(name);
  const T = shot.fullCameras.length;
  const rgb = await loadGtRgb(
    shot,
    Array.from({ length: T }, (_, i) => i),
  );
  const views: StereoView[] = Array.from({ length: T }, (_, i) => ({
    image: grayFromRgb(rgb.get(i)!, 640, 360, 3, sharedImage(640, 360)),
    camera: shot.fullCameras[i]!,
  }));
  const cams = views.map((v) => v.camera);
  const options = { sweep: { minDepth: 1, maxDepth: 150 }, fill: false as const };
  // reference and coarse-to-fine sweeps of the same reference frames
  const refs = [Math.floor(T / 4), Math.floor(T / 2), Math.floor((3 * T) / 4)];
  const buf = new SweepBuffers(640, 360);
  const reference: number[] = [];
  const sweeps: number[] = [];
  const sweepsTs: number[] = [];
  const probe = new ShotDepthEstimator(views, options);
  for (const r of refs) {
    const nb = chooseNeighbours(cams, r, { sceneDepth: Math.sqrt(150) });
    let t0 = performance.now();
    planeSweep(
      views[r]!,
      nb.map((j) => views[j]!),
      { minDepth: 1, maxDepth: 150, planes: 64, windowRadius: 9 },
      buf,
    );
    reference.push(performance.now() - t0);
    const req = probe.sweepRequest(r);
    coarseToFineSweep(
      views[r]!,
      req.neighbours.map((j) => views[j]!),
      req.options,
    ); // warm
    t0 = performance.now();
    coarseToFineSweep(
      views[r]!,
      req.neighbours.map((j) => views[j]!),
      req.options,
    );
    sweeps.push(performance.now() - t0);
    const ts = { ...req.options, kernels: 'typescript' as const };
    coarseToFineSweep(
      views[r]!,
      req.neighbours.map((j) => views[j]!),
      ts,
    ); // warm
    t0 = performance.now();
    coarseToFineSweep(
      views[r]!,
      req.neighbours.map((j) => views[j]!),
      ts,
    );
    sweepsTs.push(performance.now() - t0);
  }
  // the pipeline walking `walk` frames from the middle of the shot, one thread then two
  const from = Math.max(0, Math.floor(T / 2) - Math.floor(walk / 2));
  const to = Math.min(T, from + walk);
  const one = new ShotDepthEstimator(views, options);
  let t0 = performance.now();
  for (let i = from; i < to; i++) one.frame(i);
  const oneThreadMs = (performance.now() - t0) / (to - from);
  const two = new ShotDepthEstimator(views, options);
  const helper = startSweepHelper(views);
  try {
    t0 = performance.now();
    for (let i = from; i < to; i++) {
      await two.prepare(i, helper);
      two.frame(i);
    }
  } finally {
    await helper.close();
  }
  const twoThreadMs = (performance.now() - t0) / (to - from);
  rows.push({
    shot: name,
    referenceMs: median(reference),
    sweepMs: median(sweeps),
    sweepTsMs: median(sweepsTs),
    oneThreadMs,
    twoThreadMs,
    frames: to - from,
  });
  console.log(rows.at(-1));
}

const load = os.loadavg();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '## Dense depth at 640 px',
  '',
  'Dense depth at the analysis resolution, 640×360, on the real frames of `../shared/gt` (true cameras).',
  'Reference = the full plane sweep at 640×360 (64 planes, the 6 frames at ±1, ±2, ±4, 19×19 windows, guided',
  'cost filter); coarse-to-fine = the sweep the product runs (planes on a 160×90 level, then a few per-pixel',
  'hypotheses at 320 and 640, views chosen by parallax and overlap), scored by the WebAssembly SIMD kernels',
  '(native/stereo) and, for the speed-up, by the TypeScript kernels they mirror bit for bit. Sweep figures: median of 3 reference',
  `frames (a quarter, half and three quarters into the shot). Pipeline figures: ${walk} consecutive frames from the middle of`,
  'the shot, everything per frame (sweep, consistency, fusion, propagation, infinity, planar fill), per frame',
  'on one thread, and with the helper thread sweeping ahead (the depth stage on a 2-core machine).',
  '',
  `- Machine: ${os.cpus().length}-core x86_64 (${cpu}), no GPU, Node ${process.versions.node}; shared with other engineers`,
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  `- Load average when the run finished: ${load.map((x) => x.toFixed(2)).join(' / ')} (1 / 5 / 15 min) — absolute times are upper bounds; ratios are within this run`,
  '- Command: `npx tsx bench/depth/speed.ts --write`',
  '',
  '| shot | reference sweep ms | coarse-to-fine sweep, TypeScript kernels, ms | coarse-to-fine sweep, WebAssembly kernels, ms | WebAssembly speed-up | sweep speed-up vs reference | pipeline, 1 thread, ms/frame | pipeline, 2 threads, ms/frame | frames/s (2 threads) | vs reference sweep alone |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.shot} | ${r.referenceMs.toFixed(0)} | ${r.sweepTsMs.toFixed(0)} | ${r.sweepMs.toFixed(0)} | ${(r.sweepTsMs / r.sweepMs).toFixed(2)}× | ${(r.referenceMs / r.sweepMs).toFixed(1)}× | ${r.oneThreadMs.toFixed(0)} | ${r.twoThreadMs.toFixed(0)} | ${(1000 / r.twoThreadMs).toFixed(2)} | ${(r.referenceMs / r.twoThreadMs).toFixed(1)}× |`,
  ),
  '',
];
const text = lines.join('\n');
console.log(text);
await writeBenchmarkSection('Dense depth at 640 px', text);
