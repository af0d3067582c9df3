import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProgressParser, parseProgressBlock, toJobProgress } from '../../../src-main/media/progress';
import { JpegSplitter } from '../../../src-main/media/jpeg-split';
import {
  decidePadding,
  ffmpegSequencePattern,
  firstMissingFrame,
  parseFrameName,
  sequenceFrameName,
} from '../../../src-main/media/sequence';
import { chooseFps, detectVfr } from '../../../src-main/media/timing';
import { bitDepthOf, readRotation } from '../../../src-main/media/probe';
import { MediaError } from '../../../src-main/media/errors';
import { filmstripFrameIndices, posterFrameIndex } from '../../../src-main/media/thumbnails';
import { jpegQscale, outputSize } from '../../../src-main/media/decode';

const BLOCK =
  'frame=12\nfps=48.5\nstream_0_0_q=28.0\nbitrate=N/A\ntotal_size=1234\nout_time_us=500500\nout_time_ms=500500\nout_time=00:00:00.500500\ndup_frames=0\ndrop_frames=0\nspeed=2.02x\nprogress=continue\n';
const END = 'frame=30\nfps=50.0\nout_time_us=1001000\nspeed=2.1x\nprogress=end\n';

describe('ffmpeg -progress parsing', () => {
  it('parses a block', () => {
    expect(parseProgressBlock(BLOCK.split('\n'))).toEqual({
      frame: 12,
      fps: 48.5,
      outTimeSeconds: 0.5005,
      speed: 2.02,
      end: false,
    });
    expect(
      parseProgressBlock(['frame=0', 'fps=0.00', 'out_time_us=N/A', 'speed=N/A', 'progress=continue']),
    ).toEqual({ frame: 0, fps: 0, outTimeSeconds: null, speed: null, end: false });
  });
  it('gives the same updates however the text is chunked', () => {
    const text = BLOCK + BLOCK.replace('frame=12', 'frame=20') + END;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const p = new ProgressParser();
        const out = [];
        let last = 0;
        for (const c of [...points, text.length]) {
          out.push(...p.push(text.slice(last, c)));
          last = c;
        }
        expect(out.map((u) => u.frame)).toEqual([12, 20, 30]);
        expect(out.at(-1)?.end).toBe(true);
      }),
    );
  });
  it('turns into job progress with ETA', () => {
    const j = toJobProgress({ frame: 25, fps: 50, outTimeSeconds: 1, speed: 2, end: false }, 100);
    expect(j).toEqual({
      framesDone: 25,
      totalFrames: 100,
      fraction: 0.25,
      fps: 50,
      etaSeconds: 1.5,
      done: false,
    });
    expect(
      toJobProgress({ frame: 98, fps: 0, outTimeSeconds: null, speed: null, end: true }, 100),
    ).toMatchObject({ fraction: 1, etaSeconds: 0, done: true });
    expect(
      toJobProgress({ frame: 5, fps: 0, outTimeSeconds: null, speed: null, end: false }, 100).etaSeconds,
    ).toBeNull();
  });
});

describe('JPEG stream splitting', () => {
  const jpeg = (body: number[]) =>
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xda, ...body, 0xff, 0xd9]);
  it('splits concatenated images regardless of chunk boundaries', () => {
    const imgs = [jpeg([1, 2, 0xff, 0x00, 3]), jpeg([0xff, 0xd0, 9]), jpeg([0xff])];
    // Note: a lone 0xFF before FF D9 in the third is followed by 0xFF — still ends at the first FF D9.
    const stream = Buffer.concat(imgs);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 10 }), (cuts) => {
        const s = new JpegSplitter();
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const out: Buffer[] = [];
        let last = 0;
        for (const c of [...points, stream.length]) {
          out.push(...s.push(stream.subarray(last, c)));
          last = c;
        }
        expect(out).toEqual(imgs);
        expect(s.incompleteBytes).toBe(0);
      }),
    );
  });
  it('reports an unfinished image', () => {
    const s = new JpegSplitter();
    expect(s.push(Buffer.from([0xff, 0xd8, 1, 2, 3]))).toEqual([]);
    expect(s.incompleteBytes).toBe(5);
  });
});

describe('image sequence naming', () => {
  it('parses frame names', () => {
    expect(parseFrameName('plate.0012.exr')).toEqual({ prefix: 'plate.', digits: '0012', suffix: '.exr' });
    expect(parseFrameName('shot_7.PNG')).toEqual({ prefix: 'shot_', digits: '7', suffix: '.PNG' });
    expect(parseFrameName('A001C003_1001.dpx')).toEqual({
      prefix: 'A001C003_',
      digits: '1001',
      suffix: '.dpx',
    });
    expect(parseFrameName('clip.mov')).toBeNull();
    expect(parseFrameName('still.png')).toBeNull();
  });
  it('decides padding', () => {
    expect(decidePadding(['0001', '0002', '0010'])).toBe(4);
    expect(decidePadding(['1', '2', '10'])).toBe(0);
    expect(decidePadding(['1001', '1002'])).toBe(4);
    expect(decidePadding(['9998', '9999', '10000', '0997'])).toBe(4);
    expect(decidePadding(['5'])).toBe(0);
  });
  it('finds the first gap', () => {
    expect(firstMissingFrame([1, 2, 3])).toBeNull();
    expect(firstMissingFrame([1, 2, 4, 6])).toBe(3);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 3, max: 50 }),
        fc.integer({ min: 0, max: 1000 }),
        (s, n, k) => {
          const gap = 1 + (k % (n - 2)); // never the first or last: those make a shorter, complete sequence
          const nums = Array.from({ length: n }, (_, i) => s + i).filter((_, i) => i !== gap);
          expect(firstMissingFrame(nums)).toBe(s + gap);
        },
      ),
    );
  });
  it('builds names and ffmpeg patterns', () => {
    expect(sequenceFrameName({ prefix: 'p.', padding: 4, suffix: '.png' }, 7)).toBe('p.0007.png');
    expect(sequenceFrameName({ prefix: 'p.', padding: 0, suffix: '.png' }, 7)).toBe('p.7.png');
    expect(ffmpegSequencePattern('/a', '50%_', 3, '.exr')).toBe('/a/50%%_%03d.exr');
  });
});

describe('timing analysis', () => {
  const grid = (n: number, dt: number) => Array.from({ length: n }, (_, i) => i * dt);
  it('CFR with time-base jitter is not VFR', () => {
    // 59.94 fps in a 1/600 time base: intervals of 10 or 11 ticks.
    const pts = Array.from({ length: 120 }, (_, i) => Math.round((i * 600 * 1001) / 60000) / 600);
    expect(detectVfr(pts, { num: 60000, den: 1001 }, { num: 1, den: 600 })).toBe(false);
    expect(detectVfr(grid(100, 1 / 24), { num: 24, den: 1 }, { num: 1, den: 12288 })).toBe(false);
  });
  it('mixed frame durations are VFR', () => {
    const pts = [...grid(30, 1 / 30), ...grid(30, 0.1).map((t) => 1 + t)];
    expect(detectVfr(pts, { num: 30, den: 1 }, { num: 1, den: 15360 })).toBe(true);
  });
  it('chooses an exact frame rate', () => {
    expect(chooseFps({ num: 60000, den: 1001 }, { num: 8000, den: 133 }, 1001 / 60000)).toEqual({
      num: 60000,
      den: 1001,
    });
    expect(chooseFps({ num: 2997, den: 100 }, null, null)).toEqual({ num: 30000, den: 1001 });
    expect(chooseFps({ num: 90000, den: 1 }, { num: 25, den: 1 }, 0.04)).toEqual({ num: 25, den: 1 });
  });
});

describe('probe helpers', () => {
  it('rotation is clockwise, from the display matrix or the rotate tag', () => {
    expect(readRotation({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] })).toBe(90);
    expect(readRotation({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 90 }] })).toBe(270);
    expect(readRotation({ side_data_list: [{ rotation: 180 }] })).toBe(180);
    expect(readRotation({ tags: { rotate: '90' } })).toBe(90);
    expect(readRotation({})).toBe(0);
  });
  it('bit depth', () => {
    expect(bitDepthOf('8', 'yuv420p')).toBe(8);
    expect(bitDepthOf(undefined, 'yuv420p10le')).toBe(10);
    expect(bitDepthOf('N/A', 'yuv422p12le')).toBe(12);
    expect(bitDepthOf(undefined, 'rgb48le')).toBe(16);
    expect(bitDepthOf(undefined, 'gbrpf32le')).toBe(32);
    expect(bitDepthOf(undefined, 'yuvj420p')).toBe(8);
  });
  it('media errors name the file', () => {
    const e = new MediaError('truncated', '/x/A001.mov');
    expect(e.message).toBe(
      'Cannot use "/x/A001.mov": the file is incomplete (cut off): the copy, download or render probably did not finish.',
    );
    expect(e.code).toBe('truncated');
  });
  it('poster and filmstrip frames, output sizes, jpeg quality', () => {
    expect(posterFrameIndex({ frameCount: 233 })).toBe(116);
    expect(posterFrameIndex({ frameCount: 1 })).toBe(0);
    expect(filmstripFrameIndices(100, 4)).toEqual([12, 37, 62, 87]);
    expect(filmstripFrameIndices(3, 10)).toEqual([0, 1, 2]);
    expect(outputSize({ width: 1280, height: 704 }, 640)).toEqual({ width: 640, height: 352 });
    expect(outputSize({ width: 882, height: 1568 }, undefined, 90, true)).toEqual({ width: 50, height: 90 });
    expect(jpegQscale(100)).toBe(2);
    expect(jpegQscale(1)).toBe(31);
  });
});
