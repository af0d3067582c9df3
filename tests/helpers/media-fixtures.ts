/**
 * Test clips made with ffmpeg (real ffmpeg from PATH or RESHOOT_FFMPEG). Tiny by default (160×90).
 * `pattern: 'index'` encodes the frame number k in the picture: 8 vertical bars of 20 px, bar b white
 * when bit b of k is set (frames 0…255), robust to lossy compression; read back with {@link readIndex}.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile, mkdtemp, copyFile, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function ffmpegBin(): string {
  return process.env.RESHOOT_FFMPEG || 'ffmpeg';
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegBin(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

export async function makeTempDir(prefix = 'reshoot-media-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface ClipOptions {
  /** File name, e.g. `clip.mp4` (the extension picks the container). */
  name?: string;
  width?: number;
  height?: number;
  frames?: number;
  /** Frame rate as ffmpeg accepts it: `24`, `24000/1001`, `30000/1001`. */
  fps?: string;
  /** `index`: frame number encoded in the picture; `testsrc`: ffmpeg's testsrc2. */
  pattern?: 'index' | 'testsrc';
  codec?: 'libx264' | 'libx265' | 'mjpeg' | 'ffv1' | 'prores_ks' | 'mpeg4';
  /** Keyframe interval (default 12). */
  gop?: number;
  /** B-frames (libx264; default 2). */
  bframes?: number;
  pixFmt?: string;
  /** Start timecode written as -timecode (e.g. `01:00:00:00` or `01:00:00;00`). */
  timecode?: string;
  /** Reel name, written on the video stream (ffmpeg's .mov muxer copies it to the tmcd track). */
  reel?: string;
  /** Add a sine-wave audio track. */
  audio?: boolean;
  /** Clockwise display rotation, written as a display matrix (stream-copy remux with the `rotate` tag). */
  rotate?: 0 | 90 | 180 | 270;
  /** Variable frame rate: first half at fps, second half at a third of it. */
  vfr?: boolean;
  /** mp4/mov: put the index at the front (`-movflags +faststart`). */
  faststart?: boolean;
}

export const INDEX_BAR = 20;

function indexFilter(): string {
  return `geq=lum='255*mod(floor(N/pow(2\\,floor(X/${INDEX_BAR})))\\,2)':cb=128:cr=128`;
}

/** Makes a clip in `dir` and returns its path. */
export async function makeClip(dir: string, opts: ClipOptions = {}): Promise<string> {
  const name = opts.name ?? 'clip.mp4';
  const out = path.join(dir, name);
  const w = opts.width ?? 160;
  const h = opts.height ?? 90;
  const frames = opts.frames ?? 48;
  const fps = opts.fps ?? '24';
  const pattern = opts.pattern ?? 'index';
  const codec = opts.codec ?? 'libx264';
  const gop = opts.gop ?? 12;
  const src =
    pattern === 'index' ? `color=black:size=${w}x${h}:rate=${fps}` : `testsrc2=size=${w}x${h}:rate=${fps}`;
  const filters: string[] = [];
  if (pattern === 'index') filters.push(indexFilter());
  if (opts.vfr) {
    const half = Math.floor(frames / 2);
    filters.push(`setpts='if(lt(N\\,${half})\\,N/(${fps})\\,${half}/(${fps})+(N-${half})*3/(${fps}))/TB'`);
  }
  const args = ['-f', 'lavfi', '-i', src];
  if (opts.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-map', '0:v');
  if (opts.audio) args.push('-map', '1:a', '-c:a', 'aac', '-shortest');
  args.push('-frames:v', String(frames));
  if (filters.length) args.push('-vf', filters.join(','));
  if (opts.vfr) args.push('-fps_mode', 'vfr');
  args.push('-c:v', codec);
  if (codec === 'libx264') {
    args.push(
      '-g',
      String(gop),
      '-keyint_min',
      String(gop),
      '-sc_threshold',
      '0',
      '-bf',
      String(opts.bframes ?? 2),
      '-crf',
      '18',
      '-preset',
      'veryfast',
    );
    args.push('-pix_fmt', opts.pixFmt ?? 'yuv420p');
  } else if (codec === 'libx265') {
    args.push(
      '-x265-params',
      `keyint=${gop}:min-keyint=${gop}:log-level=error`,
      '-crf',
      '20',
      '-pix_fmt',
      opts.pixFmt ?? 'yuv420p',
    );
  } else if (opts.pixFmt) {
    args.push('-pix_fmt', opts.pixFmt);
  }
  if (opts.timecode) args.push('-timecode', opts.timecode);
  if (opts.reel) args.push('-metadata:s:v:0', `reel_name=${opts.reel}`);
  if (opts.faststart) args.push('-movflags', '+faststart');
  if (opts.rotate) {
    const tmp = path.join(dir, `.unrotated-${name}`);
    await ffmpeg([...args, tmp]);
    await ffmpeg(['-i', tmp, '-c', 'copy', '-metadata:s:v:0', `rotate=${(360 - opts.rotate) % 360}`, out]);
    return out;
  }
  args.push(out);
  await ffmpeg(args);
  return out;
}

export interface SequenceOptions {
  prefix?: string;
  ext?: 'png' | 'jpg' | 'tif' | 'exr' | 'dpx';
  /** Digits; 0 for unpadded names (name.1.png). */
  padding?: number;
  start?: number;
  frames?: number;
  width?: number;
  height?: number;
  /** Frame numbers to leave out (to make a gap). */
  skip?: number[];
}

/** Writes an index-pattern image sequence into `dir` (made if needed); returns the file paths written. */
export async function makeSequence(dir: string, opts: SequenceOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const prefix = opts.prefix ?? 'plate.';
  const ext = opts.ext ?? 'png';
  const padding = opts.padding ?? 4;
  const start = opts.start ?? 1;
  const frames = opts.frames ?? 12;
  const w = opts.width ?? 160;
  const h = opts.height ?? 90;
  const staging = await mkdtemp(path.join(os.tmpdir(), 'reshoot-seq-'));
  const pat = path.join(staging, `f%d.${ext}`);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=black:size=${w}x${h}:rate=24`,
    '-vf',
    indexFilter(),
    '-frames:v',
    String(frames),
    '-start_number',
    '0',
    pat,
  ]);
  const written: string[] = [];
  for (let i = 0; i < frames; i++) {
    const n = start + i;
    if (opts.skip?.includes(n)) continue;
    const target = path.join(
      dir,
      `${prefix}${padding > 0 ? String(n).padStart(padding, '0') : String(n)}.${ext}`,
    );
    await copyFile(path.join(staging, `f${i}.${ext}`), target);
    written.push(target);
  }
  await rm(staging, { recursive: true, force: true });
  return written;
}

/** Reads the frame number from an `index`-pattern frame decoded as gray (or rgb24: bytesPerPixel 3). */
export function readIndex(data: Uint8Array, width: number, height: number, bytesPerPixel = 1): number {
  const scale = width / 160;
  let k = 0;
  const y = Math.floor(height / 2);
  for (let b = 0; b < 8; b++) {
    const x = Math.floor((b * INDEX_BAR + INDEX_BAR / 2) * scale);
    const v = data[(y * width + x) * bytesPerPixel] ?? 0;
    if (v > 128) k |= 1 << b;
  }
  return k;
}

/** Writes arbitrary bytes (for the bad-input corpus). */
export async function writeBytes(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, data);
  return p;
}

export interface PacketInfo {
  /** Presentation time, seconds. */
  time: number;
  pos: number;
  size: number;
  key: boolean;
  /** The frame it is: its rank in presentation order. */
  frame: number;
}

/** The video packets of a file (ffprobe, no decoding), in file order, each with its frame number. */
export async function videoPackets(file: string): Promise<PacketInfo[]> {
  const { stdout } = await run(
    process.env.RESHOOT_FFPROBE || 'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'V:0',
      '-show_entries',
      'packet=pts_time,pos,size,flags',
      '-of',
      'json',
      file,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const packets = (
    JSON.parse(stdout) as { packets: { pts_time: string; pos: string; size: string; flags: string }[] }
  ).packets.map((p) => ({
    time: Number(p.pts_time),
    pos: Number(p.pos),
    size: Number(p.size),
    key: p.flags.includes('K'),
    frame: 0,
  }));
  const order = [...packets].sort((a, b) => a.time - b.time);
  order.forEach((p, i) => (p.frame = i));
  return packets;
}

/** Overwrites `length` bytes of a file at `offset` with seeded pseudo-random bytes (size unchanged). */
export async function overwriteWithNoise(
  file: string,
  offset: number,
  length: number,
  seed = 1,
): Promise<void> {
  const data = await readFile(file);
  let s = seed >>> 0;
  for (let i = 0; i < length && offset + i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[offset + i] = s >>> 24;
  }
  await writeFile(file, data);
}
