import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, rm, stat, truncate, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { MediaError, probeMedia, type MediaErrorCode } from '../../../src-main/media';
import { ffmpeg, makeClip, makeSequence, makeTempDir, writeBytes } from '../../helpers/media-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('probe: clips made by ffmpeg', () => {
  it('timecode 01:00:00:00 and reel name in a .mov', async () => {
    const p = await makeClip(dir, {
      name: 'tc.mov',
      fps: '24',
      frames: 24,
      timecode: '01:00:00:00',
      reel: 'A001',
    });
    const f = await probeMedia(p);
    expect(f.container).toBe('mov');
    expect(f.fps).toEqual({ num: 24, den: 1 });
    expect(f.startTimecode).toBe('01:00:00:00');
    expect(f.reelName).toBe('A001');
    expect(f.frameCount).toBe(24);
  });

  it('23.976 non-drop timecode', async () => {
    const p = await makeClip(dir, {
      name: 'ntsc24.mov',
      fps: '24000/1001',
      frames: 24,
      timecode: '01:00:00:00',
    });
    const f = await probeMedia(p);
    expect(f.fps).toEqual({ num: 24000, den: 1001 });
    expect(f.startTimecode).toBe('01:00:00:00');
    expect(f.durationSeconds).toBeCloseTo((24 * 1001) / 24000, 9);
  });

  it('29.97 drop-frame timecode', async () => {
    const p = await makeClip(dir, { name: 'df.mov', fps: '30000/1001', frames: 30, timecode: '01:00:00;00' });
    const f = await probeMedia(p);
    expect(f.fps).toEqual({ num: 30000, den: 1001 });
    expect(f.startTimecode).toBe('01:00:00;00');
  });

  it('59.94 with audio in .mp4', async () => {
    const p = await makeClip(dir, { name: 'a5994.mp4', fps: '60000/1001', frames: 30, audio: true });
    const f = await probeMedia(p);
    expect(f.fps).toEqual({ num: 60000, den: 1001 });
    expect(f.hasAudio).toBe(true);
    expect(f.frameCount).toBe(30);
  });

  it('variable frame rate', async () => {
    const p = await makeClip(dir, { name: 'vfr.mp4', fps: '30', frames: 40, vfr: true });
    const f = await probeMedia(p);
    expect(f.vfr).toBe(true);
    expect(f.frameCount).toBe(40);
    // 20 frames at 1/30 s then 20 at 1/10 s: about 2.67 s; fps is the average rate.
    expect(f.durationSeconds).toBeGreaterThan(2.3);
    expect(f.durationSeconds).toBeLessThan(2.8);
    expect(f.fps.num / f.fps.den).toBeCloseTo(40 / f.durationSeconds, 0);
  });

  it('rotation metadata: displayed size swaps, rotation is clockwise', async () => {
    const p = await makeClip(dir, { name: 'rot90.mp4', frames: 12, rotate: 90 });
    const f = await probeMedia(p);
    expect(f.rotation).toBe(90);
    expect([f.codedWidth, f.codedHeight]).toEqual([160, 90]);
    expect([f.width, f.height]).toEqual([90, 160]);
    const q = await probeMedia(await makeClip(dir, { name: 'rot180.mp4', frames: 12, rotate: 180 }));
    expect(q.rotation).toBe(180);
    expect([q.width, q.height]).toEqual([160, 90]);
  });

  it('10-bit HEVC, matroska without nb_frames (frames counted from packets)', async () => {
    const p = await makeClip(dir, { name: 'h10.mkv', codec: 'libx265', pixFmt: 'yuv420p10le', frames: 20 });
    const f = await probeMedia(p);
    expect(f.codec).toBe('hevc');
    expect(f.container).toBe('matroska');
    expect(f.bitDepth).toBe(10);
    expect(f.frameCount).toBe(20);
  });

  it('image sequence, padding 4, from a frame path and from its folder', async () => {
    const seqDir = path.join(dir, 'seq4');
    const files = await makeSequence(seqDir, { prefix: 'plate.', padding: 4, start: 1001, frames: 10 });
    for (const input of [files[3] as string, seqDir]) {
      const f = await probeMedia(input, { sequenceFps: { num: 24000, den: 1001 } });
      expect(f.kind).toBe('sequence');
      expect(f.path).toBe(files[0]);
      expect(f.codec).toBe('png');
      expect([f.width, f.height]).toEqual([160, 90]);
      expect(f.fps).toEqual({ num: 24000, den: 1001 });
      expect(f.frameCount).toBe(10);
      expect(f.sequence).toMatchObject({
        dir: seqDir,
        prefix: 'plate.',
        suffix: '.png',
        padding: 4,
        startNumber: 1001,
        count: 10,
      });
      expect(f.sequence?.ffmpegPattern).toBe(path.join(seqDir, 'plate.%04d.png'));
    }
  });

  it('image sequence, unpadded numbers, default 24 fps', async () => {
    const seqDir = path.join(dir, 'seq0');
    await makeSequence(seqDir, { prefix: 'shot_', padding: 0, start: 1, frames: 12 });
    const f = await probeMedia(path.join(seqDir, 'shot_7.png'));
    expect(f.kind).toBe('sequence');
    expect(f.fps).toEqual({ num: 24, den: 1 });
    expect(f.sequence).toMatchObject({ prefix: 'shot_', padding: 0, startNumber: 1, count: 12 });
    expect(f.sequence?.ffmpegPattern).toBe(path.join(seqDir, 'shot_%d.png'));
  });
});

describe('probe: bad inputs give a MediaError naming the file', () => {
  async function expectMediaError(p: string, code: MediaErrorCode, reason?: RegExp): Promise<MediaError> {
    const err = await probeMedia(p).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MediaError);
    const me = err as MediaError;
    expect(me.code).toBe(code);
    expect(me.message).toContain(path.resolve(p));
    if (reason) expect(me.message).toMatch(reason);
    return me;
  }

  it('missing file', async () => {
    await expectMediaError(path.join(dir, 'nope.mov'), 'missing', /does not exist/);
  });
  it('a folder with no sequence', async () => {
    const d = path.join(dir, 'emptydir');
    await mkdir(d, { recursive: true });
    await expectMediaError(d, 'directory', /folder/);
  });
  it.skipIf(process.getuid?.() === 0)('an unreadable file', async () => {
    const p = await makeClip(dir, { name: 'locked.mp4', frames: 4 });
    await chmod(p, 0o000);
    try {
      await expectMediaError(p, 'unreadable', /permission/);
    } finally {
      await chmod(p, 0o644);
    }
  });
  it('a text file, also when named .mp4', async () => {
    await expectMediaError(
      await writeBytes(dir, 'notes.txt', 'hello world\nthis is not a video\n'),
      'not-media',
    );
    await expectMediaError(
      await writeBytes(dir, 'fake.mp4', 'hello world\nthis is not a video\n'.repeat(50)),
      'not-media',
    );
  });
  it('random bytes named .mov and an empty file', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    await expectMediaError(await writeBytes(dir, 'junk.mov', junk), 'not-media');
    await expectMediaError(await writeBytes(dir, 'empty.mp4', ''), 'not-media', /empty/);
  });
  it('a single still image is not a shot', async () => {
    const p = path.join(dir, 'still.png');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36', '-frames:v', '1', p]);
    await expectMediaError(p, 'no-video', /still image/);
    const q = path.join(dir, 'lonely.0001.png');
    await copyFile(p, q);
    await expectMediaError(q, 'no-video', /still image/);
    const j = path.join(dir, 'photo.jpg.mov');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=64x36',
      '-frames:v',
      '1',
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      j,
    ]);
    await expectMediaError(j, 'no-video');
  });
  it('audio only', async () => {
    const p = path.join(dir, 'tone.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.2', p]);
    await expectMediaError(p, 'no-video', /only audio/);
  });
  it('truncated mp4 (index at the end: moov missing)', async () => {
    const p = await makeClip(dir, { name: 'cut.mp4', frames: 48, pattern: 'testsrc' });
    await truncate(p, Math.floor((await stat(p)).size / 2));
    await expectMediaError(p, 'truncated', /incomplete/);
  });
  it('truncated mp4 (index at the front: frames missing)', async () => {
    const p = await makeClip(dir, { name: 'cutfs.mp4', frames: 96, pattern: 'testsrc', faststart: true });
    await truncate(p, Math.floor((await stat(p)).size / 2));
    await expectMediaError(p, 'truncated', /incomplete/);
  });
  it('zero frames', async () => {
    await expectMediaError(
      await writeBytes(dir, 'zero.y4m', 'YUV4MPEG2 W160 H90 F24:1 Ip A1:1 C420jpeg\n'),
      'zero-frames',
      /no frames/,
    );
  });
  it('unsupported codec (unknown fourcc)', async () => {
    const p = await makeClip(dir, { name: 'unsup-src.mp4', frames: 12 });
    const data = await readFile(p);
    const stsd = data.indexOf('stsd');
    const avc1 = data.indexOf('avc1', stsd);
    expect(avc1).toBeGreaterThan(0);
    data.write('zzzz', avc1, 'latin1');
    const q = path.join(dir, 'unsup.mp4');
    await writeFile(q, data);
    await expectMediaError(q, 'unsupported-codec', /zzzz/);
  });
  it('an image sequence with a gap names the first missing frame', async () => {
    const seqDir = path.join(dir, 'gappy');
    await makeSequence(seqDir, { prefix: 'bg.', padding: 4, start: 1, frames: 10, skip: [5, 6] });
    const e = await expectMediaError(path.join(seqDir, 'bg.0001.png'), 'bad-sequence', /missing frame 5/);
    expect(e.message).toContain(path.join(seqDir, 'bg.0005.png'));
    await expectMediaError(seqDir, 'bad-sequence', /missing frame 5/);
  });
});
