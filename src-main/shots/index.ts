/**
 * Shots: importing media as shots, where a shot's media is now, its undoable edits, its source camera
 * (import and export of a camera solve), and its job kinds (proxy, thumbnails).
 */
export { importShots, requireDirectory, shotName } from './import-shots';
export { shotMedia, resolveShotMediaPath, relativeMediaPath, toApiShot } from './shot-media';
export { proxyJob, PROXY_CHUNK_FRAMES } from './proxy-job';
export { thumbnailsJob } from './thumbnails-job';
export { shotEditKinds, updateShot, removeShot, attachmentsOf, type ShotEditRecord } from './shot-edits';
export { relinkShot } from './relink';
export {
  importSourceCamera,
  exportSourceCamera,
  exportedSourceCamera,
  sourceCameraTrack,
  fitTrackToShot,
  readCameraFileForShot,
} from './source-camera';
