/**
 * The issue-5 depth bar on one gt shot, shared by the per-shot test files (two files so the integration
 * project's two workers run the shots in parallel). GT cameras in, no model, 320×180 (the gt depth grid).
 *
 * Counting: pixels with gt = 0 (sky) are left out of everything. "valid" = our validity mask
 * (measured ∪ plane-interpolated, see shot-depth.ts) on non-sky pixels / non-sky pixels; AbsRel over
 * those. Measured-only figures are logged beside it. Hole-filled pixels are never counted as valid.
 */
import os from 'node:os';
import { expect } from 'vitest';
import { ShotDepthEstimator } from '../../../src-main/analysis/depth';
import { loadGtDepth, loadGtDepthShot, loadGtGray, scoreDepth } from './gt-depth-data';

export const BAR = { absRel: 0.1, validFraction: 0.8 };

export async function checkShot(name: string, frames: readonly number[]): Promise<void> {
  const shot = loadGtDepthShot(name);
  const T = shot.cameras.length;
  // frames the sweeps and consistency partners need: f ± 2 (partners) and their neighbours (± 4 more)
  const need = new Set<number>();
  for (const f of frames) for (let d = -8; d <= 8; d++) if (f + d >= 0 && f + d < T) need.add(f + d);
  const imgs = await loadGtGray(shot, [...need]);
  const fallback = imgs.get(frames[0]!)!;
  const views = shot.cameras.map((camera, i) => ({ camera, image: imgs.get(i) ?? fallback }));
  const est = new ShotDepthEstimator(views, { sweep: { minDepth: 1, maxDepth: 150 } });
  let sumErr = 0,
    sumErrS = 0,
    nValid = 0,
    nGt = 0,
    sumM = 0,
    nM = 0;
  const lines: string[] = [];
  for (const f of frames) {
    const fr = est.frame(f);
    for (const j of [...fr.neighbours, ...fr.consistencyPartners]) expect(imgs.has(j)).toBe(true);
    const gt = loadGtDepth(shot, f);
    const s = scoreDepth(fr.depth, fr.valid, gt);
    const m = scoreDepth(fr.depth, fr.measured, gt);
    sumM += m.absRel * m.validPixels;
    nM += m.validPixels;
    sumErr += s.absRel * s.validPixels;
    sumErrS += s.absRelScaled * s.validPixels;
    nValid += s.validPixels;
    nGt += s.gtPixels;
    lines.push(
      `${name} frame ${f}: valid ${(100 * s.validFraction).toFixed(1)} % of non-sky, AbsRel ${s.absRel.toFixed(4)}, ` +
        `after median-ratio scale ${s.scale.toFixed(4)}: ${s.absRelScaled.toFixed(4)}; measured only ` +
        `${(100 * m.validFraction).toFixed(1)} %, AbsRel ${m.absRel.toFixed(4)}; sweep ${fr.timing.sweepMs.toFixed(0)} ms`,
    );
    // every frame on its own must be sane, the bar is on the shot's pooled pixels
    expect(s.validFraction).toBeGreaterThan(0.7);
    expect(s.absRel).toBeLessThan(0.15);
  }
  const absRel = sumErr / nValid;
  const valid = nValid / nGt;
  lines.push(
    `${name}: pooled over ${frames.length} frames: valid ${(100 * valid).toFixed(1)} %, AbsRel ${absRel.toFixed(4)}, ` +
      `after median-ratio scale ${(sumErrS / nValid).toFixed(4)}; measured only ${((100 * nM) / nGt).toFixed(1)} %, ` +
      `AbsRel ${(sumM / nM).toFixed(4)} (load ${os.loadavg()[0]!.toFixed(1)})`,
  );
  console.log(lines.join('\n'));
  expect(absRel).toBeLessThanOrEqual(BAR.absRel);
  expect(sumErrS / nValid).toBeLessThanOrEqual(BAR.absRel);
  expect(valid).toBeGreaterThanOrEqual(BAR.validFraction);
}
