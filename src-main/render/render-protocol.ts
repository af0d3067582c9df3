/**
 * What the render workers are told and answer (render.worker.ts, render-workers.ts). A frame's sources
 * travel with their colour in SharedArrayBuffers (no copy); depth maps are small and copied.
 */
import type { Camera } from '../../src-shared/geometry';
import type { FrameSettings } from './render-frame';
import type { PlateSource } from './reproject';

export interface RenderFrameRequest {
  type: 'frame';
  /** The request's number, echoed in the answer. */
  id: number;
  frame: number;
  target: Camera;
  sources: PlateSource[];
  settings: FrameSettings;
  /** The version folder the frame's files go to. */
  dir: string;
}

export type RenderWorkerAnswer =
  | { type: 'frame-done'; id: number; seen: number; filled: number }
  | { type: 'frame-error'; id: number; message: string };

export const RENDER_WORKER = { name: 'render', source: new URL('./render.worker.ts', import.meta.url) };
