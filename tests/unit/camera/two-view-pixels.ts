/** Two-view pixel correspondences with their own intrinsics, noise and gross outliers (fundamental-matrix tests). */
import { rodrigues } from '../../../src-main/analysis/camera';
import { lcg } from './synthetic-scene';

const gaussian = (rand: () => number) => () =>
  Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());

/**
 * Two pinhole cameras with their own random intrinsics (focal 400–1500 px, principal point off centre)
 * looking at a random 3D scene; camera 1 at the origin, camera 2 = (R, t). Pixel coordinates: `clean`
 * are the exact projections, `x1`/`x2` carry Gaussian noise, and a share of `x2` is replaced by random
 * pixels (gross outliers, `outlier[i] = 1`).
 */
export function twoViewPixels(seed: number, n: number, noisePx: number, outlierShare: number) {
  const rand = lcg(seed);
  const gauss = gaussian(rand);
  const W = 960;
  const H = 540;
  const K = () => ({
    f: 400 + 1100 * rand(),
    cx: W / 2 + (rand() - 0.5) * 80,
    cy: H / 2 + (rand() - 0.5) * 60,
  });
  const K1 = K();
  const K2 = K();
  const R = rodrigues((rand() - 0.5) * 0.3, (rand() - 0.5) * 0.5, (rand() - 0.5) * 0.3);
  // a baseline of 0.5–1.5 in a random direction (the scene is 4–12 away)
  let t: number[];
  do t = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
  while (Math.hypot(...t) < 0.2);
  const len = (0.5 + rand()) / Math.hypot(...t);
  t = t.map((v) => v * len);
  const x1 = new Float64Array(2 * n);
  const x2 = new Float64Array(2 * n);
  const clean1 = new Float64Array(2 * n);
  const clean2 = new Float64Array(2 * n);
  const outlier = new Uint8Array(n);
  for (let i = 0; i < n;) {
    const z = 4 + 8 * rand();
    const X = [((rand() - 0.5) * W * z) / K1.f, ((rand() - 0.5) * H * z) / K1.f, z];
    const Y = [0, 1, 2].map((r) => R[3 * r]! * X[0]! + R[3 * r + 1]! * X[1]! + R[3 * r + 2]! * X[2]! + t[r]!);
    if (!(Y[2]! > 0.5)) continue;
    const u1 = K1.f * (X[0]! / X[2]!) + K1.cx;
    const v1 = K1.f * (X[1]! / X[2]!) + K1.cy;
    const u2 = K2.f * (Y[0]! / Y[2]!) + K2.cx;
    const v2 = K2.f * (Y[1]! / Y[2]!) + K2.cy;
    if (u2 < 0 || u2 > W || v2 < 0 || v2 > H) continue;
    clean1.set([u1, v1], 2 * i);
    clean2.set([u2, v2], 2 * i);
    x1.set([u1 + noisePx * gauss(), v1 + noisePx * gauss()], 2 * i);
    if (rand() < outlierShare) {
      outlier[i] = 1;
      x2.set([rand() * W, rand() * H], 2 * i);
    } else x2.set([u2 + noisePx * gauss(), v2 + noisePx * gauss()], 2 * i);
    i++;
  }
  return { x1, x2, clean1, clean2, outlier };
}
