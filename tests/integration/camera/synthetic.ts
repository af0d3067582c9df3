/**
 * Synthetic shots for the solver tests: a camera moving through a point scene, seen as the TrackSet a
 * tracker would give, with the ground truth to score against.
 *
 * Tracks come one of two ways:
 * - fixed points (the default): `points` scene points, one track each, observed in every frame where the
 *   point projects into the image (the same options give the same tracks as this generator always has);
 * - a tracker's lifetimes (`respawn: true`): about `points` tracks visible in each frame. A track is born
 *   on a point in view, away from the live tracks, and lives while its point stays in view and uncovered,
 *   at most `maxTrackLength` frames (and may be lost at random, `lossPerFrame`, as KLT loses some); then
 *   it ends for good, and new tracks are born to keep the count.
 * Either way a share of the tracks can sit on rigid moving subjects (`movers`); occluders cover image
 * regions for frame ranges (with lifetimes, a covered track ends there; fixed points are only hidden);
 * and a cut ends every track: none continues across it (`motion` and `point` say where the camera and
 * the scene are after it).
 */
import {
  poseFromRotation,
  quatFromAxisAngle,
  quatLog,
  quatMultiply,
  type Mat3,
  type Pose,
} from '../../../src-shared/geometry';
import { emptyTrackSet, type TrackSet } from '../../../src-main/analysis/tracking';
import { rodrigues } from '../../../src-main/analysis/camera';

export type Vec3 = [number, number, number];
/** An image region [x0, y0, x1, y1] in fractions of the width and height. */
export type Rect = [number, number, number, number];

/** One frame's true camera, for samplers that place new points in view. */
export interface View {
  frame: number;
  /** World-to-camera rotation, row-major 3×3. */
  R: Float64Array;
  C: Vec3;
  focal: number;
  width: number;
  height: number;
  /** The world point seen at pixel (u, v) at depth z (along the optical axis). */
  unproject(u: number, v: number, z: number): Vec3;
}

/** A scene point in world coordinates; `view` is the frame it is made for (fixed points: frame 0). */
export type PointSampler = (rand: () => number, view: View) => Vec3;

/** A rigid moving subject (a car, a person, a school of fish drifting as one). */
export interface Mover {
  /** Its pose at frame i: object-to-world rotation (angle-axis) and where its origin is (world). */
  motion: (i: number) => { w: Vec3; T: Vec3 };
  /** A point on it, in its own coordinates. */
  point: (rand: () => number) => Vec3;
  /** Its share of the tracks: of `points` (fixed points), or at most of the tracks kept per frame (respawn). */
  share: number;
}

/** Something in front of the lens from frame `first` to `last` (inclusive), covering `region` (default all). */
export interface Occluder {
  first: number;
  last: number;
  region?: Rect | ((i: number) => Rect);
}

export interface SyntheticOptions {
  frames: number;
  width?: number;
  height?: number;
  focal?: number;
  /** World-to-camera rotation (angle-axis) and camera centre at frame i. */
  motion: (i: number) => { w: Vec3; C: Vec3 };
  /** Scene point generator (world coordinates); with `respawn`, called for each birth and retried until in view. */
  point: PointSampler;
  /** Fixed points: how many (default 600). With `respawn`: how many tracks are kept visible per frame. */
  points?: number;
  noisePx?: number;
  seed?: number;
  /** Tracks with a tracker's lifetimes instead of fixed points (see the file comment). */
  respawn?: boolean;
  /** With `respawn`: frames a track lives at most (default: as long as its point is in view). */
  maxTrackLength?: number;
  /** With `respawn`: chance that a live track is lost in a frame (default 0). */
  lossPerFrame?: number;
  /** With `respawn`: a new track is born at least this far from live ones (default half the mean spacing). */
  minSpacingPx?: number;
  /** With `respawn`: births stay this far inside the image (default 8 px). */
  borderPx?: number;
  movers?: Mover[];
  occluders?: Occluder[];
  /** Frames where a new shot starts: every track ends on the frame before. */
  cuts?: number[];
}

export interface SyntheticShot {
  set: TrackSet;
  /** World-to-camera rotation (row-major 3×3) and camera centre per frame. */
  R: Float64Array[];
  C: Vec3[];
  /** The same cameras as the geometry core's poses (centre + R_wc), for the trajectory metrics. */
  poses: Pose[];
  focal: number;
  /** Per track: −1 on the static scene, else the index of the mover it is on. */
  owner: Int16Array;
  /** Per track: 1 when it is on a mover. */
  moving: Uint8Array;
  /** Per track, 3 each: its point, in world coordinates (scene) or the mover's own (mover). */
  anchor: Float64Array;
  /** Per track: first and last frame it is observed (−1 when never). */
  first: Int32Array;
  last: Int32Array;
  /** Per frame: which shot it belongs to (0 before the first cut, 1 after it, …). */
  shotOf: Int32Array;
  /** Where track k's point truly projects in frame i, without noise (null behind the camera). */
  project(k: number, i: number): [number, number] | null;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const transpose = (R: Float64Array): Mat3 => [R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!];

export function syntheticTracks(o: SyntheticOptions): SyntheticShot {
  const W = o.width ?? 640,
    H = o.height ?? 360,
    f = o.focal ?? 500,
    T = o.frames,
    n = o.points ?? 600,
    noise = o.noisePx ?? 0;
  const rand = mulberry32(o.seed ?? 3);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const Rs: Float64Array[] = [];
  const Cs: Vec3[] = [];
  for (let i = 0; i < T; i++) {
    const m = o.motion(i);
    Rs.push(rodrigues(...m.w));
    Cs.push(m.C);
  }
  const movers = o.movers ?? [];
  const moverR = movers.map((m) => Array.from({ length: T }, (_, i) => rodrigues(...m.motion(i).w)));
  const moverT = movers.map((m) => Array.from({ length: T }, (_, i) => m.motion(i).T));
  const shotOf = new Int32Array(T);
  for (const c of o.cuts ?? []) for (let i = Math.max(0, c); i < T; i++) shotOf[i]!++;

  const view = (i: number): View => {
    const R = Rs[i]!,
      C = Cs[i]!;
    return {
      frame: i,
      R,
      C,
      focal: f,
      width: W,
      height: H,
      unproject: (u, v, z) => {
        const x = ((u - W / 2) * z) / f,
          y = ((v - H / 2) * z) / f;
        return [0, 1, 2].map((c) => R[c]! * x + R[3 + c]! * y + R[6 + c]! * z + C[c]!) as Vec3;
      },
    };
  };
  /** The world position of a point (scene, or on mover `owner` in its own coordinates) at frame i. */
  const worldAt = (owner: number, X: Vec3, i: number): Vec3 => {
    if (owner < 0) return X;
    const R = moverR[owner]![i]!,
      t = moverT[owner]![i]!;
    return [0, 1, 2].map(
      (r) => R[3 * r]! * X[0] + R[3 * r + 1]! * X[1] + R[3 * r + 2]! * X[2] + t[r]!,
    ) as Vec3;
  };
  /** Camera coordinates of a world point at frame i. */
  const toCamera = (Xw: Vec3, i: number): Vec3 => {
    const R = Rs[i]!,
      C = Cs[i]!;
    const d = [Xw[0] - C[0], Xw[1] - C[1], Xw[2] - C[2]];
    return [0, 1, 2].map((r) => R[3 * r]! * d[0]! + R[3 * r + 1]! * d[1]! + R[3 * r + 2]! * d[2]!) as Vec3;
  };
  /** Where a point (scene, or on mover `owner`) projects in frame i, without noise; null behind the camera. */
  const pixelAt = (owner: number, X: Vec3, i: number): [number, number] | null => {
    const xc = toCamera(worldAt(owner, X, i), i);
    return xc[2] > 0.1 ? [(f * xc[0]) / xc[2] + W / 2, (f * xc[1]) / xc[2] + H / 2] : null;
  };
  const covered = (i: number, u: number, v: number): boolean =>
    (o.occluders ?? []).some((oc) => {
      if (i < oc.first || i > oc.last) return false;
      const r = typeof oc.region === 'function' ? oc.region(i) : (oc.region ?? [0, 0, 1, 1]);
      return u >= r[0] * W && u <= r[2] * W && v >= r[1] * H && v <= r[3] * H;
    });

  const owners: number[] = [];
  const anchors: number[] = [];
  const obsTrack: number[] = [];
  const obsFrame: number[] = [];
  const obsUv: number[] = [];
  const record = (k: number, i: number, u: number, v: number) => {
    obsTrack.push(k);
    obsFrame.push(i);
    obsUv.push(u, v);
  };

  if (!o.respawn) {
    // Fixed points: the rand calls happen in the order they always have, so old options give old tracks.
    const quota = movers.map((m) => Math.round(m.share * n));
    const nStatic = n - quota.reduce((a, b) => a + b, 0);
    const view0 = view(0);
    for (let k = 0; k < n; k++) {
      let owner = -1;
      for (let m = 0, end = nStatic; m < movers.length && k >= end; end += quota[m++]!) owner = m;
      const X = owner < 0 ? o.point(rand, view0) : movers[owner]!.point(rand);
      owners.push(owner);
      anchors.push(...X);
      let shot = -1;
      for (let i = 0; i < T; i++) {
        const xc = toCamera(worldAt(owner, X, i), i);
        if (!(xc[2] > 0.1)) continue;
        const u0 = (f * xc[0]) / xc[2] + W / 2,
          v0 = (f * xc[1]) / xc[2] + H / 2;
        const u = u0 + noise * gauss();
        const v = v0 + noise * gauss();
        if (u < 0 || v < 0 || u > W || v > H) continue;
        if (covered(i, u0, v0)) continue;
        if (shot < 0) shot = shotOf[i]!;
        else if (shot !== shotOf[i]) continue;
        record(k, i, u, v);
      }
    }
  } else {
    const maxLen = o.maxTrackLength ?? Infinity;
    const loss = o.lossPerFrame ?? 0;
    const border = o.borderPx ?? 8;
    const spacing = o.minSpacingPx ?? 0.5 * Math.sqrt((W * H) / n);
    const cell = Math.max(1, spacing);
    // movers first, up to their share; the scene fills the rest, as a tracker refills the image
    const target = [...movers.map((m) => Math.round(m.share * n)), n]; // [mover 0, …, static]
    const born: number[] = [];
    let live: number[] = [];
    for (let i = 0; i < T; i++) {
      if (i > 0 && shotOf[i] !== shotOf[i - 1]) live = [];
      const grid = new Map<number, [number, number][]>();
      const key = (u: number, v: number) => Math.floor(u / cell) * 100003 + Math.floor(v / cell);
      const addToGrid = (u: number, v: number) => {
        const g = grid.get(key(u, v));
        if (g) g.push([u, v]);
        else grid.set(key(u, v), [[u, v]]);
      };
      const crowded = (u: number, v: number) => {
        for (let a = -1; a <= 1; a++)
          for (let b = -1; b <= 1; b++)
            for (const [x, y] of grid.get(key(u + a * cell, v + b * cell)) ?? [])
              if ((x - u) ** 2 + (y - v) ** 2 < spacing * spacing) return true;
        return false;
      };
      const count = target.map(() => 0);
      const still: number[] = [];
      for (const k of live) {
        if (i - born[k]! >= maxLen || (loss > 0 && rand() < loss)) continue;
        const p = pixelAt(owners[k]!, anchors.slice(3 * k, 3 * k + 3) as Vec3, i);
        if (!p || p[0] < 0 || p[1] < 0 || p[0] > W || p[1] > H || covered(i, p[0], p[1])) continue;
        record(k, i, p[0] + noise * gauss(), p[1] + noise * gauss());
        addToGrid(p[0], p[1]);
        count[owners[k]! < 0 ? movers.length : owners[k]!]!++;
        still.push(k);
      }
      live = still;
      const cam = view(i);
      for (let g = 0; g < target.length; g++) {
        const owner = g < movers.length ? g : -1;
        if (owner < 0) target[g] = n - count.reduce((a, b, j) => (j < movers.length ? a + b : a), 0);
        for (
          let tries = 40 * Math.max(0, target[g]! - count[g]!);
          count[g]! < target[g]! && tries > 0;
          tries--
        ) {
          const X = owner < 0 ? o.point(rand, cam) : movers[owner]!.point(rand);
          const p = pixelAt(owner, X, i);
          if (!p) continue;
          const [u, v] = p;
          if (u < border || v < border || u > W - border || v > H - border) continue;
          if (covered(i, u, v) || crowded(u, v)) continue;
          const k = owners.length;
          owners.push(owner);
          anchors.push(...X);
          born.push(i);
          record(k, i, u + noise * gauss(), v + noise * gauss());
          addToGrid(u, v);
          count[g]!++;
          live.push(k);
        }
      }
    }
  }

  const N = owners.length;
  const set = emptyTrackSet(W, H, T, N);
  const first = new Int32Array(N).fill(-1);
  const last = new Int32Array(N).fill(-1);
  for (let j = 0; j < obsTrack.length; j++) {
    const k = obsTrack[j]!,
      i = obsFrame[j]!;
    set.xy[2 * (k * T + i)] = obsUv[2 * j]!;
    set.xy[2 * (k * T + i) + 1] = obsUv[2 * j + 1]!;
    set.visible[k * T + i] = 1;
    set.confidence[k * T + i] = 1;
    if (first[k]! < 0 || i < first[k]!) first[k] = i;
    if (i > last[k]!) last[k] = i;
  }
  const owner = Int16Array.from(owners);
  const anchor = Float64Array.from(anchors);
  return {
    set,
    R: Rs,
    C: Cs,
    poses: Rs.map((R, i) => poseFromRotation(Cs[i]!, transpose(R))),
    focal: f,
    owner,
    moving: Uint8Array.from(owners, (w) => (w >= 0 ? 1 : 0)),
    anchor,
    first,
    last,
    shotOf,
    project: (k, i) => pixelAt(owner[k]!, [anchor[3 * k]!, anchor[3 * k + 1]!, anchor[3 * k + 2]!], i),
  };
}

/** World-to-camera angle-axis of a camera turned by `yaw` (to the right) and then `pitch` (up), no roll. */
export function yawPitch(yaw: number, pitch: number): Vec3 {
  const wc = quatMultiply(quatFromAxisAngle([0, 1, 0], yaw), quatFromAxisAngle([1, 0, 0], pitch));
  const v = quatLog(wc);
  return [-v[0], -v[1], -v[2]];
}

/** Points for respawn mode: a random pixel of the frame at a depth log-uniform in [near, far]. */
export function pointInView(near: number, far: number): PointSampler {
  return (rand, view) => {
    const u = rand() * view.width,
      v = rand() * view.height;
    return view.unproject(u, v, near * (far / near) ** rand());
  };
}

/**
 * A straight road along +z, the camera 1.5 m above it (OpenCV axes: y down, so the road is at y = 1.5):
 * three quarters of the points on the roadsides (house fronts, trees: 3.5–14 m either side, up to 6 m
 * high), the rest on the road; all 3–80 m ahead of the camera of the frame they are made for.
 */
export const roadside: PointSampler = (rand, view) => {
  const z = view.C[2] + 3 * (80 / 3) ** rand();
  if (rand() < 0.25) return [(rand() - 0.5) * 7, 1.5, z];
  const side = rand() < 0.5 ? -1 : 1;
  return [side * (3.5 + 10.5 * rand()), 1.5 - 7.5 * rand(), z];
};

export interface DriveOptions {
  frames: number;
  /** Metres per frame (default 0.25, 22 km/h at 25 fps). */
  speed?: number;
  /** Amplitude (m) and period (frames) of a gentle weave across the lane (defaults 0.6 m, 120 frames). */
  weave?: number;
  period?: number;
  /** Tracks kept visible per frame (default 150). */
  points?: number;
  noisePx?: number;
  seed?: number;
  /** Default 60 frames; a track is also lost with a chance of 1 % per frame. */
  maxTrackLength?: number;
  minSpacingPx?: number;
  movers?: Mover[];
  occluders?: Occluder[];
}

/** The camera of {@link forwardDrive} at frame i: along the road, weaving, heading along its path, a slight pitch sway. */
export function driveCamera(
  i: number,
  o: Pick<DriveOptions, 'speed' | 'weave' | 'period'> = {},
): { w: Vec3; C: Vec3 } {
  const v = o.speed ?? 0.25,
    A = o.weave ?? 0.6,
    P = o.period ?? 120;
  const ph = (2 * Math.PI * i) / P;
  const heading = Math.atan((A * ((2 * Math.PI) / P) * Math.cos(ph)) / v);
  return {
    w: yawPitch(heading, 0.01 * Math.sin((2 * Math.PI * i) / 37)),
    C: [A * Math.sin(ph), 0.03 * Math.sin((2 * Math.PI * i) / 23), v * i],
  };
}

/** A forward drive down {@link roadside}'s road with a tracker's track lifetimes. */
export function forwardDrive(o: DriveOptions): SyntheticShot {
  return syntheticTracks({
    frames: o.frames,
    motion: (i) => driveCamera(i, o),
    point: roadside,
    points: o.points ?? 150,
    noisePx: o.noisePx ?? 0.3,
    seed: o.seed ?? 11,
    respawn: true,
    maxTrackLength: o.maxTrackLength ?? 60,
    lossPerFrame: 0.01,
    ...(o.minSpacingPx ? { minSpacingPx: o.minSpacingPx } : {}),
    ...(o.movers ? { movers: o.movers } : {}),
    ...(o.occluders ? { occluders: o.occluders } : {}),
  });
}
