/**
 * One target frame of a render, start to finish: its window, the reprojection, the optional hole fill,
 * and its three files written atomically (colour last: a frame whose colour exists is complete). The
 * reprojection and the files are done by a render worker when the job has them (render-workers.ts), else
 * here.
 */
import { mkdir } from 'node:fs/promises';
import { writePngAtomic } from '../media/png';
import { writeFileAtomic } from '../util/atomic-write';
import type { Camera } from '../../src-shared/geometry';
import { inpaintHoles } from './inpaint';
import { reprojectFrame, type PlateSource, type ReprojectOptions } from './reproject';
import type { PlateSources } from './plate-sources';
import { frameFiles } from './render-files';
import type { RenderWorkers } from './render-workers';

export interface FrameSettings extends ReprojectOptions {
  /** Window frames per target frame. */
  window: number;
  fill: 'none' | 'inpaint';
  /** The shot's camera only turns: every pixel is rendered as a direction (the rotation homography). */
  rotationOnly?: boolean;
}

export interface FrameResult {
  seen: number;
  filled: number;
  /** The window's source frames, best first. */
  window: number[];
}

/** Renders `frame` from its window and writes its files into `dir`; the shares seen and filled. */
export async function renderAndWrite(
  target: Camera,
  sources: readonly PlateSource[],
  frame: number,
  dir: string,
  settings: FrameSettings,
): Promise<{ seen: number; filled: number }> {
  const plate = reprojectFrame(target, sources, settings);
  let filled = 0;
  if (settings.fill === 'inpaint') filled = inpaintHoles(plate.colour, plate.mask, plate.width, plate.height);
  const files = frameFiles(dir, frame);
  await mkdir(dir, { recursive: true });
  const depth = plate.depth;
  await writeFileAtomic(files.depth, new Uint8Array(depth.buffer, depth.byteOffset, depth.byteLength));
  await writePngAtomic(files.mask, {
    width: plate.width,
    height: plate.height,
    channels: 1,
    bitDepth: 8,
    data: plate.mask,
  });
  await writePngAtomic(files.colour, {
    width: plate.width,
    height: plate.height,
    channels: 3,
    bitDepth: 16,
    data: plate.colour,
  });
  return { seen: plate.seen, filled: filled / (plate.width * plate.height) };
}

export async function renderFrame(
  sources: PlateSources,
  target: Camera,
  frame: number,
  dir: string,
  settings: FrameSettings,
  signal?: AbortSignal,
  workers?: RenderWorkers,
): Promise<FrameResult> {
  const { frames: window, primary } = await sources.windowFor(target, settings.window, frame);
  const loaded = await sources.load(window, signal);
  const options: FrameSettings = { ...settings, primary };
  const r = workers
    ? await workers.render(frame, target, loaded, options, dir)
    : await renderAndWrite(target, loaded, frame, dir, options);
  return { ...r, window };
}
