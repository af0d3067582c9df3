/**
 * Dense depth without a model on ../shared/gt, every frame (or --frames a,b,c), GT cameras as input, or
 * with `--cameras solved` the product's own chain: KLT tracks of the frames → solveCamera (focal estimated)
 * → plane sweep with the solved cameras and sparse points; depth is then in the solve's gauge, so the one
 * global scale (median of gt/d over every valid pixel of the shot) is applied before AbsRel.
 * Run: npx tsx bench/depth/gt-eval.ts [--shots orbit_a,dolly_a] [--frames 0,24,47] [--cameras gt|solved]
 *      [--json out.json]
 *
 * Counting (same as tests/integration/depth): compared at the gt depth grid 320×180; pixels with gt = 0
 * (sky) are excluded from everything. "valid %" = pixels of our validity mask (measured: photometrically
 * matched and geometrically consistent with ≥ 1 other view; or plane-interpolated over a textureless hole)
 * / non-sky pixels. AbsRel = mean |d − gt| / gt over those. "measured" = the measured pixels alone.
 * "filled-all" scores the hole-filled map on every non-sky pixel.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scaleIntrinsics, type Camera } from '../../src-shared/geometry';
import { probeMedia } from '../../src-main/media';
import { grayFrames, KltTracker } from '../../src-main/analysis/tracking';
import { solveCamera, solveToCameraTrack } from '../../src-main/analysis/camera';
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
const solved = arg('cameras') === 'solved';

/** The product's chain from frames to cameras at the depth grid and sparse points (solved mode). */
async function solvedCameras(
  dir: string,
  firstFrame: string,
): Promise<{ cameras: Camera[]; points: Float32Array; focalErr: number; line: string }> {
  const facts = await probeMedia(path.join(dir, firstFrame));
  const trk = new KltTracker(facts.width, facts.height, {});
  for await (const f of grayFrames(facts)) trk.push(f.image);
  const solve = await solveCamera(trk.result());
  if (solve.status !== 'solved') throw new Error(`${dir}: ${solve.message}`);
  const track = solveToCameraTrack(solve, [24, 1]);
  const cameras = track.frames.map((f) => ({
    ...f.camera,
    intrinsics: scaleIntrinsics(f.camera.intrinsics, 0.5),
  }));
  const trueF = (28 / 36) * facts.width;
  return {
    cameras,
    points: solve.points.xyz,
    focalErr: solve.intrinsics.fx / trueF - 1,
    line: `solved camera: focal ${solve.intrinsics.fx.toFixed(1)} px, ${solve.points.trackId.length} points`,
  };
}
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
  const sol = solved ? await solvedCameras(shot.dir, shot.frameFiles[0]!) : null;
  if (sol) console.log(`${name} ${sol.line} (${(100 * sol.focalErr).toFixed(2)} % off)`);
  const views = (sol?.cameras ?? shot.cameras).map((camera, i) => ({ camera, image: imgs.get(i)! }));
  const est = new ShotDepthEstimator(
    views,
    sol ? { sparsePoints: sol.points } : { sweep: { minDepth: 1, maxDepth: 150 } },
  );
  // solved mode: keep every frame's map for the one global scale of the shot
  const kept: { depth: Float32Array; valid: Uint8Array; measured: Uint8Array; gt: Float32Array }[] = [];
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
    if (sol)
      kept.push({ depth: fr.depth.slice(), valid: fr.valid.slice(), measured: fr.measured.slice(), gt });
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
  if (sol) {
    // the one global scale: median gt/d over every valid pixel of the shot
    const ratios: number[] = [];
    for (const k of kept)
      for (let i = 0; i < k.gt.length; i++)
        if (k.gt[i]! > 0 && k.valid[i] && k.depth[i]! > 0) ratios.push(k.gt[i]! / k.depth[i]!);
    const scale = med(ratios);
    let e = 0,
      n = 0,
      eM = 0,
      nM2 = 0,
      worst = 0;
    for (const k of kept) {
      let ef = 0,
        nf = 0;
      for (let i = 0; i < k.gt.length; i++) {
        const g = k.gt[i]!;
        if (!(g > 0) || !k.valid[i] || !(k.depth[i]! > 0)) continue;
        const r = Math.abs(scale * k.depth[i]! - g) / g;
        e += r;
        n++;
        ef += r;
        nf++;
        if (k.measured[i]) {
          eM += r;
          nM2++;
        }
      }
      if (nf) worst = Math.max(worst, ef / nf);
    }
    console.log(
      `== ${name} (solved cameras, one global scale ${scale.toFixed(4)}): AbsRel ${(e / n).toFixed(4)} on valid pixels (worst frame ${worst.toFixed(4)}), measured only ${(eM / nM2).toFixed(4)}`,
    );
  }
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
