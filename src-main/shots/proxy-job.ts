import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { concatProxySegments, encodeProxySegment } from '../media';
import { shotMedia } from './shot-media';
import type { ChunkPlan, JobKind } from '../jobs/kinds';

/** Frames per committed segment: small enough that a crash loses little, big enough to encode well. */
export const PROXY_CHUNK_FRAMES = 48;
export const PROXY_MAX_WIDTH = 960;

/**
 * Proxy: an H.264 review copy at up to 960 px wide, encoded in segments of PROXY_CHUNK_FRAMES frames.
 * Each finished segment is committed; a resumed job encodes only the missing ones, then joins them.
 */
export const proxyJob: JobKind = {
  type: 'proxy',
  plan(shot) {
    const chunks: ChunkPlan[] = [];
    for (let start = 0, i = 0; start < shot.frameCount; start += PROXY_CHUNK_FRAMES, i++) {
      chunks.push({ index: i, start, count: Math.min(PROXY_CHUNK_FRAMES, shot.frameCount - start) });
    }
    return chunks;
  },
  async runChunk({ project, shot, chunk, signal, onFrames }) {
    const dir = project.paths.proxySegments(shot.id);
    mkdirSync(dir, { recursive: true });
    // encodeProxySegment writes to a temp file and renames it in, so a segment on disk is complete.
    const out = join(dir, `segment_${String(chunk.index).padStart(5, '0')}.mp4`);
    try {
      // Checks the segment holds exactly frames start…start+count−1 (or fails naming the frames missing).
      await encodeProxySegment(shotMedia(project, shot), {
        start: chunk.start,
        count: chunk.count,
        outPath: out,
        maxWidth: PROXY_MAX_WIDTH,
        signal,
        onProgress: (p) => onFrames(p.framesDone),
      });
    } catch (e) {
      if (signal.aborted || !(e instanceof Error)) throw e;
      throw new Error(`proxy segment ${chunk.index}: ${e.message}`, { cause: e });
    }
    return out;
  },
  async finish({ project, shot, chunks }) {
    const segments = chunks.map((c) => c.output);
    const missing = segments.findIndex((s) => !s || !existsSync(s));
    if (missing >= 0) {
      throw new Error(
        `proxy segment ${missing} is missing from the cache; resume the job to encode it again`,
      );
    }
    const out = project.paths.proxy(shot.id);
    mkdirSync(join(out, '..'), { recursive: true });
    // The joined proxy must hold every frame of the shot, or the job fails instead of reporting done.
    await concatProxySegments(segments as string[], out, { expectedFrames: shot.frameCount });
    rmSync(project.paths.proxySegments(shot.id), { recursive: true, force: true });
  },
};
