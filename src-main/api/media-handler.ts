import { closeSync, constants, createReadStream, fstatSync, openSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import {
  encodeCloud,
  encodeDepthFrame,
  encodeDepthStateFrame,
  encodeFrameBatch,
  encodeTrackWindow,
  parseMediaRoute,
} from '../../src-shared/api/media-routes';
import { readFile } from 'node:fs/promises';
import { decodeFloat16, float16FromBytesLE } from '../analysis/depth';
import { readPoints } from '../analysis/point-file';
import { readTrackFrameRange } from '../analysis/tracking';
import { decodeFrameBatch, decodeFrameImage } from '../media';
import type { AppCore } from './core';
import { toApiError } from './dispatch';
import { pairedWindow } from '../paths';
import { renderMedia } from './render-media';
import { shotMedia } from '../shots/shot-media';

/** Small LRU of encoded frames so scrubbing back and forth doesn't decode the same frame twice. */
class FrameCache {
  private readonly map = new Map<string, Uint8Array>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}
  get(key: string): Uint8Array | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: Uint8Array): void {
    if (this.map.has(key)) return;
    this.map.set(key, v);
    this.bytes += v.length;
    for (const [k, old] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= old.length;
    }
  }
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

export type MediaHandler = (request: Request, pathname: string) => Promise<Response>;

const CACHE_HEADERS = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };

/**
 * The real path of a project file the media route may serve: a regular file whose real path (symlinks
 * resolved) lies inside the project folder. Anything else — missing, a folder, a device, or a symlink
 * that leads out of the project — is `null`, so a link planted in `cache/` serves nothing.
 */
export function servableProjectFile(projectDir: string, file: string): string | null {
  try {
    const root = realpathSync(projectDir);
    const real = realpathSync(file);
    if (!real.startsWith(root + sep) || !statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

/** Opened without following a link at the last step: the file checked is the file read. */
const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

function fileResponse(projectDir: string, file: string, type: string, request: Request): Response {
  const path = servableProjectFile(projectDir, file);
  let fd: number;
  try {
    if (!path) throw new Error('not servable');
    fd = openSync(path, READ_NO_FOLLOW);
  } catch {
    return new Response('not made yet', { status: 404 });
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    return new Response('not made yet', { status: 404 });
  }
  const size = stat.size;
  const range = request.headers.get('range');
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
  if (m && (m[1] || m[2])) {
    let start = m[1] ? Number(m[1]) : size - Number(m[2]);
    let end = m[1] && m[2] ? Number(m[2]) : size - 1;
    start = Math.max(0, start);
    end = Math.min(size - 1, end);
    if (start > end) {
      closeSync(fd);
      return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
    }
    const stream = Readable.toWeb(createReadStream('', { fd, start, end })) as ReadableStream;
    return new Response(stream, {
      status: 206,
      headers: {
        ...CACHE_HEADERS,
        'Content-Type': type,
        'Content-Length': String(end - start + 1),
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Accept-Ranges': 'bytes',
      },
    });
  }
  const stream = Readable.toWeb(createReadStream('', { fd })) as ReadableStream;
  return new Response(stream, {
    headers: {
      ...CACHE_HEADERS,
      'Content-Type': type,
      'Content-Length': String(size),
      'Accept-Ranges': 'bytes',
    },
  });
}

/**
 * The one handler for bulk data, shared by Electron's `protocol.handle('reshoot-media', …)` and web
 * mode's `/media/`. `pathname` is the part after the base. Routes name shots by id only, so no path
 * from the UI ever reaches the file system; files served are the shot's own media or the project cache.
 */
export function createMediaHandler(core: AppCore): MediaHandler {
  const cache = new FrameCache(96 * 1024 * 1024);
  let cacheProject: string | null = null;
  return async (request, pathname) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('method not allowed', { status: 405 });
    const url = new URL(request.url);
    const route = parseMediaRoute(pathname, url.searchParams);
    if (!route) return new Response('no such media route', { status: 404 });
    const project = core.project;
    if (!project) return new Response('no project open', { status: 409 });
    if (cacheProject !== project.dir) {
      cache.clear();
      cacheProject = project.dir;
    }
    const shot = project.shots.get(route.shotId);
    if (!shot) return new Response('no such shot', { status: 404 });
    try {
      switch (route.kind) {
        case 'paired': {
          const path = project.targetPaths.get(route.pathId);
          if (!path || path.shotId !== shot.id) return new Response('no such target path', { status: 404 });
          try {
            const body = await pairedWindow(project, route.pathId, route.start, route.count);
            return new Response(body as Uint8Array<ArrayBuffer>, {
              headers: { ...CACHE_HEADERS, 'Content-Type': 'application/octet-stream' },
            });
          } catch (e) {
            const err = toApiError(e);
            if (err.code === 'not-found') return new Response(err.message, { status: 404 });
            throw e;
          }
        }
        case 'render-frame':
        case 'render-frames':
        case 'render-mask': {
          const answer = await renderMedia(project, shot, route, cache, servableProjectFile);
          if (answer.kind === 'missing') return new Response(answer.message, { status: 404 });
          if (answer.kind === 'file') return fileResponse(answer.root, answer.file, answer.type, request);
          return new Response(answer.body as Uint8Array<ArrayBuffer>, {
            headers: { ...CACHE_HEADERS, 'Content-Type': answer.type },
          });
        }
        case 'thumbnail':
          return fileResponse(project.dir, project.paths.thumbnail(shot.id), 'image/jpeg', request);
        case 'filmstrip':
          return fileResponse(project.dir, project.paths.filmstrip(shot.id), 'image/jpeg', request);
        case 'proxy':
          return fileResponse(project.dir, project.paths.proxy(shot.id), 'video/mp4', request);
        case 'depth': {
          const d = project.analysis.depth(shot.id);
          const file = servableProjectFile(project.dir, project.paths.depthFrame(shot.id, route.frame));
          if (!d || route.frame >= d.frames || !file) return new Response('no depth yet', { status: 404 });
          const depth = decodeFloat16(float16FromBytesLE(new Uint8Array(await readFile(file))));
          const body = encodeDepthFrame(
            { width: d.width, height: d.height, frame: route.frame, near: d.near, far: d.far },
            depth,
          );
          return new Response(body as Uint8Array<ArrayBuffer>, {
            headers: { ...CACHE_HEADERS, 'Content-Type': 'application/octet-stream' },
          });
        }
        case 'depth-state': {
          // 404 also for depth made before states were kept: the UI then reads the states off the depth.
          const d = project.analysis.depth(shot.id);
          const file = servableProjectFile(project.dir, project.paths.depthState(shot.id, route.frame));
          if (!d || route.frame >= d.frames || !file) return new Response('no depth state', { status: 404 });
          if (statSync(file).size !== d.width * d.height)
            return new Response('the depth state does not fit the depth', { status: 404 });
          const state = new Uint8Array(await readFile(file));
          const body = encodeDepthStateFrame({ width: d.width, height: d.height, frame: route.frame }, state);
          return new Response(body as Uint8Array<ArrayBuffer>, {
            headers: { ...CACHE_HEADERS, 'Content-Type': 'application/octet-stream' },
          });
        }
        case 'cloud': {
          const parts = await Promise.all(
            [project.paths.sparsePoints(shot.id), project.paths.densePoints(shot.id)].map((f) => {
              const real = servableProjectFile(project.dir, f);
              return real ? readPoints(real) : null;
            }),
          );
          const [sparse, dense] = parts;
          if (!sparse && !dense) return new Response('no point cloud yet', { status: 404 });
          const ns = sparse ? sparse.xyz.length / 3 : 0;
          const nd = dense ? dense.xyz.length / 3 : 0;
          const xyz = new Float32Array(3 * (ns + nd));
          const rgb = new Uint8Array(3 * (ns + nd));
          if (sparse) {
            xyz.set(sparse.xyz);
            rgb.set(sparse.rgb);
          }
          if (dense) {
            xyz.set(dense.xyz, 3 * ns);
            rgb.set(dense.rgb, 3 * ns);
          }
          return new Response(
            encodeCloud({ count: ns + nd, sparse: ns }, xyz, rgb) as Uint8Array<ArrayBuffer>,
            {
              headers: { ...CACHE_HEADERS, 'Content-Type': 'application/octet-stream' },
            },
          );
        }
        case 'tracks': {
          const rec = project.tracks.get(shot.id, route.method);
          if (!rec) return new Response('no tracks yet', { status: 404 });
          if (route.start >= rec.numFrames) return new Response('frame out of range', { status: 404 });
          const file = servableProjectFile(project.dir, join(project.dir, rec.file));
          if (!file) return new Response('no tracks yet', { status: 404 });
          const last = Math.min(rec.numFrames, route.start + route.count) - 1;
          const r = await readTrackFrameRange(file, route.start, last);
          const body = encodeTrackWindow({
            width: r.width,
            height: r.height,
            start: r.first,
            count: r.last - r.first + 1,
            trackIds: Array.from(r.trackIds),
            xy: r.xy,
            visible: r.visible,
            confidence: r.confidence,
          });
          return new Response(body as Uint8Array<ArrayBuffer>, {
            headers: { ...CACHE_HEADERS, 'Content-Type': 'application/octet-stream' },
          });
        }
        case 'frame': {
          if (route.frame >= shot.frameCount) return new Response('frame out of range', { status: 404 });
          const key = `${shot.id}:${shot.fingerprint}:${route.frame}:${route.width ?? 0}`;
          let jpeg = cache.get(key);
          if (!jpeg) {
            jpeg = await decodeFrameImage(shotMedia(project, shot), route.frame, {
              format: 'jpeg',
              ...(route.width ? { width: route.width } : {}),
            });
            cache.set(key, jpeg);
          }
          return new Response(jpeg as Uint8Array<ArrayBuffer>, {
            headers: { ...CACHE_HEADERS, 'Content-Type': 'image/jpeg' },
          });
        }
        case 'frames': {
          const start = route.start;
          if (start >= shot.frameCount) return new Response('frame out of range', { status: 404 });
          const count = Math.min(route.count, shot.frameCount - start);
          const keyOf = (i: number) => `${shot.id}:${shot.fingerprint}:${i}:${route.width ?? 0}`;
          let frames: { index: number; data: Uint8Array }[] = [];
          const all = Array.from({ length: count }, (_, k) => cache.get(keyOf(start + k)));
          if (all.every((f) => f)) {
            frames = all.map((data, k) => ({ index: start + k, data: data! }));
          } else {
            const decoded = await decodeFrameBatch(shotMedia(project, shot), start, count, {
              format: 'jpeg',
              ...(route.width ? { width: route.width } : {}),
            });
            frames = decoded.map((data, k) => ({ index: start + k, data }));
            for (const f of frames) cache.set(keyOf(f.index), f.data);
          }
          return new Response(encodeFrameBatch(start, frames) as Uint8Array<ArrayBuffer>, {
            headers: { ...CACHE_HEADERS, 'Content-Type': 'application/octet-stream' },
          });
        }
      }
    } catch (e) {
      const err = toApiError(e);
      return new Response(err.message, { status: err.code === 'media' ? 410 : 500 });
    }
  };
}
