import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ImageHeaderError,
  MAX_IMAGE_PIXELS,
  bytesSource,
  pictureSizeProblem,
  readImageHeader,
  sniffImageFormat,
  type ImageFormat,
} from '../../../src-main/media/image-header';
import { ShowinfoLog, cleanLogLine, nearest } from '../../../src-main/media/frame-check';
import { planDecodeCheck } from '../../../src-main/media/decode-check';

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A real (decodable) gray PNG of w×h; `claim` forges the IHDR size (with a valid checksum). */
function png(w: number, h: number, claim?: { w: number; h: number }): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, claim?.w ?? w);
  v.setUint32(4, claim?.h ?? h);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // gray
  const raw = new Uint8Array((w + 1) * h); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A minimal baseline JPEG structure: SOI, APP0, SOF0 (w×h, 3 components), SOS, data, EOI. */
function jpeg(w: number, h: number, withEoi = true): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof = [
    0xff,
    0xc0,
    0x00,
    0x11,
    8,
    h >> 8,
    h & 0xff,
    w >> 8,
    w & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  const sos = [0xff, 0xda, 0x00, 0x0c, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0];
  const data = Array.from({ length: 600 }, (_, i) => (i * 37) % 255); // no 0xFF bytes
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof, ...sos, ...data, ...(withEoi ? [0xff, 0xd9] : [])]);
}

async function reason(bytes: Uint8Array, format: ImageFormat): Promise<string> {
  const e = await readImageHeader(bytesSource(bytes), format).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImageHeaderError);
  return (e as Error).message;
}

describe('image headers (no decoding)', () => {
  it('reads a PNG header: size, bit depth and colour type', async () => {
    await expect(readImageHeader(bytesSource(png(64, 36)), 'png')).resolves.toEqual({
      format: 'png',
      width: 64,
      height: 36,
      layout: '8-bit gray',
    });
  });

  it('a PNG cut short has no IEND chunk', async () => {
    const whole = png(64, 36);
    expect(await reason(whole.subarray(0, whole.length - 20), 'png')).toBe(
      'truncated: no IEND chunk at its end',
    );
  });

  it('a PNG whose IHDR was altered without its checksum is damaged', async () => {
    const p = png(64, 36);
    p[18] = 0x7f; // a width byte, CRC left as it was
    expect(await reason(p, 'png')).toMatch(/damaged header: the IHDR chunk fails its checksum/);
  });

  it('a forged 16000×16000 IHDR with a valid checksum reads as such, and is over the size limit', async () => {
    const h = await readImageHeader(bytesSource(png(64, 36, { w: 16000, h: 16000 })), 'png');
    expect([h.width, h.height]).toEqual([16000, 16000]);
    expect(pictureSizeProblem(h.width, h.height)).toMatch(
      /16000×16000, larger than Reshoot takes \(at most 16384 pixels a side and 134,217,728 pixels/,
    );
    expect(pictureSizeProblem(16384, 8192)).toBeNull();
    expect(16384 * 8192).toBe(MAX_IMAGE_PIXELS);
    expect(pictureSizeProblem(16385, 100)).not.toBeNull();
  });

  it('reads a JPEG frame header; without EOI it is truncated', async () => {
    await expect(readImageHeader(bytesSource(jpeg(320, 180)), 'jpeg')).resolves.toMatchObject({
      width: 320,
      height: 180,
      layout: '8-bit colour (3 components)',
    });
    expect(await reason(jpeg(320, 180, false), 'jpeg')).toBe(
      'truncated: no end-of-image (EOI) marker at its end',
    );
  });

  it('a file of another format, an empty file, a cut header', async () => {
    expect(await reason(jpeg(8, 8), 'png')).toMatch(/not a PNG file: it is a JPEG file/);
    expect(await reason(new Uint8Array(0), 'png')).toMatch(/empty/);
    expect(await reason(Buffer.from('hello world, this is text'), 'exr')).toMatch(/not a OpenEXR file/);
    expect(await reason(jpeg(8, 8).subarray(0, 30), 'jpeg')).toMatch(/truncated/);
    expect(sniffImageFormat(Buffer.from('SDPX'))).toBe('dpx');
    expect(sniffImageFormat(Buffer.from([0x4d, 0x4d, 0, 42]))).toBe('tiff');
  });
});

describe('showinfo log and frame lookup', () => {
  it('reads frame timestamps in the time base, and error lines with where they fell', () => {
    const log = new ShowinfoLog();
    log.push(
      '[Parsed_showinfo_0 @ 0x55] [info] config in time_base: 1/12288, frame_rate: 24/1\n[Parsed_showinfo_0 @ 0x55] [info] n:   0 pts:      0 pts_time:0 pos: 48\n[h264 @ 0x5',
    );
    log.push(
      '6] [error] error while decoding MB 0 2, bytestream 1687\n[Parsed_showinfo_0 @ 0x55] [info] n:   1 pts:    512 pts_time:0.0416667\n',
    );
    log.end();
    expect(log.times).toEqual([0, 512 / 12288]);
    expect(log.placedProblems()).toEqual([
      { framesBefore: 1, message: 'h264: error while decoding MB 0 2, bytestream 1687' },
    ]);
    expect(cleanLogLine('[NULL @ 0x1] [error] Invalid NAL unit size (1 > 2).')).toBe(
      'Invalid NAL unit size (1 > 2).',
    );
    expect(cleanLogLine('[error] Error while decoding stream #0:0: Invalid data')).toBe(
      'Error while decoding stream #0:0: Invalid data',
    );
  });

  it('nearest timestamp', () => {
    const t = [0, 0.04, 0.08, 0.2];
    expect([nearest(t, -1), nearest(t, 0.05), nearest(t, 0.07), nearest(t, 0.15), nearest(t, 9)]).toEqual([
      0, 1, 2, 3, 3,
    ]);
  });

  it('decode check plan: short videos whole, long ones in 8 spans from first to last frame', () => {
    const short = planDecodeCheck({
      width: 1280,
      height: 720,
      durationSeconds: 12,
      frameCount: 288,
      startSeconds: 0,
    });
    expect(short.spans).toEqual([{ from: null, length: null }]);
    const long = planDecodeCheck({
      width: 3840,
      height: 2160,
      durationSeconds: 3600,
      frameCount: 86400,
      startSeconds: 0,
    });
    expect(long.spans).toHaveLength(8);
    expect(long.spans[0]!.from).toBeNull();
    const last = long.spans[7]!;
    expect(last.from! + last.length!).toBeCloseTo(3600, 6);
    // About FULL_CHECK_PIXELS decoded in all: 2^31 / (3840·2160) frames ≈ 259 frames ≈ 10.8 s at 24 fps.
    expect(long.seconds).toBeGreaterThan(10);
    expect(long.seconds).toBeLessThan(20);
  });
});
