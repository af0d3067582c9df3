/**
 * The target camera path — the move the shot is re-filmed along: a curve through its camera at every
 * frame, a frustum at each keyframe (or every few frames of a sampled path), the playhead's target camera
 * highlighted over everything, and a three.js camera placed as it, to look through.
 */
import * as THREE from 'three';
import { clearGroup, type SceneLayer } from './layer';
import { FRUSTUM_VERTS, placeCamera, writeFrustum } from './source-camera-layer';
import type { SourceCamera } from './types';

const CURVE_COLOUR = 0x3fb6d8;
const KEY_COLOUR = 0x2e8aa6;
const CURRENT_COLOUR = 0x7fe3ff;
/** A sampled path shows a frustum every this many frames at most. */
const MAX_FRUSTA = 12;

/** The target path at every frame of the shot (as the source camera's frames), and its keyframes. */
export interface TargetPathView {
  camera: SourceCamera;
  /** Frames that are keyframes (a frustum each); empty for a sampled path. */
  keys: number[];
}

export class TargetPathLayer implements SceneLayer {
  readonly group = new THREE.Group();
  /** Placed as the target camera at the playhead's frame. */
  readonly camera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  private readonly shape = new THREE.Group();
  private readonly current: THREE.LineSegments;
  private readonly currentPositions = new Float32Array(FRUSTUM_VERTS * 3);
  private path: TargetPathView | null = null;
  private frustumDepth = 1;
  private sceneSize = 10;
  private frame = 0;
  private lookThrough = false;

  constructor() {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(this.currentPositions, 3));
    this.current = new THREE.LineSegments(
      geometry,
      new THREE.LineBasicMaterial({ color: CURRENT_COLOUR, depthTest: false }),
    );
    this.current.frustumCulled = false;
    this.current.renderOrder = 3;
    this.group.add(this.shape, this.current);
  }

  get picture(): { width: number; height: number } | null {
    return this.path && { width: this.path.camera.width, height: this.path.camera.height };
  }

  get hasPath(): boolean {
    return this.path !== null;
  }

  set(path: TargetPathView | null, frustumDepth: number, sceneSize: number): void {
    clearGroup(this.shape);
    this.path = path && path.camera.frames.length > 0 ? path : null;
    this.frustumDepth = frustumDepth;
    this.sceneSize = sceneSize;
    const p = this.path;
    if (p) {
      const n = p.camera.frames.length;
      const line = new Float32Array(3 * n);
      p.camera.frames.forEach((f, i) => line.set(f.C, 3 * i));
      const lg = new THREE.BufferGeometry();
      lg.setAttribute('position', new THREE.BufferAttribute(line, 3));
      const curve = new THREE.Line(
        lg,
        new THREE.LineBasicMaterial({ color: CURVE_COLOUR, depthTest: false }),
      );
      curve.renderOrder = 2;
      this.shape.add(curve);
      let picks = p.keys.filter((k) => k >= 0 && k < n);
      if (picks.length === 0) {
        const every = Math.max(1, Math.ceil(n / MAX_FRUSTA));
        for (let i = 0; i < n; i += every) picks.push(i);
        if (picks.at(-1) !== n - 1) picks.push(n - 1);
      }
      picks = [...new Set(picks)];
      const frusta = new Float32Array(picks.length * FRUSTUM_VERTS * 3);
      picks.forEach((i, k) =>
        writeFrustum(
          frusta,
          k * FRUSTUM_VERTS,
          p.camera.frames[i]!,
          p.camera.width,
          p.camera.height,
          frustumDepth,
        ),
      );
      const fg = new THREE.BufferGeometry();
      fg.setAttribute('position', new THREE.BufferAttribute(frusta, 3));
      this.shape.add(new THREE.LineSegments(fg, new THREE.LineBasicMaterial({ color: KEY_COLOUR })));
    }
    this.setFrame(this.frame);
  }

  setFrame(frame: number): void {
    this.frame = frame;
    const p = this.path;
    const f = p?.camera.frames[Math.max(0, Math.min(p.camera.frames.length - 1, frame))];
    this.current.visible = !!f && !this.lookThrough;
    this.shape.visible = !this.lookThrough;
    if (!p || !f) return;
    writeFrustum(this.currentPositions, 0, f, p.camera.width, p.camera.height, this.frustumDepth * 1.6);
    (this.current.geometry.getAttribute('position') as THREE.BufferAttribute).needsUpdate = true;
    this.current.geometry.computeBoundingSphere();
    placeCamera(this.camera, f, p.camera.width, p.camera.height, this.sceneSize);
  }

  setLookThrough(on: boolean): boolean {
    this.lookThrough = on && this.path !== null;
    this.setFrame(this.frame);
    return this.lookThrough;
  }

  dispose(): void {
    clearGroup(this.shape);
    this.current.geometry.dispose();
    (this.current.material as THREE.Material).dispose();
  }
}
