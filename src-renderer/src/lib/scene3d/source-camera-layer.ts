/**
 * The source camera: its path (a polyline through the camera centres), a frustum every few frames, the
 * playhead's camera highlighted over everything, and a three.js camera placed as the source camera at
 * the playhead, to look through.
 *
 * Axes: the source camera arrives in OpenCV camera axes (x right, y down, z forward) with R_wc the
 * camera-to-world rotation; a three.js camera looks down −Z with +Y up, so its rotation is
 * R_wc · diag(1, −1, −1) (a half turn about the camera's x).
 */
import * as THREE from 'three';
import { clearGroup, type SceneLayer } from './layer';
import type { SourceCamera, SourceFrame } from './types';

const PATH_COLOUR = 0xc9cbce;
const FRUSTUM_COLOUR = 0x7d8187;
const CURRENT_COLOUR = 0xe8912d;
/** A frustum every this many frames at most (more would clutter short paths' view). */
const MAX_FRUSTA = 12;
/** OpenCV → three.js camera axes: a half turn about x. */
const CV_TO_GL = new THREE.Quaternion(1, 0, 0, 0);
/** 11 segments per frustum: 4 from the apex, the 4 image edges, a small "up" triangle. */
export const FRUSTUM_VERTS = 22;

/**
 * Puts a three.js camera where a frame's camera is, with its field of view and pixel aspect, clipping at
 * a range that suits a scene `sceneSize` across (to look through it).
 */
export function placeCamera(
  cam: THREE.PerspectiveCamera,
  f: SourceFrame,
  width: number,
  height: number,
  sceneSize: number,
): void {
  cam.position.set(...f.C);
  cam.quaternion.copy(threeOrientation(f.q));
  cam.fov = (2 * Math.atan(height / 2 / f.fy) * 180) / Math.PI;
  cam.aspect = (width * f.fy) / (height * f.fx);
  cam.near = sceneSize * 1e-4;
  cam.far = sceneSize * 50;
  cam.updateProjectionMatrix();
}

/** The three.js orientation of a source camera from its R_wc quaternion [w, x, y, z]. */
export function threeOrientation(q: readonly [number, number, number, number]): THREE.Quaternion {
  return new THREE.Quaternion(q[1], q[2], q[3], q[0]).normalize().multiply(CV_TO_GL);
}

export function writeFrustum(
  out: Float32Array,
  at: number,
  f: SourceFrame,
  width: number,
  height: number,
  depth: number,
): void {
  const q = new THREE.Quaternion(f.q[1], f.q[2], f.q[3], f.q[0]).normalize();
  const C = new THREE.Vector3(...f.C);
  // Image corners at planar depth `depth`, in OpenCV camera axes (principal point at the centre).
  const hw = ((width / 2) * depth) / f.fx;
  const hh = ((height / 2) * depth) / f.fy;
  const cam = [
    [-hw, -hh, depth],
    [hw, -hh, depth],
    [hw, hh, depth],
    [-hw, hh, depth],
    // The up triangle above the top edge (−y is up in OpenCV axes).
    [-hw * 0.5, -hh * 1.12, depth],
    [hw * 0.5, -hh * 1.12, depth],
    [0, -hh * 1.5, depth],
  ];
  const w = cam.map(([x, y, z]) => new THREE.Vector3(x, y, z).applyQuaternion(q).add(C));
  const seg: [THREE.Vector3, THREE.Vector3][] = [
    [C, w[0]!],
    [C, w[1]!],
    [C, w[2]!],
    [C, w[3]!],
    [w[0]!, w[1]!],
    [w[1]!, w[2]!],
    [w[2]!, w[3]!],
    [w[3]!, w[0]!],
    [w[4]!, w[5]!],
    [w[5]!, w[6]!],
    [w[6]!, w[4]!],
  ];
  let p = at * 3;
  for (const [a, b] of seg) {
    out[p++] = a.x;
    out[p++] = a.y;
    out[p++] = a.z;
    out[p++] = b.x;
    out[p++] = b.y;
    out[p++] = b.z;
  }
}

export class SourceCameraLayer implements SceneLayer {
  readonly group = new THREE.Group();
  /** Placed as the source camera at the playhead's frame. */
  readonly camera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  /** The path and its frusta, remade with the data. */
  private readonly path = new THREE.Group();
  /** Hidden when looking through a camera (their apexes crowd its eye). */
  private frusta: THREE.LineSegments | null = null;
  private readonly current: THREE.LineSegments;
  private readonly currentPositions = new Float32Array(FRUSTUM_VERTS * 3);
  private source: SourceCamera | null = null;
  private frustumDepth = 1;
  private sceneSize = 10;
  private frame = 0;
  private lookThrough = false;

  constructor() {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(this.currentPositions, 3));
    // Drawn over everything: the playhead's camera must never hide behind points.
    this.current = new THREE.LineSegments(
      geometry,
      new THREE.LineBasicMaterial({ color: CURRENT_COLOUR, depthTest: false }),
    );
    this.current.frustumCulled = false;
    this.current.renderOrder = 2;
    this.group.add(this.path, this.current);
  }

  /** The source camera's picture size, when there is a source camera. */
  get picture(): { width: number; height: number } | null {
    return this.source && { width: this.source.width, height: this.source.height };
  }

  /** Replaces the source camera; `sceneSize` (the scene's diagonal) sets the look-through clip range. */
  set(source: SourceCamera | null, frustumDepth: number, sceneSize: number): void {
    clearGroup(this.path);
    this.frusta = null;
    this.source = source && source.frames.length > 0 ? source : null;
    this.frustumDepth = frustumDepth;
    this.sceneSize = sceneSize;
    if (this.source) this.addPath(this.source);
    this.setFrame(this.frame);
  }

  private addPath(source: SourceCamera): void {
    const n = source.frames.length;
    const line = new Float32Array(3 * n);
    source.frames.forEach((f, i) => line.set(f.C, 3 * i));
    const lg = new THREE.BufferGeometry();
    lg.setAttribute('position', new THREE.BufferAttribute(line, 3));
    this.path.add(new THREE.Line(lg, new THREE.LineBasicMaterial({ color: PATH_COLOUR })));

    const every = Math.max(1, Math.ceil(n / MAX_FRUSTA));
    const picks: number[] = [];
    for (let i = 0; i < n; i += every) picks.push(i);
    if (picks.at(-1) !== n - 1) picks.push(n - 1);
    const frusta = new Float32Array(picks.length * FRUSTUM_VERTS * 3);
    picks.forEach((i, k) =>
      writeFrustum(
        frusta,
        k * FRUSTUM_VERTS,
        source.frames[i]!,
        source.width,
        source.height,
        this.frustumDepth,
      ),
    );
    const fg = new THREE.BufferGeometry();
    fg.setAttribute('position', new THREE.BufferAttribute(frusta, 3));
    this.frusta = new THREE.LineSegments(fg, new THREE.LineBasicMaterial({ color: FRUSTUM_COLOUR }));
    this.path.add(this.frusta);
  }

  /**
   * Moves the highlighted camera and the look-through camera to frame `frame`. A frame the camera has no
   * pose for (a partial solve) shows no highlight; looking through stays where it was.
   */
  setFrame(frame: number): void {
    this.frame = frame;
    const source = this.source;
    const f = source && poseAt(source.frames, frame);
    this.current.visible = !!f && !this.lookThrough;
    if (this.frusta) this.frusta.visible = !this.lookThrough;
    if (!source || !f) return;
    writeFrustum(this.currentPositions, 0, f, source.width, source.height, this.frustumDepth * 1.6);
    const pos = this.current.geometry.getAttribute('position') as THREE.BufferAttribute;
    pos.needsUpdate = true;
    this.current.geometry.computeBoundingSphere();
    placeCamera(this.camera, f, source.width, source.height, this.sceneSize);
  }

  /** Looking through the camera hides the frusta and the highlight; returns whether it is on. */
  setLookThrough(on: boolean): boolean {
    this.lookThrough = on && this.source !== null;
    this.setFrame(this.frame);
    return this.lookThrough;
  }

  dispose(): void {
    clearGroup(this.path);
    this.current.geometry.dispose();
    (this.current.material as THREE.Material).dispose();
  }
}

/** The frame's pose in a list sorted by frame index (binary search), or undefined when it has none. */
export function poseAt(frames: readonly SourceFrame[], frame: number): SourceFrame | undefined {
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const i = frames[mid]!.index;
    if (i === frame) return frames[mid];
    if (i < frame) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
