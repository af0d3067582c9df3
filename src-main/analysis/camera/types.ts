/**
 * The camera solve's inputs and result (see docs/camera-solve.md). Poses follow the geometry core:
 * centre C + unit quaternion R_wc, OpenCV axes, intrinsics in pixels of the tracks' resolution.
 */
import type { Intrinsics, Pose } from '../../../src-shared/geometry';
import type { CameraReport } from '../../../src-shared/api/contract';

/**
 * 'partial': some frames have no pose, or the shot's segments could not all be joined into one gauge (the
 * report says which); 'failed': nothing usable.
 */
export type SolveStatus = 'solved' | 'static' | 'rotation-only' | 'partial' | 'failed';

/** Per-track flags in {@link CameraSolve.trackFlags}. */
export const TRACK_UNUSED = 0; // too short, or never constrained (e.g. too little parallax to triangulate)
export const TRACK_INLIER = 1; // a static scene point consistent with the camera (has a 3D point, or is static on a static camera)
export const TRACK_DYNAMIC = 2; // inconsistent with the camera: a moving object or a bad track

export type SolveStage = 'prepare' | 'motion' | 'focal' | 'initial-pair' | 'register' | 'bundle' | 'finish';

export interface SolveProgress {
  stage: SolveStage;
  /** 0…1 over the whole solve. */
  fraction: number;
  message: string;
}

export interface SolveOptions {
  /** Focal length in pixels from metadata (fx = fy); when absent it is estimated. */
  focalPx?: number;
  /** Principal point (default: image centre). */
  cx?: number;
  cy?: number;
  /** Tracks shorter than this many frames are ignored (default 3). */
  minTrackLength?: number;
  /** At most this many tracks are used (the longest; default 2000, or 8 per frame on a longer shot) — the rest are flagged unused. */
  maxTracks?: number;
  /** Minimum usable tracks to attempt a solve (default 30). */
  minTracks?: number;
  /** Inlier threshold for RANSAC and outlier rejection, pixels (default 2 at 640 px on the long side, in proportion above). */
  thresholdPx?: number;
  /** Static-camera test: background tracks must stay within this many pixels of where they were born (default max(1, 0.002·width)). */
  staticTolerancePx?: number;
  /** Minimum triangulation angle, degrees (default 1). */
  minAngleDeg?: number;
  /** Refine the focal in the final bundle adjustment even when given (default: only when estimated). */
  refineFocal?: boolean;
  seed?: number;
  onProgress?: (p: SolveProgress) => void;
  signal?: AbortSignal;
}

export interface SolveDiagnostics {
  /** RMS reprojection error (pixels) of the inlier observations after the final bundle adjustment. */
  reprojectionRmsPx: number;
  registeredFrames: number;
  totalFrames: number;
  usableTracks: number;
  points: number;
  /** Frame ranges [first, last] (inclusive) where the camera only rotated (homography preferred by GRIC). */
  rotationOnlySegments: [number, number][];
  initialPair: [number, number] | null;
  focalPx: number;
  /** 'assumed': the shot could not measure it (a 60° horizontal field of view is used). */
  focalSource: 'metadata' | 'estimated' | 'assumed';
  /**
   * Set when the estimated focal is weakly determined: the range [min, max] (px) it moves over when the
   * refinement's outlier cut is made a fifth tighter or looser (more than 3 % of the focal).
   */
  focalRange?: [number, number];
  /** Median depth of the points in the gauge frame before normalisation is 1 by construction. */
  medianDepth: number;
  /** Tracks found to move in the world before the solve (left out, flagged dynamic). */
  movingTracks?: number;
  /** Largest displacement (px) of static-background tracks from their birth position (static test). */
  backgroundMotionPx: number;
  timingsMs: Partial<Record<SolveStage, number>>;
  notes: string[];
}

export interface CameraSolve {
  status: SolveStatus;
  /** 'solved', 'no camera motion', 'rotation only (no translation)', or 'could not solve the camera: <reason>'. */
  message: string;
  reason?: string;
  width: number;
  height: number;
  numFrames: number;
  /** Shared intrinsics for every frame (one lens; zoom is not modelled). */
  intrinsics: Intrinsics;
  /** One pose per frame; null where the frame could not be registered. */
  poses: (Pose | null)[];
  registered: Uint8Array;
  /** Sparse cloud: xyz per point, the track each came from. */
  points: { xyz: Float32Array; trackId: Int32Array; rgb?: Uint8Array };
  trackFlags: Uint8Array;
  /**
   * The gauge: frame `gaugeFrame`'s camera is at the origin with identity rotation (world axes = its
   * OpenCV axes) and the median depth of the sparse points seen from it is 1. For 'static' and
   * 'rotation-only' results all centres are at the origin and there is no scale.
   */
  gaugeFrame: number;
  diagnostics: SolveDiagnostics;
  report: CameraReport;
}
