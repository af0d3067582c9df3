/**
 * The 3D view of a shot: its layers (point cloud, source camera, target path, gizmos) in one scene, seen
 * through an orbiting camera or through the source camera itself.
 *
 * Rendering is on demand only: nothing draws unless `invalidate()` was called since the last frame
 * (data, playhead, size, controls, a layer that changed), so an idle 3D view costs no GPU next to
 * inference.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { TransformControls } from 'three/examples/jsm/controls/TransformControls.js';
import { pictureRect } from '../picture';
import { frameScene } from './framing';
import { GizmoLayer } from './gizmo-layer';
import type { SceneLayer } from './layer';
import { PointCloudLayer } from './point-cloud-layer';
import { SourceCameraLayer } from './source-camera-layer';
import { TargetPathLayer, type TargetPathView } from './target-path-layer';
import type { Cloud, SourceCamera } from './types';

// Colours are given as display values (8-bit RGB of the frames): no linear/sRGB conversion anywhere.
THREE.ColorManagement.enabled = false;

const BACKGROUND = 0x0b0b0c;

/** The oriented scene's floor: its up and an origin on it. */
export interface SceneFloor {
  up: [number, number, number];
  origin: [number, number, number];
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
  private controls: OrbitControls;
  private readonly cloud = new PointCloudLayer();
  private readonly sourceCamera = new SourceCameraLayer();
  private readonly targetPath = new TargetPathLayer();
  private readonly gizmos = new GizmoLayer();
  private readonly layers: SceneLayer[] = [this.cloud, this.sourceCamera, this.targetPath, this.gizmos];
  private bounds: THREE.Box3 | null = null;
  private cloudPoints: Cloud | null = null;
  /** The keyframe gizmo (move / rotate), attached to a stand-in placed as the selected keyframe's camera. */
  private gizmo: TransformControls | null = null;
  private readonly gizmoTarget = new THREE.Object3D();
  private gizmoDone: ((C: [number, number, number], q: [number, number, number, number]) => void) | null =
    null;
  private readonly raycaster = new THREE.Raycaster();
  private forward = new THREE.Vector3(0, 0, 1);
  private width = 1;
  private height = 1;
  private pending = 0;
  /** Whose eyes the view looks through: the orbit's, the source camera's or the target path's. */
  private lookThrough: 'off' | 'source' | 'target' = 'off';
  private frustumDepth = 1;
  private sceneSize = 10;
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
    for (const layer of this.layers) this.scene.add(layer.group);
    this.controls = this.makeControls();
  }

  private makeControls(): OrbitControls {
    const controls = new OrbitControls(this.orbitCamera, this.canvas);
    controls.screenSpacePanning = true;
    controls.zoomToCursor = true;
    controls.enabled = this.lookThrough === 'off';
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

  resize(cssWidth: number, cssHeight: number, dpr: number): void {
    this.width = Math.max(1, Math.round(cssWidth));
    this.height = Math.max(1, Math.round(cssHeight));
    this.renderer.setPixelRatio(dpr);
    this.renderer.setSize(this.width, this.height, false);
    this.orbitCamera.aspect = this.width / this.height;
    this.orbitCamera.updateProjectionMatrix();
    this.invalidate();
  }

  /**
   * Replaces the source camera and the cloud (either may be missing) and the scene's orientation (null:
   * as the solve left it); returns what the view now holds.
   */
  setData(
    source: SourceCamera | null,
    cloud: Cloud | null,
    orientation: SceneFloor | null = null,
  ): SceneStats {
    const framing = frameScene(
      source && source.frames.length > 0 ? source : null,
      cloud,
      orientation?.up ?? null,
    );
    this.bounds = framing.box;
    this.forward = framing.forward;
    if (!this.orbitCamera.up.equals(framing.up)) {
      // OrbitControls takes its up axis from the camera when it is made.
      this.orbitCamera.up.copy(framing.up);
      this.controls.dispose();
      this.controls = this.makeControls();
    }
    this.cloud.set(cloud);
    this.frustumDepth = framing.frustumDepth;
    this.sceneSize = framing.box.getSize(new THREE.Vector3()).length();
    this.sourceCamera.set(source, this.frustumDepth, this.sceneSize);
    this.gizmos.set(
      framing.up,
      framing.box,
      cloud,
      orientation ? new THREE.Vector3(...orientation.origin) : null,
    );
    this.cloudPoints = cloud;
    this.invalidate();
    return {
      cameras: source?.frames.length ?? 0,
      points: cloud?.count ?? 0,
      sparse: cloud?.sparse ?? 0,
      up: framing.upLabel,
    };
  }

  /** Shows a target path (null: none), at the scale the source camera's frusta are drawn. */
  setTargetPath(path: TargetPathView | null): void {
    this.targetPath.set(path, this.frustumDepth, this.sceneSize);
    if (this.lookThrough === 'target' && !this.targetPath.hasPath) this.setLookThrough('off');
    this.invalidate();
  }

  /** Follows the playhead: the highlighted cameras, and the view when looking through one. */
  setFrame(frame: number): void {
    this.sourceCamera.setFrame(frame);
    this.targetPath.setFrame(frame);
    this.invalidate();
  }

  setLookThrough(mode: 'off' | 'source' | 'target'): void {
    const source = this.sourceCamera.setLookThrough(mode === 'source');
    const target = this.targetPath.setLookThrough(mode === 'target');
    this.lookThrough = source ? 'source' : target ? 'target' : 'off';
    this.controls.enabled = this.lookThrough === 'off';
    if (this.gizmo) {
      this.gizmo.enabled = this.lookThrough === 'off';
      this.gizmo.getHelper().visible = this.lookThrough === 'off';
    }
    this.invalidate();
  }

  /**
   * The cloud point under a position of the canvas (CSS pixels from its top-left), or null: the nearest
   * to the eye among the points within a few pixels of the ray.
   */
  pickPoint(x: number, y: number): [number, number, number] | null {
    const cloud = this.cloudPoints;
    if (!cloud || cloud.count === 0 || this.lookThrough !== 'off') return null;
    const ndc = new THREE.Vector2((2 * x) / this.width - 1, 1 - (2 * y) / this.height);
    const cam = this.orbitCamera;
    this.raycaster.setFromCamera(ndc, cam);
    const ray = this.raycaster.ray;
    // the pick radius: 6 pixels at each point's distance
    const pxAngle = (cam.fov * Math.PI) / 180 / this.height;
    let best: { t: number; p: [number, number, number] } | null = null;
    const v = new THREE.Vector3();
    for (let i = 0; i < cloud.count; i++) {
      v.set(cloud.xyz[3 * i]!, cloud.xyz[3 * i + 1]!, cloud.xyz[3 * i + 2]!);
      const t = v.clone().sub(ray.origin).dot(ray.direction);
      if (!(t > cam.near)) continue;
      if (ray.distanceSqToPoint(v) > (6 * pxAngle * t) ** 2) continue;
      if (!best || t < best.t) best = { t, p: [v.x, v.y, v.z] };
    }
    return best?.p ?? null;
  }

  /**
   * Shows a move or rotate gizmo on a keyframe's camera (C, R_wc [w, x, y, z] in OpenCV axes), or hides it
   * (null). When a drag ends, `done` gets the new pose in the same terms.
   */
  setKeyGizmo(
    key: { C: [number, number, number]; q: [number, number, number, number] } | null,
    mode: 'translate' | 'rotate',
    done: (C: [number, number, number], q: [number, number, number, number]) => void,
  ): void {
    this.gizmoDone = done;
    if (!key) {
      this.gizmo?.detach();
      this.invalidate();
      return;
    }
    if (!this.gizmo) {
      const g = new TransformControls(this.orbitCamera, this.canvas);
      g.setSize(0.8);
      g.addEventListener('change', () => this.invalidate());
      g.addEventListener('dragging-changed', (e) => {
        this.controls.enabled = !(e as unknown as { value: boolean }).value && this.lookThrough === 'off';
      });
      g.addEventListener('mouseUp', () => {
        const t = this.gizmoTarget;
        const q = t.quaternion
          .clone()
          .multiply(new THREE.Quaternion(1, 0, 0, 0))
          .normalize();
        this.gizmoDone?.([t.position.x, t.position.y, t.position.z], [q.w, q.x, q.y, q.z]);
      });
      this.scene.add(this.gizmoTarget, g.getHelper());
      this.gizmo = g;
    }
    this.gizmoTarget.position.set(...key.C);
    // OpenCV camera axes → three.js: a half turn about x
    this.gizmoTarget.quaternion
      .set(key.q[1], key.q[2], key.q[3], key.q[0])
      .normalize()
      .multiply(new THREE.Quaternion(1, 0, 0, 0));
    this.gizmo.setMode(mode);
    this.gizmo.setSpace(mode === 'rotate' ? 'local' : 'world');
    this.gizmo.attach(this.gizmoTarget);
    this.invalidate();
  }

  /** Where a world point is on the canvas (CSS pixels), or null behind the view (tests aim with it). */
  screenOf(p: [number, number, number]): [number, number] | null {
    const v = new THREE.Vector3(...p).project(this.orbitCamera);
    if (v.z > 1) return null;
    return [((v.x + 1) / 2) * this.width, ((1 - v.y) / 2) * this.height];
  }

  /** Orbits about `point` from now on (the view does not jump: only the pivot moves). */
  setPivot(point: [number, number, number]): void {
    if (this.lookThrough !== 'off') return;
    this.controls.target.set(...point);
    this.controls.update();
    this.invalidate();
  }

  /**
   * Where the orbiting view is, as a camera in the shot's world (OpenCV axes, R_wc [w, x, y, z]) with the
   * focal in pixels of an image `height` pixels high at the view's vertical field of view: what "key from
   * view" stores.
   */
  viewPose(height: number): {
    C: [number, number, number];
    q: [number, number, number, number];
    focalPx: number;
  } {
    const cam = this.orbitCamera;
    cam.updateMatrixWorld();
    // three.js looks down −Z with +Y up: OpenCV axes are a half turn about x from it
    const q = cam.quaternion
      .clone()
      .multiply(new THREE.Quaternion(1, 0, 0, 0))
      .normalize();
    const fy = height / 2 / Math.tan((cam.fov * Math.PI) / 360);
    return { C: [cam.position.x, cam.position.y, cam.position.z], q: [q.w, q.x, q.y, q.z], focalPx: fy };
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
    const through = this.lookThrough === 'target' ? this.targetPath : this.sourceCamera;
    const picture = through.picture;
    if (this.lookThrough !== 'off' && picture) {
      // The source camera's picture, letterboxed like the viewer letterboxes the frame.
      const rect = pictureRect(this.width * dpr, this.height * dpr, {
        ...picture,
        pixelAspect: { num: 1, den: 1 },
      });
      const x = rect.x / dpr;
      const y = this.height - (rect.y + rect.h) / dpr;
      r.setViewport(x, y, rect.w / dpr, rect.h / dpr);
      r.setScissor(x, y, rect.w / dpr, rect.h / dpr);
      r.setScissorTest(true);
      r.render(this.scene, through.camera);
      r.setScissorTest(false);
    } else {
      r.render(this.scene, this.orbitCamera);
    }
    this.renders++;
    this.onRender(this.renders);
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending) cancelAnimationFrame(this.pending);
    this.gizmo?.dispose();
    this.controls.dispose();
    for (const layer of this.layers) layer.dispose();
    this.renderer.dispose();
  }
}
