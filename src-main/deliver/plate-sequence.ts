/**
 * Image-sequence plates: one file a frame, each written whole (a temp file beside it, fsync, then a
 * hard link to its name, which fails rather than replace a file that appeared meanwhile). A file already
 * there with exactly the bytes this frame makes is the same frame, written before a crash: kept.
 *
 * 16-bit PNG: a render's frames are RGBA with the mask as alpha (seen or filled opaque, empty
 * transparent), a shot's are RGB.
 *
 * OpenEXR: scene-linear half-float R, G, B (the BT.709-encoded pictures through the inverse BT.709
 * transfer function, as Nuke's "rec709" reads a movie plate, so the two match) and A (the mask as alpha,
 * 1 for a shot); a render adds float `Z` (its target depth: planar, +Infinity at infinity, 0 unknown) and
 * half `mask` (1 seen, 0.5 filled, 0 empty). Each file carries its frame's timeCode and the rate.
 */
import { link, lstat, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApiError } from '../../src-shared/api/contract';
import { encodePngAsync } from '../media';
import { fsyncDir, tempPathFor } from '../util/atomic-write';
import type { Rational } from '../../src-shared/rational';
import { encodeExr, type ExrChannel } from './exr';
import type { PlateFrame } from './plate-frames';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** rgb48le bytes as native 16-bit samples (a view when the machine is little-endian, as nearly all are). */
function samples16(bytes: Uint8Array, n: number): Uint16Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

/** A frame as a 16-bit PNG: RGBA with the mask as alpha for a render, RGB for a shot. */
export async function plateFramePng(f: PlateFrame): Promise<Buffer> {
  const px = f.width * f.height;
  const rgb = samples16(f.rgb, px * 3);
  if (f.mask === null)
    return encodePngAsync({ width: f.width, height: f.height, channels: 3, bitDepth: 16, data: rgb });
  const rgba = new Uint16Array(px * 4);
  for (let i = 0; i < px; i++) {
    rgba[4 * i] = rgb[3 * i]!;
    rgba[4 * i + 1] = rgb[3 * i + 1]!;
    rgba[4 * i + 2] = rgb[3 * i + 2]!;
    rgba[4 * i + 3] = f.mask[i]! > 0 ? 0xffff : 0;
  }
  return encodePngAsync({ width: f.width, height: f.height, channels: 4, bitDepth: 16, data: rgba });
}

/** Errors of file systems without hard links (FAT, exFAT, some network shares). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);

/**
 * Gives the finished temp file `tmp` its name `file`, never replacing a file: a hard link, which fails
 * when `file` exists (EEXIST); where the file system has no hard links, a rename after checking that
 * `file` does not exist (a file created in between by another program would then be replaced).
 * `tmp` is left for the caller to remove.
 */
export async function publishNewFile(tmp: string, file: string): Promise<void> {
  try {
    await link(tmp, file);
    return;
  } catch (e) {
    if (!NO_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
  const there = await lstat(file).then(
    () => true,
    () => false,
  );
  if (there) throw Object.assign(new Error(`${file} exists`), { code: 'EEXIST' });
  await rename(tmp, file);
}

/**
 * Writes `data` to `file`, which must not exist — unless it holds exactly `data` already (the same frame
 * written by this delivery before it was stopped). Never replaces anything.
 */
export async function writeNewFile(file: string, data: Uint8Array): Promise<'written' | 'kept'> {
  const tmp = tempPathFor(file);
  const h = await open(tmp, 'wx');
  try {
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
    try {
      await publishNewFile(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const there = await readFile(file);
      if (Buffer.compare(there, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) === 0)
        return 'kept';
      throw new ApiError(
        'conflict',
        `${file} appeared while the delivery was running (another program wrote it); Reshoot never ` +
          `replaces a file. Move it away and resume the job.`,
      );
    }
  } finally {
    await rm(tmp, { force: true });
  }
  try {
    fsyncDir(dirname(file));
  } catch {
    // the link is made; only its durability on a crash is left to the file system
  }
  return 'written';
}

/** 16-bit BT.709-encoded code value → scene-linear (inverse of the BT.709 OETF), for every code. */
const BT709_TO_LINEAR = (() => {
  const lut = new Float32Array(65536);
  for (let v = 0; v < 65536; v++) {
    const e = v / 65535;
    lut[v] = e < 0.081 ? e / 4.5 : Math.pow((e + 0.099) / 1.099, 1 / 0.45);
  }
  return lut;
})();

export interface ExrFrameOptions {
  /** The frame's timecode and the plate's rate. */
  timecode: string;
  fps: Rational;
  /** A render's target depth at the plate's size; null for a shot. */
  depth: Float32Array | null;
}

/** A frame as an OpenEXR file (see the header of this file for its channels). */
export function plateFrameExr(f: PlateFrame, o: ExrFrameOptions): Buffer {
  const px = f.width * f.height;
  const rgb = samples16(f.rgb, px * 3);
  const r = new Float32Array(px),
    g = new Float32Array(px),
    b = new Float32Array(px),
    a = new Float32Array(px);
  for (let i = 0; i < px; i++) {
    r[i] = BT709_TO_LINEAR[rgb[3 * i]!]!;
    g[i] = BT709_TO_LINEAR[rgb[3 * i + 1]!]!;
    b[i] = BT709_TO_LINEAR[rgb[3 * i + 2]!]!;
    a[i] = f.mask === null || f.mask[i]! > 0 ? 1 : 0;
  }
  const channels: ExrChannel[] = [
    { name: 'R', type: 'half', data: r },
    { name: 'G', type: 'half', data: g },
    { name: 'B', type: 'half', data: b },
    { name: 'A', type: 'half', data: a },
  ];
  if (f.mask !== null) {
    const m = new Float32Array(px);
    for (let i = 0; i < px; i++) m[i] = f.mask[i]! >= 255 ? 1 : f.mask[i]! > 0 ? 0.5 : 0;
    channels.push({ name: 'mask', type: 'half', data: m });
  }
  if (o.depth !== null) channels.push({ name: 'Z', type: 'float', data: o.depth });
  return encodeExr(f.width, f.height, channels, {
    compression: 'zip',
    timeCode: { timecode: o.timecode, fps: o.fps },
    framesPerSecond: o.fps,
    chromaticities: 'bt709',
    comments: 'Reshoot plate: scene-linear BT.709 primaries (inverse BT.709 transfer of the source)',
  });
}
