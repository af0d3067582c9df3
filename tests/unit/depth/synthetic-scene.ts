/**
 * Tiny ray-cast renderer for unit tests: world planes z = Z (optionally bounded to x < xMax), each with a
 * smooth procedural texture of world (X, Y); cameras with OpenCV axes. Returns the image (0..1) and the
 * exact planar depth, so stereo and consistency code can be checked against truth.
 */
import type { Camera, Intrinsics } from '../../../src-shared/geometry';
import { quatToMat3 } from '../../../src-shared/geometry';
import type { FloatImage } from '../../../src-main/analysis/depth';

export interface ScenePlane {
  z: number;
  /** Only the part with world X < xMax exists (default: unbounded). */
  xMax?: number;
  phase: number;
  /** Texture coordinates are world (X, Y) × scale (default 1): a far plane needs a small one to stay seen. */
  scale?: number;
}

export function texture(X: number, Y: number, phase: number): number {
  return (
    0.5 +
    0.18 * Math.sin(3.1 * X + 1.7 * Y + phase) +
    0.12 * Math.sin(7.3 * Y - 2.1 * X + 2 * phase) +
    0.08 * Math.sin(11.3 * X + 9.1 * Y - phase)
  );
}

export function intrinsics(width: number, height: number, f: number): Intrinsics {
  return { width, height, fx: f, fy: f, cx: width / 2, cy: height / 2 };
}

export function render(
  cam: Camera,
  planes: readonly ScenePlane[],
): { image: FloatImage; depth: Float32Array } {
  const { width: W, height: H, fx, fy, cx, cy } = cam.intrinsics;
  const R = quatToMat3(cam.q);
  const img = new Float32Array(W * H);
  const depth = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const dc = [(x + 0.5 - cx) / fx, (y + 0.5 - cy) / fy, 1];
      const dw = [
        R[0] * dc[0]! + R[1] * dc[1]! + R[2],
        R[3] * dc[0]! + R[4] * dc[1]! + R[5],
        R[6] * dc[0]! + R[7] * dc[1]! + R[8],
      ];
      let best = Infinity;
      let val = 0;
      for (const p of planes) {
        const t = (p.z - cam.C[2]) / dw[2]!;
        if (!(t > 0) || t >= best) continue;
        const X = cam.C[0] + t * dw[0]!;
        const Y = cam.C[1] + t * dw[1]!;
        if (p.xMax !== undefined && X >= p.xMax) continue;
        best = t;
        val = texture(X * (p.scale ?? 1), Y * (p.scale ?? 1), p.phase);
      }
      img[y * W + x] = val;
      depth[y * W + x] = best === Infinity ? 0 : best; // dc has z = 1, so t is the planar depth
    }
  return { image: { width: W, height: H, data: img }, depth };
}
