/**
 * Messages between "Verify render" (src-main/render/verify.ts, main thread) and its worker
 * (src-main/render/verify.worker.ts), which tracks and solves the rendered plate off the main thread.
 */
import type { WorkerEntry } from '../jobs/workers';
import type { MediaFacts } from '../media';
import type { Pose } from '../../src-shared/geometry';
import type { SolveStatus } from '../analysis/camera';

export interface VerifyWorkerRequest {
  /** The render's colour frames and masks as image sequences (frame 0 = the render's first frame). */
  colour: MediaFacts;
  mask: MediaFacts;
  /** Size the plate is tracked at (the analysis size of the shot). */
  width: number;
  height: number;
  /** The requested focal of each frame (pixels of the tracked size), fy/fx, and the principal point. */
  focalPx: number[];
  aspect: number;
  cx: number;
  cy: number;
  /** Each frame's target depth as rendered (`depth_NNNN.f32`, shot units), to measure Z̄ on the tracked points. */
  depthFiles: string[];
}

export interface VerifyWorkerResult {
  status: SolveStatus;
  message: string;
  /** One per frame, null where the solve has none; in the solve's own world and scale. */
  poses: (Pose | null)[];
  /** The solve's 3D points (xyz interleaved), in the same gauge. */
  points: Float32Array;
  /** The focal the solve used (the tracks were rescaled to it). */
  focalPx: number;
  tracks: number;
  maskedObservations: number;
  reprojectionRmsPx: number;
  /**
   * Z̄ per frame on the same points (the tracked points the solve made 3D): their rendered depth (shot
   * units) and their depth in the recovered camera (the solve's units); NaN where too few are known.
   */
  renderedDepth: number[];
  recoveredDepth: number[];
  notes: string[];
  seconds: number;
}

export type VerifyWorkerMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; result: VerifyWorkerResult }
  | { type: 'error'; message: string };

export const VERIFY_WORKER: WorkerEntry = {
  name: 'verify',
  source: new URL('./verify.worker.ts', import.meta.url),
};
