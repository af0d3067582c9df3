/**
 * A layer of the 3D view: one group of three.js objects the view adds to its scene once. The layer
 * alone makes, replaces and frees what is in its group; the view renders when a layer changed.
 */
import type * as THREE from 'three';

export interface SceneLayer {
  readonly group: THREE.Group;
  /** Frees every geometry and material the layer made. */
  dispose(): void;
}

/** Removes every child of `group` and frees its geometry and material(s). */
export function clearGroup(group: THREE.Group): void {
  for (const child of [...group.children]) {
    group.remove(child);
    const o = child as THREE.Mesh;
    o.geometry?.dispose();
    const m = o.material as THREE.Material | THREE.Material[] | undefined;
    if (Array.isArray(m)) m.forEach((x) => x.dispose());
    else m?.dispose();
  }
}
