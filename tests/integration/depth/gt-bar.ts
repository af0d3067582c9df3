/**
 * The depth bar (issues 5 and 12) on one gt shot, shared by the per-shot test files (one file per shot so
 * the integration project's workers run the shots in parallel). GT cameras in, no model, depth at the
 * analysis resolution 640×360 (the frames as they are); the truth is 320×180, so each of our pixels is
 * compared with the truth of the gt pixel it lies in.
 *
 * Counting: pixels whose gt is 0 (sky) are left out of everything. "valid" = our validity mask
 * (measured ∪ propagated, see shot-depth.ts) on non-sky pixels / non-sky pixels; AbsRel over those.
 * Measured-only figures are logged beside it. Hole-filled pixels are never counted as valid.
 * bench/depth/gt-eval.ts has the full figures (every frame, solved cameras, temporal, edges, infinity).
 */
import os from 'node:os';
import { expect } from 'vitest';
import { DEFAULT_VIEW_WINDOW, ShotDepthEstimator } from '../../../src-main/analysis/depth';
import { loadGtDepth, loadGtDepthShot, loadGtGray, scoreDepth } from './gt-depth-data';

export const BAR = { absRel: 0.1, validFraction: 0.8 };

/** Each gt pixel repeated k×k times: the truth of the gt pixel every one of our pixels lies in. */
function upsampleNearest(gt: Float32Array, w: number, h: number, k: number): Float32Array {
  const W = w * k;
  const out = new Float32Array(W * h * k);
  for (let y = 0; y < h * k; y++)
    for (let x = 0; x < W; x++) out[y * W + x] = gt[Math.floor(y / k) * w + Math.floor(x / k)]!;
  return out;
}

export async function checkShot(name: string, frames: readonly number[]): Promise<void> {
  const shot = loadGtDepthShot(name);
  const T = shot.cameras.length;
  // frames the sweeps, consistency partners and their partners need: f ± 4 and the views of those
  const reach = 4 + DEFAULT_VIEW_WINDOW;
  const need = new Set<number>();
  for (const f of frames) for (let d = -reach; d <= reach; d++) if (f + d >= 0 && f + d < T) need.add(f + d);
  const imgs = await loadGtGray(shot, [...need], 'full');
  const fallback = imgs.get(frames[0]!)!;
  const views = shot.fullCameras.map((camera, i) => ({ camera, image: imgs.get(i) ?? fallback }));
  const est = new ShotDepthEstimator(views, { sweep: { minDepth: 1, maxDepth: 150 }, fill: false });
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
    const gt = upsampleNearest(loadGtDepth(shot, f), shot.width, shot.height, fr.width / shot.width);
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
