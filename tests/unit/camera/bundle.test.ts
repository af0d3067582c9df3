import { describe, expect, it } from 'vitest';
import { bundleAdjust, bundleCost, rodrigues, type BundleProblem } from '../../../src-main/analysis/camera';
import { mul33 } from '../../../src-main/analysis/camera/rotation';
import { lcg } from './synthetic-scene';

function problem(seed: number, noisePx: number, perturb: boolean, focal = 500) {
  const rand = lcg(seed);
  const nc = 8;
  const np = 150;
  const R = new Float64Array(9 * nc);
  const t = new Float64Array(3 * nc);
  const X = new Float64Array(3 * np);
  for (let c = 0; c < nc; c++) {
    R.set(rodrigues(0.01 * c, 0.04 * c, 0), 9 * c);
    t.set([-0.25 * c, 0.02 * c, 0.05 * c], 3 * c);
  }
  for (let p = 0; p < np; p++) X.set([(rand() - 0.5) * 5, (rand() - 0.5) * 3, 4 + rand() * 6], 3 * p);
  const oc: number[] = [];
  const op: number[] = [];
  const oxy: number[] = [];
  for (let c = 0; c < nc; c++)
    for (let p = 0; p < np; p++) {
      const r = 9 * c;
      const xc = [0, 1, 2].map(
        (k) =>
          R[r + 3 * k]! * X[3 * p]! +
          R[r + 3 * k + 1]! * X[3 * p + 1]! +
          R[r + 3 * k + 2]! * X[3 * p + 2]! +
          t[3 * c + k]!,
      );
      oc.push(c);
      op.push(p);
      oxy.push(
        (500 * xc[0]!) / xc[2]! + (rand() - 0.5) * 2 * noisePx,
        (500 * xc[1]!) / xc[2]! + (rand() - 0.5) * 2 * noisePx,
      );
    }
  const truth = { R: R.slice(), t: t.slice(), X: X.slice() };
  if (perturb) {
    for (let c = 1; c < nc; c++) {
      R.set(
        mul33(
          rodrigues((rand() - 0.5) * 0.02, (rand() - 0.5) * 0.02, (rand() - 0.5) * 0.02),
          R.subarray(9 * c, 9 * c + 9),
        ),
        9 * c,
      );
      for (let k = 0; k < 3; k++) t[3 * c + k] = t[3 * c + k]! + (rand() - 0.5) * 0.05;
    }
    for (let i = 0; i < X.length; i++) X[i] = X[i]! + (rand() - 0.5) * 0.1;
  }
  const camVar = new Uint8Array(nc).fill(1);
  camVar[0] = 0;
  const P: BundleProblem = {
    numCams: nc,
    numPoints: np,
    R,
    t,
    X,
    focal,
    obsCam: Int32Array.from(oc),
    obsPt: Int32Array.from(op),
    obsXY: Float64Array.from(oxy),
    camVar,
    ptVar: new Uint8Array(np).fill(1),
    huberPx: 1,
    maxIterations: 50,
  };
  return { P, truth };
}

describe('bundle adjustment (LM + Schur complement)', () => {
  it('converges from a perturbed start to the noise floor and reduces the cost', () => {
    const { P } = problem(1, 0.3, true);
    const before = bundleCost(P).cost;
    const rep = bundleAdjust(P);
    expect(rep.finalCost).toBeLessThan(before * 0.01);
    // uniform ±0.3 px noise: per-axis σ = 0.173 px → 2D RMS ≈ 0.245 px (a bit less after fitting)
    expect(rep.rmsPx).toBeLessThan(0.26);
  });

  it('recovers a wrong focal length with cameras that rotate', () => {
    const { P } = problem(2, 0.2, true, 470);
    P.optimizeFocal = true;
    P.maxIterations = 200;
    const rep = bundleAdjust(P);
    expect(Math.abs(rep.focal / 500 - 1)).toBeLessThan(0.02);
    expect(rep.rmsPx).toBeLessThan(0.2);
  });

  it('leaves an exact solution where it is', () => {
    const { P, truth } = problem(3, 0, false);
    const rep = bundleAdjust(P);
    expect(rep.rmsPx).toBeLessThan(1e-6);
    for (let i = 0; i < truth.t.length; i++) expect(P.t[i]).toBeCloseTo(truth.t[i]!, 8);
  });
});
