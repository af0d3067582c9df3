import type { Keyframe, PathSample } from './camera-path';
import { ease } from './easing';
import {
  quatDot,
  quatFromAxisAngle,
  quatMultiply,
  quatNegate,
  quatNormalize,
  quatRotate,
  type Quat,
} from './quat';
import type { TargetPathContent } from './target-path';
import type { Vec3 } from './vec3';

/**
 * Camera-move presets in gauge-free units (SPEC §2: a monocular shot has no absolute scale, so "truck 1 m"
 * means nothing). Distances are fractions of the scene depth Z̄ at the anchor frame (or of the distance to
 * a picked point), angles are degrees, zoom is a focal factor — so a preset gives the same image motion on
 * any shot whatever its gauge: scale the shot's world by s and the preset's path scales by s.
 *
 * Camera axes are OpenCV's (x right, y down, z forward); "up" is the world's up when the scene was
 * oriented, else the anchor camera's −y. Signs: dolly + = in (forward), truck + = right, pedestal + = up,
 * arc + = the camera moves right around the subject at Z̄ in front of it, pan + = right, tilt + = up.
 *
 * A move starts at the anchor frame (held before it) and reaches its amount at the shot's last frame,
 * eased in and out. **Absolute** presets start from the source camera's pose at the anchor frame and give
 * keyframes; **relative** ones compose the move with the source camera frame by frame (the offset in the
 * source camera's own axes), so a handheld feel survives, and give one sample per frame.
 */
export const PRESET_KINDS = [
  'lockoff',
  'stabilise',
  'dolly',
  'truck',
  'pedestal',
  'arc',
  'pan',
  'tilt',
  'zoom',
  'dollyzoom',
] as const;
export type PresetKind = (typeof PRESET_KINDS)[number];

export interface PresetRequest {
  kind: PresetKind;
  /**
   * dolly, truck, pedestal, dollyzoom: a fraction of Z̄ (dollyzoom < 1); arc, pan, tilt: degrees; zoom: a
   * focal factor (> 0); stabilise: strength 0–1 (1 = the source move smoothed over about ±2 s at 24 fps);
   * lockoff: not used.
   */
  amount: number;
  /** Compose with the source camera frame by frame (not for lockoff and stabilise). */
  relative?: boolean;
  /** Anchor frame (default 0): the pose a lockoff holds, where a move starts, where Z̄ is measured. */
  frame?: number;
}

export interface PresetScene {
  /** The source camera at every frame of the shot, frames 0 … T−1. */
  source: readonly PathSample[];
  /** Z̄ at the anchor frame, or the distance to a picked subject, in the shot's gauge (> 0). */
  sceneDepth: number;
  /** The world's up (unit; the oriented scene's, else pan-tilt-roll.ts sceneUp); default: the anchor camera's up. */
  up?: Vec3;
}

export class PresetError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PresetError';
  }
}

const DEG = Math.PI / 180;
const axis = (q: Quat, i: 0 | 1 | 2): Vec3 =>
  quatRotate(q, i === 0 ? [1, 0, 0] : i === 1 ? [0, 1, 0] : [0, 0, 1]);
const add = (a: Vec3, b: Vec3, s: number): Vec3 => [a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]];
const unit = (v: Vec3): Vec3 => {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
};

/** The pose `p` moved by the preset at progress s ∈ [0, 1] (Z̄ = depth, `up` the world's up). */
function moved(
  kind: PresetKind,
  amount: number,
  p: PathSample,
  s: number,
  depth: number,
  up: Vec3,
): PathSample {
  const fwd = axis(p.orientation, 2);
  const out: PathSample = {
    frame: p.frame,
    position: [...p.position],
    orientation: [...p.orientation],
    focalPx: p.focalPx,
  };
  switch (kind) {
    case 'dolly':
      out.position = add(p.position, fwd, s * amount * depth);
      break;
    case 'truck':
      out.position = add(p.position, axis(p.orientation, 0), s * amount * depth);
      break;
    case 'pedestal':
      out.position = add(p.position, up, s * amount * depth);
      break;
    case 'arc': {
      const pivot = add(p.position, fwd, depth);
      const r = quatFromAxisAngle(up, s * amount * DEG);
      const rel: Vec3 = [p.position[0] - pivot[0], p.position[1] - pivot[1], p.position[2] - pivot[2]];
      out.position = add(pivot, quatRotate(r, rel), 1);
      out.orientation = quatNormalize(quatMultiply(r, p.orientation));
      break;
    }
    case 'pan':
      out.orientation = quatNormalize(quatMultiply(quatFromAxisAngle(up, -s * amount * DEG), p.orientation));
      break;
    case 'tilt':
      out.orientation = quatNormalize(
        quatMultiply(p.orientation, quatFromAxisAngle([1, 0, 0], s * amount * DEG)),
      );
      break;
    case 'zoom':
      out.focalPx = p.focalPx * Math.pow(amount, s);
      break;
    case 'dollyzoom':
      // the subject at Z̄ keeps its size: f·(Z̄ − d)/Z̄ with d the distance moved towards it
      out.position = add(p.position, fwd, s * amount * depth);
      out.focalPx = p.focalPx * (1 - s * amount);
      break;
    case 'lockoff':
    case 'stabilise':
      break;
  }
  return out;
}

/** The source smoothed with a Gaussian of `sigma` frames (positions, sign-aligned quaternions, log focal). */
function smoothed(source: readonly PathSample[], sigma: number): PathSample[] {
  const n = source.length;
  const qs: Quat[] = [];
  for (const s of source) {
    const prev = qs[qs.length - 1];
    qs.push(prev && quatDot(prev, s.orientation) < 0 ? quatNegate(s.orientation) : [...s.orientation]);
  }
  const r = Math.ceil(3 * sigma);
  return source.map((s, i) => {
    const p: Vec3 = [0, 0, 0];
    const q: Quat = [0, 0, 0, 0];
    let lf = 0;
    let wsum = 0;
    for (let j = Math.max(0, i - r); j <= Math.min(n - 1, i + r); j++) {
      const w = sigma > 0 ? Math.exp(-((j - i) ** 2) / (2 * sigma * sigma)) : j === i ? 1 : 0;
      const sj = source[j]!;
      for (let k = 0; k < 3; k++) p[k] = p[k]! + w * sj.position[k]!;
      const qj = qs[j]!;
      for (let k = 0; k < 4; k++) q[k] = q[k]! + w * qj[k]!;
      lf += w * Math.log(sj.focalPx);
      wsum += w;
    }
    return {
      frame: s.frame,
      position: [p[0] / wsum, p[1] / wsum, p[2] / wsum],
      orientation: quatNormalize(q),
      focalPx: Math.exp(lf / wsum),
    };
  });
}

/** Checks the request against the scene; the anchor frame. */
function checked(req: PresetRequest, scene: PresetScene): number {
  const T = scene.source.length;
  if (T === 0) throw new PresetError('the shot has no source camera to start a preset from');
  scene.source.forEach((s, i) => {
    if (s.frame !== i)
      throw new PresetError(`the source camera must give every frame: sample ${i} is frame ${s.frame}`);
  });
  if (!PRESET_KINDS.includes(req.kind)) throw new PresetError(`unknown preset '${String(req.kind)}'`);
  const frame = req.frame ?? 0;
  if (!Number.isInteger(frame) || frame < 0 || frame >= T)
    throw new PresetError(`anchor frame ${frame} is outside the shot (frames 0–${T - 1})`);
  if (!Number.isFinite(req.amount)) throw new PresetError(`${req.kind}: the amount must be a finite number`);
  if (!(scene.sceneDepth > 0 && Number.isFinite(scene.sceneDepth)))
    throw new PresetError(
      `the scene depth at frame ${frame} is unknown (${scene.sceneDepth}): analyse the shot first`,
    );
  if (req.relative && (req.kind === 'lockoff' || req.kind === 'stabilise'))
    throw new PresetError(`${req.kind} is made from the source camera itself: it has no relative form`);
  if (req.kind === 'zoom' && !(req.amount > 0)) throw new PresetError('zoom: the factor must be > 0');
  if (req.kind === 'dollyzoom' && !(req.amount < 1))
    throw new PresetError('dollyzoom: the amount must be < 1 (a dolly of a whole Z̄ reaches the subject)');
  if (req.kind === 'stabilise' && !(req.amount >= 0 && req.amount <= 1))
    throw new PresetError('stabilise: the strength must be within 0–1');
  return frame;
}

/** The target path a preset gives on a shot (see the module comment for units and signs). */
export function presetPath(req: PresetRequest, scene: PresetScene): TargetPathContent {
  const N = checked(req, scene);
  const src = scene.source;
  const T = src.length;
  const last = T - 1;
  const anchor = src[N]!;
  const up = unit(scene.up ?? (axis(anchor.orientation, 1).map((x) => -x) as Vec3));
  if (req.kind === 'lockoff') {
    const { position, orientation, focalPx } = anchor;
    return {
      kind: 'keyframes',
      keyframes: [{ frame: 0, position: [...position], orientation: [...orientation], focalPx }],
    };
  }
  if (req.kind === 'stabilise') return { kind: 'samples', samples: smoothed(src, 48 * req.amount) };
  const progress = (f: number) =>
    f <= N || N === last ? (f > N ? 1 : 0) : ease('ease-in-out', (f - N) / (last - N));
  if (req.relative)
    return {
      kind: 'samples',
      samples: src.map((p) => moved(req.kind, req.amount, p, progress(p.frame), scene.sceneDepth, up)),
    };
  // absolute: keyframes from the anchor pose; rotations in steps of at most 45° so the curve follows them
  const steps =
    req.kind === 'arc' || req.kind === 'pan' || req.kind === 'tilt'
      ? Math.max(1, Math.ceil(Math.abs(req.amount) / 45))
      : 1;
  const keys: Keyframe[] = [];
  const at = (frame: number, s: number): Keyframe => {
    const m = moved(req.kind, req.amount, anchor, s, scene.sceneDepth, up);
    return { frame, position: m.position, orientation: m.orientation, focalPx: m.focalPx };
  };
  if (N > 0) keys.push({ ...at(0, 0), easing: 'hold' });
  if (N === last) keys.push(at(N, 0));
  else if (steps === 1) keys.push({ ...at(N, 0), easing: 'ease-in-out' }, at(last, 1));
  else
    for (let k = 0; k <= steps; k++) {
      const u = k / steps;
      keys.push(at(N + u * (last - N), ease('ease-in-out', u)));
    }
  return { kind: 'keyframes', keyframes: keys };
}
