/** Messages between the "Analyze shot" job (main thread) and its worker (src-main/workers/analysis.worker.ts). */
import type { MediaFacts } from '../media/types';

/** Depth is estimated at this width (the gt bars are measured at 320×180); tracks and cameras are full size. */
export const DEPTH_WIDTH = 320;
/** Frames decoded around a depth chunk so every reference frame has its stereo neighbours. */
export const DEPTH_NEIGHBOUR_MARGIN = 6;

export type AnalysisRequest =
  | {
      stage: 'camera';
      tracksFile: string;
      fps: [number, number];
      /** Where the sparse points go. */
      pointsOut: string;
    }
  | {
      /** Imported cameras: triangulate the 2D tracks with them to get sparse points (depth range, seeds). */
      stage: 'sparse';
      tracksFile: string;
      camerasJson: string;
      pointsOut: string;
    }
  | {
      stage: 'depth';
      facts: MediaFacts;
      camerasJson: string;
      pointsFile: string;
      start: number;
      count: number;
      /** Files per frame: `${depthDir}/frame_00000.f16`. */
      depthFiles: string[];
      /** Every n-th frame contributes coloured points to the dense cloud (written to denseOut). */
      denseEvery: number;
      denseOut: string;
      /**
       * Depth Anything V2 (installed): relative depth per frame aligned to the sparse points, instead
       * of plane-sweep stereo.
       */
      depthModel: string | null;
    }
  | {
      stage: 'tracks3d';
      tracksFile: string;
      camerasJson: string;
      depthFiles: string[];
      depthWidth: number;
      depthHeight: number;
      out: string;
    };

export interface DepthFrameResult {
  frame: number;
  median: number;
  p5: number;
  p95: number;
  validFraction: number;
}

export type AnalysisResult =
  | {
      stage: 'camera';
      status: string;
      message: string;
      camerasJson: string | null;
      points: number;
      diagnostics: Record<string, unknown>;
    }
  | { stage: 'sparse'; points: number }
  | {
      stage: 'depth';
      width: number;
      height: number;
      frames: DepthFrameResult[];
      method: string;
      provider: string | null;
    }
  | { stage: 'tracks3d'; tracks: number; dynamic: number };

export type AnalysisWorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; result: AnalysisResult }
  | { type: 'error'; message: string };
