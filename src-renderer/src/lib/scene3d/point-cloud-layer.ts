/**
 * The point cloud: the solver's sparse points, larger and lifted towards white, and the dense points from
 * the depth maps, coloured from the frames.
 */
import * as THREE from 'three';
import { clearGroup, type SceneLayer } from './layer';
import type { Cloud } from './types';

export class PointCloudLayer implements SceneLayer {
  readonly group = new THREE.Group();

  set(cloud: Cloud | null): void {
    clearGroup(this.group);
    if (!cloud || cloud.count === 0) return;
    const sparse = Math.min(cloud.sparse, cloud.count);
    if (cloud.count > sparse) {
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.BufferAttribute(cloud.xyz.subarray(3 * sparse), 3));
      g.setAttribute('color', new THREE.BufferAttribute(cloud.rgb.subarray(3 * sparse), 3, true));
      const m = new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true });
      this.group.add(new THREE.Points(g, m));
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
      this.group.add(points);
    }
  }

  dispose(): void {
    clearGroup(this.group);
  }
}
