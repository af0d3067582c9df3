import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { probeMedia } from '../../../src-main/media';

const MEDIA = path.resolve('../shared/media');

// The README table of ../shared/media/README.md, with fps as exact rationals.
const CLIPS = [
  {
    file: '02_dashcam_highway.mp4',
    width: 1280,
    height: 704,
    fps: { num: 24, den: 1 },
    frames: 233,
    codec: 'h264',
    pix: 'yuv420p',
    audio: false,
    range: 'unknown',
  },
  {
    file: '03_bedroom_handheld.mp4',
    width: 960,
    height: 540,
    fps: { num: 30, den: 1 },
    frames: 200,
    codec: 'h264',
    pix: 'yuv420p',
    audio: false,
    range: 'tv',
  },
  {
    file: '10_cat_leash_portrait_60fps.mp4',
    width: 882,
    height: 1568,
    fps: { num: 60000, den: 1001 },
    frames: 120,
    codec: 'h264',
    pix: 'yuvj420p',
    audio: false,
    range: 'pc',
  },
  {
    file: '12_dog_courtyard_static_cam.mp4',
    width: 1280,
    height: 720,
    fps: { num: 30000, den: 1001 },
    frames: 289,
    codec: 'h264',
    pix: 'yuv420p',
    audio: true,
    range: 'tv',
  },
  {
    file: '13_camel_static_cam.mp4',
    width: 960,
    height: 540,
    fps: { num: 30000, den: 1001 },
    frames: 372,
    codec: 'h264',
    pix: 'yuv420p',
    audio: false,
    range: 'tv',
  },
  {
    file: '14_robot_egocentric_hevc_480p.mp4',
    width: 640,
    height: 480,
    fps: { num: 30, den: 1 },
    frames: 121,
    codec: 'hevc',
    pix: 'yuv420p',
    audio: false,
    range: 'tv',
  },
];

describe('probe: the real clips in ../shared/media match their README facts', () => {
  for (const c of CLIPS) {
    it(c.file, async () => {
      const f = await probeMedia(path.join(MEDIA, c.file));
      expect(f.kind).toBe('video');
      expect(f.path).toBe(path.join(MEDIA, c.file));
      expect(f.sequence).toBeNull();
      expect(f.container).toBe('mp4');
      expect([f.width, f.height]).toEqual([c.width, c.height]);
      expect([f.codedWidth, f.codedHeight]).toEqual([c.width, c.height]);
      expect(f.rotation).toBe(0); // "None has rotation metadata."
      expect(f.fps).toEqual(c.fps);
      expect(f.vfr).toBe(false);
      expect(f.frameCount).toBe(c.frames);
      expect(f.durationSeconds).toBeCloseTo((c.frames * c.fps.den) / c.fps.num, 6);
      expect(f.codec).toBe(c.codec);
      expect(f.pixelFormat).toBe(c.pix);
      expect(f.hasAudio).toBe(c.audio);
      expect(f.colorRange).toBe(c.range);
      expect(f.bitDepth).toBe(8);
      expect(f.pixelAspect).toEqual({ num: 1, den: 1 });
      expect(f.startTime).toBe(0);
      expect(f.reelName).toBeNull();
    });
  }

  it('reads the tmcd timecode of the clip that carries one', async () => {
    const f = await probeMedia(path.join(MEDIA, '12_dog_courtyard_static_cam.mp4'));
    expect(f.startTimecode).toBe('00:00:00:00');
    expect(f.colorSpace).toBe('bt709');
    const g = await probeMedia(path.join(MEDIA, '02_dashcam_highway.mp4'));
    expect(g.startTimecode).toBeNull();
  });

  it('the 59.94 iPhone clip (1/600 time base, avg_frame_rate 8000/133) is CFR 60000/1001', async () => {
    const f = await probeMedia(path.join(MEDIA, '10_cat_leash_portrait_60fps.mp4'));
    expect(f.fps).toEqual({ num: 60000, den: 1001 });
    expect(f.vfr).toBe(false);
    expect(f.colorPrimaries).toBe('bt709');
  });

  it('probes a normal clip well under a second (best of 3, other test files may load the CPU)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await probeMedia(path.join(MEDIA, '13_camel_static_cam.mp4'), { checkIntegrity: false });
      times.push(performance.now() - t0);
    }
    expect(Math.min(...times)).toBeLessThan(1000);
  });

  it('with the decode check (all 372 frames decoded) a normal clip still imports in under 2 s', async () => {
    // The check costs about one decode of the clip (docs/media.md, "What import checks").
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const f = await probeMedia(path.join(MEDIA, '13_camel_static_cam.mp4'));
      times.push(performance.now() - t0);
      expect(f.integrity).toEqual({ checked: 'frames', warnings: [] });
    }
    expect(Math.min(...times)).toBeLessThan(2000);
  });
});
