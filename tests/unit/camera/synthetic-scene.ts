/** Tiny synthetic two-view / multi-view data for the minimal-solver tests (normalised coordinates). */
import { rodrigues } from '../../../src-main/analysis/camera';

export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function project(
  R: ArrayLike<number>,
  t: ArrayLike<number>,
  X: ArrayLike<number>,
  o = 0,
): [number, number, number] {
  const x = R[0]! * X[o]! + R[1]! * X[o + 1]! + R[2]! * X[o + 2]! + t[0]!;
  const y = R[3]! * X[o]! + R[4]! * X[o + 1]! + R[5]! * X[o + 2]! + t[1]!;
  const z = R[6]! * X[o]! + R[7]! * X[o + 1]! + R[8]! * X[o + 2]! + t[2]!;
  return [x / z, y / z, z];
}

/** Points in front of camera 1 (identity) and their images in camera 1 and camera 2 = (R, t). */
export function twoViews(
  rand: () => number,
  n: number,
  w: [number, number, number],
  t: [number, number, number],
) {
  const R = rodrigues(...w);
  const X = new Float64Array(3 * n);
  const x1 = new Float64Array(2 * n);
  const x2 = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    X.set([(rand() - 0.5) * 4, (rand() - 0.5) * 3, 4 + rand() * 6], 3 * i);
    const a = project([1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], X, 3 * i);
    const b = project(R, t, X, 3 * i);
    x1[2 * i] = a[0];
    x1[2 * i + 1] = a[1];
    x2[2 * i] = b[0];
    x2[2 * i + 1] = b[1];
  }
  return { R, t: Float64Array.from(t), X, x1, x2 };
}
