import {
  evaluatePath,
  fitPath,
  samplePath,
  type CameraPath,
  type FitTolerance,
  type Keyframe,
  type PathSample,
} from './camera-path';
import { easingProblem, type Easing } from './easing';
import { quatNormalize, type Quat } from './quat';
import type { Vec3 } from './vec3';

/**
 * A target camera path as a shot stores it (SPEC §3–§4): either **keyframes** the editor shapes (evaluated
 * by camera-path.ts: centripetal Catmull–Rom positions, SQUAD orientations, log-space focal, per-segment
 * easing), or **samples**, one camera per frame, as a transfer, a relative preset or an imported camera
 * gives them; samples can be reduced to keyframes within a tolerance (`reduceToKeyframes`).
 *
 * Positions and orientations are in the shot's world (its source camera's gauge); orientation is R_wc
 * [w, x, y, z]; focal in pixels of the shot's frame (shown in mm with the shot's film back).
 */
export type TargetPathContent =
  { kind: 'keyframes'; keyframes: Keyframe[] } | { kind: 'samples'; samples: PathSample[] };

/** How far a given orientation's norm may be from 1 before it is refused rather than normalised. */
export const UNIT_QUATERNION_TOLERANCE = 1e-3;

/** A target path that cannot be stored: says which keyframe or sample, which frame and why. */
export class TargetPathError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'TargetPathError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function vec3(v: unknown, what: string): Vec3 {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new TargetPathError(`${what}: position must be three finite numbers`);
  return [v[0], v[1], v[2]];
}

function unitQuat(v: unknown, what: string): Quat {
  if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new TargetPathError(`${what}: orientation must be four finite numbers [w, x, y, z]`);
  const q: Quat = [v[0], v[1], v[2], v[3]];
  const norm = Math.hypot(...q);
  if (!(Math.abs(norm - 1) <= UNIT_QUATERNION_TOLERANCE))
    throw new TargetPathError(`${what}: orientation is not a unit quaternion (norm ${norm.toPrecision(6)})`);
  return quatNormalize(q);
}

function focal(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0))
    throw new TargetPathError(`${what}: focal must be a finite number > 0 (pixels), got ${String(v)}`);
  return v;
}

/**
 * Checks untrusted content (e.g. from the renderer, a file or the journal) against a shot of `frameCount`
 * frames and returns a clean copy: finite numbers, unit quaternions (normalised when within
 * UNIT_QUATERNION_TOLERANCE), frames inside the shot and strictly increasing (samples: whole frames, each
 * once), focal > 0, a known easing (named, or Bézier handles in range). Throws TargetPathError naming the keyframe or sample and its frame.
 */
export function validateTargetPath(content: unknown, frameCount: number): TargetPathContent {
  if (!(Number.isInteger(frameCount) && frameCount > 0))
    throw new TargetPathError(`a shot of ${frameCount} frames cannot have a target path`);
  if (!isRecord(content)) throw new TargetPathError('a target path must be an object');
  const last = frameCount - 1;
  const frameOf = (v: unknown, what: string, whole: boolean): number => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new TargetPathError(`${what}: frame must be a finite number`);
    if (whole && !Number.isInteger(v)) throw new TargetPathError(`${what}: frame ${v} is not a whole frame`);
    if (v < 0 || v > last)
      throw new TargetPathError(`${what}: frame ${v} is outside the shot (frames 0–${last})`);
    return v;
  };
  if (content.kind === 'keyframes') {
    const ks = content.keyframes;
    if (!Array.isArray(ks) || ks.length === 0) throw new TargetPathError('a keyframed path needs a keyframe');
    const out: Keyframe[] = ks.map((k: unknown, i) => {
      if (!isRecord(k)) throw new TargetPathError(`keyframe ${i}: not an object`);
      const frame = frameOf(k.frame, `keyframe ${i}`, false);
      const what = `keyframe ${i} (frame ${frame})`;
      const key: Keyframe = {
        frame,
        position: vec3(k.position, what),
        orientation: unitQuat(k.orientation, what),
        focalPx: focal(k.focalPx, what),
      };
      if (k.easing !== undefined) {
        const problem = easingProblem(k.easing);
        if (problem !== null) throw new TargetPathError(`${what}: ${problem}`);
        const e = k.easing as Easing;
        key.easing = typeof e === 'string' ? e : { kind: 'bezier', x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 };
      }
      return key;
    });
    out.forEach((k, i) => {
      if (i > 0 && !(k.frame > out[i - 1]!.frame))
        throw new TargetPathError(
          `keyframe ${i} (frame ${k.frame}) is not after keyframe ${i - 1} (frame ${out[i - 1]!.frame})`,
        );
    });
    return { kind: 'keyframes', keyframes: out };
  }
  if (content.kind === 'samples') {
    const ss = content.samples;
    if (!Array.isArray(ss) || ss.length === 0) throw new TargetPathError('a sampled path needs a sample');
    const out: PathSample[] = ss.map((s: unknown, i) => {
      if (!isRecord(s)) throw new TargetPathError(`sample ${i}: not an object`);
      const frame = frameOf(s.frame, `sample ${i}`, true);
      const what = `sample ${i} (frame ${frame})`;
      return {
        frame,
        position: vec3(s.position, what),
        orientation: unitQuat(s.orientation, what),
        focalPx: focal(s.focalPx, what),
      };
    });
    out.forEach((s, i) => {
      if (i > 0 && s.frame !== out[i - 1]!.frame + 1)
        throw new TargetPathError(
          `sample ${i} (frame ${s.frame}) does not follow sample ${i - 1} (frame ${out[i - 1]!.frame}): samples are consecutive frames`,
        );
    });
    return { kind: 'samples', samples: out };
  }
  throw new TargetPathError(
    `a target path's kind must be 'keyframes' or 'samples', got ${String(content.kind)}`,
  );
}

/** The path's camera at every whole frame from `first` to `last` (held before and after its range). */
export function pathSamples(content: TargetPathContent, first: number, last: number): PathSample[] {
  if (content.kind === 'keyframes') return samplePath({ keyframes: content.keyframes }, first, last);
  const ss = content.samples;
  const a = ss[0]!.frame;
  const out: PathSample[] = [];
  for (let f = first; f <= last; f++) {
    const s = ss[Math.min(ss.length - 1, Math.max(0, f - a))]!;
    out.push({ frame: f, position: [...s.position], orientation: [...s.orientation], focalPx: s.focalPx });
  }
  return out;
}

/** The path's camera at one frame. */
export function pathSampleAt(content: TargetPathContent, frame: number): PathSample {
  if (content.kind === 'keyframes')
    return evaluatePath({ keyframes: content.keyframes } as CameraPath, frame);
  return pathSamples(content, Math.round(frame), Math.round(frame))[0]!;
}

/**
 * Samples reduced to keyframes (camera-path.ts fitPath): every sample within `tolerance` of the keyframed
 * path. A keyframed path is returned as it is.
 */
export function reduceToKeyframes(
  content: TargetPathContent,
  tolerance: FitTolerance,
): { content: TargetPathContent; maxError: number } {
  if (content.kind === 'keyframes') return { content, maxError: 0 };
  const { path, maxError } = fitPath(content.samples, tolerance);
  return { content: { kind: 'keyframes', keyframes: path.keyframes }, maxError };
}
