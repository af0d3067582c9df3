/**
 * How well a frame's 3D points pin its camera centre down: the covariance of the pose (rotation increment
 * and centre, 6 parameters) from the Gauss–Newton normal matrix of the frame's reprojection residuals with
 * its points held, σ²·(JᵀJ)⁻¹, marginalised to the centre. A pan over distant points leaves the centre free
 * along directions a rotation can imitate; the marginal (not the conditional) covariance shows exactly
 * that. Reported as the root of the centre's variance trace, in world units.
 */
import { gaussSolve } from './linalg';
import { rodrigues } from './rotation';

/**
 * σ of the camera centre of a frame whose world-to-camera pose is (R, t), from the points X (3 per
 * observation) and their observations xy (normalised image coordinates, 2 each); `sigma` is the
 * observations' noise in the same normalised units. Infinity when fewer than 3 observations or the
 * centre is not determined.
 */
export function centreSigma(
  R: ArrayLike<number>,
  t: ArrayLike<number>,
  X: Float64Array,
  xy: Float64Array,
  sigma: number,
): number {
  const n = xy.length / 2;
  if (n < 3) return Infinity;
  const C = [0, 1, 2].map((i) => -(R[i]! * t[0]! + R[3 + i]! * t[1]! + R[6 + i]! * t[2]!));
  const JtJ = new Float64Array(36);
  const h = 1e-6;
  const row = new Float64Array(12);
  const project = (dw: number[], dC: number[], i: number, out: Float64Array, o: number) => {
    const Rd = rodrigues(dw[0]!, dw[1]!, dw[2]!);
    const c = [C[0]! + dC[0]!, C[1]! + dC[1]!, C[2]! + dC[2]!];
    const d = [X[3 * i]! - c[0]!, X[3 * i + 1]! - c[1]!, X[3 * i + 2]! - c[2]!];
    const p = [0, 0, 0];
    for (let r = 0; r < 3; r++) {
      let v = 0;
      for (let k = 0; k < 3; k++) {
        let m = 0;
        for (let j = 0; j < 3; j++) m += Rd[3 * r + j]! * R[3 * j + k]!;
        v += m * d[k]!;
      }
      p[r] = v;
    }
    out[o] = p[0]! / p[2]!;
    out[o + 1] = p[1]! / p[2]!;
  };
  const plus = new Float64Array(2);
  const minus = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < 6; q++) {
      const dw = [0, 0, 0];
      const dC = [0, 0, 0];
      if (q < 3) dw[q] = h;
      else dC[q - 3] = h;
      project(dw, dC, i, plus, 0);
      if (q < 3) dw[q] = -h;
      else dC[q - 3] = -h;
      project(dw, dC, i, minus, 0);
      row[q] = (plus[0]! - minus[0]!) / (2 * h);
      row[6 + q] = (plus[1]! - minus[1]!) / (2 * h);
    }
    if (!row.every(Number.isFinite)) continue;
    for (let a = 0; a < 6; a++)
      for (let b = 0; b < 6; b++)
        JtJ[6 * a + b] = JtJ[6 * a + b]! + row[a]! * row[b]! + row[6 + a]! * row[6 + b]!;
  }
  // the centre block of the inverse: solve JᵀJ·Y = E (the last three unit columns)
  const B = new Float64Array(18);
  for (let k = 0; k < 3; k++) B[(3 + k) * 3 + k] = 1;
  if (!gaussSolve(JtJ, B, 6, 3)) return Infinity;
  const trace = B[3 * 3 + 0]! + B[4 * 3 + 1]! + B[5 * 3 + 2]!;
  return trace > 0 && Number.isFinite(trace) ? sigma * Math.sqrt(trace) : Infinity;
}
