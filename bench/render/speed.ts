/**
 * Render speed (issue 14 item 5: "a 1920×1080 target frame from a 5-frame window at ≥ 10 frames/s on this
 * 2-core machine"). Inputs: orbit_a's true frames scaled to 1920×1080, its true depth at the analysis grid
 * of a 1080p shot (640×360), its true cameras; targets: orbit_a_target's cameras at 1920×1080. Each target
 * frame renders from a window of 5 source frames (the frame itself and ±1, ±2). Timed on one thread:
 * - Reshoot's reprojection (src-main/render/reproject.ts: forward-splatted consensus depth on the 640×360
 *   geometry grid, visibility-tested bilinear colour lookup at 1920×1080);
 * - the straightforward implementation, as a baseline in the same run: every source pixel of every window
 *   frame forward-projected at full resolution with its (nearest) depth into a one-pixel z-buffer.
 * Medians over the target frames; the ratio is baseline ÷ Reshoot. Then the render job's way: its pool of
 * worker threads (one per core) rendering the same frames and writing their files, as throughput.
 *
 *   npx tsx bench/render/speed.ts [--frames 12] [--write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quatToMat3, type Camera } from '../../src-shared/geometry';
import { reprojectFrame, type PlateSource } from '../../src-main/render/reproject';
import { REPROJECTION_SETTINGS } from '../../src-main/render/renders';
import { RenderWorkers } from '../../src-main/render/render-workers';
import type { FrameSettings } from '../../src-main/render/render-frame';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';
import { gtSource, loadGtShot } from './gt-inputs';

const argv = process.argv.slice(2);
const count = Number(argv[argv.indexOf('--frames') + 1] ?? 12) || 12;
const SETTINGS: FrameSettings = { ...REPROJECTION_SETTINGS, window: 5, fill: 'none' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** The straightforward forward splat: each source pixel, nearest depth, one-pixel z-buffer. */
function naiveSplat(target: Camera, sources: readonly PlateSource[]): { colour: Uint16Array; seen: number } {
  const kt = target.intrinsics;
  const W = kt.width,
    H = kt.height;
  const colour = new Uint16Array(W * H * 3);
  const zbuf = new Float32Array(W * H).fill(Infinity);
  const Rt = quatToMat3(target.q);
  for (const s of sources) {
    const Rs = quatToMat3(s.camera.q);
    const ks = s.camera.intrinsics;
    for (let y = 0; y < s.height; y++)
      for (let x = 0; x < s.width; x++) {
        const dx = Math.min(s.depthWidth - 1, Math.floor(((x + 0.5) * s.depthWidth) / s.width));
        const dy = Math.min(s.depthHeight - 1, Math.floor(((y + 0.5) * s.depthHeight) / s.height));
        const z = s.depth[dy * s.depthWidth + dx]!;
        if (!(z > 0)) continue;
        const xc = ((x + 0.5 - ks.cx) / ks.fx) * z,
          yc = ((y + 0.5 - ks.cy) / ks.fy) * z;
        // world point, then into the target camera
        const X = Rs[0]! * xc + Rs[1]! * yc + Rs[2]! * z + s.camera.C[0] - target.C[0];
        const Y = Rs[3]! * xc + Rs[4]! * yc + Rs[5]! * z + s.camera.C[1] - target.C[1];
        const Z = Rs[6]! * xc + Rs[7]! * yc + Rs[8]! * z + s.camera.C[2] - target.C[2];
        const tx = Rt[0]! * X + Rt[3]! * Y + Rt[6]! * Z,
          ty = Rt[1]! * X + Rt[4]! * Y + Rt[7]! * Z,
          tz = Rt[2]! * X + Rt[5]! * Y + Rt[8]! * Z;
        if (!(tz > 1e-6)) continue;
        const u = Math.floor((kt.fx * tx) / tz + kt.cx),
          v = Math.floor((kt.fy * ty) / tz + kt.cy);
        if (u < 0 || v < 0 || u >= W || v >= H) continue;
        const p = v * W + u;
        if (tz < zbuf[p]!) {
          zbuf[p] = tz;
          const q = 3 * (y * s.width + x);
          colour[3 * p] = s.colour[q]!;
          colour[3 * p + 1] = s.colour[q + 1]!;
          colour[3 * p + 2] = s.colour[q + 2]!;
        }
      }
  }
  let seen = 0;
  for (let p = 0; p < W * H; p++) if (zbuf[p]! < Infinity) seen++;
  return { colour, seen: seen / (W * H) };
}

const source = loadGtShot('orbit_a', 3);
const target = loadGtShot('orbit_a_target', 3);
const frames = Array.from({ length: count }, (_, i) =>
  Math.round(((i + 0.5) * source.cameras.length) / count),
);
const ours: number[] = [],
  base: number[] = [];
let seenOurs = 0,
  seenBase = 0;
for (const f of frames) {
  const window = [f, f - 1, f + 1, f - 2, f + 2].filter((i) => i >= 0 && i < source.cameras.length);
  const sources = window.map((i) => gtSource(source, i, 640, 360));
  const cam = target.cameras[f]!;
  let t = performance.now();
  const r = reprojectFrame(cam, sources, { ...REPROJECTION_SETTINGS, primary: true });
  ours.push(performance.now() - t);
  seenOurs += r.seen / frames.length;
  t = performance.now();
  const b = naiveSplat(cam, sources);
  base.push(performance.now() - t);
  seenBase += b.seen / frames.length;
}
// the render job's way: the worker pool (one thread per core) rendering and writing the frames' files
// (16-bit PNG colour, mask, depth); colour in shared memory as the job holds it
const out = mkdtempSync(path.join(os.tmpdir(), 'reshoot-bench-render-speed-'));
const workers = new RenderWorkers();
const shared = new Map<number, PlateSource>();
const sharedSource = (i: number): PlateSource => {
  let s = shared.get(i);
  if (!s) {
    const g = gtSource(source, i, 640, 360);
    const colour = new Uint16Array(new SharedArrayBuffer(2 * g.colour.length));
    colour.set(g.colour);
    s = { ...g, colour };
    shared.set(i, s);
  }
  return s;
};
let poolSeconds: number;
try {
  const jobs = frames.map((f) => ({
    f,
    sources: [f, f - 1, f + 1, f - 2, f + 2]
      .filter((i) => i >= 0 && i < source.cameras.length)
      .map(sharedSource),
  }));
  // one round to start the workers, then the timed one
  await Promise.all(
    jobs
      .slice(0, workers.size)
      .map((j) => workers.render(j.f, target.cameras[j.f]!, j.sources, { ...SETTINGS, primary: true }, out)),
  );
  const t0 = performance.now();
  await Promise.all(
    jobs.map((j) =>
      workers.render(j.f, target.cameras[j.f]!, j.sources, { ...SETTINGS, primary: true }, out),
    ),
  );
  poolSeconds = (performance.now() - t0) / 1000;
} finally {
  await workers.close();
  rmSync(out, { recursive: true, force: true });
}
const poolFps = frames.length / poolSeconds;
const mo = median(ours),
  mb = median(base);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const load = os.loadavg()[0]!.toFixed(2);
console.log(
  `reshoot ${mo.toFixed(0)} ms/frame (${(1000 / mo).toFixed(1)} fps, ${(100 * seenOurs).toFixed(1)} % seen); ` +
    `pool of ${workers.size} workers incl. files ${poolFps.toFixed(1)} fps; straightforward ${mb.toFixed(0)} ms (${(1000 / mb).toFixed(1)} fps, ${(100 * seenBase).toFixed(1)} % hit); ratio ${(mb / mo).toFixed(2)}×; load ${load}`,
);
await writeBenchmarkSection(
  'Render speed',
  `## Render speed

Machine: ${os.cpus().length}-core ${os.arch()} (${cpu}), no GPU, Node ${process.versions.node}. Date ${new Date().toISOString().slice(0, 10)}. 1-minute load average at the end: ${load}.
Command: \`npx tsx bench/render/speed.ts --frames ${count} --write\`. orbit_a's true frames scaled to 1920×1080 and its true depth at a 1080p shot's analysis grid (640×360); orbit_a_target's cameras at 1920×1080; ${count} target frames, each from a 5-frame window (the frame and ±1, ±2), one thread. The straightforward implementation (each source pixel forward-projected with its nearest depth into a one-pixel z-buffer, no visibility test, no hole handling) runs in the same process as the baseline.

| implementation | median per 1920×1080 frame | frames/s | share of the frame filled | runs (ms) |
| --- | ---: | ---: | ---: | --- |
| Reshoot reprojection (consensus depth, visibility-tested lookup, blend 3) | ${mo.toFixed(0)} ms | ${(1000 / mo).toFixed(1)} | ${(100 * seenOurs).toFixed(1)} % seen | ${ours.map((x) => x.toFixed(0)).join(', ')} |
| the render job's worker pool (${workers.size} threads), rendering and writing each frame's 16-bit PNG, mask and depth | ${(1000 / poolFps).toFixed(0)} ms per frame of throughput | ${poolFps.toFixed(1)} | — | ${frames.length} frames in ${poolSeconds.toFixed(1)} s |
| straightforward forward splat (baseline) | ${mb.toFixed(0)} ms | ${(1000 / mb).toFixed(1)} | ${(100 * seenBase).toFixed(1)} % of pixels hit | ${base.map((x) => x.toFixed(0)).join(', ')} |

Ratio baseline ÷ Reshoot: ${(mb / mo).toFixed(2)}×.
`,
);
