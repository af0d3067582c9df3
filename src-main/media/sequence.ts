/**
 * Image sequences on disk: `name.####.ext` (any padding, also unpadded `name.1.ext`), ext one of
 * png, exr, jpg, jpeg, tif, tiff, dpx. Found from a frame's path or from a folder holding one.
 * {@link checkSequenceFrames} reads every frame's header (no decoding) before a sequence is imported.
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MediaError } from './errors';
import { abortError } from './exec';
import {
  ImageHeaderError,
  imageFormatOfExtension,
  pictureSizeProblem,
  readImageHeader,
  type ByteSource,
  type ImageHeader,
} from './image-header';
import type { SequencePattern } from './types';
import { sequenceFrameParts } from '../../src-shared/media-files';

export { SEQUENCE_EXTENSIONS, isImageFileName, isSequenceImageName } from '../../src-shared/media-files';

export interface SequenceFrameName {
  prefix: string;
  digits: string;
  suffix: string;
}

/** Splits `plate.0012.exr` into prefix `plate.`, digits `0012`, suffix `.exr`; null when not a frame name. */
export function parseFrameName(name: string): SequenceFrameName | null {
  return sequenceFrameParts(name);
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

/** Reads through an open file; the first 4 KiB are read once and served from memory. */
async function withFileSource<T>(file: string, use: (src: ByteSource) => Promise<T>): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let head: Uint8Array | null = null;
    const raw = async (offset: number, length: number): Promise<Uint8Array> => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    };
    return await use({
      size,
      async read(offset, length) {
        if (offset + length <= 4096) {
          head ??= await raw(0, 4096);
          return head.subarray(offset, Math.min(head.length, offset + length));
        }
        return raw(offset, length);
      },
    });
  } finally {
    await handle.close();
  }
}

interface FrameReport {
  number: number;
  name: string;
  header: ImageHeader | null;
  problem: string | null;
}

/** How many frame headers are read at once. */
const HEADER_READS_IN_FLIGHT = 16;

/**
 * Reads the header of every frame of a sequence and refuses the sequence, with a {@link MediaError}
 * naming the frame number, its file and the reason, when a frame is not a whole image of its format
 * (a truncated PNG without IEND, a JPEG without EOI, TIFF/EXR/DPX data past the end of the file), or
 * differs from the others (size, bit depth, channels), or when the picture is larger than
 * {@link pictureSizeProblem} allows. "The others" are the size and layout most frames share.
 * `errorPath` is the path the user gave (a frame or the folder). Returns the frames' common header.
 */
export async function checkSequenceFrames(
  seq: DetectedSequence,
  errorPath: string,
  signal?: AbortSignal,
): Promise<ImageHeader> {
  const format = imageFormatOfExtension(seq.suffix);
  if (!format) throw new MediaError('bad-sequence', errorPath, `unknown image type "${seq.suffix}"`);
  const reports: FrameReport[] = new Array(seq.fileNames.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < seq.fileNames.length; i = next++) {
      if (signal?.aborted) throw abortError(signal);
      const name = seq.fileNames[i] as string;
      const number = seq.startNumber + i;
      try {
        const header = await withFileSource(path.join(seq.dir, name), (src) => readImageHeader(src, format));
        reports[i] = { number, name, header, problem: null };
      } catch (e) {
        if (!(e instanceof ImageHeaderError)) {
          const code = (e as NodeJS.ErrnoException).code;
          reports[i] = { number, name, header: null, problem: `cannot be read (${code ?? String(e)})` };
        } else reports[i] = { number, name, header: null, problem: e.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEADER_READS_IN_FLIGHT, seq.fileNames.length) }, worker));

  // The reference: the size and layout most readable frames share (the first frame's on a tie).
  const key = (h: ImageHeader) => `${h.width}×${h.height}\u0000${h.layout}`;
  const votes = new Map<string, { n: number; header: ImageHeader }>();
  for (const r of reports) {
    if (!r.header) continue;
    const k = key(r.header);
    const v = votes.get(k);
    if (v) v.n++;
    else votes.set(k, { n: 1, header: r.header });
  }
  let reference: ImageHeader | null = null;
  let best = 0;
  for (const v of votes.values()) {
    if (v.n > best) {
      best = v.n;
      reference = v.header;
    }
  }
  if (reference) {
    const tooLarge = pictureSizeProblem(reference.width, reference.height);
    if (tooLarge) throw new MediaError('too-large', errorPath, `the image sequence's frames are ${tooLarge}`);
  }
  const bad: FrameReport[] = [];
  for (const r of reports) {
    if (r.problem) bad.push(r);
    else if (r.header && reference) {
      const h = r.header;
      const ref = reference;
      if (h.width !== ref.width || h.height !== ref.height) {
        const big = pictureSizeProblem(h.width, h.height);
        r.problem = big ?? `${h.width}×${h.height}, the others are ${ref.width}×${ref.height}`;
        bad.push(r);
      } else if (h.layout !== ref.layout) {
        r.problem = `${h.layout}, the others are ${ref.layout}`;
        bad.push(r);
      }
    }
  }
  if (bad.length > 0) {
    const first = bad[0] as FrameReport;
    const more = bad.slice(1, 6).map((r) => `${r.number} (${r.name})`);
    const rest = bad.length - 1 - more.length;
    const tail =
      bad.length > 1
        ? `; ${bad.length - 1} more bad frame${bad.length > 2 ? 's' : ''}: ${more.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`
        : '';
    throw new MediaError(
      'bad-sequence',
      errorPath,
      `frame ${first.number} (${first.name}): ${first.problem}${tail}`,
      { detail: path.join(seq.dir, first.name) },
    );
  }
  return reference as ImageHeader;
}
