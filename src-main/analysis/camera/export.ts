/** A solve as the geometry core's camera track (frames that could not be registered are left out). */
import type { CameraTrack } from '../../../src-shared/geometry';
import type { CameraSolve } from './types';

export function solveToCameraTrack(solve: CameraSolve, fps: [number, number]): CameraTrack {
  const frames: CameraTrack['frames'] = [];
  solve.poses.forEach((p, index) => {
    if (p) frames.push({ index, camera: { C: [...p.C], q: [...p.q], intrinsics: { ...solve.intrinsics } } });
  });
  return { fps: [...fps], frames };
}
