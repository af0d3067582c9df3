/**
 * Image sequences on disk: `name.####.ext` (any padding, also unpadded `name.1.ext`), ext one of
 * png, exr, jpg, jpeg, tif, tiff, dpx. Found from a frame's path or from a folder holding one.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MediaError } from './errors';
import type { SequencePattern } from './types';

export const SEQUENCE_EXTENSIONS = ['png', 'exr', 'jpg', 'jpeg', 'tif', 'tiff', 'dpx'] as const;

const FRAME_RE = /^(.*?)(\d+)(\.(?:png|exr|jpg|jpeg|tif|tiff|dpx))$/i;

export function isSequenceImageName(name: string): boolean {
  return FRAME_RE.test(name);
}

export function isImageFileName(name: string): boolean {
  const ext = path.extname(name).slice(1).toLowerCase();
  return (SEQUENCE_EXTENSIONS as readonly string[]).includes(ext);
}

export interface SequenceFrameName {
  prefix: string;
  digits: string;
  suffix: string;
}

/** Splits `plate.0012.exr` into prefix `plate.`, digits `0012`, suffix `.exr`; null when not a frame name. */
export function parseFrameName(name: string): SequenceFrameName | null {
  const m = FRAME_RE.exec(name);
  if (!m) return null;
  return { prefix: m[1] ?? '', digits: m[2] ?? '', suffix: m[3] ?? '' };
}

/** The ffmpeg image2 pattern (`%` in names doubled) for a prefix, padding and suffix. */
export function ffmpegSequencePattern(dir: string, prefix: string, padding: number, suffix: string): string {
  const esc = (s: string) => s.replace(/%/g, '%%');
  return path.join(dir, `${esc(prefix)}${padding > 0 ? `%0${padding}d` : '%d'}${esc(suffix)}`);
}

/** File name of frame number `n` of a sequence. */
export function sequenceFrameName(
  seq: Pick<SequencePattern, 'prefix' | 'padding' | 'suffix'>,
  n: number,
): string {
  return `${seq.prefix}${seq.padding > 0 ? String(n).padStart(seq.padding, '0') : String(n)}${seq.suffix}`;
}

/** Full path of the i-th frame (0-based) of a sequence. */
export function sequenceFramePath(seq: SequencePattern, index: number): string {
  return path.join(seq.dir, sequenceFrameName(seq, seq.startNumber + index));
}

interface Group {
  prefix: string;
  suffix: string;
  names: { name: string; digits: string; n: number }[];
}

/**
 * Decides the padding of a set of frame numbers: the digit count when numbers are zero-padded
 * (or all the same length > 1), 0 when they are not padded.
 */
export function decidePadding(digitStrings: readonly string[]): number {
  const padded = digitStrings.filter((d) => d.length > 1 && d.startsWith('0'));
  if (padded.length > 0) return Math.min(...padded.map((d) => d.length));
  const lengths = new Set(digitStrings.map((d) => d.length));
  if (lengths.size === 1) {
    const only = digitStrings[0]?.length ?? 0;
    return only > 1 ? only : 0;
  }
  return 0;
}

/**
 * Checks a sequence's numbers are contiguous; returns the first missing frame number, or null.
 * `numbers` must be sorted ascending and unique.
 */
export function firstMissingFrame(numbers: readonly number[]): number | null {
  for (let i = 1; i < numbers.length; i++) {
    const prev = numbers[i - 1] as number;
    if ((numbers[i] as number) !== prev + 1) return prev + 1;
  }
  return null;
}

export interface DetectedSequence extends SequencePattern {
  /** Sizes of all frame files in order, bytes. */
  fileSizes: number[];
  /** Frame file names in order. */
  fileNames: string[];
}

function groupFrames(names: readonly string[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const name of names) {
    const f = parseFrameName(name);
    if (!f) continue;
    const key = `${f.prefix}\u0000${f.suffix.toLowerCase()}`;
    let g = groups.get(key);
    if (!g) {
      g = { prefix: f.prefix, suffix: f.suffix, names: [] };
      groups.set(key, g);
    }
    g.names.push({ name, digits: f.digits, n: Number(f.digits) });
  }
  return groups;
}

async function buildSequence(dir: string, g: Group, errorPath: string): Promise<DetectedSequence> {
  const padding = decidePadding(g.names.map((x) => x.digits));
  // Keep only names consistent with that padding (a stray `name.1.png` beside `name.0001.png` is ignored).
  const consistent = g.names.filter((x) =>
    padding > 0
      ? x.digits.length >= padding && (x.digits.length === padding || !x.digits.startsWith('0'))
      : !(x.digits.length > 1 && x.digits.startsWith('0')),
  );
  consistent.sort((a, b) => a.n - b.n);
  const unique = consistent.filter((x, i) => i === 0 || (consistent[i - 1] as { n: number }).n !== x.n);
  const numbers = unique.map((x) => x.n);
  const missing = firstMissingFrame(numbers);
  const seq0: Pick<SequencePattern, 'prefix' | 'padding' | 'suffix'> = {
    prefix: g.prefix,
    padding,
    suffix: g.suffix,
  };
  if (missing !== null) {
    const first = numbers[0] as number;
    const last = numbers[numbers.length - 1] as number;
    throw new MediaError(
      'bad-sequence',
      errorPath,
      `the image sequence ${sequenceFrameName(seq0, first)} … ${sequenceFrameName(seq0, last)} is missing frame ${missing} ("${path.join(dir, sequenceFrameName(seq0, missing))}" does not exist)`,
    );
  }
  const sizes = await Promise.all(
    unique.map(async (x) => {
      try {
        return (await stat(path.join(dir, x.name))).size;
      } catch {
        return 0;
      }
    }),
  );
  const startNumber = numbers[0] as number;
  return {
    dir,
    prefix: g.prefix,
    suffix: g.suffix,
    padding,
    startNumber,
    count: unique.length,
    ffmpegPattern: ffmpegSequencePattern(dir, g.prefix, padding, g.suffix),
    fileSizes: sizes,
    fileNames: unique.map((x) => x.name),
  };
}

/** The sequence a frame file belongs to (count 1 when it stands alone); null when the name has no frame number. */
export async function sequenceFromFile(filePath: string): Promise<DetectedSequence | null> {
  const abs = path.resolve(filePath);
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  const f = parseFrameName(base);
  if (!f) return null;
  const names = await readdir(dir);
  const key = `${f.prefix}\u0000${f.suffix.toLowerCase()}`;
  const g = groupFrames(names).get(key);
  if (!g) return null;
  return buildSequence(dir, g, abs);
}

/** The largest image sequence directly inside a folder, or null when it holds none. */
export async function sequenceInDirectory(dirPath: string): Promise<DetectedSequence | null> {
  const dir = path.resolve(dirPath);
  const names = (await readdir(dir)).sort();
  const groups = [...groupFrames(names).values()];
  if (groups.length === 0) return null;
  groups.sort((a, b) => b.names.length - a.names.length || a.prefix.localeCompare(b.prefix));
  return buildSequence(dir, groups[0] as Group, dir);
}
