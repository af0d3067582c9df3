/**
 * Which frames to match a reference frame against. Short baselines match reliably but constrain depth
 * weakly; long ones constrain depth but lose overlap and see more occlusion. Default: offsets ±1, ±2, ±4
 * (mixing both), widened when the camera barely moves (a neighbour whose baseline is below
 * `minBaselineRatio` × scene depth is replaced by the next farther frame, up to `maxOffset`), mirrored
 * to the other side at the ends of the shot, and skipped when the view direction turns more than
 * `maxViewAngleDeg`.
 */
import type { Camera } from '../../../src-shared/geometry';
import { quatToMat3 } from '../../../src-shared/geometry';

export interface NeighbourOptions {
  offsets?: readonly number[];
  maxOffset?: number;
  /** Representative scene depth (cameras' gauge), for the baseline test. */
  sceneDepth?: number;
  minBaselineRatio?: number;
  maxViewAngleDeg?: number;
}

export const DEFAULT_NEIGHBOUR_OFFSETS = [1, 2, 4] as const;

function axis(c: Camera): [number, number, number] {
  const R = quatToMat3(c.q);
  return [R[2], R[5], R[8]];
}

export function chooseNeighbours(
  cameras: readonly Camera[],
  ref: number,
  options: NeighbourOptions = {},
): number[] {
  const offsets = [...(options.offsets ?? DEFAULT_NEIGHBOUR_OFFSETS)].sort((a, b) => a - b);
  const maxOffset = options.maxOffset ?? 4 * (offsets[offsets.length - 1] ?? 4);
  const T = cameras.length;
  const rc = cameras[ref];
  if (!rc) throw new RangeError(`chooseNeighbours: no frame ${ref}`);
  const ra = axis(rc);
  const cosMax = Math.cos(((options.maxViewAngleDeg ?? 30) * Math.PI) / 180);
  const minBase =
    options.sceneDepth !== undefined ? (options.minBaselineRatio ?? 0.002) * options.sceneDepth : 0;
  const usable = (j: number): boolean => {
    const c = cameras[j];
    if (!c || j === ref) return false;
    const a = axis(c);
    if (ra[0] * a[0] + ra[1] * a[1] + ra[2] * a[2] < cosMax) return false;
    const b = Math.hypot(c.C[0] - rc.C[0], c.C[1] - rc.C[1], c.C[2] - rc.C[2]);
    return b > minBase && b > 0;
  };
  const chosen = new Set<number>();
  const take = (sign: 1 | -1, count: number): number => {
    let got = 0;
    let o = 0;
    for (const want of offsets) {
      if (got >= count) break;
      o = Math.max(o + 1, want);
      while (o <= maxOffset) {
        const j = ref + sign * o;
        if (j < 0 || j >= T) {
          o = maxOffset + 1;
          break;
        }
        if (usable(j) && !chosen.has(j)) {
          chosen.add(j);
          got++;
          break;
        }
        o++;
      }
    }
    return got;
  };
  const k = offsets.length;
  const before = take(-1, k);
  const after = take(1, k);
  // at the ends of the shot: make up the missing ones on the other side
  if (before < k) {
    let o = 1;
    for (let need = k - before; need > 0 && o <= maxOffset * 2; o++) {
      const j = ref + o;
      if (j < T && usable(j) && !chosen.has(j)) {
        chosen.add(j);
        need--;
      }
    }
  }
  if (after < k) {
    let o = 1;
    for (let need = k - after; need > 0 && o <= maxOffset * 2; o++) {
      const j = ref - o;
      if (j >= 0 && usable(j) && !chosen.has(j)) {
        chosen.add(j);
        need--;
      }
    }
  }
  return [...chosen].sort((a, b) => a - b);
}
