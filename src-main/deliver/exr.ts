/**
 * An OpenEXR writer: single-part scanline files (OpenEXR File Layout), HALF and FLOAT channels, ZIP
 * compression (16 scanlines a block, zlib after OpenEXR's byte shuffle) or none. A block that would grow
 * under compression is stored as it is, which readers recognise by its size. The header bytes and the
 * shuffle are pure (src-shared/image/exr-*.ts); here are the checks, the pixel blocks and zlib.
 */
import { deflateSync } from 'node:zlib';
import type { Rational } from '../../src-shared/rational';
import {
  EXR_LINES_PER_BLOCK,
  compareExrNames,
  encodeExrHeader,
  exrNameProblem,
} from '../../src-shared/image/exr-header';
import { predictExrZip } from '../../src-shared/image/exr-zip';
import { toFloat16Bits } from '../analysis/depth/float16';

export type ExrPixelType = 'half' | 'float';
/** One channel's samples: width × height, row-major, top row first. */
export interface ExrChannel {
  name: string;
  type: ExrPixelType;
  data: Float32Array;
}
export interface ExrOptions {
  compression?: 'zip' | 'none';
  /** The frame's SMPTE timecode (HH:MM:SS:FF, or HH:MM:SS;FF drop-frame) at the given rate. */
  timeCode?: { timecode: string; fps: Rational };
  framesPerSecond?: Rational;
  chromaticities?: 'bt709';
  comments?: string;
}

/** Largest width or height written (OpenEXR's own limits are int32; this keeps one block well in memory). */
export const EXR_MAX_SIDE = 65536;

function checkInputs(width: number, height: number, channels: readonly ExrChannel[]): ExrChannel[] {
  for (const [what, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > EXR_MAX_SIDE)
      throw new RangeError(`OpenEXR ${what} must be a whole number from 1 to ${EXR_MAX_SIDE}, got ${v}`);
  }
  if (channels.length === 0) throw new RangeError('OpenEXR needs at least one channel');
  const seen = new Set<string>();
  for (const c of channels) {
    const problem = exrNameProblem(c.name);
    if (problem) throw new RangeError(`OpenEXR channel name '${c.name}' ${problem}`);
    if (seen.has(c.name)) throw new RangeError(`OpenEXR channel '${c.name}' is given twice`);
    seen.add(c.name);
    if (c.type !== 'half' && c.type !== 'float')
      throw new RangeError(`OpenEXR channel '${c.name}': pixel type '${String(c.type)}' (half or float)`);
    if (!(c.data instanceof Float32Array) || c.data.length !== width * height)
      throw new RangeError(
        `OpenEXR channel '${c.name}' has ${c.data?.length ?? 'no'} samples for a ${width}×${height} image (${width * height})`,
      );
  }
  return [...channels].sort((a, b) => compareExrNames(a.name, b.name));
}

/** The uncompressed bytes of scanlines y0 … y1−1: per line, each channel's samples in channel order. */
function rawBlock(width: number, channels: readonly ExrChannel[], y0: number, y1: number): Uint8Array {
  let lineBytes = 0;
  for (const c of channels) lineBytes += width * (c.type === 'half' ? 2 : 4);
  const out = new Uint8Array(lineBytes * (y1 - y0));
  const dv = new DataView(out.buffer);
  let o = 0;
  for (let y = y0; y < y1; y++) {
    for (const c of channels) {
      const row = c.data.subarray(y * width, (y + 1) * width);
      if (c.type === 'half') {
        for (let x = 0; x < width; x++, o += 2) dv.setUint16(o, toFloat16Bits(row[x]!), true);
      } else {
        for (let x = 0; x < width; x++, o += 4) dv.setFloat32(o, row[x]!, true);
      }
    }
  }
  return out;
}

/**
 * One OpenEXR file in memory. Channels are written in name order (as the format requires) whatever order
 * they are given in; throws a RangeError naming the channel or the value that cannot be written.
 */
export function encodeExr(
  width: number,
  height: number,
  channels: ExrChannel[],
  opts: ExrOptions = {},
): Buffer {
  const compression = opts.compression ?? 'zip';
  if (compression !== 'zip' && compression !== 'none')
    throw new RangeError(`OpenEXR compression '${String(compression)}' unknown (zip or none)`);
  const sorted = checkInputs(width, height, channels);
  const header = encodeExrHeader({
    width,
    height,
    channels: sorted.map((c) => ({ name: c.name, type: c.type })),
    compression,
    timeCode: opts.timeCode,
    framesPerSecond: opts.framesPerSecond,
    chromaticities: opts.chromaticities,
    comments: opts.comments,
  });
  const lines = EXR_LINES_PER_BLOCK[compression];
  const blockCount = Math.ceil(height / lines);
  const blocks: Uint8Array[] = [];
  for (let b = 0; b < blockCount; b++) {
    const y0 = b * lines;
    const raw = rawBlock(width, sorted, y0, Math.min(height, y0 + lines));
    let data = raw;
    if (compression === 'zip') {
      const packed = deflateSync(predictExrZip(raw));
      if (packed.length < raw.length) data = packed;
    }
    const chunk = new Uint8Array(8 + data.length);
    const dv = new DataView(chunk.buffer);
    dv.setInt32(0, y0, true);
    dv.setInt32(4, data.length, true);
    chunk.set(data, 8);
    blocks.push(chunk);
  }
  const tableBytes = 8 * blockCount;
  let total = header.length + tableBytes;
  for (const c of blocks) total += c.length;
  const out = Buffer.alloc(total);
  out.set(header, 0);
  let at = header.length + tableBytes;
  for (let b = 0; b < blockCount; b++) {
    out.writeBigUInt64LE(BigInt(at), header.length + 8 * b);
    out.set(blocks[b]!, at);
    at += blocks[b]!.length;
  }
  return out;
}
