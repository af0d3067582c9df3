/**
 * The pictures of a plate, one frame at a time: a shot as it is (its media decoded by ffmpeg to RGB with
 * 16 bits per channel, an 8-bit source scaled exactly ×257) or a render version (its frame PNGs, 16-bit
 * RGB, with its masks: 255 seen, 128 filled, 0 empty). Decoding runs in ffmpeg processes with
 * backpressure, so the encoder and the decoder work at the same time.
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../../src-shared/api/contract';
import { decodeFrames, probeMedia, type MediaFacts } from '../media';
import { frameFiles, renderDir, versionName } from '../render';
import { shotMedia } from '../shots';
import type { Project, RenderRecord, ShotRecord } from '../store';

export interface PlateFrame {
  /** Shot frame (from 0). */
  frame: number;
  width: number;
  height: number;
  /** rgb48le: width × height × 3 little-endian 16-bit samples. */
  rgb: Uint8Array;
  /** The render's mask (one byte a pixel: 255 seen, 128 filled, 0 empty); null for a shot as it is. */
  mask: Uint8Array | null;
}

/** Where a plate's pictures come from. */
export type PlateInput =
  | { kind: 'shot'; project: Project; shot: ShotRecord }
  | { kind: 'render'; project: Project; shot: ShotRecord; render: RenderRecord };

/** The render a delivery reads: it must be of the shot and finished. */
export function deliverableRender(project: Project, shot: ShotRecord, renderId: unknown): RenderRecord {
  const r = typeof renderId === 'number' ? project.renders.get(renderId) : undefined;
  if (!r || r.shotId !== shot.id)
    throw new ApiError('not-found', `There is no render ${String(renderId)} of shot '${shot.name}'.`);
  if (r.status !== 'done')
    throw new ApiError(
      'conflict',
      `Render ${r.pathName} ${versionName(r.version)} of shot '${shot.name}' is ${r.status}, not finished: ` +
        `finish it (reshoot jobs resume) or deliver another version.`,
    );
  return r;
}

async function renderSequence(
  project: Project,
  shot: ShotRecord,
  r: RenderRecord,
  which: 'colour' | 'mask',
): Promise<MediaFacts> {
  const file = frameFiles(renderDir(project, shot.id, r.pathId, r.version), r.firstFrame)[which];
  try {
    return await probeMedia(file, { checkIntegrity: false, verifyDecode: false });
  } catch (e) {
    throw new ApiError(
      'not-found',
      `The ${which === 'colour' ? 'frames' : 'masks'} of render ${r.pathName} ${versionName(r.version)} ` +
        `cannot be read (${(e as Error).message}).`,
    );
  }
}

function checkSize(what: string, frame: number, w: number, h: number, shot: ShotRecord): void {
  if (w !== shot.width || h !== shot.height)
    throw new ApiError(
      'internal',
      `${what}: frame ${frame} is ${w}×${h}, not the shot's ${shot.width}×${shot.height}.`,
    );
}

/** Frames `first`…`last` (shot frames) of the plate, in order. Leaving the loop early stops the decoders. */
export async function* plateFrames(
  input: PlateInput,
  first: number,
  last: number,
  signal?: AbortSignal,
): AsyncGenerator<PlateFrame, void, undefined> {
  const { project, shot } = input;
  const count = last - first + 1;
  if (input.kind === 'shot') {
    const facts = shotMedia(project, shot);
    for await (const f of decodeFrames(facts, {
      start: first,
      count,
      width: shot.width,
      height: shot.height,
      pixelFormat: 'rgb48le',
      signal,
    })) {
      checkSize(facts.path, f.index, f.width, f.height, shot);
      yield { frame: f.index, width: f.width, height: f.height, rgb: f.data, mask: null };
    }
    return;
  }
  const r = input.render;
  if (first < r.firstFrame || last > r.lastFrame)
    throw new ApiError(
      'invalid-argument',
      `Render ${r.pathName} ${versionName(r.version)} has frames ${r.firstFrame}–${r.lastFrame}, not ${first}–${last}.`,
    );
  const [colourFacts, maskFacts] = await Promise.all([
    renderSequence(project, shot, r, 'colour'),
    renderSequence(project, shot, r, 'mask'),
  ]);
  const span = r.lastFrame - r.firstFrame + 1;
  if (colourFacts.frameCount < span || maskFacts.frameCount < span)
    throw new ApiError(
      'not-found',
      `Render ${r.pathName} ${versionName(r.version)} should have ${span} frames, found ${colourFacts.frameCount} ` +
        `frames and ${maskFacts.frameCount} masks in ${colourFacts.path}: render it again.`,
    );
  const start = first - r.firstFrame;
  const colour = decodeFrames(colourFacts, { start, count, pixelFormat: 'rgb48le', signal });
  const masks = decodeFrames(maskFacts, { start, count, pixelFormat: 'gray', signal });
  try {
    for (let i = 0; i < count; i++) {
      const [c, m] = await Promise.all([colour.next(), masks.next()]);
      if (c.done || m.done)
        throw new ApiError('internal', `${colourFacts.path}: frame ${first + i} could not be read.`);
      checkSize(colourFacts.path, first + i, c.value.width, c.value.height, shot);
      checkSize(maskFacts.path, first + i, m.value.width, m.value.height, shot);
      yield {
        frame: first + i,
        width: shot.width,
        height: shot.height,
        rgb: c.value.data,
        mask: m.value.data,
      };
    }
  } finally {
    await Promise.allSettled([colour.return(undefined), masks.return(undefined)]);
  }
}

/**
 * The geometry grid of a render's depth file of `n` samples: the shot at the depth maps' density
 * (render/reproject.ts geometryGridSize), or, when the depth was analysed again since, the grid of the
 * shot's aspect that holds `n` samples. {0, 0} when none does.
 */
function depthGrid(project: Project, shot: ShotRecord, n: number): { gw: number; gh: number } {
  const d = project.analysis.depth(shot.id);
  if (d && Number.isInteger(n)) {
    const scale = Math.min(1, d.width / shot.width);
    const gw = Math.max(1, Math.round(shot.width * scale));
    const gh = Math.max(1, Math.round(shot.height * scale));
    if (gw * gh === n) return { gw, gh };
  }
  const guess = Math.round(Math.sqrt((n * shot.width) / shot.height));
  for (let gw = Math.max(1, guess - 2); gw <= guess + 2; gw++) {
    const gh = n / gw;
    if (Number.isInteger(gh) && Math.abs(gw / gh - shot.width / shot.height) < 0.05) return { gw, gh };
  }
  return { gw: 0, gh: 0 };
}

/**
 * The render's target depth of a frame (float32 on the geometry grid, depth_NNNN.f32), resampled to the
 * plate's size by nearest neighbour: the EXR's Z channel. +Infinity at infinity, 0 where nothing is known.
 */
export async function renderDepth(
  project: Project,
  shot: ShotRecord,
  r: RenderRecord,
  frame: number,
): Promise<Float32Array> {
  const file = frameFiles(renderDir(project, shot.id, r.pathId, r.version), frame).depth;
  const bytes = await readFile(file);
  const n = bytes.length / 4;
  const { gw, gh } = depthGrid(project, shot, n);
  if (gw === 0)
    throw new ApiError('internal', `${file}: ${bytes.length} bytes is not a depth map of this shot.`);
  const src = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Float32Array(shot.width * shot.height);
  for (let y = 0; y < shot.height; y++) {
    const sy = Math.min(gh - 1, Math.floor(((y + 0.5) * gh) / shot.height));
    for (let x = 0; x < shot.width; x++) {
      const sx = Math.min(gw - 1, Math.floor(((x + 0.5) * gw) / shot.width));
      out[y * shot.width + x] = src[sy * gw + sx]!;
    }
  }
  return out;
}

/**
 * The render version a delivery of a target path reads: version `version` (1 = v001), or the newest
 * finished one when it is null.
 */
export function plateRender(
  project: Project,
  shot: ShotRecord,
  pathId: number,
  version: number | null,
): RenderRecord {
  const renders = project.renders.list(shot.id).filter((r) => r.pathId === pathId);
  if (version !== null) {
    const r = renders.find((x) => x.version === version);
    if (!r)
      throw new ApiError(
        'not-found',
        `Target path ${pathId} of shot '${shot.name}' has no render ${versionName(version)}` +
          `${renders.length ? ` (it has ${renders.map((x) => versionName(x.version)).join(', ')})` : ''}.`,
      );
    return deliverableRender(project, shot, r.id);
  }
  const done = renders.filter((r) => r.status === 'done').sort((a, b) => b.version - a.version);
  if (!done[0])
    throw new ApiError(
      'not-found',
      `Target path ${pathId} of shot '${shot.name}' has no finished render: render it first (reshoot render).`,
    );
  return done[0];
}
