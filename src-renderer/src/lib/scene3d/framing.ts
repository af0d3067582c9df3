/**
 * How the 3D view frames a shot's scene: its extent (cameras and the bulk of the cloud), which way is
 * up, which way the cameras look, and how large a frustum reads well at that scale.
 *
 * The world is whatever the solve or the imported file defines; the orbit's "up" is the source cameras'
 * mean up direction, snapped to a world axis when it is within 25° of one (Blender-style Z-up imports
 * get +Z; a solve in the first camera's frame gets −Y).
 */
import * as THREE from 'three';
import type { Cloud, SourceCamera } from './types';

const SNAP_COS = Math.cos((25 * Math.PI) / 180);

export interface SceneFraming {
  box: THREE.Box3;
  up: THREE.Vector3;
  /** The up axis as words, e.g. "+Z" or "≈ (0.10, −0.99, 0.05)". */
  upLabel: string;
  /** The cameras' mean viewing direction. */
  forward: THREE.Vector3;
  /** The depth of the path's frusta: small enough for the path's shape to show between them. */
  frustumDepth: number;
}

/** Robust bounds of a point set: per-axis 5th–95th percentile of (at most ~60k) sampled points. */
function robustBounds(xyz: Float32Array, count: number): THREE.Box3 | null {
  if (count === 0) return null;
  const stride = Math.max(1, Math.floor(count / 60_000));
  const n = Math.ceil(count / stride);
  const axis = new Float32Array(n);
  const lo = new THREE.Vector3();
  const hi = new THREE.Vector3();
  for (let a = 0; a < 3; a++) {
    for (let i = 0, k = 0; i < count; i += stride, k++) axis[k] = xyz[3 * i + a]!;
    axis.sort();
    lo.setComponent(a, axis[Math.floor(0.05 * (n - 1))]!);
    hi.setComponent(a, axis[Math.ceil(0.95 * (n - 1))]!);
  }
  return new THREE.Box3(lo, hi);
}

/** Snaps `up` (in place) to a world axis within 25°; says which, or the vector. */
function snapUp(up: THREE.Vector3): string {
  const names = ['X', 'Y', 'Z'];
  for (let a = 0; a < 3; a++) {
    const c = up.getComponent(a);
    if (Math.abs(c) >= SNAP_COS) {
      up.set(0, 0, 0).setComponent(a, Math.sign(c));
      return `${c > 0 ? '+' : '−'}${names[a]}`;
    }
  }
  return `≈ (${up.x.toFixed(2)}, ${up.y.toFixed(2)}, ${up.z.toFixed(2)})`;
}

/** `floorUp`: the oriented scene's up (the shot's floor), which replaces the cameras' mean up. */
export function frameScene(
  source: SourceCamera | null,
  cloud: Cloud | null,
  floorUp: readonly [number, number, number] | null = null,
): SceneFraming {
  const box = new THREE.Box3();
  const up = new THREE.Vector3();
  const forward = new THREE.Vector3();
  let pathLength = 0;
  source?.frames.forEach((f, i, all) => {
    box.expandByPoint(new THREE.Vector3(...f.C));
    const q = new THREE.Quaternion(f.q[1], f.q[2], f.q[3], f.q[0]).normalize();
    up.add(new THREE.Vector3(0, -1, 0).applyQuaternion(q));
    forward.add(new THREE.Vector3(0, 0, 1).applyQuaternion(q));
    const prev = all[i - 1];
    if (prev) pathLength += Math.hypot(f.C[0] - prev.C[0], f.C[1] - prev.C[1], f.C[2] - prev.C[2]);
  });
  const cloudBox = cloud ? robustBounds(cloud.xyz, cloud.count) : null;
  if (cloudBox) box.union(cloudBox);
  if (box.isEmpty()) box.set(new THREE.Vector3(-1, -1, -1), new THREE.Vector3(1, 1, 1));
  const diag = Math.max(1e-6, box.getSize(new THREE.Vector3()).length());
  if (up.lengthSq() < 1e-12) up.set(0, 1, 0);
  up.normalize();
  if (floorUp) up.set(...floorUp).normalize();
  const upLabel = floorUp ? `floor ${snapUp(up.clone())}` : snapUp(up);
  return {
    box,
    up,
    upLabel,
    forward: forward.lengthSq() > 1e-12 ? forward.normalize() : new THREE.Vector3(0, 0, 1),
    frustumDepth: Math.max(diag * 0.015, Math.min(diag * 0.03, pathLength * 0.15)),
  };
}
