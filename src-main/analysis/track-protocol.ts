/**
 * Messages between the "Track shot" job (main thread) and its worker (src-main/analysis/tracking/track.worker.ts).
 * One worker serves a run of consecutive chunks of one job: it is started at a frame with the tracker's
 * state there (TrackSessionStart, its workerData), keeps its decoder, model and compiled code between
 * chunks, and tracks one chunk per TrackChunkStep it is sent.
 */
import type { MediaFacts } from '../media/types';
import type { ProviderName } from '../inference/types';
import type { TrackMethod } from '../store/tracks';

export interface TrackSessionStart {
  facts: MediaFacts;
  method: TrackMethod;
  /** The first frame the worker tracks. */
  start: number;
  /** Size frames are decoded and tracked at; tracks are scaled to the shot's full size when written. */
  analysisWidth: number;
  analysisHeight: number;
  /**
   * The tracker as the chunk before `start` left it (null: start fresh): its own state, without the
   * observations of earlier chunks (those are in their chunks' observation files). A state that still
   * holds observations (saved by an earlier Reshoot, which kept them all there) is accepted: they are
   * carried into the first chunk's observations.
   */
  state: Uint8Array | null;
  /** XFeat: the installed model file and the providers to try. */
  modelPath: string | null;
  providers?: ProviderName[];
}

/** Track the next `count` frames (from where the worker is), then save as told. */
export interface TrackChunkStep {
  type: 'chunk';
  count: number;
  /** Where to write the tracker's state after this chunk (atomic; null for the last chunk). */
  stateOut: string | null;
  /** Where to write the observations made in this chunk (atomic; null for the last chunk). */
  observationsOut: string | null;
  /** For the last chunk: where to write the shot's tracks (full-resolution pixels, atomic). */
  tracksOut: string | null;
  /** For the last chunk: the observation files of the earlier chunks, in order. */
  observationParts: string[];
}

export type TrackWorkerMessage =
  | { type: 'progress'; frames: number }
  | { type: 'done'; provider: string | null; numTracks: number; stats: Record<string, unknown> }
  | { type: 'error'; message: string };
