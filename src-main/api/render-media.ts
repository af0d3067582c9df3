/**
 * The media routes of a render version (src-main/render): a rendered frame's colour as an 8-bit JPEG
 * (the render keeps 16-bit PNGs, which a browser shows at 8 bits anyway and decodes slowly), a run of
 * them for playback from one ffmpeg run, and a frame's mask PNG as the render wrote it. Only files in
 * that render's own folder are served, and only frames it has finished (the colour file is written last).
 */
import { statSync } from 'node:fs';
import { encodeFrameBatch, type MediaRoute } from '../../src-shared/api/media-routes';
import { decodeFrameBatch, decodeFrameImage, type MediaFacts } from '../media';
import { ffmpegSequencePattern } from '../media/sequence';
import { frameFiles, renderDir } from '../render';
import type { Project, ShotRecord } from '../store';

type RenderRoute = Extract<MediaRoute, { kind: 'render-frame' | 'render-frames' | 'render-mask' }>;

/** What to answer: a file (served with ranges), bytes, or 404 with a reason. */
export type RenderMediaAnswer =
  | { kind: 'file'; root: string; file: string; type: string }
  | { kind: 'bytes'; body: Uint8Array; type: string }
  | { kind: 'missing'; message: string };

/** Encoded frames kept between requests (the handler's LRU). */
export interface EncodedCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
}

/** JPEG quality for rendered frames: a plate is judged on them, next to the source frames. */
const RENDER_JPEG_QUALITY = 90;

/**
 * The render's colour files as the image sequence they are: `frame_0001.png` is shot frame 0
 * (render-files.ts), so sequence index i is shot frame i; the size is the shot's.
 */
export function renderSequenceFacts(dir: string, shot: ShotRecord): MediaFacts {
  const first = frameFiles(dir, 0).colour;
  return {
    ...shot.facts,
    kind: 'sequence',
    path: first,
    sequence: {
      dir,
      prefix: 'frame_',
      suffix: '.png',
      padding: 4,
      startNumber: 1,
      count: shot.frameCount,
      ffmpegPattern: ffmpegSequencePattern(dir, 'frame_', 4, '.png'),
    },
    container: 'image2',
    codec: 'png',
    width: shot.width,
    height: shot.height,
    codedWidth: shot.width,
    codedHeight: shot.height,
    rotation: 0,
    fps: { num: shot.fpsNum, den: shot.fpsDen },
    vfr: false,
    frameCount: shot.frameCount,
    startTime: 0,
  };
}

/** `file`'s identity for caching (size and time written), or null when it is not a regular file. */
function stamp(file: string): string | null {
  try {
    const st = statSync(file);
    return st.isFile() ? `${st.size}:${st.mtimeMs}` : null;
  } catch {
    return null;
  }
}

export async function renderMedia(
  project: Project,
  shot: ShotRecord,
  route: RenderRoute,
  cache: EncodedCache,
  /** The real path of `file` when it is a regular file inside `root` (media-handler.ts). */
  servable: (root: string, file: string) => string | null,
): Promise<RenderMediaAnswer> {
  const r = project.renders.get(route.renderId);
  if (!r || r.shotId !== shot.id) return { kind: 'missing', message: 'no such render' };
  const dir = renderDir(project, shot.id, r.pathId, r.version);
  // inside the render's folder, and that folder inside the project (no link leads out of either)
  const inRender = (file: string) => (servable(project.dir, file) ? servable(dir, file) : null);
  const start = route.kind === 'render-frames' ? route.start : route.frame;
  if (start < r.firstFrame || start > r.lastFrame || start >= shot.frameCount)
    return { kind: 'missing', message: `frame ${start} is not in render ${r.version}` };
  // The run of finished frames from `start` (a batch stops at the first one not rendered yet).
  const want = route.kind === 'render-frames' ? Math.min(route.count, r.lastFrame - start + 1) : 1;
  const stamps: string[] = [];
  for (let f = start; f < start + want; f++) {
    const colour = inRender(frameFiles(dir, f).colour);
    const s = colour && stamp(colour);
    if (!s) break;
    stamps.push(s);
  }
  if (stamps.length === 0) return { kind: 'missing', message: `frame ${start} is not rendered yet` };
  if (route.kind === 'render-mask') {
    const mask = frameFiles(dir, start).mask;
    return inRender(mask)
      ? { kind: 'file', root: dir, file: mask, type: 'image/png' }
      : { kind: 'missing', message: `frame ${start} has no mask` };
  }

  const width = route.width ?? 0;
  const keyOf = (k: number) => `render:${r.id}:${start + k}:${width}:${stamps[k]}`;
  const cached = stamps.map((_, k) => cache.get(keyOf(k)));
  let images: Uint8Array[];
  if (cached.every((c) => c !== undefined)) images = cached as Uint8Array[];
  else {
    const facts = renderSequenceFacts(dir, shot);
    const options = {
      format: 'jpeg' as const,
      quality: RENDER_JPEG_QUALITY,
      ...(route.width ? { width: route.width } : {}),
    };
    images =
      route.kind === 'render-frame'
        ? [await decodeFrameImage(facts, start, options)]
        : await decodeFrameBatch(facts, start, stamps.length, options);
    images.forEach((img, k) => cache.set(keyOf(k), img));
  }
  if (route.kind === 'render-frame') return { kind: 'bytes', body: images[0]!, type: 'image/jpeg' };
  return {
    kind: 'bytes',
    body: encodeFrameBatch(
      start,
      images.map((data, k) => ({ index: start + k, data })),
    ),
    type: 'application/octet-stream',
  };
}
