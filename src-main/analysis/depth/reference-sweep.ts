/**
 * A deliberately plain plane sweep: for every pixel, plane and neighbour it warps the whole window through
 * the plane homography and computes NCC from scratch, keeps the full cost curve per pixel and takes the
 * minimum. Same cost, aggregation and refinement as planeSweep with costFilter 'none' — it exists as the
 * correctness reference for tests and the naive baseline of bench/depth/plane-sweep.ts.
 */
import { sweepGeometry } from './homography';
import { NO_MEASUREMENT_COST, parabolaOffset } from './ncc';
import {
  sweepPlanes,
  DEFAULT_PLANES,
  DEFAULT_WINDOW_RADIUS,
  type PlaneSweepOptions,
  type StereoView,
} from './plane-sweep';

export function planeSweepReference(
  ref: StereoView,
  neighbours: readonly StereoView[],
  options: PlaneSweepOptions,
): { depth: Float32Array; cost: Float32Array; valid: Uint8Array } {
  const { width: W, height: H, data: I } = ref.image;
  const D = options.planes ?? DEFAULT_PLANES;
  const r = options.windowRadius ?? DEFAULT_WINDOW_RADIUS;
  const N = neighbours.length;
  const k = Math.max(1, Math.min(N, options.bestK ?? Math.ceil(N / 2)));
  const minStd = options.minTextureStd ?? 0.004;
  const maxCost = options.maxCost ?? 0.6;
  const planes = sweepPlanes(options.minDepth, options.maxDepth, D);
  const geoms = neighbours.map((nb) => sweepGeometry(ref.camera, nb.camera));
  const depth = new Float32Array(W * H);
  const cost = new Float32Array(W * H);
  const valid = new Uint8Array(W * H);
  const curve = new Float64Array(D);
  const nbCost = new Float64Array(N);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // reference window (clipped at the border)
      let n = 0,
        sI = 0,
        sII = 0;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          const v = I[yy * W + xx]!;
          n++;
          sI += v;
          sII += v * v;
        }
      const varI = sII - (sI * sI) / n;
      const textured = varI > minStd * minStd * n;
      for (let d = 0; d < D; d++) {
        const rho = planes[d]!;
        for (let j = 0; j < N; j++) {
          const g = geoms[j]!;
          const src = neighbours[j]!.image;
          let sW = 0,
            sWW = 0,
            sIW = 0,
            inside = true;
          for (let dy = -r; dy <= r && inside; dy++)
            for (let dx = -r; dx <= r; dx++) {
              const xx = x + dx,
                yy = y + dy;
              if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
              const u = xx + 0.5,
                v = yy + 0.5;
              const A = g.A;
              const w = A[6]! * u + A[7]! * v + A[8]! + rho * g.b[2]!;
              const fx = (A[0]! * u + A[1]! * v + A[2]! + rho * g.b[0]!) / w - 0.5;
              const fy = (A[3]! * u + A[4]! * v + A[5]! + rho * g.b[1]!) / w - 0.5;
              if (!(w > 0 && fx >= 0 && fy >= 0 && fx <= src.width - 1 && fy <= src.height - 1)) {
                inside = false;
                break;
              }
              const x0 = Math.min(Math.floor(fx), src.width - 2);
              const y0 = Math.min(Math.floor(fy), src.height - 2);
              const ax = fx - x0,
                ay = fy - y0;
              const i0 = y0 * src.width + x0;
              const s = src.data;
              const val =
                (1 - ay) * ((1 - ax) * s[i0]! + ax * s[i0 + 1]!) +
                ay * ((1 - ax) * s[i0 + src.width]! + ax * s[i0 + src.width + 1]!);
              sW += val;
              sWW += val * val;
              sIW += I[yy * W + xx]! * val;
            }
          const vW = sWW - (sW * sW) / n;
          if (!textured || !inside || !(vW > 1e-7 * n)) nbCost[j] = NO_MEASUREMENT_COST;
          else nbCost[j] = 1 - Math.max(-1, Math.min(1, (sIW - (sI * sW) / n) / Math.sqrt(varI * vW)));
        }
        const sorted = Array.from(nbCost).sort((a, b) => a - b);
        let s = 0;
        for (let t = 0; t < k; t++) s += sorted[t]!;
        curve[d] = s / k;
      }
      let b = 0;
      for (let d = 1; d < D; d++) if (curve[d]! < curve[b]!) b = d;
      const p = y * W + x;
      let rho = planes[b]!;
      const interior = b > 0 && b < D - 1;
      if (interior)
        rho += parabolaOffset(curve[b - 1]!, curve[b]!, curve[b + 1]!) * (planes[1]! - planes[0]!);
      depth[p] = 1 / rho;
      cost[p] = curve[b]!;
      valid[p] = interior && textured && curve[b]! <= maxCost ? 1 : 0;
    }
  return { depth, cost, valid };
}
