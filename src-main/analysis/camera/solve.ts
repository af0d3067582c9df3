/**
 * The source-camera solve of a shot (issue 5, item 1): from 2D tracks to per-frame intrinsics and poses,
 * a sparse point cloud and per-track flags, or a clear "could not solve the camera: <reason>".
 *
 * Stages: prepare (usable tracks) → motion (static-camera test) → focal (metadata, or a search over the
 * focal minimising the bundle-adjusted reprojection error) → initial pair / registration / bundle
 * (incremental SfM) → finish (gauge, flags, diagnostics). A shot with no parallax anywhere is tested for
 * a pure rotation. Progress is reported and the AbortSignal honoured between stages and frames.
 */
import type { Pose } from '../../../src-shared/geometry';
import type { TrackSet } from '../tracking';
import {
  medianReprojectionPx,
  reconstruct,
  rejectOutliers,
  runBundle,
  sweepBundle,
  DENSE_BUNDLE_MAX_FRAMES,
  type IncrementalOptions,
  type Reconstruction,
} from './incremental';
import { emptyReport, frameReport, holdUnmeasuredCentres, staticReport } from './frame-report';
import { findMovingTracks, flagMovingAfterSolve } from './moving-tracks';
import { rotationOnlySegments, staticCameraTest } from './motion';
import { focalFromRotation, searchLogFocal, solveRotationOnly } from './rotation-only';
import { assembleShot, FRAME_ROTATION, FRAME_SOLVED, FRAME_UNSOLVED, type Segment } from './segments';
import { mul33, mulT33, poseFromRt, rotationAngle } from './rotation';
import { TrackView } from './tracks';
import {
  TRACK_DYNAMIC,
  TRACK_INLIER,
  type CameraSolve,
  type SolveDiagnostics,
  type SolveOptions,
  type SolveProgress,
  type SolveStage,
} from './types';

export const COULD_NOT_SOLVE = 'could not solve the camera';

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('camera solve aborted');
  e.name = 'AbortError';
  return e;
}

const yieldToLoop = () => new Promise<void>((r) => setTimeout(r, 0));

function median(a: ArrayLike<number>): number {
  const s = Array.from(a).sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : NaN;
}

export async function solveCamera(tracks: TrackSet, options: SolveOptions = {}): Promise<CameraSolve> {
  const W = tracks.width;
  const H = tracks.height;
  const T = tracks.numFrames;
  const cx = options.cx ?? W / 2;
  const cy = options.cy ?? H / 2;
  // 2 px at the 640 px analysis size; tracks made at a larger size carry proportionally larger errors
  const thr = options.thresholdPx ?? 2 * Math.max(1, Math.max(W, H) / 640);
  const minLen = options.minTrackLength ?? 3;
  const minTracks = options.minTracks ?? 30;
  const seed = options.seed ?? 1;
  const signal = options.signal;
  const timings: Partial<Record<SolveStage, number>> = {};
  let stageStart = performance.now();
  let stage: SolveStage = 'prepare';
  const weights: Record<SolveStage, [number, number]> = {
    prepare: [0, 0.02],
    motion: [0.02, 0.05],
    focal: [0.05, 0.4],
    'initial-pair': [0.4, 0.45],
    register: [0.45, 0.85],
    bundle: [0.85, 0.97],
    finish: [0.97, 1],
  };
  const progress = (s: SolveStage, within: number, message: string) => {
    const [a, b] = weights[s];
    const p: SolveProgress = { stage: s, fraction: a + (b - a) * Math.min(1, Math.max(0, within)), message };
    options.onProgress?.(p);
  };
  const enter = async (s: SolveStage, message: string) => {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - stageStart;
    await yieldToLoop();
    if (signal?.aborted) throw abortError(signal);
    stage = s;
    stageStart = performance.now();
    progress(s, 0, message);
  };

  const notes: string[] = [];
  const diag: SolveDiagnostics = {
    reprojectionRmsPx: NaN,
    registeredFrames: 0,
    totalFrames: T,
    usableTracks: 0,
    points: 0,
    rotationOnlySegments: [],
    initialPair: null,
    focalPx: options.focalPx ?? NaN,
    focalSource: options.focalPx ? 'metadata' : 'estimated',
    medianDepth: NaN,
    backgroundMotionPx: NaN,
    timingsMs: timings,
    notes,
  };
  const result = (partial: Partial<CameraSolve> & Pick<CameraSolve, 'status' | 'message'>): CameraSolve => {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - stageStart;
    const f = diag.focalPx;
    return {
      width: W,
      height: H,
      numFrames: T,
      intrinsics: { width: W, height: H, fx: f, fy: f, cx, cy },
      poses: new Array<Pose | null>(T).fill(null),
      registered: new Uint8Array(T),
      points: { xyz: new Float32Array(0), trackId: new Int32Array(0) },
      trackFlags: new Uint8Array(tracks.numTracks),
      gaugeFrame: 0,
      diagnostics: diag,
      report: emptyReport(T, diag.movingTracks ?? 0),
      ...partial,
    };
  };
  const fail = (reason: string, partial: Partial<CameraSolve> = {}): CameraSolve =>
    result({ status: 'failed', message: `${COULD_NOT_SOLVE}: ${reason}`, reason, ...partial });

  // prepare
  progress('prepare', 0, 'reading tracks');
  if (signal?.aborted) throw abortError(signal);
  // the longest tracks, at most 2,000 or 8 per frame on a long shot (so its density does not thin with its length)
  const view = new TrackView(tracks, minLen, options.maxTracks ?? Math.max(2000, 8 * T));
  let usable = 0;
  for (let k = 0; k < view.N; k++) if (view.length[k]! >= minLen) usable++;
  diag.usableTracks = usable;
  if (T < 2) return fail('the shot has fewer than 2 frames');
  let minPerFrame = Infinity;
  for (let f = 0; f < T; f++) minPerFrame = Math.min(minPerFrame, view.countIn(f));
  // a stretch with few tracks (an occlusion, a flash, a cut) does not fail the shot: it ends a segment
  if (usable < minTracks)
    return fail(
      `too few tracks (${usable} tracks of ≥ ${minLen} frames; need ${minTracks}) — the footage may be blurred, dark, textureless or very short`,
    );
  if (minPerFrame < 8)
    notes.push(
      `as few as ${minPerFrame} tracks in one frame: the shot is solved in segments around such stretches`,
    );

  // static camera
  await enter('motion', 'testing for camera motion');
  const tol = options.staticTolerancePx ?? Math.max(1, 0.002 * W);
  const st = staticCameraTest(view, tol);
  diag.backgroundMotionPx = st.backgroundMotionPx;
  if (st.isStatic) {
    const flags = new Uint8Array(tracks.numTracks);
    for (let k = 0; k < view.N; k++)
      if (view.length[k]! >= minLen) flags[k] = st.trackMotion[k]! > 3 * tol ? TRACK_DYNAMIC : TRACK_INLIER;
    diag.registeredFrames = T;
    if (!options.focalPx) {
      diag.focalPx = W / (2 * Math.tan(Math.PI / 6));
      notes.push('static camera: the focal cannot be estimated; a 60° horizontal field of view is assumed');
    }
    let movingTracks = 0;
    for (let k = 0; k < flags.length; k++) if (flags[k] === TRACK_DYNAMIC) movingTracks++;
    diag.movingTracks = movingTracks;
    return result({
      status: 'static',
      message: 'no camera motion',
      poses: Array.from({ length: T }, () => ({ C: [0, 0, 0], q: [1, 0, 0, 0] })),
      registered: new Uint8Array(T).fill(1),
      trackFlags: flags,
      report: staticReport(T, movingTracks),
    });
  }

  // moving subjects, from the tracks' consistency over many frame pairs
  const moving = findMovingTracks(view, {
    thresholdPx: thr,
    seed,
    focal: options.focalPx ?? W / (2 * Math.tan(Math.PI / 6)),
    cx,
    cy,
    ...(signal ? { signal } : {}),
  });
  diag.movingTracks = moving.count;
  notes.push(
    `moving subjects: ${moving.count} tracks inconsistent with the static scene over ${moving.pairs} frame pairs are left out`,
  );

  // focal
  await enter('focal', options.focalPx ? 'focal from metadata' : 'estimating the focal length');
  const baseOpts: IncrementalOptions = {
    exclude: moving.moving,
    focal: options.focalPx ?? W / (2 * Math.tan(Math.PI / 6)),
    cx,
    cy,
    thresholdPx: thr,
    minAngleDeg: options.minAngleDeg ?? 1,
    optimizeFocal: false,
    seed,
    ...(signal ? { signal } : {}),
  };
  if (!options.focalPx) {
    const found = estimateFocal(tracks, view, minLen, baseOpts, (n, f) =>
      progress('focal', Math.min(1, n / 17), `focal search: ${f.toFixed(1)} px`),
    );
    if (signal?.aborted) throw abortError(signal);
    if (found) {
      baseOpts.focal = found.focal;
      notes.push(
        `focal search: ${found.evaluations} bundle adjustments on ${found.points} points and ${found.frames} frames (outlier threshold ${found.thresholdPx.toFixed(2)} px)`,
      );
    } else
      notes.push('too few points to search the focal: the solve starts from a 60° horizontal field of view');
    diag.focalPx = baseOpts.focal;
    await yieldToLoop();
    if (signal?.aborted) throw abortError(signal);
  }
  diag.focalPx = baseOpts.focal;

  // segments: incremental SfM over the frames still unsolved, rotation-only where there is no parallax
  await enter('initial-pair', 'choosing the initial pair');
  let lastReport = 0;
  const onFrame = (n: number) => {
    const now = performance.now();
    if (now - lastReport > 200) {
      lastReport = now;
      progress('register', n / T, `registered ${n} of ${T} frames`);
    }
  };
  const found = solveSegments(view, baseOpts, !options.focalPx, notes, onFrame);
  if (signal?.aborted) throw abortError(signal);
  if (found.focalRange) {
    diag.focalRange = found.focalRange;
    notes.push(
      `the focal is weakly determined by this shot (${found.focalRange[0].toFixed(0)}–${found.focalRange[1].toFixed(0)} px): little rotation to show it; give the lens if you know it`,
    );
  }
  diag.focalPx = baseOpts.focal;
  // nothing measured it (no search, no refinement): the focal is the assumed 60° field of view
  if (!options.focalPx && baseOpts.focal === W / (2 * Math.tan(Math.PI / 6))) diag.focalSource = 'assumed';
  const segments = found.segments;
  if (!segments.length) return fail(found.reason ?? 'no frame could be registered');

  // join the segments, interpolate the gaps, and say what each frame is
  await enter('bundle', 'joining the segments');
  const shot = assembleShot(view, segments, baseOpts, moving.moving);
  const late = flagMovingAfterSolve(view, shot, baseOpts, (v) => v === FRAME_SOLVED);
  if (late) notes.push(`${late} more tracks move against the solved camera (flagged moving)`);
  await enter('finish', 'writing the result');
  const out = finish(view, shot, tracks.numTracks);
  const main = segments[0]!;
  diag.initialPair = main.rec?.pair ? [main.rec.pair.a, main.rec.pair.b] : null;
  diag.reprojectionRmsPx = shot.rmsPx;
  diag.registeredFrames = shot.status.reduce(
    (a, v) => a + (v === FRAME_SOLVED || v === FRAME_ROTATION ? 1 : 0),
    0,
  );
  diag.points = out.points.trackId.length;
  diag.medianDepth = 1;
  diag.rotationOnlySegments = rotationOnlySegments(view, cx, cy, baseOpts.focal, thr);
  // moving = every track the result flags: found before the solve, after it, or dropped by it as
  // inconsistent with the cameras
  let flagged = 0;
  for (let k = 0; k < out.trackFlags.length; k++) if (out.trackFlags[k] === TRACK_DYNAMIC) flagged++;
  diag.movingTracks = flagged;
  const report = frameReport(view, shot, out, baseOpts, flagged);
  holdUnmeasuredCentres(out.poses, report);
  const allPosed = shot.status.every((v) => v !== FRAME_UNSOLVED);
  const oneGauge = segments.every((sg) => sg.gauge === 0);
  const allRotation = shot.status.every((v) => v === FRAME_ROTATION);
  if (allPosed && oneGauge && allRotation) {
    diag.rotationOnlySegments = [[0, T - 1]];
    return result({
      status: 'rotation-only',
      message: 'rotation only (no translation)',
      ...out,
      points: { xyz: new Float32Array(0), trackId: new Int32Array(0) },
      report,
    });
  }
  // (a shot of rotation only has no reconstruction error to judge; its segments passed the rotation fit)
  if (segments.some((sg) => sg.kind === 'solved') && !(shot.rmsPx <= 2 * thr))
    return fail(
      Number.isFinite(shot.rmsPx)
        ? `the reprojection error stays high (${shot.rmsPx.toFixed(2)} px RMS) — tracks are unreliable or the lens is not a pinhole`
        : 'the reconstruction did not converge — tracks are unreliable, or the scene is flat',
      { ...out, report },
    );
  if (allPosed && oneGauge) return result({ status: 'solved', message: 'solved', ...out, report });
  return result({ status: 'partial', message: `partly solved: ${report.summary}`, ...out, report });
}

/** A rotation-only segment has at least this many frames (unless it is the whole shot). */
const MIN_ROTATION_SEGMENT = 8;

/**
 * Solves the shot as segments: incremental SfM over the frames not solved yet (registration stops where
 * the tracks thin out, and the frames beyond become a range of their own), a rotation where a range shows
 * no parallax, and nothing where neither holds. The first reconstruction (over the whole shot, from the
 * best pair) refines the focal; the others use it.
 */
function solveSegments(
  view: TrackView,
  o: IncrementalOptions,
  searchedFocal: boolean,
  notes: string[],
  onFrame: (registered: number) => void,
): { segments: Segment[]; focalRange: [number, number] | null; reason?: string } {
  const T = view.T;
  const segments: Segment[] = [];
  const pending: [number, number][] = [[0, T - 1]];
  let first = true;
  let focalRange: [number, number] | null = null;
  let reason: string | undefined;
  let done = 0;
  const segment = (
    p: Partial<Segment> & Pick<Segment, 'first' | 'last' | 'kind' | 'R' | 't' | 'registered'>,
  ): Segment => ({
    how: null,
    rec: null,
    rmsPx: NaN,
    inlierFraction: 1,
    gauge: 0,
    joinedTo: null,
    joinPoints: 0,
    ...p,
  });
  while (pending.length && !o.signal?.aborted) {
    const [s, e] = pending.shift()!;
    if (e - s + 1 < 2) continue;
    const frames = Int32Array.from({ length: e - s + 1 }, (_, i) => s + i);
    let rec = reconstruct(view, { ...o, frames, onFrame: (n) => onFrame(done + n) });
    // a focal searched far off (a near-planar, rotation-dominant scene barely constrains it) can leave
    // no pair with parallax: the whole shot is tried once more at the default field of view
    const fallback = view.set.width / (2 * Math.tan(Math.PI / 6));
    if (!rec.ok && first && searchedFocal && Math.abs(Math.log(o.focal / fallback)) > 0.1) {
      const again = reconstruct(view, { ...o, focal: fallback, frames, onFrame: (n) => onFrame(done + n) });
      if (again.ok) {
        notes.push(
          `no initial pair at the searched focal (${o.focal.toFixed(0)} px): solved from a 60° horizontal field of view instead`,
        );
        o.focal = fallback;
        rec = again;
      }
    }
    if (rec.ok) {
      const r = finalBundle(view, rec, o, first && searchedFocal);
      notes.push(s === 0 && e === T - 1 ? r.note : `frames ${s}–${e}: ${r.note}`);
      if (first && r.range && (r.range[1] - r.range[0]) / rec.focal > FOCAL_WEAK_SPREAD) focalRange = r.range;
      if (first) o.focal = rec.focal;
      first = false;
      notes.push(...rec.notes.slice(0, 10));
      // the run of consecutive registered frames around the initial pair (frames between the pair that
      // did not register split it): the frames outside it are solved again as ranges of their own
      const a0 = rec.pair?.a ?? s;
      let p = a0;
      while (p > s && rec.registered[p - 1]) p--;
      let q = a0;
      while (q < e && rec.registered[q + 1]) q++;
      for (let fr = s; fr <= e; fr++) if (fr < p || fr > q) rec.registered[fr] = 0;
      segments.push(
        segment({
          first: p,
          last: q,
          kind: 'solved',
          R: rec.R,
          t: rec.t,
          registered: rec.registered,
          how: rec.how,
          rec,
          rmsPx: rec.rmsPx,
        }),
      );
      done += q - p + 1;
      if (p > s) pending.push([s, p - 1]);
      if (q < e) pending.push([q + 1, e]);
      continue;
    }
    // no parallax in s…e: a rotation, up to where the tracks thin out (and the focal from it, when the
    // whole shot shows no parallax and the lens is not known)
    if (first && searchedFocal) o.focal = focalFromRotation(view, o.cx, o.cy, o.thresholdPx, view.set.width);
    first = false;
    const rot = solveRotationOnly(view, o.cx, o.cy, o.focal, o.thresholdPx, {
      first: s,
      last: e,
      ...(o.exclude ? { exclude: o.exclude } : {}),
      stopAtGap: true,
    });
    let q = s;
    while (q < e && rot.registered[q + 1]) q++;
    // a short rotation between stretches that lost their tracks (a blur, a flash) is more likely a
    // mis-tracked stretch than a pan: it stays unsolved
    const long = q - s + 1 >= MIN_ROTATION_SEGMENT || (s === 0 && q === T - 1);
    if (rot.ok && q > s && long && rot.rmsPx <= o.thresholdPx && rot.inlierFraction >= 0.5) {
      segments.push(
        segment({
          first: s,
          last: q,
          kind: 'rotation-only',
          R: rot.R,
          t: new Float64Array(3 * T),
          registered: rot.registered,
          rmsPx: rot.rmsPx,
          inlierFraction: rot.inlierFraction,
        }),
      );
      done += q - s + 1;
      if (q < e) pending.push([q + 1, e]);
      continue;
    }
    if (rot.ok && q > s && !long) {
      notes.push(
        `frames ${s}–${q}: a rotation too short to trust between stretches without tracks: not solved`,
      );
      if (q < e) pending.push([q + 1, e]);
      continue;
    }
    if (!rot.ok || q === s) {
      // the range starts where the tracks do not join two frames: that frame stays unsolved
      reason ??= `no frame pair shows parallax (${rot.reason ?? 'rotation fit failed'})`;
      pending.push([s + 1, e]);
      continue;
    }
    reason ??= `no frame pair shows parallax and the motion is not a pure rotation (rotation fit ${rot.rmsPx.toFixed(2)} px RMS, ${(100 * rot.inlierFraction).toFixed(0)} % inliers) — a flat or very distant scene, or too little camera translation`;
    notes.push(`frames ${s}–${e}: not solved: ${reason}`);
  }
  return { segments, focalRange, ...(reason ? { reason } : {}) };
}

/** Gauge (first registered camera at the origin, median point depth 1 there), poses, cloud, flags. */
function finish(
  view: TrackView,
  rec: Pick<Reconstruction, 'R' | 't' | 'X' | 'hasPoint' | 'registered' | 'dynamic'>,
  numTracks: number,
): Pick<CameraSolve, 'poses' | 'registered' | 'points' | 'trackFlags' | 'gaugeFrame'> {
  const T = view.T;
  let g = 0;
  while (g < T && !rec.registered[g]) g++;
  const Rg = rec.R.slice(9 * g, 9 * g + 9);
  const tg = rec.t.slice(3 * g, 3 * g + 3);
  // X' = Rg·X + tg; cameras: R' = R·Rgᵀ, t' = t − R'·tg
  const Xn = new Float64Array(rec.X.length);
  const depths: number[] = [];
  for (let k = 0; k < view.N; k++) {
    if (!rec.hasPoint[k]) continue;
    const x = rec.X[3 * k]!,
      y = rec.X[3 * k + 1]!,
      z = rec.X[3 * k + 2]!;
    for (let r = 0; r < 3; r++)
      Xn[3 * k + r] = Rg[3 * r]! * x + Rg[3 * r + 1]! * y + Rg[3 * r + 2]! * z + tg[r]!;
    if (view.has(k, g)) depths.push(Xn[3 * k + 2]!);
  }
  if (depths.length < 5)
    for (let k = 0; k < view.N; k++) if (rec.hasPoint[k] && Xn[3 * k + 2]! > 0) depths.push(Xn[3 * k + 2]!);
  const md = median(depths);
  const s = md > 0 ? 1 / md : 1;
  const poses: (Pose | null)[] = [];
  const RgT = Float64Array.of(Rg[0]!, Rg[3]!, Rg[6]!, Rg[1]!, Rg[4]!, Rg[7]!, Rg[2]!, Rg[5]!, Rg[8]!);
  for (let c = 0; c < T; c++) {
    if (!rec.registered[c]) {
      poses.push(null);
      continue;
    }
    const Rn = mul33(rec.R.subarray(9 * c, 9 * c + 9), RgT);
    const t = rec.t.subarray(3 * c, 3 * c + 3);
    const tn = [0, 1, 2].map(
      (r) => s * (t[r]! - (Rn[3 * r]! * tg[0]! + Rn[3 * r + 1]! * tg[1]! + Rn[3 * r + 2]! * tg[2]!)),
    );
    poses.push(poseFromRt(Rn, tn));
  }
  const ids: number[] = [];
  for (let k = 0; k < view.N; k++) if (rec.hasPoint[k]) ids.push(k);
  const xyz = new Float32Array(3 * ids.length);
  ids.forEach((k, i) => {
    xyz[3 * i] = s * Xn[3 * k]!;
    xyz[3 * i + 1] = s * Xn[3 * k + 1]!;
    xyz[3 * i + 2] = s * Xn[3 * k + 2]!;
  });
  const flags = new Uint8Array(numTracks);
  for (let k = 0; k < view.N; k++) {
    if (rec.hasPoint[k]) flags[k] = TRACK_INLIER;
    else if (rec.dynamic[k]) flags[k] = TRACK_DYNAMIC;
  }
  return {
    poses,
    registered: Uint8Array.from(rec.registered),
    points: { xyz, trackId: Int32Array.from(ids) },
    trackFlags: flags,
    gaugeFrame: g,
  };
}

/**
 * Tracks and frames the focal search runs on: up to 3000 tracks (longest first) on every k-th frame. Not
 * just the few hundred longest: long tracks carry the most tracker drift (slow sliding as the texture under
 * the point changes scale), and on a shot with little rotation that drift alone can pull the focal 20 % off
 * (the synthetic dolly shot did with the 600 longest).
 */
const SEARCH_TRACKS = 3000;
const SEARCH_FRAMES = 24;
/** The search runs on a reconstruction of at least this many of those frames (or all when fewer). */
const SEARCH_MIN_FRAMES = 8;
/** …and on at least this many points (else the default field of view stands, refined at the end). */
const SEARCH_MIN_POINTS = 50;
/** Points in each bundle adjustment of the search (every k-th triangulated point). */
const SEARCH_POINTS = 3000;
/**
 * Outlier threshold of the search as a multiple of the tracks' median reprojection error: ≈ 3σ for
 * Gaussian pixel noise (the median of a 2D Gaussian error's length is 1.18σ). Observations further off are
 * drift or mismatches; left in, they bend the focal towards whatever absorbs them best.
 */
const SEARCH_NOISE_MULTIPLE = 2.5;
const SEARCH_MIN_THRESHOLD_PX = 0.5;

/** The outlier cut at `multiple` × the tracks' median reprojection error, within [0.5 px, the 2 px cut]. */
function noiseCut(o: IncrementalOptions, noise: number, multiple: number): number {
  return Math.min(o.thresholdPx, Math.max(SEARCH_MIN_THRESHOLD_PX, multiple * noise));
}

/**
 * The focal minimising the bundle-adjusted reprojection error, searched over log f on a reduced problem:
 * a quick reconstruction at the default focal from the longest tracks on a subsample of the frames (the
 * full problem when the subsample does not register); observations further off than ≈ 3σ of the tracks'
 * own noise are set aside; then each candidate focal is a bundle adjustment from that reconstruction. The
 * minimum is bracketed in steps of 0.2 (log), then refined by five-point stencils and parabolas at
 * steps of 0.06 and 0.02 (searchLogFocal); costs are memoised.
 */
function estimateFocal(
  tracks: TrackSet,
  view: TrackView,
  minLen: number,
  o: IncrementalOptions,
  onEval: (n: number, f: number) => void,
): { focal: number; evaluations: number; points: number; frames: number; thresholdPx: number } | null {
  const T = view.T;
  let usable = 0;
  for (let k = 0; k < view.N; k++) if (view.length[k]! >= minLen) usable++;
  const attempt = (v: TrackView, frames: Int32Array | null): Reconstruction | null => {
    const r = reconstruct(v, { ...o, quick: true, ...(frames ? { frames } : {}) });
    if (!r.ok || !r.pair) return null;
    // enough of the frames (a shot with a break registers the frames on one side of it)
    const want = frames ? frames.length : T;
    const got = r.registered.reduce((a, x) => a + x, 0);
    return got >= Math.min(want, Math.max(SEARCH_MIN_FRAMES, 0.5 * want)) ? r : null;
  };
  let sv = view;
  let first: Reconstruction | null = null;
  let nFrames = T;
  if (usable > SEARCH_TRACKS || T > SEARCH_FRAMES) {
    const step = Math.max(1, Math.ceil(T / SEARCH_FRAMES));
    const fr: number[] = [];
    for (let f = 0; f < T; f += step) fr.push(f);
    if (fr[fr.length - 1] !== T - 1) fr.push(T - 1);
    const small = usable > SEARCH_TRACKS ? new TrackView(tracks, minLen, SEARCH_TRACKS) : view;
    first = attempt(small, step > 1 ? Int32Array.from(fr) : null);
    if (first) {
      sv = small;
      nFrames = step > 1 ? fr.length : T;
    }
  }
  if (!first) {
    const r = reconstruct(view, { ...o, quick: true });
    if (!r.ok || !r.pair) return null;
    // the search adjusts at most SEARCH_FRAMES of the registered frames (evenly spread, the initial
    // pair's first among them): its cost stays that of a short shot however long this one is
    const reg: number[] = [];
    for (let f = 0; f < T; f++) if (r.registered[f]) reg.push(f);
    if (reg.length > SEARCH_FRAMES) {
      const keep = new Set<number>([r.pair.a]);
      for (let i = 0; i < SEARCH_FRAMES - 1; i++)
        keep.add(reg[Math.round((i * (reg.length - 1)) / (SEARCH_FRAMES - 2))]!);
      for (const f of reg) if (!keep.has(f)) r.registered[f] = 0;
    }
    first = r;
    nFrames = Math.min(reg.length, SEARCH_FRAMES);
  }
  if (o.signal?.aborted) return null;
  const rec = first;
  const camVar = Uint8Array.from(rec.registered);
  camVar[rec.pair!.a] = 0;
  // set aside what is further off than ≈ 3σ of the tracks' own noise, re-fit, and once more
  const noise = medianReprojectionPx(sv, rec, o);
  const thresholdPx = Number.isFinite(noise) ? noiseCut(o, noise, SEARCH_NOISE_MULTIPLE) : o.thresholdPx;
  const so: IncrementalOptions = { ...o, thresholdPx };
  if (thresholdPx < o.thresholdPx) {
    const regList: number[] = [];
    for (let f = 0; f < T; f++) if (rec.registered[f]) regList.push(f);
    rejectOutliers(sv, rec, so, regList);
    runBundle(sv, rec, so, camVar, Uint8Array.from(rec.hasPoint), false, 15);
    rejectOutliers(sv, rec, so, regList);
  }
  const snap = { R: rec.R.slice(), t: rec.t.slice(), X: rec.X.slice() };
  // at most SEARCH_POINTS points in each bundle adjustment (every k-th)
  const nPts = rec.hasPoint.reduce((a, v) => a + v, 0);
  const every = Math.max(1, Math.floor(nPts / SEARCH_POINTS));
  let seen = 0;
  for (let k = 0; k < rec.hasPoint.length; k++)
    if (rec.hasPoint[k] && seen++ % every !== 0) rec.hasPoint[k] = 0;
  const ptVar = Uint8Array.from(rec.hasPoint);
  let nPoints = 0;
  for (let k = 0; k < ptVar.length; k++) nPoints += ptVar[k]!;
  // too few points to weigh one focal against another: the search would follow noise (or nothing)
  if (nPoints < SEARCH_MIN_POINTS) return null;
  const memo = new Map<number, number>();
  const cost = (l: number): number => {
    const key = Math.round(l * 1e6);
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    if (o.signal?.aborted) return Infinity;
    rec.R.set(snap.R);
    rec.t.set(snap.t);
    rec.X.set(snap.X);
    rec.focal = Math.exp(l);
    onEval(memo.size + 1, rec.focal);
    const c = runBundle(sv, rec, so, camVar, ptVar, false, 15).finalCost;
    memo.set(key, c);
    return c;
  };
  // widen around the default until the minimum is bracketed, then refine (5-point stencils, parabolas)
  let centre = o.focal;
  for (let shift = 0; shift < 4; shift++) {
    const cs = [-2, -1, 0, 1, 2].map((k) => cost(Math.log(centre) + 0.2 * k));
    let i = 0;
    for (let k = 1; k < 5; k++) if (cs[k]! < cs[i]!) i = k;
    centre *= Math.exp(0.2 * (i - 2));
    if (i > 0 && i < 4) break;
  }
  // to 2 % (log steps 0.06, 0.02): the last bundle adjustment refines the focal on the full problem
  const best = Math.log(searchLogFocal((f) => cost(Math.log(f)), sv.set.width, centre, [0.06, 0.02]));
  return {
    focal: Math.exp(best),
    evaluations: memo.size,
    points: nPoints,
    frames: nFrames,
    thresholdPx,
  };
}

/** How far (log focal) the final refinement may move the searched focal before it is distrusted. */
const REFINE_MAX_LOG_STEP = 0.2;
/**
 * The sensitivity check: the refinement is repeated with the outlier cut at these multiples of the noise
 * (a fifth tighter and looser than SEARCH_NOISE_MULTIPLE); when the focal moves by more than
 * FOCAL_WEAK_SPREAD between them, the shot does not pin the focal down and the result says so.
 */
const SENSITIVITY_MULTIPLES = [2, 3];
const FOCAL_WEAK_SPREAD = 0.03;
/**
 * Levenberg–Marquardt iterations of the final adjustment, and of each sensitivity probe. With the focal
 * free, LM creeps along the weak focal direction (Huber weights make the model inexact there): the exact-
 * correspondence dolly test reaches its focal (+0.1 %) in 60 iterations, not in 30 (−2.5 %). The probes
 * only bound the range the focal moves over, and 30 suffice to flag the dolly and not the orbit.
 */
const FINAL_ITERATIONS = 60;
const PROBE_ITERATIONS = 30;
/**
 * The sensitivity probes run only when the camera turns less than this over the shot (largest rotation
 * between the first registered frame and any other): rotation is what reveals the focal, and a camera
 * that turns this much pins it down (the gt orbit turns 45° and its probes agree within 0.5 %; the gt
 * dolly turns 2° and its probes spread 4–6 %).
 */
const PROBE_BELOW_TURN_DEG = 10;

/** The largest rotation (degrees) between the first registered camera and any other. */
function largestTurnDeg(rec: Reconstruction, regList: readonly number[]): number {
  const g = regList[0];
  if (g === undefined) return 0;
  const R0 = rec.R.subarray(9 * g, 9 * g + 9);
  let max = 0;
  for (const c of regList) max = Math.max(max, rotationAngle(mulT33(rec.R.subarray(9 * c, 9 * c + 9), R0)));
  return (max * 180) / Math.PI;
}

/**
 * The last bundle adjustment, over every registered frame and point, with the observations further off
 * than ≈ 3σ of the tracks' own noise (2.5× their median reprojection error) set aside: the incremental
 * solve's 2 px cut keeps slowly drifting tracks, and they bend the path and, when it is free, the focal
 * (on the gt shots this last step lowers the ATE by a third). The outlier flags are then put back as the
 * 2 px cut left them, so moving-object flags do not change; the reported RMS is that of the observations
 * the last adjustment used.
 *
 * With the focal estimated, it is free here (refining the searched value): a refinement that moves it more
 * than the search's coarse step is not trusted (the focal is then barely observable) and the searched
 * focal is kept. The same refinement at a tighter and a looser cut gives the range the focal moves over: a
 * wide range means the shot barely shows the focal (little rotation), and the user should give the lens.
 */
function finalBundle(
  view: TrackView,
  rec: Reconstruction,
  o: IncrementalOptions,
  searchedFocal: boolean,
): { note: string; range: [number, number] | null } {
  const T = view.T;
  const noise = medianReprojectionPx(view, rec, o);
  if (!Number.isFinite(noise)) return { note: 'final adjustment skipped: no residuals', range: null };
  const regList: number[] = [];
  for (let f = 0; f < T; f++) if (rec.registered[f]) regList.push(f);
  // a long shot is adjusted in windows swept along it (linear time); its focal stays the searched one
  const dense = regList.length <= DENSE_BUNDLE_MAX_FRAMES;
  const freeFocal = searchedFocal && dense;
  const saved = {
    bad: rec.bad.slice(),
    hasPoint: rec.hasPoint.slice(),
    dynamic: rec.dynamic.slice(),
    R: rec.R.slice(),
    t: rec.t.slice(),
    X: rec.X.slice(),
  };
  const f0 = rec.focal;
  const camVar = Uint8Array.from(rec.registered);
  if (rec.pair) camVar[rec.pair.a] = 0;
  const cutOf = (multiple: number) => noiseCut(o, noise, multiple);
  /** One adjustment at one cut from the incremental solve's state; flags restored afterwards. */
  const adjustAt = (thresholdPx: number, iterations: number) => {
    rec.focal = f0;
    rec.R.set(saved.R);
    rec.t.set(saved.t);
    rec.X.set(saved.X);
    const so: IncrementalOptions = { ...o, thresholdPx };
    rejectOutliers(view, rec, so, regList);
    const rep = dense
      ? runBundle(view, rec, so, camVar, Uint8Array.from(rec.hasPoint), freeFocal, iterations)
      : sweepBundle(view, rec, so, regList, rec.pair?.a ?? regList[0]!, Math.min(iterations, 15));
    rec.bad.set(saved.bad);
    rec.hasPoint.set(saved.hasPoint);
    rec.dynamic.set(saved.dynamic);
    return rep;
  };
  // only the camera's rotation shows the focal: a shot that turns well (an orbit, a pan) pins it down,
  // and the probes are spent only where it turns little
  const turn = largestTurnDeg(rec, regList);
  const probe = freeFocal && turn < PROBE_BELOW_TURN_DEG;
  const others = probe ? SENSITIVITY_MULTIPLES.map((m) => adjustAt(cutOf(m), PROBE_ITERATIONS).focal) : [];
  const thresholdPx = cutOf(SEARCH_NOISE_MULTIPLE);
  const rep = adjustAt(thresholdPx, FINAL_ITERATIONS);
  const f1 = rec.focal;
  if (freeFocal && !(Math.abs(Math.log(f1 / f0)) <= REFINE_MAX_LOG_STEP)) {
    rec.focal = f0;
    rec.R.set(saved.R);
    rec.t.set(saved.t);
    rec.X.set(saved.X);
    return {
      note: `focal refinement moved ${f0.toFixed(1)} → ${f1.toFixed(1)} px: not trusted, the searched focal and the incremental solve are kept`,
      range: null,
    };
  }
  rec.bundle = rep;
  rec.rmsPx = rep.rmsPx;
  if (!freeFocal)
    return {
      note: `final adjustment without observations beyond ${thresholdPx.toFixed(2)} px${dense ? '' : ` (in windows of frames swept along the shot; the focal is the one searched on ${SEARCH_FRAMES} of its frames)`}`,
      range: null,
    };
  if (!probe)
    return {
      note: `focal refined on the full reconstruction: ${f0.toFixed(1)} → ${f1.toFixed(1)} px (outlier threshold ${thresholdPx.toFixed(2)} px; the camera turns ${turn.toFixed(0)}°, which pins the focal down)`,
      range: null,
    };
  const all = [f1, ...others].filter((f) => Number.isFinite(f));
  const range: [number, number] = [Math.min(...all), Math.max(...all)];
  return {
    note: `focal refined on the full reconstruction: ${f0.toFixed(1)} → ${f1.toFixed(1)} px (outlier threshold ${thresholdPx.toFixed(2)} px; ${range[0].toFixed(1)}–${range[1].toFixed(1)} px at ${SENSITIVITY_MULTIPLES.join(' and ')}× the noise instead of ${SEARCH_NOISE_MULTIPLE}×)`,
    range,
  };
}
