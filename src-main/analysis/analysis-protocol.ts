/** Messages between the "Analyze shot" job (main thread) and its worker (analysis.worker.ts, beside this file). */
import type { WorkerEntry } from '../jobs/workers';
import { join } from 'node:path';
import { projectDepthFileName } from '../../src-shared/depth-layout';
import type { MediaFacts } from '../media/types';
import type { CamerasDocument } from '../../src-shared/geometry';
import type { CameraReport, TrackMethod } from '../../src-shared/api/contract';

/** Depth is estimated at this width (the analysis resolution); tracks and cameras are full size. */
export const DEPTH_WIDTH = 640;
/**
 * Frames decoded around a depth chunk so every reference frame has its stereo views: the view window
 * (DEFAULT_VIEW_WINDOW) around the frames whose sweeps it reads (partners of partners, ±4).
 */
export const DEPTH_NEIGHBOUR_MARGIN = 20;

/**
 * The depth grid of an image: DEPTH_WIDTH on its long side (or the image's own size if smaller), same
 * shape; the short side rounded to an even number (a landscape frame's height, a portrait frame's width).
 */
export function depthGrid(imageWidth: number, imageHeight: number): { width: number; height: number } {
  const landscape = imageWidth >= imageHeight;
  const long = Math.min(DEPTH_WIDTH, landscape ? imageWidth : imageHeight);
  const exact = ((landscape ? imageHeight : imageWidth) * long) / (landscape ? imageWidth : imageHeight);
  // even, at least 2, and never longer than the long side (a small square of odd size)
  const short = Math.max(2, Math.min(2 * Math.round(exact / 2), long - (long % 2)));
  return landscape ? { width: long, height: short } : { width: short, height: long };
}

/**
 * The model path keeps, between its chunks and the align step, in a scratch folder of the job: each
 * frame's raw model output (relative inverse depth on the depth grid, float16 little-endian) and, for the
 * frames that feed the dense cloud, their colours on the depth grid (RGB, 8-bit interleaved).
 */
export const rawDepthFile = (dir: string, frame: number): string => join(dir, projectDepthFileName(frame));
export const rawColourFile = (dir: string, frame: number): string =>
  join(dir, projectDepthFileName(frame, 'rgb'));

export type AnalysisRequest =
  | {
      stage: 'camera';
      tracksFile: string;
      /** The tracker that made them (named in the report and the stage's message). */
      method: TrackMethod;
      fps: [number, number];
      /** Where the sparse points go. */
      pointsOut: string;
      /** Where the per-track moving flags go (a byte per 2D track, 1 = moving). */
      movingOut: string;
      /**
       * The shot's lens as a horizontal focal in pixels of an image `width` wide (the solve scales it to
       * the tracks' size); absent = estimate the focal.
       */
      lens?: { focalPx: number; width: number; source: 'user' | 'metadata' };
    }
  | {
      /** Imported cameras: triangulate the 2D tracks with them to get sparse points (depth range, seeds). */
      stage: 'sparse';
      tracksFile: string;
      /** The source camera, parsed once on the main side (cameras.json document). */
      cameras: CamerasDocument;
      pointsOut: string;
    }
  | {
      /** Plane-sweep stereo depth for a chunk of frames (no model). */
      stage: 'depth';
      facts: MediaFacts;
      /** The source camera, parsed once on the main side (cameras.json document). */
      cameras: CamerasDocument;
      /**
       * The camera's gauge per frame (segments that could not be joined have their own): stereo never
       * matches frames of different gauges. Absent = one gauge.
       */
      gauges?: number[];
      pointsFile: string;
      start: number;
      count: number;
      /** Files per frame: `${depthDir}/frame_00000.f16`. */
      depthFiles: string[];
      /** Every n-th frame contributes coloured points to the dense cloud (written to denseOut). */
      denseEvery: number;
      denseOut: string;
    }
  | {
      /**
       * The model path, one chunk: Depth Anything V2's relative inverse depth for frames start…start+count−1,
       * written to rawDir (rawDepthFile), with the colours of every denseEvery-th frame (rawColourFile).
       * Nothing is aligned yet: that is the 'depth-align' step, over the whole shot.
       */
      stage: 'depth-model';
      facts: MediaFacts;
      start: number;
      count: number;
      depthModel: string;
      rawDir: string;
      denseEvery: number;
    }
  | {
      /**
       * The model path, once every chunk's raw depth is in rawDir: aligns frames 0…frameCount−1 to the
       * sparse points with a scale and shift stabilised over the whole shot, writes the final depth maps
       * (depthFiles, as the plane-sweep path does) and the dense cloud of the frames whose colours are kept.
       */
      stage: 'depth-align';
      /** The source camera, parsed once on the main side (cameras.json document). */
      cameras: CamerasDocument;
      pointsFile: string;
      /** Size of the shot's frames (the cameras' intrinsics are for it). */
      imageWidth: number;
      imageHeight: number;
      frameCount: number;
      rawDir: string;
      depthFiles: string[];
      denseEvery: number;
      denseOut: string;
    }
  | {
      stage: 'tracks3d';
      tracksFile: string;
      /** The source camera, parsed once on the main side (cameras.json document). */
      cameras: CamerasDocument;
      depthFiles: string[];
      depthWidth: number;
      depthHeight: number;
      /** The camera solve's moving flags (a byte per 2D track), when the camera was solved. */
      movingFile: string | null;
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
      /** The solver's verdict: 'solved' | 'static' | 'rotation-only' | 'partial' | 'failed'. */
      status: string;
      /** The report's summary, the focal and the tracker; for a failed solve, why it failed. */
      message: string;
      /**
       * The cameras of the frames that have a pose (solved, rotation-only or interpolated); when the solve
       * failed, the frames it registered before losing the camera. Null when fewer than two.
       */
      camerasJson: string | null;
      /** What the solve says about each frame and segment, with the tracker filled in. */
      report: CameraReport;
      /** The camera is worth keeping: the shot, or part of it, has poses (a 'partial' camera is usable). */
      usable: boolean;
      /** Frames in camerasJson. */
      frames: number;
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
  | { stage: 'depth-model'; width: number; height: number; provider: string }
  | {
      stage: 'depth-align';
      width: number;
      height: number;
      frames: DepthFrameResult[];
      /** Frames whose own fit succeeded (the others borrow their alignment from their neighbours). */
      framesFitted: number;
    }
  | { stage: 'tracks3d'; tracks: number; dynamic: number };

export type AnalysisWorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; result: AnalysisResult }
  | { type: 'error'; message: string };

/** The "Analyze shot" worker: bundled as analysis.worker.js, from sources the file beside this one. */
export const ANALYSIS_WORKER: WorkerEntry = {
  name: 'analysis',
  source: new URL('./analysis.worker.ts', import.meta.url),
};
