import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFilmstrip, writeThumbnail } from '../media';
import { shotMedia } from './shot-media';
import type { JobKind } from '../jobs/kinds';

export const THUMBNAIL_WIDTH = 320;
export const FILMSTRIP_FRAMES = 12;
export const FILMSTRIP_HEIGHT = 72;

/** Thumbnail for the bin and a filmstrip for the viewer: two chunks, committed one by one. */
export const thumbnailsJob: JobKind = {
  type: 'thumbnails',
  plan() {
    return [
      { index: 0, start: 0, count: 1 },
      { index: 1, start: 0, count: FILMSTRIP_FRAMES },
    ];
  },
  async runChunk({ project, shot, chunk }) {
    const media = shotMedia(project, shot);
    if (chunk.index === 0) {
      const out = project.paths.thumbnail(shot.id);
      mkdirSync(dirname(out), { recursive: true });
      await writeThumbnail(media, out, { width: THUMBNAIL_WIDTH });
      return out;
    }
    const out = project.paths.filmstrip(shot.id);
    mkdirSync(dirname(out), { recursive: true });
    await writeFilmstrip(media, out, {
      frames: Math.min(FILMSTRIP_FRAMES, shot.frameCount),
      height: FILMSTRIP_HEIGHT,
    });
    return out;
  },
  async finish() {
    // Both files are written atomically by their chunks; nothing to join.
  },
};
