import type { CameraFrame } from './camera';
import type { Intrinsics } from './intrinsics';
import { quatSlerp } from './quat';

/**
 * Which frames of a shot a camera file gives cameras for, and the cameras of frames it leaves out.
 *
 * Frame indices are the shot's: 0 … frameCount − 1. A file may number frames differently: `firstNumber`
 * is the number it gives the shot's first frame (0 for cameras.json "index" and USD time codes; 1 for Nuke
 * .chan frames and COLMAP IMAGE_IDs), and every message uses the file's own numbers.
 *
 * By default a file must give every frame of the shot exactly once (in any order). `sparse` lets it give
 * a subset — still each frame at most once and all inside the shot — whose gaps `fillCameraFrames` fills.
 */
export interface FrameCheckOptions {
  frameCount: number;
  /** The number the file gives the shot's first frame (default 0). */
  firstNumber?: number;
  /** Frames may be left out (they are interpolated); default false. */
  sparse?: boolean;
}

export type FrameProblem =
  | { kind: 'empty' }
  | { kind: 'not-whole'; index: number }
  | { kind: 'before'; from: number; to: number }
  | { kind: 'past'; from: number; to: number }
  | { kind: 'repeated'; index: number; times: number }
  | { kind: 'missing'; from: number; to: number };

/** Consecutive runs of sorted distinct integers, as [from, to]. */
function runs(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i === last[1] + 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

const where = (p: FrameProblem): number => (p.kind === 'empty' ? -Infinity : 'index' in p ? p.index : p.from);

/**
 * Everything wrong with the frame indices (shot indices, as the readers give them) a file has cameras
 * for, in frame order; empty when they are acceptable.
 */
export function frameProblems(indices: readonly number[], opts: FrameCheckOptions): FrameProblem[] {
  const n = opts.frameCount;
  if (indices.length === 0) return [{ kind: 'empty' }];
  const problems: FrameProblem[] = [];
  const count = new Map<number, number>();
  const outside = new Set<number>();
  const notWhole = new Set<number>();
  for (const i of indices) {
    if (!Number.isInteger(i)) notWhole.add(i);
    else if (i < 0 || i >= n) outside.add(i);
    else count.set(i, (count.get(i) ?? 0) + 1);
  }
  for (const index of notWhole) problems.push({ kind: 'not-whole', index });
  for (const [from, to] of runs([...outside].sort((a, b) => a - b)))
    problems.push({ kind: from < 0 ? 'before' : 'past', from, to });
  for (const [index, times] of count) if (times > 1) problems.push({ kind: 'repeated', index, times });
  if (!opts.sparse) {
    const missing: number[] = [];
    for (let i = 0; i < n; i++) if (!count.has(i)) missing.push(i);
    for (const [from, to] of runs(missing)) problems.push({ kind: 'missing', from, to });
  }
  return problems.sort((a, b) => where(a) - where(b));
}

/** One problem in words, with the file's frame numbers. */
export function describeFrameProblem(p: FrameProblem, opts: FrameCheckOptions): string {
  const first = opts.firstNumber ?? 0;
  const num = (i: number) => String(i + first);
  const frames = (from: number, to: number) =>
    from === to ? `frame ${num(from)}` : `frames ${num(from)}${from + first < 0 ? ' to ' : '–'}${num(to)}`;
  const are = (from: number, to: number) => (from === to ? 'is' : 'are');
  switch (p.kind) {
    case 'empty':
      return 'there are no cameras in it';
    case 'not-whole':
      return `frame ${num(p.index)} is not a whole frame number`;
    case 'before':
      return `${frames(p.from, p.to)} ${are(p.from, p.to)} before the shot's first frame ${num(0)}`;
    case 'past':
      return `${frames(p.from, p.to)} ${are(p.from, p.to)} past the shot's last frame ${num(opts.frameCount - 1)}`;
    case 'repeated':
      return `frame ${num(p.index)} appears ${p.times === 2 ? 'twice' : `${p.times} times`}`;
    case 'missing':
      return `${frames(p.from, p.to)} missing`;
  }
}

/** The first `max` problems in words, joined with "; " (and how many more there are). */
export function describeFrameProblems(
  problems: readonly FrameProblem[],
  opts: FrameCheckOptions,
  max = 4,
): string {
  const shown = problems.slice(0, max).map((p) => describeFrameProblem(p, opts));
  const more = problems.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

function copyFrame(f: CameraFrame, index: number): CameraFrame {
  const k = f.camera.intrinsics;
  const intrinsics: Intrinsics = { ...k };
  if (k.distortion) intrinsics.distortion = { ...k.distortion };
  return { index, camera: { C: [...f.camera.C], q: [...f.camera.q], intrinsics } };
}

/**
 * The camera of every frame 0 … frameCount − 1 from cameras at some of them (`known`: each frame at most
 * once, all inside the shot, at least one; any order). A known frame is returned as it is. A frame
 * between two known ones, at t = (i − a)/(b − a) from the earlier, gets the centre interpolated linearly,
 * the rotation along the shortest arc (slerp) and fx, fy, cx, cy linearly (distortion: the earlier one's);
 * a frame before the first or after the last known one holds that camera.
 */
export function fillCameraFrames(known: readonly CameraFrame[], frameCount: number): CameraFrame[] {
  const keys = [...known].sort((a, b) => a.index - b.index);
  const problems = frameProblems(
    keys.map((f) => f.index),
    { frameCount, sparse: true },
  );
  if (problems.length > 0)
    throw new RangeError(`fillCameraFrames: ${describeFrameProblems(problems, { frameCount })}`);
  const out: CameraFrame[] = [];
  let k = 0;
  for (let i = 0; i < frameCount; i++) {
    while (k + 1 < keys.length && keys[k + 1]!.index <= i) k++;
    const a = keys[k]!;
    if (a.index === i) {
      out.push(a);
      continue;
    }
    const b = keys[k + 1];
    if (i < a.index || !b) {
      out.push(copyFrame(a, i)); // before the first known frame (k = 0) or after the last: hold
      continue;
    }
    const t = (i - a.index) / (b.index - a.index);
    const ca = a.camera;
    const cb = b.camera;
    const ka = ca.intrinsics;
    const kb = cb.intrinsics;
    const intrinsics: Intrinsics = {
      width: ka.width,
      height: ka.height,
      fx: lerp(ka.fx, kb.fx, t),
      fy: lerp(ka.fy, kb.fy, t),
      cx: lerp(ka.cx, kb.cx, t),
      cy: lerp(ka.cy, kb.cy, t),
    };
    if (ka.distortion) intrinsics.distortion = { ...ka.distortion };
    out.push({
      index: i,
      camera: {
        C: [lerp(ca.C[0], cb.C[0], t), lerp(ca.C[1], cb.C[1], t), lerp(ca.C[2], cb.C[2], t)],
        q: quatSlerp(ca.q, cb.q, t),
        intrinsics,
      },
    });
  }
  return out;
}
