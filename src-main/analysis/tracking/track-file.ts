/**
 * Compact binary track file (`.rstk`), little-endian:
 *
 *   offset  size  field
 *   0       4     magic "RSTK"
 *   4       4     u32 version (1)
 *   8       4     u32 width
 *   12      4     u32 height
 *   16      4     u32 numFrames (T)
 *   20      4     u32 numTracks (N)
 *   24      8     reserved (0)
 *   32      8NT   f32 xy, interleaved x,y, track-major (element 2·(track·T+frame))
 *   …       4NT   f32 confidence, track-major
 *   …       NT    u8 visible, track-major
 *
 * Float blocks come first so they stay 4-byte aligned. Writing is atomic (temp file, fsync, rename).
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { TrackSet } from './track-set';

export const TRACK_FILE_MAGIC = 'RSTK';
export const TRACK_FILE_VERSION = 1;
export const TRACK_FILE_HEADER_BYTES = 32;

export interface TrackFileHeader {
  version: number;
  width: number;
  height: number;
  numFrames: number;
  numTracks: number;
}

const isLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function bytesOf(a: Float32Array | Uint8Array): Uint8Array {
  if (!isLE && a instanceof Float32Array) {
    const out = new Uint8Array(a.length * 4);
    const v = new DataView(out.buffer);
    for (let i = 0; i < a.length; i++) v.setFloat32(i * 4, a[i] as number, true);
    return out;
  }
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function floatsFrom(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength / 4;
  if (isLE && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Float32Array(n);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = v.getFloat32(i * 4, true);
  return out;
}

export function encodeTrackHeader(h: Omit<TrackFileHeader, 'version'>): Uint8Array {
  const b = new Uint8Array(TRACK_FILE_HEADER_BYTES);
  const v = new DataView(b.buffer);
  for (let i = 0; i < 4; i++) b[i] = TRACK_FILE_MAGIC.charCodeAt(i);
  v.setUint32(4, TRACK_FILE_VERSION, true);
  v.setUint32(8, h.width, true);
  v.setUint32(12, h.height, true);
  v.setUint32(16, h.numFrames, true);
  v.setUint32(20, h.numTracks, true);
  return b;
}

export function decodeTrackHeader(b: Uint8Array): TrackFileHeader {
  if (b.byteLength < TRACK_FILE_HEADER_BYTES) throw new Error('Track file is truncated (no header)');
  const magic = String.fromCharCode(b[0] ?? 0, b[1] ?? 0, b[2] ?? 0, b[3] ?? 0);
  if (magic !== TRACK_FILE_MAGIC) throw new Error(`Not a track file (magic "${magic}")`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = v.getUint32(4, true);
  if (version !== TRACK_FILE_VERSION)
    throw new Error(`Track file version ${version} is not supported (expected ${TRACK_FILE_VERSION})`);
  return {
    version,
    width: v.getUint32(8, true),
    height: v.getUint32(12, true),
    numFrames: v.getUint32(16, true),
    numTracks: v.getUint32(20, true),
  };
}

function layout(h: Pick<TrackFileHeader, 'numFrames' | 'numTracks'>) {
  const nt = h.numFrames * h.numTracks;
  const xy = TRACK_FILE_HEADER_BYTES;
  const confidence = xy + 8 * nt;
  const visible = confidence + 4 * nt;
  return { nt, xy, confidence, visible, total: visible + nt };
}

function checkSet(s: TrackSet): void {
  const nt = s.numFrames * s.numTracks;
  if (s.xy.length !== 2 * nt || s.visible.length !== nt || s.confidence.length !== nt) {
    throw new RangeError(`Track set arrays do not match ${s.numTracks} tracks × ${s.numFrames} frames`);
  }
}

/** The whole file as bytes. */
export function encodeTrackFile(s: TrackSet): Uint8Array {
  checkSet(s);
  const l = layout(s);
  const out = new Uint8Array(l.total);
  out.set(encodeTrackHeader(s), 0);
  out.set(bytesOf(s.xy), l.xy);
  out.set(bytesOf(s.confidence), l.confidence);
  out.set(s.visible, l.visible);
  return out;
}

export function decodeTrackFile(bytes: Uint8Array): TrackSet {
  const h = decodeTrackHeader(bytes);
  const l = layout(h);
  if (bytes.byteLength < l.total)
    throw new Error(`Track file is truncated (${bytes.byteLength} of ${l.total} bytes)`);
  // Copy so the result does not pin a larger buffer and is always aligned.
  const copy = bytes.slice(0, l.total);
  return {
    width: h.width,
    height: h.height,
    numFrames: h.numFrames,
    numTracks: h.numTracks,
    xy: floatsFrom(copy.subarray(l.xy, l.confidence)),
    confidence: floatsFrom(copy.subarray(l.confidence, l.visible)),
    visible: copy.subarray(l.visible, l.total),
  };
}

/** Writes atomically: a temp file beside the target, fsync, rename over it (and fsync the folder). */
export async function writeTrackFile(file: string, s: TrackSet): Promise<void> {
  const bytes = encodeTrackFile(s);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let fh: FileHandle | null = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
    await fh.close();
    fh = null;
    await rename(tmp, file);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  try {
    const dir = await open(path.dirname(file), 'r');
    await dir.sync().catch(() => undefined);
    await dir.close();
  } catch {
    // Some platforms (Windows) cannot open a folder; the rename is still atomic there.
  }
}

export async function readTrackFile(file: string): Promise<TrackSet> {
  const fh = await open(file, 'r');
  try {
    return decodeTrackFile(new Uint8Array(await fh.readFile()));
  } finally {
    await fh.close();
  }
}

export async function readTrackFileHeader(file: string): Promise<TrackFileHeader> {
  const fh = await open(file, 'r');
  try {
    const b = new Uint8Array(TRACK_FILE_HEADER_BYTES);
    await fh.read(b, 0, b.length, 0);
    return decodeTrackHeader(b);
  } finally {
    await fh.close();
  }
}

/** Tracks visible somewhere in frames first…last, with their positions over that range (for overlays). */
export interface TrackRange {
  width: number;
  height: number;
  first: number;
  last: number;
  /** Row numbers in the full set. */
  trackIds: Uint32Array;
  /** Per returned track, (last−first+1) frames: interleaved xy, visibility, confidence. */
  xy: Float32Array;
  visible: Uint8Array;
  confidence: Float32Array;
}

function clampRange(h: Pick<TrackFileHeader, 'numFrames'>, first: number, last: number): [number, number] {
  const a = Math.max(0, Math.floor(first));
  const b = Math.min(h.numFrames - 1, Math.floor(last));
  return [a, b];
}

/** In-memory frame-range query over a track set. */
export function queryFrameRange(s: TrackSet, first: number, last: number): TrackRange {
  const [a, b] = clampRange(s, first, last);
  const T = s.numFrames;
  const len = Math.max(0, b - a + 1);
  const ids: number[] = [];
  for (let k = 0; k < s.numTracks && len > 0; k++) {
    const row = k * T;
    for (let f = a; f <= b; f++) {
      if (s.visible[row + f]) {
        ids.push(k);
        break;
      }
    }
  }
  const out: TrackRange = {
    width: s.width,
    height: s.height,
    first: a,
    last: b,
    trackIds: Uint32Array.from(ids),
    xy: new Float32Array(2 * ids.length * len),
    visible: new Uint8Array(ids.length * len),
    confidence: new Float32Array(ids.length * len),
  };
  ids.forEach((k, i) => {
    const src = k * T + a;
    out.xy.set(s.xy.subarray(2 * src, 2 * (src + len)), 2 * i * len);
    out.visible.set(s.visible.subarray(src, src + len), i * len);
    out.confidence.set(s.confidence.subarray(src, src + len), i * len);
  });
  return out;
}

/**
 * Frame-range query straight from a file: reads the header and the visibility block, then only the
 * xy and confidence runs of the tracks that are visible in the range (one positioned read each).
 */
export async function readTrackFrameRange(file: string, first: number, last: number): Promise<TrackRange> {
  const fh = await open(file, 'r');
  try {
    const hb = new Uint8Array(TRACK_FILE_HEADER_BYTES);
    await fh.read(hb, 0, hb.length, 0);
    const h = decodeTrackHeader(hb);
    const l = layout(h);
    const T = h.numFrames;
    const [a, b] = clampRange(h, first, last);
    const len = Math.max(0, b - a + 1);
    const vis = new Uint8Array(l.nt);
    if (l.nt) await fh.read(vis, 0, l.nt, l.visible);
    const ids: number[] = [];
    for (let k = 0; k < h.numTracks && len > 0; k++) {
      for (let f = a; f <= b; f++) {
        if (vis[k * T + f]) {
          ids.push(k);
          break;
        }
      }
    }
    const out: TrackRange = {
      width: h.width,
      height: h.height,
      first: a,
      last: b,
      trackIds: Uint32Array.from(ids),
      xy: new Float32Array(2 * ids.length * len),
      visible: new Uint8Array(ids.length * len),
      confidence: new Float32Array(ids.length * len),
    };
    const xyBytes = new Uint8Array(8 * len);
    const cBytes = new Uint8Array(4 * len);
    for (let i = 0; i < ids.length; i++) {
      const src = (ids[i] as number) * T + a;
      await fh.read(xyBytes, 0, xyBytes.length, l.xy + 8 * src);
      await fh.read(cBytes, 0, cBytes.length, l.confidence + 4 * src);
      out.xy.set(floatsFrom(xyBytes), 2 * i * len);
      out.confidence.set(floatsFrom(cBytes), i * len);
      out.visible.set(vis.subarray(src, src + len), i * len);
    }
    return out;
  } finally {
    await fh.close();
  }
}
