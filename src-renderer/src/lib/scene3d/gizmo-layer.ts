/** Aids that are not part of the shot: the ground grid, square to the up direction. */
import * as THREE from 'three';
import { clearGroup, type SceneLayer } from './layer';
import type { Cloud } from './types';

const GRID_COLOUR = 0x303236;

export class GizmoLayer implements SceneLayer {
  readonly group = new THREE.Group();

  /**
   * A ground grid across the scene `box`, square to `up`: through `floorAt` (the oriented scene's origin)
   * when given, else at the low end of the cloud along `up`.
   */
  set(up: THREE.Vector3, box: THREE.Box3, cloud: Cloud | null, floorAt: THREE.Vector3 | null = null): void {
    clearGroup(this.group);
    const centre = box.getCenter(new THREE.Vector3());
    let ground = centre.dot(up) - box.getSize(new THREE.Vector3()).length() / 4;
    if (floorAt) ground = floorAt.dot(up);
    else if (cloud && cloud.count > 0) {
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
    this.group.add(grid);
  }

  dispose(): void {
    clearGroup(this.group);
  }
}
