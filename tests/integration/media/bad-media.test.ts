/**
 * Bad media caught where it comes in: import (probeMedia) refuses sequences with a bad frame and videos
 * with frames that cannot be decoded, warns about frames that decode with errors; and every decode that
 * meets a damaged frame fails naming it instead of taking the next frame for it.
 */
import { copyFile, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MediaError,
  decodeFrameBatch,
  decodeFrames,
  encodeProxySegment,
  findMediaTools,
  probeMedia,
  type MediaFacts,
} from '../../../src-main/media';
import { checkVideoDecode } from '../../../src-main/media/decode-check';
import {
  makeClip,
  makeSequence,
  makeTempDir,
  overwriteWithNoise,
  videoPackets,
  type PacketInfo,
} from '../../helpers/media-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(input: string): Promise<MediaError> {
  const e = await probeMedia(input).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, `${input} should be refused`).toBeInstanceOf(MediaError);
  return e as MediaError;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Rewrites a PNG's IHDR size, with a checksum that matches (a forged header, not a damaged one). */
async function forgePngSize(file: string, width: number, height: number): Promise<void> {
  const data = await readFile(file);
  data.writeUInt32BE(width, 16);
  data.writeUInt32BE(height, 20);
  data.writeUInt32BE(crc32(data.subarray(12, 29)), 29);
  await writeFile(file, data);
}

/** A 96-frame 320×180 H.264 clip with 4 KiB of noise written over the middle of the file. */
async function damagedClip(name: string): Promise<{ file: string; hit: PacketInfo[] }> {
  const file = await makeClip(dir, { name, frames: 96, width: 320, height: 180, pattern: 'testsrc' });
  const size = (await stat(file)).size;
  const at = Math.floor(size / 2);
  const hit = (await videoPackets(file)).filter((p) => p.pos < at + 4096 && p.pos + p.size > at);
  expect(hit.length).toBeGreaterThan(0);
  await overwriteWithNoise(file, at, 4096, 7);
  return { file, hit };
}

describe('import checks every frame header of an image sequence', () => {
  it.each(['png', 'jpg', 'tif', 'exr', 'dpx'] as const)('a good %s sequence imports', async (ext) => {
    const d = path.join(dir, `good-${ext}`);
    await makeSequence(d, { ext, frames: 8 });
    const f = await probeMedia(d);
    expect(f).toMatchObject({ kind: 'sequence', width: 160, height: 90, frameCount: 8 });
    expect(f.integrity).toEqual({ checked: 'headers', warnings: [] });
  });

  it('a truncated PNG frame: the frame, its file and "no IEND"', async () => {
    const d = path.join(dir, 'trunc-png');
    const files = await makeSequence(d, { frames: 10 });
    await truncate(files[4]!, Math.floor((await stat(files[4]!)).size / 2));
    const e = await refusal(files[0]!);
    expect(e.code).toBe('bad-sequence');
    expect(e.message).toContain(files[0]!);
    expect(e.message).toMatch(/frame 5 \(plate\.0005\.png\): truncated: no IEND chunk at its end/);
  });

  it('one frame of another size: "frame 7 (…): 160×100, the others are 160×90"', async () => {
    const d = path.join(dir, 'odd-size');
    const files = await makeSequence(d, { frames: 10 });
    const other = await makeSequence(path.join(dir, 'odd-size-src'), { frames: 1, height: 100 });
    await copyFile(other[0]!, files[6]!);
    const e = await refusal(d);
    expect(e.code).toBe('bad-sequence');
    expect(e.message).toContain(d);
    expect(e.message).toMatch(/frame 7 \(plate\.0007\.png\): 160×100, the others are 160×90/);
  });

  it('a PNG whose header claims 16000×16000: named, and over the size limit', async () => {
    const d = path.join(dir, 'forged');
    const files = await makeSequence(d, { frames: 6 });
    await forgePngSize(files[2]!, 16000, 16000);
    const e = await refusal(d);
    expect(e.code).toBe('bad-sequence');
    expect(e.message).toMatch(
      /frame 3 \(plate\.0003\.png\): 16000×16000, larger than Reshoot takes \(at most 16384 pixels a side and 134,217,728 pixels in all/,
    );
    // Every frame claiming it: the sequence itself is too large.
    for (const f of files) await forgePngSize(f, 16000, 16000);
    const all = await refusal(d);
    expect(all.code).toBe('too-large');
    expect(all.message).toMatch(/16000×16000, larger than Reshoot takes/);
  });

  it('a JPEG frame without its EOI marker', async () => {
    const d = path.join(dir, 'no-eoi');
    const files = await makeSequence(d, { ext: 'jpg', frames: 6 });
    const f = files[3]!;
    await truncate(f, (await stat(f)).size - 2);
    const e = await refusal(d);
    expect(e.message).toMatch(/frame 4 \(plate\.0004\.jpg\): truncated: no end-of-image \(EOI\) marker/);
  });

  it.each(['tif', 'exr', 'dpx'] as const)('a cut-short %s frame is truncated', async (ext) => {
    const d = path.join(dir, `cut-${ext}`);
    const files = await makeSequence(d, { ext, frames: 6 });
    await truncate(files[1]!, Math.floor((await stat(files[1]!)).size * 0.6));
    const e = await refusal(d);
    expect(e.message).toMatch(new RegExp(`frame 2 \\(plate\\.0002\\.${ext}\\): truncated`));
  });

  it('several bad frames: the first, then the others by number', async () => {
    const d = path.join(dir, 'many-bad');
    const files = await makeSequence(d, { frames: 12 });
    for (const i of [2, 5, 9]) await truncate(files[i]!, 100);
    const e = await refusal(d);
    expect(e.message).toMatch(
      /frame 3 \(plate\.0003\.png\): truncated: no IEND chunk at its end; 2 more bad frames: 6 \(plate\.0006\.png\), 10 \(plate\.0010\.png\)/,
    );
  });
});

describe('import decodes a video: frames missing are refused, frames with errors are flagged', () => {
  it('an MP4 with noise over its middle is refused, naming the frames that cannot be decoded', async () => {
    const { file, hit } = await damagedClip('noise.mp4');
    const e = await refusal(file);
    expect(e.code).toBe('damaged');
    expect(e.message).toContain(file);
    const m = /frames? (\d+)(?:–(\d+))? \(at (\d+\.\d+) s\)[^:]*: the video data there is damaged/.exec(
      e.message,
    );
    expect(m, e.message).not.toBeNull();
    // The first frame named is one whose data the noise overwrote, at its time.
    const first = Number(m![1]);
    const frame = hit.find((p) => p.frame === first);
    expect(frame, `frame ${first} is not one of ${hit.map((p) => p.frame).join(', ')}`).toBeDefined();
    expect(Number(m![3])).toBeCloseTo(frame!.time, 2);
  });

  it('frames that decode with errors are imported with a warning naming each', async () => {
    const base = await makeClip(dir, {
      name: 'conceal-src.mp4',
      frames: 96,
      width: 320,
      height: 180,
      pattern: 'testsrc',
    });
    const candidates = (await videoPackets(base)).filter(
      (p) => !p.key && p.frame >= 30 && p.frame <= 70 && p.size >= 800,
    );
    let warned = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const p = candidates[seed % candidates.length]!;
      const file = path.join(dir, `conceal-${seed}.mp4`);
      await copyFile(base, file);
      await overwriteWithNoise(file, p.pos + 64, 256, seed);
      const f = await probeMedia(file).catch((e: unknown) => e as MediaError);
      if (f instanceof MediaError) {
        // The noise can also make the decoder drop the frame: then it is refused, named.
        expect(f.message).toMatch(new RegExp(`frames? ${p.frame}\\b`));
        continue;
      }
      expect(f.frameCount).toBe(96);
      expect(f.integrity?.checked).toBe('frames');
      // Some noise the decoder cannot notice at all (nothing to flag then).
      if (f.integrity!.warnings.length === 0) continue;
      warned++;
      expect(f.integrity!.warnings[0]).toMatch(
        new RegExp(
          `^frame ${p.frame} \\(at ${p.time.toFixed(3)} s\\) decodes with errors, parts of its picture may be wrong \\(h264: `,
        ),
      );
    }
    expect(warned).toBeGreaterThan(0);
  });

  it('a long video is checked in spans; damage inside one is found, and a time limit never refuses', async () => {
    const file = await makeClip(dir, {
      name: 'long.mp4',
      frames: 480,
      width: 320,
      height: 180,
      pattern: 'testsrc',
    });
    const packets = await videoPackets(file);
    // Spans of 2 s from 0 to 20 s: the third starts at 18/7·2 ≈ 5.14 s.
    const p = packets.find((q) => q.time >= 5.5 && q.time < 6 && q.size > 200)!;
    await overwriteWithNoise(file, p.pos + 4, p.size - 4, 3);
    const tools = await findMediaTools();
    const input = {
      path: file,
      streamIndex: 0,
      timeBase: 1 / 12288,
      width: 320,
      height: 180,
      durationSeconds: 20,
      frameCount: 480,
      startSeconds: 0,
    };
    const r = await checkVideoDecode(tools, input, { fullCheckPixels: 1 });
    expect(r.coverage).toBe('sampled');
    const found = [...r.missing, ...r.damaged.map((d) => d.time)];
    expect(
      found.some((t) => Math.abs(t - p.time) < 1e-3),
      `${p.time} not in ${found.join(', ')}`,
    ).toBe(true);
    const hurried = await checkVideoDecode(tools, input, { timeLimitMs: 1 });
    expect(['partial', 'none']).toContain(hurried.coverage);
    expect(hurried.missing).toEqual([]);
  });
});

describe('decoding a damaged file fails at the right frame', () => {
  let facts: MediaFacts;
  let firstBad: number;
  beforeAll(async () => {
    const { file } = await damagedClip('noise-decode.mp4');
    // As a shot imported before the check existed (or damaged since) would have it.
    facts = await probeMedia(file, { checkIntegrity: false });
    const e = await refusal(file);
    firstBad = Number(/frames? (\d+)/.exec(e.message)![1]);
  });

  it('decodeFrames stops before the frame the decoder skipped and names it', async () => {
    const start = Math.max(0, firstBad - 6);
    const got: number[] = [];
    let err: unknown = null;
    try {
      for await (const f of decodeFrames(facts, { start, count: 24, pixelFormat: 'gray' })) got.push(f.index);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MediaError);
    expect((err as Error).message).toMatch(
      new RegExp(`frames? ${firstBad}(–\\d+)? \\(at [\\d.]+ s\\) could not be decoded`),
    );
    // Every frame handed out was the one it claims to be: none from after the gap.
    expect(got).toEqual(Array.from({ length: firstBad - start }, (_, i) => start + i));
  });

  it('a JPEG batch across the damage fails naming the frame', async () => {
    await expect(decodeFrameBatch(facts, Math.max(0, firstBad - 2), 6, { format: 'jpeg' })).rejects.toThrow(
      new RegExp(`frames? ${firstBad}\\b`),
    );
  });

  it('a proxy segment across the damage fails naming the frames instead of coming out short', async () => {
    const out = path.join(dir, 'seg.mp4');
    await expect(
      encodeProxySegment(facts, { start: 48 * Math.floor(firstBad / 48), count: 48, outPath: out }),
    ).rejects.toThrow(new RegExp(`the proxy of frames \\d+…\\d+: frames? ${firstBad}\\b`));
    await expect(stat(out)).rejects.toThrow();
  });

  it('a sequence frame that no longer decodes is named with its file', async () => {
    const d = path.join(dir, 'later-damage');
    const files = await makeSequence(d, { frames: 10 });
    const seq = await probeMedia(d);
    await truncate(files[4]!, 200);
    await expect(
      (async () => {
        for await (const f of decodeFrames(seq, { start: 2, count: 6, pixelFormat: 'gray' })) void f;
      })(),
    ).rejects.toThrow(/frame 4 \(plate\.0005\.png\) could not be decoded/);
  });
});
