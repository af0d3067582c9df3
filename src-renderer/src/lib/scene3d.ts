/**
 * The 3D view's scene: the source camera path (a polyline, a frustum every few frames, the playhead's
 * camera highlighted) and the point cloud (sparse solver points larger and brighter than the dense
 * points from depth), seen through an orbiting camera or through the source camera itself.
 *
 * Rendering is on demand only: nothing draws unless `invalidate()` was called since the last frame
 * (data, playhead, size, controls), so an idle 3D view costs no GPU next to inference.
 *
 * Axes: the path arrives in OpenCV camera axes (x right, y down, z forward) with R_wc the camera-to-
 * world rotation; a three.js camera looks down −Z with +Y up, so its rotation is R_wc · diag(1, −1, −1)
 * (a half turn about the camera's x). The world is whatever the solve or the imported file defines;
 * the orbit's "up" is the source cameras' mean up direction, snapped to a world axis when it is within
 * 25° of one (Blender-style Z-up imports get +Z; a solve in the first camera's frame gets −Y).
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { MethodOutput } from '../../../src-shared/api/contract';
import type { decodeCloud } from '../../../src-shared/api/media-routes';
import { pictureRect } from './picture';

export type CameraPath = NonNullable<MethodOutput<'shots.cameraPath'>>;
export type Cloud = ReturnType<typeof decodeCloud>;

// Colours are given as display values (8-bit RGB of the frames): no linear/sRGB conversion anywhere.
THREE.ColorManagement.enabled = false;

const BACKGROUND = 0x0b0b0c;
const PATH_COLOUR = 0xc9cbce;
const FRUSTUM_COLOUR = 0x7d8187;
const CURRENT_COLOUR = 0xe8912d;
const GRID_COLOUR = 0x303236;
/** A frustum every this many frames at most (more would clutter short paths' view). */
const MAX_FRUSTA = 12;
const SNAP_COS = Math.cos((25 * Math.PI) / 180);
/** OpenCV → three.js camera axes: a half turn about x. */
const CV_TO_GL = new THREE.Quaternion(1, 0, 0, 0);

/** The three.js orientation of a source camera from its R_wc quaternion [w, x, y, z]. */
export function threeOrientation(q: readonly [number, number, number, number]): THREE.Quaternion {
  return new THREE.Quaternion(q[1], q[2], q[3], q[0]).normalize().multiply(CV_TO_GL);
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

/** 11 segments per frustum: 4 from the apex, the 4 image edges, a small "up" triangle. */
const FRUSTUM_VERTS = 22;

function writeFrustum(
  out: Float32Array,
  at: number,
  f: CameraPath['frames'][number],
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

export interface SceneStats {
  cameras: number;
  points: number;
  sparse: number;
  /** The orbit's up axis as words, e.g. "+Z" or "≈ (0.10, −0.99, 0.05)". */
  up: string;
}

export class SceneView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly orbitCamera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  private readonly sourceCamera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  private controls: OrbitControls;
  private readonly content = new THREE.Group();
  private readonly current: THREE.LineSegments;
  private readonly currentPositions = new Float32Array(FRUSTUM_VERTS * 3);
  private path: CameraPath | null = null;
  /** The path's frusta: hidden when looking through a camera (their apexes crowd its eye). */
  private frusta: THREE.LineSegments | null = null;
  private frame = 0;
  private frustumDepth = 1;
  private bounds: THREE.Box3 | null = null;
  private forward = new THREE.Vector3(0, 0, 1);
  private width = 1;
  private height = 1;
  private pending = 0;
  private lookThrough = false;
  private disposed = false;
  /** Frames rendered so far (tests and the status line read it). */
  renders = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onRender: (renders: number) => void,
  ) {
    // preserveDrawingBuffer: the view can be read back (screenshots, tests) after it was drawn, since
    // on-demand rendering means there may not be another frame for a long while.
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    this.renderer.setClearColor(BACKGROUND, 1);
    this.scene.add(this.content);
    this.controls = this.makeControls();
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(this.currentPositions, 3));
    // Drawn over everything: the playhead's camera must never hide behind points.
    this.current = new THREE.LineSegments(
      geometry,
      new THREE.LineBasicMaterial({ color: CURRENT_COLOUR, depthTest: false }),
    );
    this.current.frustumCulled = false;
    this.current.renderOrder = 2;
    this.scene.add(this.current);
  }

  private makeControls(): OrbitControls {
    const controls = new OrbitControls(this.orbitCamera, this.canvas);
    controls.screenSpacePanning = true;
    controls.zoomToCursor = true;
    controls.enabled = !this.lookThrough;
    controls.addEventListener('change', () => this.invalidate());
    return controls;
  }

  /** Asks for one frame at the next animation frame; repeated calls before it coalesce. */
  invalidate(): void {
    if (this.pending || this.disposed) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.render();
    });
  }

  resize(cssWidth: number, cssHeight: number): void {
    this.width = Math.max(1, Math.round(cssWidth));
    this.height = Math.max(1, Math.round(cssHeight));
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.renderer.setSize(this.width, this.height, false);
    this.orbitCamera.aspect = this.width / this.height;
    this.orbitCamera.updateProjectionMatrix();
    this.invalidate();
  }

  /** Replaces the path and the cloud (either may be missing); returns what the view now holds. */
  setData(path: CameraPath | null, cloud: Cloud | null): SceneStats {
    this.clearContent();
    this.path = path && path.frames.length > 0 ? path : null;
    const box = new THREE.Box3();
    const up = new THREE.Vector3();
    const forward = new THREE.Vector3();
    if (this.path) {
      for (const f of this.path.frames) {
        box.expandByPoint(new THREE.Vector3(...f.C));
        const q = new THREE.Quaternion(f.q[1], f.q[2], f.q[3], f.q[0]).normalize();
        up.add(new THREE.Vector3(0, -1, 0).applyQuaternion(q));
        forward.add(new THREE.Vector3(0, 0, 1).applyQuaternion(q));
      }
    }
    const cloudBox = cloud ? robustBounds(cloud.xyz, cloud.count) : null;
    if (cloudBox) box.union(cloudBox);
    if (box.isEmpty()) box.set(new THREE.Vector3(-1, -1, -1), new THREE.Vector3(1, 1, 1));
    this.bounds = box;
    const diag = Math.max(1e-6, box.getSize(new THREE.Vector3()).length());
    // Frusta small enough that the path's shape shows between them, large enough to be seen.
    let pathLength = 0;
    this.path?.frames.forEach((f, i, all) => {
      const prev = all[i - 1];
      if (prev) pathLength += Math.hypot(f.C[0] - prev.C[0], f.C[1] - prev.C[1], f.C[2] - prev.C[2]);
    });
    this.frustumDepth = Math.max(diag * 0.015, Math.min(diag * 0.03, pathLength * 0.15));
    if (up.lengthSq() < 1e-12) up.set(0, 1, 0);
    up.normalize();
    const upLabel = this.snapUp(up);
    this.forward = forward.lengthSq() > 1e-12 ? forward.normalize() : new THREE.Vector3(0, 0, 1);
    if (!this.orbitCamera.up.equals(up)) {
      // OrbitControls takes its up axis from the camera when it is made.
      this.orbitCamera.up.copy(up);
      this.controls.dispose();
      this.controls = this.makeControls();
    }

    if (cloud && cloud.count > 0) this.addCloud(cloud);
    if (this.path) this.addPath(this.path);
    this.addGrid(up, box, cloud);
    this.setFrame(this.frame);
    return {
      cameras: this.path?.frames.length ?? 0,
      points: cloud?.count ?? 0,
      sparse: cloud?.sparse ?? 0,
      up: upLabel,
    };
  }

  /** Snaps `up` (in place) to a world axis within 25°; says which, or the vector. */
  private snapUp(up: THREE.Vector3): string {
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

  private addCloud(cloud: Cloud): void {
    const sparse = Math.min(cloud.sparse, cloud.count);
    if (cloud.count > sparse) {
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.BufferAttribute(cloud.xyz.subarray(3 * sparse), 3));
      g.setAttribute('color', new THREE.BufferAttribute(cloud.rgb.subarray(3 * sparse), 3, true));
      const m = new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true });
      this.content.add(new THREE.Points(g, m));
    }
    if (sparse > 0) {
      // Sparse points are what the solve rests on: larger, and lifted towards white to stand out.
      const rgb = new Uint8Array(3 * sparse);
      for (let i = 0; i < rgb.length; i++) rgb[i] = Math.min(255, 40 + cloud.rgb[i]! * 0.9);
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.BufferAttribute(cloud.xyz.subarray(0, 3 * sparse), 3));
      g.setAttribute('color', new THREE.BufferAttribute(rgb, 3, true));
      const m = new THREE.PointsMaterial({ size: 4, sizeAttenuation: false, vertexColors: true });
      const points = new THREE.Points(g, m);
      points.renderOrder = 1;
      this.content.add(points);
    }
  }

  private addPath(path: CameraPath): void {
    const n = path.frames.length;
    const line = new Float32Array(3 * n);
    path.frames.forEach((f, i) => line.set(f.C, 3 * i));
    const lg = new THREE.BufferGeometry();
    lg.setAttribute('position', new THREE.BufferAttribute(line, 3));
    this.content.add(new THREE.Line(lg, new THREE.LineBasicMaterial({ color: PATH_COLOUR })));

    const every = Math.max(1, Math.ceil(n / MAX_FRUSTA));
    const picks: number[] = [];
    for (let i = 0; i < n; i += every) picks.push(i);
    if (picks.at(-1) !== n - 1) picks.push(n - 1);
    const frusta = new Float32Array(picks.length * FRUSTUM_VERTS * 3);
    picks.forEach((i, k) =>
      writeFrustum(frusta, k * FRUSTUM_VERTS, path.frames[i]!, path.width, path.height, this.frustumDepth),
    );
    const fg = new THREE.BufferGeometry();
    fg.setAttribute('position', new THREE.BufferAttribute(frusta, 3));
    this.frusta = new THREE.LineSegments(fg, new THREE.LineBasicMaterial({ color: FRUSTUM_COLOUR }));
    this.content.add(this.frusta);
  }

  /** A ground grid across the scene, square to `up`, at the low end of the cloud along it. */
  private addGrid(up: THREE.Vector3, box: THREE.Box3, cloud: Cloud | null): void {
    const centre = box.getCenter(new THREE.Vector3());
    let ground = centre.dot(up) - box.getSize(new THREE.Vector3()).length() / 4;
    if (cloud && cloud.count > 0) {
      const stride = Math.max(1, Math.floor(cloud.count / 60_000));
      const h: number[] = [];
      for (let i = 0; i < cloud.count; i += stride)
        h.push(cloud.xyz[3 * i]! * up.x + cloud.xyz[3 * i + 1]! * up.y + cloud.xyz[3 * i + 2]! * up.z);
      h.sort((a, b) => a - b);
      ground = h[Math.floor(0.03 * (h.length - 1))]!;
    }
    const size = box.getSize(new THREE.Vector3()).length();
    const step = 10 ** Math.floor(Math.log10(size / 10));
    const divisions = Math.max(2, Math.min(200, Math.round(size / step)));
    const grid = new THREE.GridHelper(divisions * step, divisions, GRID_COLOUR, GRID_COLOUR);
    grid.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), up);
    grid.position.copy(centre).addScaledVector(up, ground - centre.dot(up));
    const material = grid.material as THREE.Material;
    material.transparent = true;
    material.opacity = 0.45;
    material.depthWrite = false;
    this.content.add(grid);
  }

  /** Moves the highlighted camera (and the look-through view) to frame `frame` of the path. */
  setFrame(frame: number): void {
    this.frame = frame;
    const path = this.path;
    const f = path?.frames[Math.max(0, Math.min(path.frames.length - 1, frame))];
    this.current.visible = !!f && !this.lookThrough;
    if (this.frusta) this.frusta.visible = !this.lookThrough;
    if (path && f) {
      writeFrustum(this.currentPositions, 0, f, path.width, path.height, this.frustumDepth * 1.6);
      const pos = this.current.geometry.getAttribute('position') as THREE.BufferAttribute;
      pos.needsUpdate = true;
      this.current.geometry.computeBoundingSphere();
      this.sourceCamera.position.set(...f.C);
      this.sourceCamera.quaternion.copy(threeOrientation(f.q));
      this.sourceCamera.fov = (2 * Math.atan(path.height / 2 / f.fy) * 180) / Math.PI;
      this.sourceCamera.aspect = (path.width * f.fy) / (path.height * f.fx);
      const size = this.bounds?.getSize(new THREE.Vector3()).length() ?? 10;
      this.sourceCamera.near = size * 1e-4;
      this.sourceCamera.far = size * 50;
      this.sourceCamera.updateProjectionMatrix();
    }
    this.invalidate();
  }

  setLookThrough(on: boolean): void {
    this.lookThrough = on && this.path !== null;
    this.controls.enabled = !this.lookThrough;
    this.setFrame(this.frame);
  }

  /** Puts the whole scene in view, from behind and above the source cameras. */
  frameAll(): void {
    const box = this.bounds;
    if (!box) return;
    const centre = box.getCenter(new THREE.Vector3());
    const radius = Math.max(1e-6, box.getSize(new THREE.Vector3()).length() / 2);
    const fov = (this.orbitCamera.fov * Math.PI) / 180;
    const fit = Math.min(fov, 2 * Math.atan(Math.tan(fov / 2) * this.orbitCamera.aspect));
    const distance = radius / Math.sin(fit / 2);
    const up = this.orbitCamera.up;
    const dir = this.forward.clone().multiplyScalar(-1).addScaledVector(up, 0.8).normalize();
    this.orbitCamera.position.copy(centre).addScaledVector(dir, distance);
    this.orbitCamera.near = distance * 1e-3;
    this.orbitCamera.far = distance * 20;
    this.orbitCamera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
    this.invalidate();
  }

  private render(): void {
    if (this.disposed) return;
    const r = this.renderer;
    const dpr = r.getPixelRatio();
    r.setScissorTest(false);
    r.setViewport(0, 0, this.width, this.height);
    r.clear();
    if (this.lookThrough && this.path) {
      // The source camera's picture, letterboxed like the viewer letterboxes the frame.
      const rect = pictureRect(this.width * dpr, this.height * dpr, {
        width: this.path.width,
        height: this.path.height,
        pixelAspect: { num: 1, den: 1 },
      });
      const x = rect.x / dpr;
      const y = this.height - (rect.y + rect.h) / dpr;
      r.setViewport(x, y, rect.w / dpr, rect.h / dpr);
      r.setScissor(x, y, rect.w / dpr, rect.h / dpr);
      r.setScissorTest(true);
      r.render(this.scene, this.sourceCamera);
      r.setScissorTest(false);
    } else {
      r.render(this.scene, this.orbitCamera);
    }
    this.renders++;
    this.onRender(this.renders);
  }

  private clearContent(): void {
    this.frusta = null;
    for (const child of [...this.content.children]) {
      this.content.remove(child);
      const o = child as THREE.Mesh;
      o.geometry?.dispose();
      const m = o.material as THREE.Material | THREE.Material[] | undefined;
      if (Array.isArray(m)) m.forEach((x) => x.dispose());
      else m?.dispose();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending) cancelAnimationFrame(this.pending);
    this.controls.dispose();
    this.clearContent();
    this.current.geometry.dispose();
    (this.current.material as THREE.Material).dispose();
    this.renderer.dispose();
  }
}
