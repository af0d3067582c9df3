/**
 * Dense depth without a model on ../shared/gt, scored against the true depth (issue 12's figures).
 *
 * Run: npx tsx bench/depth/gt-eval.ts [--shots orbit_a,dolly_a,handheld_a] [--grid 640|320]
 *      [--cameras gt|solved] [--frames 0,12,24] [--no-pairs] [--json out.json]
 *
 * Input: `--grid 640` (default) feeds the frames as they are (640×360) with full-resolution cameras; `--grid 320`
 * feeds them 2×2 box-averaged to 320×180 with cameras at K/2. `--cameras gt` uses the true cameras (sweep range
 * 1–150 m); `--cameras solved` runs the user's chain: KLT tracks of the frames → solveCamera (focal estimated)
 * → the estimator with the solved cameras and sparse points (depth then in the solve's gauge). The estimator is
 * used only through `new ShotDepthEstimator(views, options).frame(i)`: `depth`, `state` (DepthState in the low 2
 * bits: measured / propagated = valid, infinity), `width`, `height`. Every frame of a shot is evaluated in order
 * unless `--frames` lists some; each listed frame then also gets frame f+1 (f−1 for the last) evaluated so the
 * temporal figure has a pair, unless `--no-pairs`. All figures pool every evaluated frame of a shot.
 *
 * Scoring (definitions in tests/integration/depth/depth-metrics.ts). The gt is 320×180 planar depth, 0 = sky;
 * the estimate's grid must be an integer multiple k of it. PRIMARY: the gt grid — each gt pixel takes the
 * estimate's k×k block (valid only if every block pixel is valid; depth = the block's mean inverse depth,
 * inverted). Also reported, at the estimate's own grid ("own grid"): gt bilinearly upsampled (in inverse depth)
 * where the gt neighbours are all non-sky and within 5 % of each other; other pixels are not scored there.
 * - (a) One global scale per shot s = median(gt / d) over every valid non-sky gt-grid pixel of every evaluated
 *   frame (≈ 1 with gt cameras; the solve's gauge with solved cameras), applied before every AbsRel (both grids,
 *   edge band). "valid %" = valid non-sky pixels / non-sky pixels; AbsRel = mean |s·d − gt| / gt over them;
 *   "meas" = the same for the measured pixels alone; "worst" = the worst frame's AbsRel (valid).
 *   Target: AbsRel ≤ 0.10 with valid ≥ 80 %, per shot.
 * - (b) Temporal: each evaluated pair (i, i+1); frame i's estimate reprojected into i+1 with the cameras the
 *   estimator used (scale-free) against frame i+1's estimate, |z_proj − d_{i+1}| / d_{i+1}, over the gt-grid
 *   pixels mutually visible by the gt test (gt of i reprojected with the gt cameras agrees with gt of i+1 within
 *   1 %, both non-sky, lands inside; the scene is static). "cov" = share of those where both estimates are
 *   valid. Median and p90 pooled over every pair's pixels. Targets: median ≤ 1 %, p90 ≤ 3 %, cov ≥ 75 %.
 * - (c) Edge band: non-sky gt-grid pixels within 2 px (Chebyshev) of a gt depth discontinuity (either pixel of a
 *   4-neighbour pair with depth ratio > 1.15 or with sky on one side): AbsRel of the valid estimates there,
 *   the share of those within 5 % of the truth ("≤5%"), and the share of the band that is valid ("valid").
 * - (d) At the estimate's grid, each pixel under the gt pixel that contains it: share of sky (gt = 0) pixels
 *   whose state is infinity ("sky→inf"), and of non-sky pixels marked infinity ("false inf").
 * - ms/frame: median wall time of one frame(i) call (with --frames it includes the partners' sweeps).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scaleIntrinsics, type Camera } from '../../src-shared/geometry';
import { probeMedia } from '../../src-main/media';
import { grayFrames, KltTracker } from '../../src-main/analysis/tracking';
import { solveCamera, solveToCameraTrack } from '../../src-main/analysis/camera';
import { ShotDepthEstimator } from '../../src-main/analysis/depth';
import { loadGtDepth, loadGtDepthShot, loadGtGray } from '../../tests/integration/depth/gt-depth-data';
import {
  absRelStats,
  addStats,
  blockReduce,
  collectRatios,
  discontinuityBand,
  emptyStats,
  gridFactor,
  quantile,
  skyInfinity,
  temporalConsistency,
  upsampleGt,
  type AbsRelStats,
} from '../../tests/integration/depth/depth-metrics';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const shots = (arg('shots') ?? 'orbit_a,dolly_a,handheld_a').split(',');
const camerasMode = arg('cameras') ?? 'gt';
if (camerasMode !== 'gt' && camerasMode !== 'solved')
  throw new Error(`--cameras gt|solved, not ${camerasMode}`);
const solved = camerasMode === 'solved';
const grid = Number(arg('grid') ?? 640);
if (grid !== 640 && grid !== 320) throw new Error(`--grid 640|320, not ${grid}`);
const pairs = !process.argv.includes('--no-pairs');
const STATE_MEASURED = 1;
const STATE_PROPAGATED = 2;

/** The product's chain from frames to cameras (full resolution) and sparse points (solved mode). */
async function solvedCameras(
  dir: string,
  firstFrame: string,
  T: number,
): Promise<{ cameras: Camera[]; points: Float32Array | Float64Array; focalErr: number; line: string }> {
  const facts = await probeMedia(path.join(dir, firstFrame));
  const trk = new KltTracker(facts.width, facts.height, {});
  for await (const f of grayFrames(facts)) trk.push(f.image);
  const solve = await solveCamera(trk.result());
  if (solve.status !== 'solved') throw new Error(`${dir}: camera solve ${solve.status}: ${solve.message}`);
  const track = solveToCameraTrack(solve, [24, 1]);
  if (track.frames.length !== T) throw new Error(`${dir}: ${track.frames.length} of ${T} frames posed`);
  const trueF = (28 / 36) * facts.width;
  return {
    cameras: track.frames.map((f) => f.camera),
    points: solve.points.xyz,
    focalErr: solve.intrinsics.fx / trueF - 1,
    line: `solved camera: focal ${solve.intrinsics.fx.toFixed(1)} px, ${solve.points.trackId.length} points`,
  };
}

/** What is kept of one evaluated frame until the shot's global scale is known. */
interface Kept {
  frame: number;
  gt: Float32Array;
  /** At the gt grid. */
  depth: Float32Array;
  valid: Uint8Array;
  mDepth: Float32Array;
  measured: Uint8Array;
  /** At the estimate's grid. */
  estDepth: Float32Array;
  estValid: Uint8Array;
  estMeasured: Uint8Array;
  camera: Camera;
}

const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : NaN);
const mean = (s: AbsRelStats) => (s.validPixels ? s.sum / s.validPixels : NaN);
const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '—');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

const summaries: Record<string, unknown>[] = [];
const frameRows: Record<string, unknown>[] = [];
for (const name of shots) {
  const shot = loadGtDepthShot(name);
  const T = shot.cameras.length;
  const gw = shot.width;
  const gh = shot.height;
  let frames: number[];
  if (arg('frames')) {
    const listed = arg('frames')!.split(',').map(Number);
    const all = new Set(listed);
    if (pairs) for (const f of listed) all.add(f + 1 < T ? f + 1 : f - 1);
    frames = [...all].filter((f) => f >= 0 && f < T).sort((a, b) => a - b);
  } else frames = Array.from({ length: T }, (_, i) => i);
  const full = grid === 640;
  const imgs = await loadGtGray(
    shot,
    Array.from({ length: T }, (_, i) => i),
    full ? 'full' : 'depth',
  );
  const sol = solved ? await solvedCameras(shot.dir, shot.frameFiles[0]!, T) : null;
  if (sol) console.log(`${name} ${sol.line} (${(100 * sol.focalErr).toFixed(2)} % off)`);
  const cams = (sol?.cameras ?? shot.fullCameras).map((c) =>
    full ? c : { ...c, intrinsics: scaleIntrinsics(c.intrinsics, 0.5) },
  );
  const views = cams.map((camera, i) => ({ camera, image: imgs.get(i)! }));
  const est = new ShotDepthEstimator(
    views,
    sol ? { sparsePoints: sol.points } : { sweep: { minDepth: 1, maxDepth: 150 } },
  );
  const forget = (est as unknown as { forget?: (from: number, to: number) => void }).forget;

  const kept: Kept[] = [];
  const msList: number[] = [];
  const temporalErrors: Float64Array[] = [];
  let mutual = 0,
    covered = 0,
    nPairs = 0;
  const sky = { skyPixels: 0, skyInfinity: 0, nonSkyPixels: 0, falseInfinity: 0 };
  let skyFinite = 0;
  let noBaseline = 0;
  let k = 0;
  for (const f of frames) {
    const gt = loadGtDepth(shot, f);
    const t0 = performance.now();
    let fr: { depth: Float32Array; state: Uint8Array; width: number; height: number } | null = null;
    try {
      fr = est.frame(f);
    } catch (e) {
      if ((e as Error).name !== 'NoBaselineError') throw e;
      noBaseline++;
    }
    const ms = performance.now() - t0;
    msList.push(ms);
    const W = fr?.width ?? views[0]!.image.width;
    const H = fr?.height ?? views[0]!.image.height;
    k = gridFactor(W, H, gw, gh);
    const n = W * H;
    const estDepth = fr ? fr.depth.slice() : new Float32Array(n);
    const state = fr ? fr.state : new Uint8Array(n);
    const estValid = new Uint8Array(n);
    const estMeasured = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const s = state[p]! & 3;
      estValid[p] = s === STATE_MEASURED || s === STATE_PROPAGATED ? 1 : 0;
      estMeasured[p] = s === STATE_MEASURED ? 1 : 0;
    }
    const red = blockReduce(estDepth, estValid, W, H, k);
    const redM = blockReduce(estDepth, estMeasured, W, H, k);
    const si = skyInfinity(state, W, H, gt, gw, gh);
    sky.skyPixels += si.skyPixels;
    sky.skyInfinity += si.skyInfinity;
    sky.nonSkyPixels += si.nonSkyPixels;
    sky.falseInfinity += si.falseInfinity;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if (!(gt[Math.floor(y / k) * gw + Math.floor(x / k)]! > 0) && estValid[y * W + x]) skyFinite++;
    // the camera the estimator used, at the gt grid (the views' grid may differ from the estimate's)
    const view = views[f]!;
    const camera = {
      ...view.camera,
      intrinsics: scaleIntrinsics(view.camera.intrinsics, gw / view.image.width),
    };
    const cur: Kept = {
      frame: f,
      gt,
      depth: red.depth,
      valid: red.valid,
      mDepth: redM.depth,
      measured: redM.valid,
      estDepth,
      estValid,
      estMeasured,
      camera,
    };
    const prev = kept[kept.length - 1];
    let pairLine = '';
    if (prev && prev.frame === f - 1) {
      const t = temporalConsistency(
        { width: gw, height: gh, depth: prev.depth, valid: prev.valid, camera: prev.camera },
        { width: gw, height: gh, depth: cur.depth, valid: cur.valid, camera: cur.camera },
        { width: gw, height: gh, depth: prev.gt, valid: null, camera: shot.cameras[f - 1]! },
        { width: gw, height: gh, depth: gt, valid: null, camera: shot.cameras[f]! },
      );
      temporalErrors.push(t.errors);
      mutual += t.mutual;
      covered += t.covered;
      nPairs++;
      pairLine = ` | ${f - 1}→${f}: median ${(100 * quantile(t.errors, 0.5)).toFixed(2)}% p90 ${(100 * quantile(t.errors, 0.9)).toFixed(2)}% cov ${pct(t.covered, t.mutual).toFixed(1)}%`;
    }
    kept.push(cur);
    const s = absRelStats(red.depth, red.valid, gt);
    const m = absRelStats(redM.depth, redM.valid, gt);
    const ratios: number[] = [];
    collectRatios(red.depth, red.valid, gt, ratios);
    const frameScale = quantile(ratios, 0.5);
    frameRows.push({
      shot: name,
      frame: f,
      ms,
      noBaseline: !fr,
      validPct: pct(s.validPixels, s.gtPixels),
      absRelUnscaled: mean(s),
      frameScale,
      measuredPct: pct(m.validPixels, m.gtPixels),
      measuredAbsRelUnscaled: mean(m),
    });
    console.log(
      `${name} ${String(f).padStart(2)} ${fr ? '' : '(no baseline) '}valid ${pct(s.validPixels, s.gtPixels).toFixed(1)}% AbsRel unscaled ${f4(mean(s))} (frame scale ${f4(frameScale)}) measured ${pct(m.validPixels, m.gtPixels).toFixed(1)}% ${f4(mean(m))} ${ms.toFixed(0)} ms${pairLine}`,
    );
    forget?.call(est, f - 2, T);
  }

  // (a) the one global scale of the shot, then AbsRel at the gt grid (primary) and the estimate's grid
  const ratios: number[] = [];
  for (const kf of kept) collectRatios(kf.depth, kf.valid, kf.gt, ratios);
  const scale = quantile(ratios, 0.5);
  ratios.length = 0;
  let all = emptyStats(),
    meas = emptyStats(),
    own = emptyStats(),
    ownMeas = emptyStats(),
    edge = emptyStats();
  let worst = 0,
    worstFrame = -1;
  for (const kf of kept) {
    const s = absRelStats(kf.depth, kf.valid, kf.gt, scale);
    all = addStats(all, s);
    meas = addStats(meas, absRelStats(kf.mDepth, kf.measured, kf.gt, scale));
    if (mean(s) > worst) {
      worst = mean(s);
      worstFrame = kf.frame;
    }
    const up = upsampleGt(kf.gt, gw, gh, k);
    // upsampled gt is 0 where it is not scored, so absRelStats leaves those pixels out
    own = addStats(own, absRelStats(kf.estDepth, kf.estValid, up.depth, scale));
    ownMeas = addStats(ownMeas, absRelStats(kf.estDepth, kf.estMeasured, up.depth, scale));
    edge = addStats(edge, absRelStats(kf.depth, kf.valid, kf.gt, scale, discontinuityBand(kf.gt, gw, gh)));
  }
  let nErr = 0;
  for (const e of temporalErrors) nErr += e.length;
  const pooled = new Float64Array(nErr);
  let o = 0;
  for (const e of temporalErrors) {
    pooled.set(e, o);
    o += e.length;
  }
  const summary = {
    shot: name,
    grid: `${gw * k}x${gh * k}`,
    cameras: camerasMode,
    frames: kept.length,
    noBaselineFrames: noBaseline,
    focalErr: sol?.focalErr ?? null,
    scale,
    validPct: pct(all.validPixels, all.gtPixels),
    absRel: mean(all),
    measuredPct: pct(meas.validPixels, meas.gtPixels),
    measuredAbsRel: mean(meas),
    worstFrameAbsRel: worst,
    worstFrame,
    ownGrid: {
      scoredPixels: own.gtPixels,
      validPct: pct(own.validPixels, own.gtPixels),
      absRel: mean(own),
      measuredPct: pct(ownMeas.validPixels, ownMeas.gtPixels),
      measuredAbsRel: mean(ownMeas),
    },
    temporal: {
      pairs: nPairs,
      mutualPixels: mutual,
      coveredPixels: covered,
      medianPct: 100 * quantile(pooled, 0.5),
      p90Pct: 100 * quantile(pooled, 0.9),
      coveragePct: pct(covered, mutual),
    },
    edges: {
      bandPixels: edge.gtPixels,
      absRel: mean(edge),
      within5Pct: pct(edge.within5, edge.validPixels),
      validPct: pct(edge.validPixels, edge.gtPixels),
    },
    skyInfinityPct: pct(sky.skyInfinity, sky.skyPixels),
    falseInfinityPct: pct(sky.falseInfinity, sky.nonSkyPixels),
    skyFiniteValidPct: pct(skyFinite, sky.skyPixels),
    msPerFrameMedian: quantile(msList, 0.5),
    msTotal: msList.reduce((a, b) => a + b, 0),
    targets: {
      a: mean(all) <= 0.1 && pct(all.validPixels, all.gtPixels) >= 80,
      b:
        nPairs > 0 &&
        quantile(pooled, 0.5) <= 0.01 &&
        quantile(pooled, 0.9) <= 0.03 &&
        pct(covered, mutual) >= 75,
    },
  };
  summaries.push(summary);
  console.log(
    `== ${name}: ${kept.length} frames at ${summary.grid}, ${camerasMode} cameras, global scale ${f4(scale)}; ` +
      `(a) ${summary.targets.a ? 'PASS' : 'FAIL'}, (b) ${summary.targets.b ? 'PASS' : 'FAIL'}`,
  );
}

const head = [
  'shot',
  'frames',
  'valid %',
  'AbsRel',
  'meas %',
  'AbsRel meas',
  'worst frame',
  'own grid valid % / AbsRel',
  'temporal median / p90 / cov',
  'edge AbsRel / ≤5% / valid',
  'sky→inf %',
  'false inf %',
  'ms/frame',
];
const table = summaries.map((s) => {
  const x = s as {
    shot: string;
    frames: number;
    validPct: number;
    absRel: number;
    measuredPct: number;
    measuredAbsRel: number;
    worstFrameAbsRel: number;
    worstFrame: number;
    ownGrid: { validPct: number; absRel: number };
    temporal: { medianPct: number; p90Pct: number; coveragePct: number; pairs: number };
    edges: { absRel: number; within5Pct: number; validPct: number };
    skyInfinityPct: number;
    falseInfinityPct: number;
    msPerFrameMedian: number;
  };
  return [
    x.shot,
    String(x.frames),
    f1(x.validPct),
    f4(x.absRel),
    f1(x.measuredPct),
    f4(x.measuredAbsRel),
    `${f4(x.worstFrameAbsRel)} (${x.worstFrame})`,
    `${f1(x.ownGrid.validPct)} / ${f4(x.ownGrid.absRel)}`,
    x.temporal.pairs
      ? `${x.temporal.medianPct.toFixed(2)}% / ${x.temporal.p90Pct.toFixed(2)}% / ${f1(x.temporal.coveragePct)}%`
      : '— (no pairs)',
    `${f4(x.edges.absRel)} / ${f1(x.edges.within5Pct)}% / ${f1(x.edges.validPct)}%`,
    f1(x.skyInfinityPct),
    f1(x.falseInfinityPct),
    x.msPerFrameMedian.toFixed(0),
  ];
});
console.log(`\ngrid ${grid}, cameras ${camerasMode}; figures at the gt grid 320×180 unless "own grid"`);
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map(() => '---').join('|')}|`);
for (const r of table) console.log(`| ${r.join(' | ')} |`);
console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const out = arg('json');
if (out)
  writeFileSync(
    out,
    JSON.stringify(
      { grid, cameras: camerasMode, date: new Date().toISOString(), shots: summaries, frames: frameRows },
      null,
      1,
    ),
  );
