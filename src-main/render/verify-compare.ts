/**
 * The comparison of "Verify render" (issue 14 item 4), pure: the camera recovered from a rendered plate
 * against the target path it was rendered along. The recovered camera is in its own gauge (the solve's
 * world and scale), so it is first aligned onto the path by a similarity (Sim(3)): Umeyama on the camera
 * centres (`alignTrajectories` of src-shared/geometry/metrics.ts, as the papers behind SPEC §4 do) where
 * the path's centres pin the rotation down; where they do not — a straight path (a dolly, a truck, a
 * crane: the roll about its line is free) or one spot (a pan, a zoom) — the rotation is the one that
 * best matches the cameras' orientations, and the scale and shift then best match the centres. Then, per
 * SPEC §4 and §3 (the same definitions as `trajectoryMetrics`):
 * - RotErr: Σ and mean over the frames compared of the geodesic angle between the aligned recovered
 *   rotation and the requested one, in degrees;
 * - TransErr: Σ and mean of ‖Ĉ_j − C_j‖ after alignment, in the shot's units; and per frame divided by
 *   the scene depth Z̄_j seen from the requested camera, which says what the error means in the picture
 *   (an error of e at depth Z̄ moves the scene's content by about f·e/Z̄ pixels against the far background);
 * - ATE: RMSE of the centre errors after alignment, also divided by the path's length;
 * - PCE: between Π_i = ‖C_{i+1} − C_i‖ / Z̄_i of the requested path (Z̄ in the shot's scene, its units)
 *   and of the recovered camera (Z̄ in the plate's own reconstruction, its units). Π is gauge-invariant,
 *   so no alignment enters it: it tells whether the plate shows the parallax the path asks for in this
 *   scene, which the similarity alignment cannot (a plate that moves twice as far through the same scene
 *   aligns perfectly). The caller measures both Z̄ on the same scene points where it can (verify.ts: the
 *   plate's tracked points, their rendered depth and their solved depth), since the medians of two
 *   different point sets differ by themselves (18 % on the gt orbit), which PCE would count.
 * A verdict follows from thresholds (docs/rendering.md, "Verify render", says how they were chosen).
 */
import type {
  VerifyMetrics,
  VerifySpan,
  VerifyThresholds,
  VerifyVerdict,
} from '../../src-shared/api/contract';
import {
  alignTrajectories,
  applySim3ToPose,
  distance,
  nearestRotationQuat,
  pathLength,
  pce,
  PCE_EPSILON,
  quatAngle,
  quatConjugate,
  quatMultiply,
  quatRotate,
  quatToMat3,
  symmetricEigen,
  type Mat3,
  type Pose,
  type Sim3,
} from '../../src-shared/geometry';

/**
 * The thresholds of the verdict (docs/rendering.md, "Verify render", has the measurements behind them).
 * A frame deviates when its rotation is more than 1° off (≈ 9 px of image shift at a 500 px focal) or its
 * centre more than 2 % of the scene depth off (content at that depth then moves ≈ 10 px against the far
 * background at 500 px); the plate follows the path when no frame deviates, the means stay under half of
 * that, the parallax agrees within PCE 0.2 (Π within ≈ ×1.22 on average), and at least 80 % of the frames
 * could be solved. Renders of the gt orbit and dolly that do follow their paths measure RotErr 0.2–0.3°
 * (mean), 0.03–0.08 % of the scene depth and PCE < 0.01; the orbit against a path 0.5 m higher (the same
 * arc up to a similarity, aimed 4° lower) measures RotErr 4°.
 */
export const DEFAULT_VERIFY_THRESHOLDS: VerifyThresholds = {
  rotErrFrameDeg: 1,
  transErrFrameRel: 0.02,
  rotErrMeanDeg: 0.5,
  transErrMeanRel: 0.01,
  pce: 0.2,
  minSolvedShare: 0.8,
};

/** At most this many spans are listed (the longest). */
export const MAX_SPANS = 20;
/** Bad stretches this close (good frames between them) are reported as one. */
const SPAN_GAP = 2;

export interface ComparisonInput {
  /** The shot frame of each entry, ascending. */
  frames: readonly number[];
  /** The requested camera (the target path) of each entry. */
  requested: readonly Pose[];
  /** The camera recovered from the plate, null where the solve has no pose; in the solve's gauge. */
  recovered: readonly (Pose | null)[];
  /**
   * Z̄ of each entry: of the scene seen from the requested camera (shot units) and from the recovered one
   * (the solve's units). NaN = unknown (the nearest known value is used).
   */
  requestedDepth: ArrayLike<number>;
  recoveredDepth: ArrayLike<number>;
}

export interface FrameError {
  frame: number;
  solved: boolean;
  rotErrDeg: number | null;
  transErr: number | null;
  transErrRel: number | null;
}

export interface Comparison {
  verdict: VerifyVerdict;
  /** How the similarity was found (null: too few frames to compare). */
  alignedBy: 'centres' | 'orientations' | null;
  text: string;
  metrics: VerifyMetrics | null;
  frames: FrameError[];
  pi: { requested: (number | null)[]; recovered: (number | null)[] };
  spans: VerifySpan[];
}

const DEG = 180 / Math.PI;

/** NaN and non-positive entries replaced by the nearest valid one before, else after; all null when none is valid. */
export function fillDepths(z: ArrayLike<number>): Float64Array | null {
  const n = z.length;
  const out = new Float64Array(n).fill(NaN);
  let last = NaN;
  for (let i = 0; i < n; i++) {
    const v = z[i]!;
    if (v > 0 && Number.isFinite(v)) last = v;
    out[i] = last;
  }
  let next = NaN;
  for (let i = n - 1; i >= 0; i--) {
    const v = z[i]!;
    if (v > 0 && Number.isFinite(v)) next = v;
    if (!(out[i]! > 0)) out[i] = next;
  }
  return n > 0 && out.every((v) => v > 0) ? out : null;
}

/** Π of one step, 0 for a camera that did not move whatever the depth, null when the depth is unknown. */
function stepPi(a: Pose, b: Pose, z: number | undefined): number | null {
  const d = distance(a.C, b.C);
  if (d === 0) return 0;
  return z !== undefined && z > 0 ? d / z : null;
}

const fmt = (v: number, digits = 1) => v.toFixed(digits);
const pct = (v: number) => `${(100 * v).toFixed(100 * v < 1 ? 2 : 1)} %`;
const frameWords = (first: number, last: number) =>
  first === last ? `frame ${first}` : `frames ${first}–${last}`;

/** Runs of indices where `bad` holds, joined across gaps of at most SPAN_GAP good entries. */
function runs(n: number, bad: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (!bad(i)) continue;
    const prev = out.at(-1);
    if (prev && i - prev[1] - 1 <= SPAN_GAP) prev[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/** A path is straight when its centres stray less than this share of their spread along its line. */
export const STRAIGHT_PATH = 0.01;

/** Mean of the centres. */
function meanCentre(poses: readonly Pose[]): [number, number, number] {
  const n = poses.length;
  const m: [number, number, number] = [0, 0, 0];
  for (const p of poses) for (let k = 0; k < 3; k++) m[k] = m[k]! + p.C[k]! / n;
  return m;
}

/**
 * The spread of the centres along their main axis and across it (square roots of the two largest
 * eigenvalues of their scatter), 0 at rounding level.
 */
function spreads(poses: readonly Pose[]): [number, number] {
  const m = meanCentre(poses);
  const S = new Float64Array(9);
  for (const p of poses)
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) S[3 * r + c] = S[3 * r + c]! + (p.C[r]! - m[r]!) * (p.C[c]! - m[c]!);
  const { values } = symmetricEigen(S, 3);
  const floor = 1e-9 * Math.max(1, Math.hypot(...m));
  const sd = (v: number) => {
    const x = Math.sqrt(Math.max(0, v) / poses.length);
    return x > floor ? x : 0;
  };
  return [sd(values[2]!), sd(values[1]!)];
}

/**
 * The similarity taking `est` onto `ref` when the centres of `ref` cannot fix its rotation: the rotation
 * nearest to Σ R_ref·R_estᵀ (the chordal mean of the orientation differences), then the least-squares
 * scale and shift of the centres under it. When the centres cannot give the scale either (either side
 * stays on one spot) it is `scaleHint` (e.g. the ratio of the scene depths), else 1.
 */
export function alignByOrientation(est: readonly Pose[], ref: readonly Pose[], scaleHint = 1): Sim3 {
  const M = new Array<number>(9).fill(0) as unknown as Mat3;
  est.forEach((e, i) => {
    const d = quatToMat3(quatMultiply(ref[i]!.q, quatConjugate(e.q)));
    for (let k = 0; k < 9; k++) M[k] = M[k]! + d[k]!;
  });
  const q = nearestRotationQuat(M);
  const me = meanCentre(est),
    mr = meanCentre(ref);
  let num = 0,
    den = 0;
  est.forEach((e, i) => {
    const a = quatRotate(q, [e.C[0] - me[0], e.C[1] - me[1], e.C[2] - me[2]]);
    const c = ref[i]!.C;
    num += a[0] * (c[0] - mr[0]) + a[1] * (c[1] - mr[1]) + a[2] * (c[2] - mr[2]);
    den += a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
  });
  const [along] = spreads(ref);
  const floor = 1e-18 * Math.max(1, me[0] ** 2 + me[1] ** 2 + me[2] ** 2) * est.length;
  const s = along > 0 && den > floor && num > 0 ? num / den : scaleHint;
  const r = quatRotate(q, me);
  return { s, q, t: [mr[0] - s * r[0], mr[1] - s * r[1], mr[2] - s * r[2]] };
}

/**
 * The similarity taking the recovered cameras onto the requested ones (see the top of this file), and
 * which way it was found.
 */
export function alignRecovered(
  est: readonly Pose[],
  ref: readonly Pose[],
  scaleHint = 1,
): { alignment: Sim3; by: 'centres' | 'orientations' } {
  const [along, across] = spreads(ref);
  if (!(along > 0) || across < STRAIGHT_PATH * along)
    return { alignment: alignByOrientation(est, ref, scaleHint), by: 'orientations' };
  // alignTrajectories weighs the orientations against the centres with a weight in the reference's
  // units, meant to decide only what the centres leave open; the recovered centres are brought to the
  // reference's spread first (a similarity: no error changes) so that it stays as small in any gauge
  const a = spreads(est)[0];
  const k = a > 0 ? along / a : 1;
  const scaled = est.map((p) => ({
    C: [p.C[0] * k, p.C[1] * k, p.C[2] * k] as [number, number, number],
    q: p.q,
  }));
  const A = alignTrajectories(scaled, ref);
  return { alignment: { s: A.s * k, q: A.q, t: A.t }, by: 'centres' };
}

export function compareWithPath(
  input: ComparisonInput,
  thresholds: VerifyThresholds = DEFAULT_VERIFY_THRESHOLDS,
): Comparison {
  const { frames, requested, recovered } = input;
  const n = frames.length;
  if (requested.length !== n || recovered.length !== n)
    throw new RangeError('compareWithPath: frames, requested and recovered differ in length');
  const solvedIdx: number[] = [];
  for (let i = 0; i < n; i++) if (recovered[i]) solvedIdx.push(i);
  const frameErrors: FrameError[] = frames.map((frame, i) => ({
    frame,
    solved: !!recovered[i],
    rotErrDeg: null,
    transErr: null,
    transErrRel: null,
  }));
  const noPi = () => Array.from({ length: Math.max(0, n - 1) }, () => null);
  const unsolved: VerifySpan[] = runs(n, (i) => !recovered[i]).map(([a, b]) => ({
    first: frames[a]!,
    last: frames[b]!,
    kind: 'unsolved',
    worstRotErrDeg: null,
    worstTransErrRel: null,
    text: `${frameWords(frames[a]!, frames[b]!)} could not be solved from the plate (not checked)`,
  }));
  const minSolved = Math.max(3, Math.ceil(thresholds.minSolvedShare * n));
  if (solvedIdx.length < minSolved) {
    return {
      verdict: 'unverifiable',
      alignedBy: null,
      text:
        `could not verify: the plate's camera was solved in ${solvedIdx.length} of ${n} frames ` +
        `(at least ${minSolved} needed)`,
      metrics: null,
      frames: frameErrors,
      pi: { requested: noPi(), recovered: noPi() },
      spans: unsolved.slice(0, MAX_SPANS),
    };
  }

  // the similarity taking the recovered camera onto the path, and the errors after it
  const ref = solvedIdx.map((i) => requested[i]!);
  const est = solvedIdx.map((i) => recovered[i]!);
  const zReq = fillDepths(input.requestedDepth);
  const zRec = fillDepths(input.recoveredDepth);
  // the gauge ratio the scene depths tell, for a path whose centres cannot (one spot)
  const ratios = solvedIdx
    .map((i) => (zReq && zRec ? zReq[i]! / zRec[i]! : NaN))
    .filter((r) => r > 0 && Number.isFinite(r))
    .sort((a, b) => a - b);
  const { alignment, by } = alignRecovered(est, ref, ratios.length ? ratios[ratios.length >> 1]! : 1);
  let rotSum = 0,
    rotMax = 0,
    transSum = 0,
    sq = 0,
    relSum = 0,
    relMax = 0;
  solvedIdx.forEach((i, k) => {
    const a = applySim3ToPose(alignment, est[k]!);
    const rot = quatAngle(a.q, ref[k]!.q) * DEG;
    const tr = distance(a.C, ref[k]!.C);
    const rel = zReq ? tr / zReq[i]! : null;
    frameErrors[i] = { frame: frames[i]!, solved: true, rotErrDeg: rot, transErr: tr, transErrRel: rel };
    rotSum += rot;
    rotMax = Math.max(rotMax, rot);
    transSum += tr;
    sq += tr * tr;
    if (rel !== null) {
      relSum += rel;
      relMax = Math.max(relMax, rel);
    }
  });
  const m = solvedIdx.length;
  const ate = Math.sqrt(sq / m);
  const L = pathLength(ref);

  // Π per step (entries i → i+1, both solved), each sequence in its own gauge
  const piReq: (number | null)[] = [];
  const piRec: (number | null)[] = [];
  for (let i = 0; i + 1 < n; i++) {
    const a = recovered[i],
      b = recovered[i + 1];
    piReq.push(a && b ? stepPi(requested[i]!, requested[i + 1]!, zReq?.[i]) : null);
    piRec.push(a && b ? stepPi(a, b, zRec?.[i]) : null);
  }
  const pa: number[] = [],
    pb: number[] = [];
  for (let i = 0; i < piReq.length; i++)
    if (piReq[i] !== null && piRec[i] !== null) {
      pa.push(piRec[i]!);
      pb.push(piReq[i]!);
    }
  const pceValue = pa.length ? pce(pa, pb) : null;
  const metrics: VerifyMetrics = {
    framesCompared: m,
    framesTotal: n,
    rotErrSumDeg: rotSum,
    rotErrMeanDeg: rotSum / m,
    rotErrMaxDeg: rotMax,
    transErrSum: transSum,
    transErrMean: transSum / m,
    transErrMeanRel: zReq ? relSum / m : null,
    transErrMaxRel: zReq ? relMax : null,
    ateRmse: ate,
    ateRelative: L > 0 ? ate / L : null,
    pce: pceValue,
    alignmentScale: alignment.s,
  };

  // where it does not follow: stretches of frames over the per-frame thresholds, longest first
  const rotBad = (i: number) => (frameErrors[i]!.rotErrDeg ?? 0) > thresholds.rotErrFrameDeg;
  const transBad = (i: number) => (frameErrors[i]!.transErrRel ?? 0) > thresholds.transErrFrameRel;
  const worst = (a: number, b: number, key: 'rotErrDeg' | 'transErrRel') => {
    let w: number | null = null;
    for (let i = a; i <= b; i++) {
      const v = frameErrors[i]![key];
      if (v !== null && (w === null || v > w)) w = v;
    }
    return w;
  };
  const spans: VerifySpan[] = [];
  for (const [a, b] of runs(n, rotBad)) {
    const w = worst(a, b, 'rotErrDeg')!;
    spans.push({
      first: frames[a]!,
      last: frames[b]!,
      kind: 'rotation',
      worstRotErrDeg: w,
      worstTransErrRel: worst(a, b, 'transErrRel'),
      text: `${frameWords(frames[a]!, frames[b]!)} ${a === b ? 'turns' : 'turn'} away from the path: RotErr up to ${fmt(w)}°`,
    });
  }
  for (const [a, b] of runs(n, transBad)) {
    const w = worst(a, b, 'transErrRel')!;
    spans.push({
      first: frames[a]!,
      last: frames[b]!,
      kind: 'translation',
      worstRotErrDeg: worst(a, b, 'rotErrDeg'),
      worstTransErrRel: w,
      text: `${frameWords(frames[a]!, frames[b]!)} ${a === b ? 'drifts' : 'drift'} off the path: the camera is up to ${pct(w)} of the scene depth away`,
    });
  }
  const length = (s: VerifySpan) => s.last - s.first;
  spans.sort((x, y) => length(y) - length(x) || x.first - y.first);

  const problems: string[] = spans.map((s) => s.text);
  if (metrics.rotErrMeanDeg > thresholds.rotErrMeanDeg)
    problems.push(
      `RotErr mean ${fmt(metrics.rotErrMeanDeg, 2)}° over ${solvedIdx.length} frames (threshold ${thresholds.rotErrMeanDeg}°)`,
    );
  if (metrics.transErrMeanRel !== null && metrics.transErrMeanRel > thresholds.transErrMeanRel)
    problems.push(
      `the camera is on average ${pct(metrics.transErrMeanRel)} of the scene depth off the path (threshold ${pct(thresholds.transErrMeanRel)})`,
    );
  if (pceValue !== null && pceValue > thresholds.pce) {
    let s = 0;
    for (let k = 0; k < pa.length; k++) s += Math.log((pa[k]! + PCE_EPSILON) / (pb[k]! + PCE_EPSILON));
    const ratio = Math.exp(s / pa.length);
    problems.push(
      `the parallax differs from the path's: PCE ${fmt(pceValue, 2)} (threshold ${thresholds.pce}); ` +
        `the plate moves ${ratio >= 1 ? `×${fmt(ratio, 2)} more` : `×${fmt(1 / ratio, 2)} less`} than asked on average`,
    );
  }
  const notChecked = unsolved.length ? `; ${unsolved.map((s) => s.text).join('; ')}` : '';
  const all = [...spans, ...unsolved].slice(0, MAX_SPANS);
  const pi = { requested: piReq, recovered: piRec };
  if (problems.length === 0) {
    const trans =
      metrics.transErrMeanRel !== null
        ? `the camera within ${pct(metrics.transErrMaxRel!)} of the scene depth of the path (mean ${pct(metrics.transErrMeanRel)})`
        : `TransErr mean ${metrics.transErrMean.toPrecision(3)}`;
    return {
      verdict: 'follows',
      alignedBy: by,
      text:
        `the plate follows the path: RotErr mean ${fmt(metrics.rotErrMeanDeg, 2)}° (worst ${fmt(rotMax, 2)}°), ` +
        `${trans}` +
        (pceValue !== null ? `, PCE ${fmt(pceValue, 3)}` : '') +
        ` over ${solvedIdx.length} frames${notChecked}`,
      metrics,
      frames: frameErrors,
      pi,
      spans: all,
    };
  }
  return {
    verdict: 'deviates',
    alignedBy: by,
    text: `the plate does not follow the path: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? `; and ${problems.length - 6} more` : ''}${notChecked}`,
    metrics,
    frames: frameErrors,
    pi,
    spans: all,
  };
}
