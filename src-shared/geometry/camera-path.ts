import type { Quat } from './quat';
import {
  quatConjugate,
  quatDot,
  quatExp,
  quatLog,
  quatMultiply,
  quatNegate,
  quatNormalize,
  quatSlerp,
} from './quat';
import { ease, isBezier, type Easing } from './easing';
import type { Vec3 } from './vec3';

/**
 * Hand-editable camera paths: keyframes at (fractional) frames, evaluated at any frame.
 * - Position: centripetal Catmull–Rom (α = 0.5, Barry–Goldman evaluation), which passes through every
 *   keyframe and neither cusps nor self-intersects within a segment; end segments use reflected phantom points.
 * - Orientation: SQUAD over sign-aligned quaternions (shortest arc between neighbours), C¹ and exact at keys.
 * - Focal: interpolated in log space (a constant zoom RATE reads as uniform to the eye), linear per segment.
 * - Easing: a keyframe's `easing` reshapes time on the segment that starts at it (default linear; easing.ts:
 *   named easings or Bézier handles, whose overshoot carries every channel past the next key and back).
 * Outside [first, last] keyframe the path holds the end values.
 */
export interface Keyframe {
  frame: number;
  position: Vec3;
  /** Camera-to-world rotation R_wc, [w, x, y, z]. */
  orientation: Quat;
  focalPx: number;
  easing?: Easing;
}

export interface CameraPath {
  keyframes: Keyframe[];
}

export interface PathSample {
  frame: number;
  position: Vec3;
  orientation: Quat;
  focalPx: number;
}

/** Checks ordering and values; returns the path for chaining. */
export function validatePath(path: CameraPath): CameraPath {
  const ks = path.keyframes;
  if (ks.length === 0) throw new RangeError('camera path: no keyframes');
  ks.forEach((k, i) => {
    if (!Number.isFinite(k.frame)) throw new RangeError(`camera path: keyframe ${i} has frame ${k.frame}`);
    if (i > 0 && !(k.frame > ks[i - 1]!.frame))
      throw new RangeError(`camera path: keyframe ${i} (frame ${k.frame}) is not after keyframe ${i - 1}`);
    if (!(k.focalPx > 0)) throw new RangeError(`camera path: keyframe ${i} has focal ${k.focalPx}`);
  });
  return path;
}

function catmullRomCentripetal(p0: Vec3, p1: Vec3, p2: Vec3, p3: Vec3, s: number): Vec3 {
  if (s === 0) return [...p1];
  if (s === 1) return [...p2];
  const knot = (a: Vec3, b: Vec3): number => {
    const d = Math.sqrt(Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]));
    return d > 1e-12 ? d : 0;
  };
  const d12 = knot(p1, p2);
  if (d12 === 0) return [...p1];
  const t0 = 0;
  const t1 = t0 + (knot(p0, p1) || d12);
  const t2 = t1 + d12;
  const t3 = t2 + (knot(p2, p3) || d12);
  const t = t1 + s * (t2 - t1);
  const mix = (a: Vec3, b: Vec3, ta: number, tb: number): Vec3 => {
    const wa = (tb - t) / (tb - ta);
    const wb = (t - ta) / (tb - ta);
    return [wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2]];
  };
  const a1 = mix(p0, p1, t0, t1);
  const a2 = mix(p1, p2, t1, t2);
  const a3 = mix(p2, p3, t2, t3);
  const b1 = mix(a1, a2, t0, t2);
  const b2 = mix(a2, a3, t1, t3);
  return mix(b1, b2, t1, t2);
}

/** Quaternions made sign-consistent along the path (each on the same hemisphere as its predecessor). */
function alignedOrientations(ks: readonly Keyframe[]): Quat[] {
  const out: Quat[] = [];
  for (const k of ks) {
    let q = quatNormalize(k.orientation);
    const prev = out[out.length - 1];
    if (prev && quatDot(prev, q) < 0) q = quatNegate(q);
    out.push(q);
  }
  return out;
}

function squadControl(qPrev: Quat, q: Quat, qNext: Quat): Quat {
  const inv = quatConjugate(q);
  const a = quatLog(quatMultiply(inv, qNext));
  const b = quatLog(quatMultiply(inv, qPrev));
  return quatMultiply(q, quatExp([-(a[0] + b[0]) / 4, -(a[1] + b[1]) / 4, -(a[2] + b[2]) / 4]));
}

/** Evaluates the path at a (fractional) frame. */
export function evaluatePath(path: CameraPath, frame: number): PathSample {
  const ks = path.keyframes;
  const n = ks.length;
  if (n === 0) throw new RangeError('camera path: no keyframes');
  const first = ks[0]!;
  const last = ks[n - 1]!;
  if (n === 1 || frame <= first.frame)
    return {
      frame,
      position: [...first.position],
      orientation: quatNormalize(first.orientation),
      focalPx: first.focalPx,
    };
  if (frame >= last.frame)
    return {
      frame,
      position: [...last.position],
      orientation: quatNormalize(last.orientation),
      focalPx: last.focalPx,
    };
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ks[mid]!.frame <= frame) lo = mid;
    else hi = mid;
  }
  const i = lo;
  const k1 = ks[i]!;
  const k2 = ks[i + 1]!;
  const raw = (frame - k1.frame) / (k2.frame - k1.frame);
  const s = ease(k1.easing, raw);
  const p1 = k1.position;
  const p2 = k2.position;
  const p0: Vec3 = i > 0 ? ks[i - 1]!.position : [2 * p1[0] - p2[0], 2 * p1[1] - p2[1], 2 * p1[2] - p2[2]];
  const p3: Vec3 =
    i + 2 < n ? ks[i + 2]!.position : [2 * p2[0] - p1[0], 2 * p2[1] - p1[1], 2 * p2[2] - p1[2]];
  const qs = alignedOrientations(ks.slice(Math.max(0, i - 1), Math.min(n, i + 3)));
  const o = i > 0 ? 1 : 0;
  const q1 = qs[o]!;
  const q2 = qs[o + 1]!;
  const q0 = i > 0 ? qs[0]! : q1;
  const q3 = qs[o + 2] ?? q2;
  let orientation: Quat;
  if (s === 0) orientation = [...q1];
  else if (s === 1) orientation = [...q2];
  else {
    const s1 = squadControl(q0, q1, q2);
    const s2 = squadControl(q1, q2, q3);
    orientation = quatNormalize(quatSlerp(quatSlerp(q1, q2, s), quatSlerp(s1, s2, s), 2 * s * (1 - s)));
  }
  return {
    frame,
    position: catmullRomCentripetal(p0, p1, p2, p3, s),
    orientation,
    focalPx:
      s === 0 || k1.focalPx === k2.focalPx
        ? k1.focalPx
        : s === 1
          ? k2.focalPx
          : Math.exp(Math.log(k1.focalPx) + s * (Math.log(k2.focalPx) - Math.log(k1.focalPx))),
  };
}

/** One sample per integer frame from `first` to `last` inclusive. */
export function samplePath(path: CameraPath, first: number, last: number): PathSample[] {
  const out: PathSample[] = [];
  for (let f = first; f <= last; f++) out.push(evaluatePath(path, f));
  return out;
}

const sorted = (ks: Keyframe[]): CameraPath =>
  validatePath({ keyframes: ks.sort((a, b) => a.frame - b.frame) });

/** Inserts a keyframe at `frame` holding the path's current (interpolated) value there: the shape is kept at that frame. */
export function insertKeyframe(path: CameraPath, frame: number, easing?: Easing): CameraPath {
  if (path.keyframes.some((k) => k.frame === frame))
    throw new RangeError(`camera path: a keyframe already exists at frame ${frame}`);
  const v = evaluatePath(path, frame);
  const k: Keyframe = { frame, position: v.position, orientation: v.orientation, focalPx: v.focalPx };
  const prev = [...path.keyframes].reverse().find((x) => x.frame < frame);
  const e = easing ?? prev?.easing;
  if (e) k.easing = isBezier(e) ? { ...e } : e;
  return sorted([...path.keyframes.map((x) => ({ ...x })), k]);
}

export function deleteKeyframe(path: CameraPath, index: number): CameraPath {
  if (index < 0 || index >= path.keyframes.length) throw new RangeError(`camera path: no keyframe ${index}`);
  if (path.keyframes.length === 1) throw new RangeError('camera path: cannot delete the only keyframe');
  return { keyframes: path.keyframes.filter((_, i) => i !== index).map((x) => ({ ...x })) };
}

/** Moves keyframe `index` to `frame`; refuses to jump over or onto a neighbour (that would reorder the path). */
export function moveKeyframe(path: CameraPath, index: number, frame: number): CameraPath {
  const ks = path.keyframes;
  const k = ks[index];
  if (!k) throw new RangeError(`camera path: no keyframe ${index}`);
  const prev = ks[index - 1];
  const next = ks[index + 1];
  if ((prev && frame <= prev.frame) || (next && frame >= next.frame))
    throw new RangeError(
      `camera path: frame ${frame} is outside the neighbouring keyframes of keyframe ${index}`,
    );
  return { keyframes: ks.map((x, i) => (i === index ? { ...x, frame } : { ...x })) };
}

/** Retimes the whole path linearly so its first and last keyframes land on `first` and `last`. */
export function retimePath(path: CameraPath, first: number, last: number): CameraPath {
  const ks = path.keyframes;
  const a = ks[0]!.frame;
  const b = ks[ks.length - 1]!.frame;
  if (ks.length > 1 && !(last > first)) throw new RangeError('camera path: retime needs last > first');
  const map = (f: number): number => (ks.length === 1 ? first : first + ((f - a) * (last - first)) / (b - a));
  return validatePath({ keyframes: ks.map((x) => ({ ...x, frame: map(x.frame) })) });
}

export interface FitTolerance {
  /** Max position deviation from the input samples (world units). */
  position: number;
  /** Max orientation deviation (degrees). */
  rotationDeg: number;
  /** Max relative focal deviation (e.g. 0.01 = 1 %). */
  focalRel?: number;
  /** Half-width in frames of the pre-smoothing window for keyframe values (default 2; 0 = raw samples). */
  smoothRadius?: number;
}

function errorOf(a: PathSample, b: PathSample, tol: FitTolerance): number {
  const dp =
    Math.hypot(a.position[0] - b.position[0], a.position[1] - b.position[1], a.position[2] - b.position[2]) /
    tol.position;
  const ang = (2 * Math.acos(Math.min(1, Math.abs(quatDot(a.orientation, b.orientation)))) * 180) / Math.PI;
  const df = Math.abs(Math.log(a.focalPx / b.focalPx)) / (tol.focalRel ?? 0.01);
  return Math.max(dp, ang / tol.rotationDeg, df);
}

/**
 * Reduces a noisy per-frame trajectory to a few keyframes: start from the end frames and repeatedly add a
 * keyframe at the worst-fitting frame (greedy, Douglas–Peucker-like) until every sample is within the
 * tolerance. Keyframe values come from a small moving-average of the samples so they do not lock in noise;
 * a frame that is already a keyframe and still out of tolerance gets its raw sample, so the loop always
 * ends. The tolerance should exceed the noise level, or nearly every frame becomes a keyframe.
 */
export function fitPath(
  samples: readonly PathSample[],
  tol: FitTolerance,
): { path: CameraPath; maxError: number } {
  const n = samples.length;
  if (n === 0) throw new RangeError('fitPath: no samples');
  const r = Math.max(0, Math.floor(tol.smoothRadius ?? 2));
  const qs = alignedOrientations(
    samples.map((s) => ({
      frame: s.frame,
      position: s.position,
      orientation: s.orientation,
      focalPx: s.focalPx,
    })),
  );
  const smooth = (i: number): Keyframe => {
    const lo = Math.max(0, i - r);
    const hi = Math.min(n - 1, i + r);
    const p: Vec3 = [0, 0, 0];
    const q: Quat = [0, 0, 0, 0];
    let lf = 0;
    const m = hi - lo + 1;
    for (let j = lo; j <= hi; j++) {
      const s = samples[j]!;
      p[0] += s.position[0] / m;
      p[1] += s.position[1] / m;
      p[2] += s.position[2] / m;
      const qj = qs[j]!;
      q[0] += qj[0];
      q[1] += qj[1];
      q[2] += qj[2];
      q[3] += qj[3];
      lf += Math.log(s.focalPx) / m;
    }
    return { frame: samples[i]!.frame, position: p, orientation: quatNormalize(q), focalPx: Math.exp(lf) };
  };
  const raw = (i: number): Keyframe => ({
    frame: samples[i]!.frame,
    position: [...samples[i]!.position],
    orientation: qs[i]!,
    focalPx: samples[i]!.focalPx,
  });
  const chosen = new Map<number, Keyframe>([[0, smooth(0)]]);
  if (n > 1) chosen.set(n - 1, smooth(n - 1));
  const build = (): CameraPath => ({
    keyframes: [...chosen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]),
  });
  for (let guard = 0; guard < 4 * n + 4; guard++) {
    const path = build();
    let worst = -1;
    let worstErr = 0;
    for (let i = 0; i < n; i++) {
      const e = errorOf(evaluatePath(path, samples[i]!.frame), samples[i]!, tol);
      if (e > worstErr) {
        worstErr = e;
        worst = i;
      }
    }
    if (worstErr <= 1 || worst < 0) return { path, maxError: worstErr };
    chosen.set(worst, chosen.has(worst) ? raw(worst) : smooth(worst));
  }
  const path = build();
  let maxError = 0;
  for (const s of samples) maxError = Math.max(maxError, errorOf(evaluatePath(path, s.frame), s, tol));
  return { path, maxError };
}
