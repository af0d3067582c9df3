/** The 3D view of a shot, in layers; loaded with the first 3D view, not with the app. */
export { SceneView, type SceneStats } from './scene-view';
export type { Cloud, SourceCamera } from './types';
