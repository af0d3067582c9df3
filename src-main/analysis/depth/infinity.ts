/**
 * Pixels "at infinity": sky and background too far away for the shot's baselines to show any parallax.
 * They have a direction, not a distance, so a renderer moves them by the camera's rotation only. Two
 * sources:
 *
 * 1. **Matched at infinity**: textured pixels whose best match in the sweep is the plane ρ = 0 (see
 *    coarse-to-fine.ts), confirmed by another frame whose own sweep also puts the same direction at
 *    infinity (looked up through the rotation between the two cameras, the homography of the plane at
 *    infinity). A lone frame's "infinity" is not enough: a flat, repetitive patch can match there by chance.
 * 2. **Featureless sky**: a region with no texture at all that touches the top of the frame and whose
 *    measured rim is mostly at infinity or far beyond the rest of the scene (≥ `farFactor` × the frame's
 *    median measured depth). A white ceiling bounded by walls is not: its rim is at the scene's own depth.
 */
import type { Camera } from '../../../src-shared/geometry';
import { sweepGeometry } from './homography';

export interface InfinityView {
  camera: Camera;
  width: number;
  height: number;
  /** 1 where this frame's sweep found the pixel at infinity. */
  infinity: Uint8Array;
}

/**
 * Keeps the reference's infinity pixels that at least one other view also sees at infinity (within
 * `radius` pixels of where the plane at infinity maps them).
 */
export function confirmInfinity(ref: InfinityView, others: readonly InfinityView[], radius = 1): Uint8Array {
  const { width: W, height: H } = ref;
  const out = new Uint8Array(W * H);
  const kr = ref.camera.intrinsics;
  for (const o of others) {
    const ko = o.camera.intrinsics;
    // a direction in the other camera: M = Roᵀ Rr (the translation plays no part at infinity)
    const M = sweepGeometry(ref.camera, o.camera).R;
    for (let y = 0; y < H; y++) {
      const dy = (y + 0.5 - kr.cy) / kr.fy;
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (!ref.infinity[i] || out[i]) continue;
        const dx = (x + 0.5 - kr.cx) / kr.fx;
        const P2 = M[6]! * dx + M[7]! * dy + M[8]!;
        if (!(P2 > 0)) continue;
        const u = Math.floor((ko.fx * (M[0]! * dx + M[1]! * dy + M[2]!)) / P2 + ko.cx);
        const v = Math.floor((ko.fy * (M[3]! * dx + M[4]! * dy + M[5]!)) / P2 + ko.cy);
        search: for (let yy = Math.max(0, v - radius); yy <= Math.min(o.height - 1, v + radius); yy++)
          for (let xx = Math.max(0, u - radius); xx <= Math.min(o.width - 1, u + radius); xx++)
            if (o.infinity[yy * o.width + xx]) {
              out[i] = 1;
              break search;
            }
      }
    }
  }
  return out;
}

/**
 * Featureless regions that are sky: 4-connected components of pixels without texture and without depth
 * that touch the top row, whose rim (pixels next to the region that have a depth or are at infinity) is
 * at least `farShare` at infinity or beyond `farFactor` × the median measured depth. Returns the mask.
 */
export function featurelessSky(
  width: number,
  height: number,
  textured: Uint8Array,
  depth: Float32Array,
  measured: Uint8Array,
  infinity: Uint8Array,
  options: { farFactor?: number; farShare?: number; minRim?: number } = {},
): Uint8Array {
  const W = width;
  const H = height;
  const n = W * H;
  const farFactor = options.farFactor ?? 3;
  const farShare = options.farShare ?? 0.6;
  const minRim = options.minRim ?? 8;
  const med: number[] = [];
  for (let i = 0; i < n; i += 7) if (measured[i]) med.push(depth[i]!);
  med.sort((a, b) => a - b);
  const far = med.length ? farFactor * med[med.length >> 1]! : Infinity;
  const out = new Uint8Array(n);
  const label = new Int32Array(n).fill(-1);
  const free = (i: number) => !textured[i] && !measured[i] && !infinity[i];
  const stack: number[] = [];
  const members: number[] = [];
  let id = 0;
  for (let x = 0; x < W; x++) {
    if (!free(x) || label[x] !== -1) continue;
    // flood the component from the top row
    members.length = 0;
    stack.push(x);
    label[x] = id;
    let rimFar = 0;
    let rim = 0;
    const rimSeen = new Set<number>();
    while (stack.length) {
      const i = stack.pop()!;
      members.push(i);
      const px = i % W;
      const py = (i - px) / W;
      const nbs = [
        px > 0 ? i - 1 : -1,
        px < W - 1 ? i + 1 : -1,
        py > 0 ? i - W : -1,
        py < H - 1 ? i + W : -1,
      ];
      for (const j of nbs) {
        if (j < 0) continue;
        if (free(j)) {
          if (label[j] === -1) {
            label[j] = id;
            stack.push(j);
          }
        } else if ((measured[j] || infinity[j]) && !rimSeen.has(j)) {
          rimSeen.add(j);
          rim++;
          if (infinity[j] || depth[j]! >= far) rimFar++;
        }
      }
    }
    if (rim >= minRim && rimFar >= farShare * rim) for (const i of members) out[i] = 1;
    id++;
  }
  return out;
}
