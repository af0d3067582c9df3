/**
 * Dense depth without a model on ../shared/gt, every frame (or --frames a,b,c), GT cameras as input.
 * Run: npx tsx bench/depth/gt-eval.ts [--shots orbit_a,dolly_a] [--frames 0,24,47] [--json out.json]
 *
 * Counting (same as tests/integration/depth): compared at the gt depth grid 320×180; pixels with gt = 0
 * (sky) are excluded from everything. "valid %" = pixels of our validity mask (measured: photometrically
 * matched and geometrically consistent with ≥ 1 other view; or plane-interpolated over a textureless hole)
 * / non-sky pixels. AbsRel = mean |d − gt| / gt over those. "measured" = the measured pixels alone.
 * "filled-all" scores the hole-filled map on every non-sky pixel.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { ShotDepthEstimator } from '../../src-main/analysis/depth';
import {
  loadGtDepth,
  loadGtDepthShot,
  loadGtGray,
  scoreDepth,
} from '../../tests/integration/depth/gt-depth-data';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const shots = (arg('shots') ?? 'orbit_a,dolly_a').split(',');
const rows: Record<string, unknown>[] = [];
for (const name of shots) {
  const shot = loadGtDepthShot(name);
  const T = shot.cameras.length;
  const frames = arg('frames')
    ? arg('frames')!.split(',').map(Number)
    : Array.from({ length: T }, (_, i) => i);
  const imgs = await loadGtGray(
    shot,
    Array.from({ length: T }, (_, i) => i),
  );
  const views = shot.cameras.map((camera, i) => ({ camera, image: imgs.get(i)! }));
  const est = new ShotDepthEstimator(views, { sweep: { minDepth: 1, maxDepth: 150 } });
  let sumErr = 0,
    sumErrS = 0,
    nValid = 0,
    nGt = 0,
    sumFill = 0,
    nFill = 0,
    sumM = 0,
    nM = 0;
  const sweepMs: number[] = [];
  const postMs: number[] = [];
  for (const f of frames) {
    const fr = est.frame(f);
    const gt = loadGtDepth(shot, f);
    const s = scoreDepth(fr.depth, fr.valid, gt);
    const all = scoreDepth(fr.depth, new Uint8Array(gt.length).fill(1), gt);
    const m = scoreDepth(fr.depth, fr.measured, gt);
    sumM += m.absRel * m.validPixels;
    nM += m.validPixels;
    sumErr += s.absRel * s.validPixels;
    sumErrS += s.absRelScaled * s.validPixels;
    nValid += s.validPixels;
    nGt += s.gtPixels;
    sumFill += all.absRel * all.validPixels;
    nFill += all.validPixels;
    sweepMs.push(fr.timing.sweepMs);
    postMs.push(fr.timing.postMs);
    const row = {
      shot: name,
      frame: f,
      validPct: 100 * s.validFraction,
      absRel: s.absRel,
      scale: s.scale,
      absRelScaled: s.absRelScaled,
      within10: s.within10,
      filledAbsRel: all.absRel,
      measuredPct: 100 * m.validFraction,
      measuredAbsRel: m.absRel,
      sweepMs: fr.timing.sweepMs,
      postMs: fr.timing.postMs,
    };
    rows.push(row);
    console.log(
      `${name} ${String(f).padStart(2)} valid ${row.validPct.toFixed(1)}% absRel ${s.absRel.toFixed(4)} (scaled ${s.absRelScaled.toFixed(4)}, s=${s.scale.toFixed(4)}) measured ${(100 * m.validFraction).toFixed(1)}% ${m.absRel.toFixed(4)} filled-all ${all.absRel.toFixed(4)} sweep ${fr.timing.sweepMs.toFixed(0)} ms post ${fr.timing.postMs.toFixed(0)} ms`,
    );
    est.forget(f - 2, T);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  console.log(
    `== ${name}: frames ${frames.length}, valid ${((100 * nValid) / nGt).toFixed(1)}%, AbsRel ${(sumErr / nValid).toFixed(4)}, after median-ratio scale ${(sumErrS / nValid).toFixed(4)}, measured ${((100 * nM) / nGt).toFixed(1)}% AbsRel ${(sumM / nM).toFixed(4)}, filled-all AbsRel ${(sumFill / nFill).toFixed(4)}, median sweep ${med(sweepMs).toFixed(0)} ms, median post ${med(postMs).toFixed(0)} ms`,
  );
}
console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const out = arg('json');
if (out) writeFileSync(out, JSON.stringify(rows, null, 1));
