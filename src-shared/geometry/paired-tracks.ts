import type { Camera } from './camera';
import type { Intrinsics } from './intrinsics';
import { quatToMat3 } from './quat';

/**
 * Track2View paired tracks (SPEC §4). All bulk arrays are FRAME-MAJOR: element (t, k) — frame t, track k —
 * lives at t·numTracks + k (×2 for xy, ×3 for xyz), so one frame's tracks are contiguous for overlays.
 */

/** 2D tracks on the source video, in source image pixels (Reshoot pixel-centre convention). */
export interface Tracks2D {
  numTracks: number;
  numFrames: number;
  xy: Float32Array;
  /** 1 where the tracker saw the point at that frame. */
  visible: Uint8Array;
}

/** A depth map with the intrinsics of its own grid (e.g. gt depth at half resolution uses depth_K = K/2). */
export interface DepthBuffer {
  intrinsics: Intrinsics;
  /** Row-major z-depth, intrinsics.height × intrinsics.width; ≤ 0 or non-finite = invalid (sky). */
  data: Float32Array;
}

export interface WorldTracks {
  numTracks: number;
  numFrames: number;
  xyz: Float32Array;
  /** 1 where the point was visible in the source and had valid depth. */
  valid: Uint8Array;
}

/** Bits of PairedTracks.flags. A point is visible in the target iff all four bits are set. */
export const TRACK_FLAGS = {
  sourceVisible: 1,
  inFront: 2,
  inFrame: 4,
  unoccluded: 8,
  targetVisible: 15,
} as const;

export interface PairedTracks {
  numTracks: number;
  numFrames: number;
  sourceXY: Float32Array;
  targetXY: Float32Array;
  /** z-depth of the point in the target camera (NaN where it has no 3D position). */
  targetDepth: Float32Array;
  flags: Uint8Array;
}

/**
 * Default z-test tolerance: a point passes when z ≤ D·(1 + relTol) + absTol, D being the target depth
 * buffer at the (nearest) cell the point projects to. 2 % covers nearest-cell sampling on a half-resolution
 * grid along slanted surfaces (the gt ground at grazing angles changes depth by ~1 % per depth cell) and
 * float32 depth, while a real occluder is normally much more than 2 % in front. D ≤ 0 (sky, no surface)
 * never occludes.
 */
export const Z_TEST_DEFAULTS = { relTol: 0.02, absTol: 0, near: 1e-3 } as const;

function sampleNearest(buf: DepthBuffer, imageK: Intrinsics, u: number, v: number): number {
  const k = buf.intrinsics;
  const ud = ((u - imageK.cx) / imageK.fx) * k.fx + k.cx;
  const vd = ((v - imageK.cy) / imageK.fy) * k.fy + k.cy;
  const x = Math.floor(ud);
  const y = Math.floor(vd);
  if (x < 0 || y < 0 || x >= k.width || y >= k.height) return NaN;
  return buf.data[y * k.width + x]!;
}

/** Lifts 2D tracks to world points with the source depth and cameras: X = C + R_wc·(z·K⁻¹[u, v, 1]). */
export function liftTracks(
  tracks: Tracks2D,
  sourceCameras: readonly Camera[],
  sourceDepth: (frame: number) => DepthBuffer | undefined,
): WorldTracks {
  const { numTracks: N, numFrames: T } = tracks;
  if (sourceCameras.length < T)
    throw new RangeError(`liftTracks: ${T} frames but ${sourceCameras.length} source cameras`);
  const xyz = new Float32Array(N * T * 3).fill(NaN);
  const valid = new Uint8Array(N * T);
  for (let t = 0; t < T; t++) {
    const cam = sourceCameras[t]!;
    const depth = sourceDepth(t);
    if (!depth) continue;
    const R = quatToMat3(cam.q);
    const K = cam.intrinsics;
    for (let k = 0; k < N; k++) {
      const i = t * N + k;
      if (!tracks.visible[i]) continue;
      const u = tracks.xy[2 * i]!;
      const v = tracks.xy[2 * i + 1]!;
      const z = sampleNearest(depth, K, u, v);
      if (!(z > 0 && Number.isFinite(z))) continue;
      const x = ((u - K.cx) / K.fx) * z;
      const y = ((v - K.cy) / K.fy) * z;
      xyz[3 * i] = R[0] * x + R[1] * y + R[2] * z + cam.C[0];
      xyz[3 * i + 1] = R[3] * x + R[4] * y + R[5] * z + cam.C[1];
      xyz[3 * i + 2] = R[6] * x + R[7] * y + R[8] * z + cam.C[2];
      valid[i] = 1;
    }
  }
  return { numTracks: N, numFrames: T, xyz, valid };
}

/**
 * Projects world tracks through the target path (one camera per frame) and builds the paired tracks.
 * `targetDepth(t)` is the target view's depth buffer at frame t (undefined = no occlusion test that frame).
 */
export function projectTracks(
  world: WorldTracks,
  sourceXY: Float32Array,
  targetCameras: readonly Camera[],
  targetDepth?: (frame: number) => DepthBuffer | undefined,
  opts: { relTol?: number; absTol?: number; near?: number; radius?: number } = {},
): PairedTracks {
  const { numTracks: N, numFrames: T } = world;
  // radius r > 0: the point is occluded only when every cell within r of its own lies in front of it (a
  // depth estimated near an edge puts a few cells of the occluder around the point: an occluder covers
  // them all); an empty cell among them (sky, nothing seen) never occludes
  const radius = Math.max(0, Math.floor(opts.radius ?? 0));
  if (targetCameras.length < T)
    throw new RangeError(`projectTracks: ${T} frames but ${targetCameras.length} target cameras`);
  const relTol = 1 + (opts.relTol ?? Z_TEST_DEFAULTS.relTol);
  const absTol = opts.absTol ?? Z_TEST_DEFAULTS.absTol;
  const near = opts.near ?? Z_TEST_DEFAULTS.near;
  const targetXY = new Float32Array(N * T * 2).fill(NaN);
  const targetZ = new Float32Array(N * T).fill(NaN);
  const flags = new Uint8Array(N * T);
  const xyz = world.xyz;
  for (let t = 0; t < T; t++) {
    const cam = targetCameras[t]!;
    const R = quatToMat3(cam.q);
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = R;
    const [c0, c1, c2] = cam.C;
    const { fx, fy, cx, cy, width: W, height: H } = cam.intrinsics;
    const buf = targetDepth?.(t);
    const bk = buf?.intrinsics;
    const bw = bk?.width ?? 0;
    const bh = bk?.height ?? 0;
    // target image pixel → depth cell: ud = u·sx + ox
    const sx = bk ? bk.fx / fx : 0;
    const ox = bk ? bk.cx - cx * sx : 0;
    const sy = bk ? bk.fy / fy : 0;
    const oy = bk ? bk.cy - cy * sy : 0;
    const bd = buf?.data;
    const base = t * N;
    for (let k = 0; k < N; k++) {
      const i = base + k;
      if (!world.valid[i]) continue;
      const dx = xyz[3 * i]! - c0;
      const dy = xyz[3 * i + 1]! - c1;
      const dz = xyz[3 * i + 2]! - c2;
      const z = r2 * dx + r5 * dy + r8 * dz;
      let f = TRACK_FLAGS.sourceVisible;
      targetZ[i] = z;
      if (z > near) {
        f |= TRACK_FLAGS.inFront;
        const u = (fx * (r0 * dx + r3 * dy + r6 * dz)) / z + cx;
        const v = (fy * (r1 * dx + r4 * dy + r7 * dz)) / z + cy;
        targetXY[2 * i] = u;
        targetXY[2 * i + 1] = v;
        if (u >= 0 && u < W && v >= 0 && v < H) {
          f |= TRACK_FLAGS.inFrame;
          if (bd) {
            const x = Math.floor(u * sx + ox);
            const y = Math.floor(v * sy + oy);
            let D = x >= 0 && y >= 0 && x < bw && y < bh ? bd[y * bw + x]! : 0;
            for (let yy = y - radius; yy <= y + radius && D > 0; yy++)
              for (let xx = x - radius; xx <= x + radius; xx++) {
                const e = xx >= 0 && yy >= 0 && xx < bw && yy < bh ? bd[yy * bw + xx]! : 0;
                if (!(e > 0)) {
                  D = 0;
                  break;
                }
                if (e > D) D = e;
              }
            if (!(D > 0) || z <= D * relTol + absTol) f |= TRACK_FLAGS.unoccluded;
          } else f |= TRACK_FLAGS.unoccluded;
        }
      }
      flags[i] = f;
    }
  }
  return {
    numTracks: N,
    numFrames: T,
    sourceXY: Float32Array.from(sourceXY),
    targetXY,
    targetDepth: targetZ,
    flags,
  };
}

/** Lift + project in one call: the paired tracks of SPEC §4. */
export function pairTracks(
  tracks: Tracks2D,
  sourceCameras: readonly Camera[],
  sourceDepth: (frame: number) => DepthBuffer | undefined,
  targetCameras: readonly Camera[],
  targetDepth?: (frame: number) => DepthBuffer | undefined,
  opts?: { relTol?: number; absTol?: number; near?: number; radius?: number },
): PairedTracks {
  return projectTracks(
    liftTracks(tracks, sourceCameras, sourceDepth),
    tracks.xy,
    targetCameras,
    targetDepth,
    opts,
  );
}
