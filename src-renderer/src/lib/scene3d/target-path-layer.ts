/**
 * The target camera path — the keyframed move the shot is re-filmed along — and the editor's handles
 * on it. Empty until the path editor exists: the view already holds it among its layers (and frees it
 * with them), so the editor only fills `group` and calls the view's `invalidate()`.
 */
import * as THREE from 'three';
import { clearGroup, type SceneLayer } from './layer';

export class TargetPathLayer implements SceneLayer {
  readonly group = new THREE.Group();

  dispose(): void {
    clearGroup(this.group);
  }
}
