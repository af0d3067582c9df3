/**
 * A shot's depth delivered to other programs (docs/delivery-depth.md):
 * - `exr`: one OpenEXR per frame, `<shot>_depth.<frame>.exr` (frame index 0 is 0001), a float32 `Z`
 *   channel (planar z along the optical axis; 0 where invalid) and a half `validity` channel (1 / 0), at the
 *   depth grid's size or upsampled to the shot's, with the frame's timeCode and framesPerSecond;
 * - `raw`: the ground-truth layout of `reshoot export depth` (`depth/frame_0001.f32` + cameras.json).
 * Every file is checked by the output guard before the first is written; nothing is overwritten unless asked.
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../../src-shared/api/contract';
import { DepthState, depthStateOf } from '../../src-shared/depth-layout';
import { serializeCamerasJson, trackToDocument } from '../../src-shared/geometry';
import { upsampleDepth } from '../../src-shared/image/depth-upsample';
import { rational } from '../../src-shared/rational';
import { shotFrameTimecode } from '../../src-shared/timecode';
import { decodeFloat16, depthFileName, encodeDepthF32LE, float16FromBytesLE } from '../analysis/depth';
import { sourceCameraTrack } from '../shots/source-camera';
import type { Project, ShotRecord } from '../store';
import { guardOutputFolder, writeOutputFile } from '../util/output-guard';
import { encodeExr } from './exr';

export type DepthDeliveryFormat = 'exr' | 'raw';
/** `gauge`: the shot's own units; `metric`: metres, offered only when the source camera says so. */
export type DepthUnits = 'gauge' | 'metric';
/** `depth`: the depth grid as stored; `shot`: upsampled to the shot's width × height (EXR only). */
export type DepthSize = 'depth' | 'shot';

export interface DepthDeliveryOptions {
  format: DepthDeliveryFormat;
  units?: DepthUnits;
  size?: DepthSize;
  compression?: 'zip' | 'none';
  overwrite?: boolean;
  /** Where a relative output folder starts. */
  cwd: string;
  /** How the user asks to overwrite where they are (e.g. "pass --overwrite to replace them"). */
  overwriteHint?: string;
}

export interface DepthDeliveryResult {
  /** The real output folder. */
  dir: string;
  /** Files written, relative to dir, in order. */
  files: string[];
  frames: number;
  width: number;
  height: number;
  units: DepthUnits;
}

/** Frame numbers in delivered file names: frame index 0 is 0001, as in the raw layout and .chan. */
export const DEPTH_FRAME_PADDING = 4;

/** A shot name made safe as a file name part: anything but letters, digits, `.`, `-`, `_` becomes `_`. */
export function fileNamePart(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return s || 'shot';
}

/** `<shot>_depth.0001.exr` for frame index 0. */
export function depthExrFileName(shotName: string, frameIndex: number): string {
  return `${fileNamePart(shotName)}_depth.${String(frameIndex + 1).padStart(DEPTH_FRAME_PADDING, '0')}.exr`;
}

/**
 * Whether the shot's depth can be called metres, and why not. Depth is in the source camera's gauge. A
 * solved camera's gauge is arbitrary (structure from motion has no scale); a camera imported from
 * cameras.json, .chan or USD is in metres (Reshoot reads those in metres; USD through metersPerUnit); a
 * COLMAP model has no scale either.
 */
export function metricRefusal(project: Project, shot: ShotRecord): string | null {
  const cam = project.sourceCameras.get(shot.id);
  if (!cam) return `shot '${shot.name}' has no source camera`;
  if (cam.origin !== 'imported')
    return `shot '${shot.name}''s camera was solved from the footage, so its scale is arbitrary (the shot's gauge); import a camera in metres ('reshoot camera import') or deliver --units gauge`;
  if (cam.format === 'colmap')
    return `shot '${shot.name}''s camera was imported from a COLMAP model, which has no scale; deliver --units gauge`;
  return null;
}

function requireDepth(project: Project, shot: ShotRecord) {
  const depth = project.analysis.depth(shot.id);
  if (!depth)
    throw new ApiError(
      'not-found',
      `shot '${shot.name}' has no depth yet: analyse it first ('reshoot analyze').`,
    );
  return depth;
}

/** The file names a delivery would write (relative to its folder), before anything is written. */
export function plannedDepthFiles(project: Project, shot: ShotRecord, format: DepthDeliveryFormat): string[] {
  const depth = requireDepth(project, shot);
  if (format === 'raw')
    return [...Array.from({ length: depth.frames }, (_, f) => `depth/${depthFileName(f)}`), 'cameras.json'];
  return Array.from({ length: depth.frames }, (_, f) => depthExrFileName(shot.name, f));
}

/**
 * One stored frame: planar z (0 where invalid) and its validity (measured or propagated with z > 0; a
 * depth file without its state file is valid wherever z > 0). Errors name the shot and frame.
 */
export async function readStoredDepth(
  project: Project,
  shot: ShotRecord,
  frame: number,
  width: number,
  height: number,
): Promise<{ depth: Float32Array; valid: Uint8Array }> {
  const n = width * height;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(project.paths.depthFrame(shot.id, frame)));
  } catch {
    throw new ApiError(
      'not-found',
      `shot '${shot.name}': the depth of frame ${frame + 1} is missing; analyse it again.`,
    );
  }
  if (bytes.length !== 2 * n)
    throw new ApiError(
      'internal',
      `shot '${shot.name}': the depth of frame ${frame + 1} has ${bytes.length} bytes, expected ${2 * n} (${width}×${height} float16); analyse it again.`,
    );
  const z = decodeFloat16(float16FromBytesLE(bytes));
  let states: Uint8Array | null = null;
  try {
    const s = new Uint8Array(await readFile(project.paths.depthState(shot.id, frame)));
    if (s.length === n) states = s;
  } catch {
    // depth made before states were kept: valid wherever z > 0
  }
  const depth = new Float32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = z[i]!;
    const st = states ? depthStateOf(states[i]!) : DepthState.measured;
    if (v > 0 && v < Infinity && (st === DepthState.measured || st === DepthState.propagated)) {
      depth[i] = v;
      valid[i] = 1;
    }
  }
  return { depth, valid };
}

/**
 * Writes the shot's depth to the folder `out` (as the user gave it). Throws an ApiError ('not-found' when
 * there is no depth or camera, 'invalid-argument' for metric units that cannot be known) or an
 * OutputPathError (a project's own files, existing files without overwrite) before writing anything.
 */
export async function deliverDepth(
  project: Project,
  shot: ShotRecord,
  out: string,
  opts: DepthDeliveryOptions,
): Promise<DepthDeliveryResult> {
  const units = opts.units ?? 'gauge';
  const size = opts.size ?? 'depth';
  if (opts.format === 'raw' && size !== 'depth')
    throw new ApiError('invalid-argument', "the raw layout is at the depth grid's size only (--size depth).");
  const depth = requireDepth(project, shot);
  const track = sourceCameraTrack(project, shot.id);
  if (!track)
    throw new ApiError('not-found', `shot '${shot.name}' has no source camera, which its depth belongs to.`);
  if (units === 'metric') {
    const why = metricRefusal(project, shot);
    if (why) throw new ApiError('invalid-argument', `metric depth is not known: ${why}.`);
  }
  const names = plannedDepthFiles(project, shot, opts.format);
  const dest = guardOutputFolder(out, names, {
    cwd: opts.cwd,
    overwrite: opts.overwrite === true,
    ...(opts.overwriteHint ? { overwriteHint: opts.overwriteHint } : {}),
  });
  const [w, h] = size === 'shot' ? [shot.width, shot.height] : [depth.width, depth.height];
  if (opts.format === 'raw') {
    for (let f = 0; f < depth.frames; f++) {
      const d = await readStoredDepth(project, shot, f, depth.width, depth.height);
      writeOutputFile(dest.file(names[f]!), encodeDepthF32LE(d.depth, d.valid));
    }
    const doc = trackToDocument(track);
    for (const fr of doc.frames) fr.depth_file = `depth/${depthFileName(fr.index)}`;
    const s = depth.width / shot.width;
    // K is row-major 3×3: the first two rows scale with the image, the last stays [0, 0, 1].
    const K = doc.K.map((v, i) => (i < 6 ? v * s : v)) as typeof doc.K;
    writeOutputFile(
      dest.file('cameras.json'),
      serializeCamerasJson({ ...doc, depth: { width: depth.width, height: depth.height, K } }),
    );
    return { dir: dest.dir, files: names, frames: depth.frames, width: w, height: h, units };
  }
  const fps = rational(shot.fpsNum, shot.fpsDen);
  const comments =
    `Reshoot depth of shot '${shot.name}': Z = planar distance along the camera's optical axis in ` +
    `${units === 'metric' ? 'metres' : "the shot's gauge (its source camera's units)"}; ` +
    `Z = 0 and validity = 0 where there is no depth.`;
  for (let f = 0; f < depth.frames; f++) {
    let d = {
      width: depth.width,
      height: depth.height,
      ...(await readStoredDepth(project, shot, f, depth.width, depth.height)),
    };
    if (size === 'shot' && (w !== depth.width || h !== depth.height)) d = upsampleDepth(d, w, h);
    const bytes = encodeExr(
      w,
      h,
      [
        { name: 'Z', type: 'float', data: d.depth },
        { name: 'validity', type: 'half', data: Float32Array.from(d.valid) },
      ],
      {
        compression: opts.compression ?? 'zip',
        framesPerSecond: fps,
        ...(shot.startTimecode
          ? { timeCode: { timecode: shotFrameTimecode(f, fps, shot.startTimecode), fps } }
          : {}),
        comments,
      },
    );
    writeOutputFile(dest.file(names[f]!), bytes);
  }
  return { dir: dest.dir, files: names, frames: depth.frames, width: w, height: h, units };
}
