import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, chmod, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findMediaTools, MissingToolError } from '../../../src-main/media';

describe('finding ffmpeg and ffprobe', () => {
  it('finds the installed tools and caches the lookup', async () => {
    const a = await findMediaTools();
    expect(path.basename(a.ffmpeg)).toMatch(/^ffmpeg/);
    expect(path.basename(a.ffprobe)).toMatch(/^ffprobe/);
    expect(findMediaTools()).toBe(findMediaTools());
  });

  it('prefers RESHOOT_FFMPEG / RESHOOT_FFPROBE', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reshoot-tools-'));
    try {
      const ff = path.join(dir, 'my-ffmpeg');
      const fp = path.join(dir, 'my-ffprobe');
      for (const f of [ff, fp]) {
        await writeFile(f, '#!/bin/sh\n');
        await chmod(f, 0o755);
      }
      const t = await findMediaTools({
        env: { PATH: '', RESHOOT_FFMPEG: ff, RESHOOT_FFPROBE: fp },
        ffmpegStatic: null,
      });
      expect(t).toEqual({ ffmpeg: ff, ffprobe: fp, source: { ffmpeg: 'env', ffprobe: 'env' } });
      // ffmpeg-static's binary, with ffprobe from PATH when it has none beside it.
      const u = await findMediaTools({ env: { PATH: '/usr/bin:/bin' }, ffmpegStatic: ff });
      expect(u.ffmpeg).toBe(ff);
      expect(u.source).toEqual({ ffmpeg: 'ffmpeg-static', ffprobe: 'path' });
      await expect(
        findMediaTools({ env: { PATH: '', RESHOOT_FFMPEG: path.join(dir, 'nope') }, ffmpegStatic: null }),
      ).rejects.toThrow(/RESHOOT_FFMPEG is set to/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says exactly how to install ffmpeg when it is missing', async () => {
    const err = await findMediaTools({ env: { PATH: '' }, ffmpegStatic: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingToolError);
    const msg = (err as Error).message;
    expect(msg).toContain('sudo apt install ffmpeg');
    expect(msg).toContain('brew install ffmpeg');
    expect(msg).toContain('winget install Gyan.FFmpeg');
    expect(msg).toContain('RESHOOT_FFMPEG');
    expect(msg).toContain('RESHOOT_FFPROBE');
  });
});
