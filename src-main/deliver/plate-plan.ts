/**
 * What a plate delivery will write, worked out before anything is written: the frames (the range asked
 * for plus handles, clamped to the frames that exist), the start timecode and reel, and the exact file
 * names from the naming template. Pure: the Deliver panel shows its result, the job writes exactly it.
 *
 * Frame numbers: ranges are shot frames counted from 0 (as `reshoot render --frames`); the `{frame}`
 * token of a sequence is the shot frame + 1, the numbering of Reshoot's render files.
 */
import { ApiError } from '../../src-shared/api/contract';
import type { Rational } from '../../src-shared/rational';
import { shotFrameTimecode, TimecodeError } from '../../src-shared/timecode';
import { PLATE_FORMAT_INFO, type PlateFormat, type PlateFormatInfo } from './plate-formats';

export const DEFAULT_PADDING = 4;
export const MAX_PADDING = 9;
export const MAX_HANDLES = 1000;
export const PLATE_TOKENS = ['shot', 'path', 'version', 'frame', 'reel', 'format'] as const;
/** {path} of a shot delivered as it is (no render). */
export const SOURCE_PATH_NAME = 'source';

export interface PlateShot {
  name: string;
  frameCount: number;
  fps: Rational;
  startTimecode: string | null;
  reelName: string | null;
}

export type PlateSourceRef =
  | { kind: 'shot' }
  | { kind: 'render'; pathName: string; version: number; firstFrame: number; lastFrame: number };

export interface PlateRequest {
  shot: PlateShot;
  source: PlateSourceRef;
  format: PlateFormat;
  /** Shot frames (from 0) to deliver; default all the source has. */
  frames?: { first: number; last: number };
  /** Extra frames each side, clamped to what exists. */
  handles?: number;
  /** File name template without extension; default {@link defaultTemplate}. */
  template?: string;
  /** Digits of {frame} (default 4). */
  padding?: number;
}

export interface PlatePlan {
  format: PlateFormatInfo;
  /** First and last shot frame written, handles included. */
  first: number;
  last: number;
  /** The range asked for (without handles). */
  range: { first: number; last: number };
  handles: { asked: number; before: number; after: number };
  /** Timecode of the first frame written (shot start timecode + first). */
  startTimecode: string;
  reel: string | null;
  /** Every file the delivery writes, in frame order (one for a movie). */
  files: string[];
  /** Things the user should know (handles clamped…). */
  notes: string[];
}

export function defaultTemplate(source: PlateSourceRef, kind: 'movie' | 'sequence'): string {
  const base = source.kind === 'render' ? '{shot}_{path}_v{version}' : '{shot}_{path}';
  return kind === 'movie' ? base : `${base}.{frame}`;
}

const bad = (text: string) => new ApiError('invalid-argument', text);

/** Windows' reserved device names (also with any extension): CON, PRN, AUX, NUL, COM1–9, LPT1–9. */
const RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i;
/** Characters no file name may hold on some OS: separators, Windows' reserved ones, control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
/** Most file systems allow 255 bytes per name. */
const MAX_NAME_BYTES = 255;

/**
 * A name every OS accepts: forbidden characters become `_`, no leading or trailing spaces or dots
 * (Windows drops trailing ones; a leading dot hides the file), reserved Windows names get a `_` in front.
 */
export function sanitizeFileName(name: string): string {
  let s = name.normalize('NFC').replace(FORBIDDEN, '_');
  s = s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (RESERVED.test(s)) s = `_${s}`;
  return s;
}

const TOKEN = /\{([^{}]*)\}/g;

function checkTemplate(template: string, kind: 'movie' | 'sequence'): void {
  if (template.trim() === '') throw bad('The file name template is empty.');
  if (/[{}]/.test(template.replace(TOKEN, '')))
    throw bad(`The file name template '${template}' has an unmatched brace.`);
  const used = [...template.matchAll(TOKEN)].map((m) => m[1]!);
  const unknown = used.filter((t) => !(PLATE_TOKENS as readonly string[]).includes(t));
  if (unknown.length)
    throw bad(
      `The file name template '${template}' has unknown token${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((t) => `{${t}}`).join(', ')}; use ${PLATE_TOKENS.map((t) => `{${t}}`).join(' ')}.`,
    );
  if (kind === 'sequence' && !used.includes('frame'))
    throw bad(`An image sequence's file name template needs {frame}; '${template}' has none.`);
  if (kind === 'movie' && used.includes('frame'))
    throw bad(`A movie is one file: its file name template cannot hold {frame} ('${template}').`);
}

/** The template with its tokens replaced, plus the extension, made safe for every OS. */
export function expandTemplate(
  template: string,
  values: Record<(typeof PLATE_TOKENS)[number], string>,
  extension: string,
): string {
  const expanded = template.replace(TOKEN, (_, t: string) => values[t as keyof typeof values]);
  const name = sanitizeFileName(`${expanded}.${extension}`);
  if (name === `${extension}` || name === `.${extension}` || name === '')
    throw bad(`The file name template '${template}' gives an empty name.`);
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES)
    throw bad(`The file name '${name.slice(0, 40)}…' is longer than ${MAX_NAME_BYTES} bytes.`);
  return name;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Checks a request and works out the plate: frames, timecode, reel and file names. */
export function planPlate(req: PlateRequest): PlatePlan {
  const format = PLATE_FORMAT_INFO[req.format];
  if (!format) throw bad(`'${String(req.format)}' is not a plate format.`);
  const { shot, source } = req;
  const lo = source.kind === 'render' ? source.firstFrame : 0;
  const hi = source.kind === 'render' ? source.lastFrame : shot.frameCount - 1;
  const what =
    source.kind === 'render'
      ? `render ${source.pathName} v${String(source.version).padStart(3, '0')} has frames ${lo}–${hi}`
      : `shot '${shot.name}' has frames ${lo}–${hi}`;
  const range = req.frames ?? { first: lo, last: hi };
  if (!(isInt(range.first) && isInt(range.last)) || range.first > range.last)
    throw bad(`Frames ${String(range.first)}–${String(range.last)} are not a range (shot frames, from 0).`);
  if (range.first < lo || range.last > hi)
    throw bad(`Frames ${range.first}–${range.last} cannot be delivered: ${what}.`);
  const asked = req.handles ?? 0;
  if (!isInt(asked) || asked < 0 || asked > MAX_HANDLES)
    throw bad(`Handles must be a whole number of frames from 0 to ${MAX_HANDLES}, got ${String(asked)}.`);
  const before = Math.min(asked, range.first - lo);
  const after = Math.min(asked, hi - range.last);
  const notes: string[] = [];
  if (before < asked || after < asked)
    notes.push(`Handles: ${asked} asked, ${before} before and ${after} after (${what}).`);
  const first = range.first - before;
  const last = range.last + after;

  const padding = req.padding ?? DEFAULT_PADDING;
  if (!isInt(padding) || padding < 1 || padding > MAX_PADDING)
    throw bad(`Padding must be 1–${MAX_PADDING} digits, got ${String(padding)}.`);
  const template = req.template ?? defaultTemplate(source, format.kind);
  checkTemplate(template, format.kind);

  let startTimecode: string;
  try {
    startTimecode = shotFrameTimecode(first, shot.fps, shot.startTimecode);
  } catch (e) {
    if (e instanceof TimecodeError)
      throw bad(`Shot '${shot.name}': its start timecode cannot be used (${e.message}).`);
    throw e;
  }
  const reel = shot.reelName?.trim() ? shot.reelName.trim() : null;
  const values: Record<(typeof PLATE_TOKENS)[number], string> = {
    shot: shot.name,
    path: source.kind === 'render' ? source.pathName : SOURCE_PATH_NAME,
    version: String(source.kind === 'render' ? source.version : 0).padStart(3, '0'),
    frame: '',
    reel: reel ?? shot.name,
    format: format.id,
  };
  // each value loses its separators first, so a shot named "a/b" cannot put a file in another folder
  for (const k of Object.keys(values) as (keyof typeof values)[])
    values[k] = values[k].replace(FORBIDDEN, '_');
  const files: string[] = [];
  if (format.kind === 'movie') files.push(expandTemplate(template, values, format.extension));
  else
    for (let f = first; f <= last; f++)
      files.push(
        expandTemplate(
          template,
          { ...values, frame: String(f + 1).padStart(padding, '0') },
          format.extension,
        ),
      );
  if (new Set(files.map((f) => f.toLowerCase())).size !== files.length)
    throw bad(`The file name template '${template}' gives the same name to different frames.`);
  return { format, first, last, range, handles: { asked, before, after }, startTimecode, reel, files, notes };
}
