/**
 * Bulk data is served by one media handler `(Request) => Promise<Response>`: Electron registers it for
 * the `reshoot-media:` scheme, web mode mounts it under `/media/`. The UI builds URLs only through these
 * functions and the handler parses them only through `parseMediaRoute`, so both sides agree.
 *
 * Routes never carry file paths: shots are named by id and the handler looks their files up itself.
 */
import { TRACK_METHODS, type TrackMethod } from './contract/analysis';

const isTrackMethod = (m: string | undefined): m is TrackMethod =>
  (TRACK_METHODS as readonly (string | undefined)[]).includes(m);

export type MediaRoute =
  | { kind: 'thumbnail'; shotId: number }
  | { kind: 'filmstrip'; shotId: number }
  | { kind: 'frame'; shotId: number; frame: number; width: number | null }
  | { kind: 'frames'; shotId: number; start: number; count: number; width: number | null }
  | { kind: 'proxy'; shotId: number }
  | { kind: 'tracks'; shotId: number; method: TrackMethod; start: number; count: number }
  | { kind: 'depth'; shotId: number; frame: number }
  | { kind: 'depth-state'; shotId: number; frame: number }
  | { kind: 'cloud'; shotId: number }
  | { kind: 'paired'; shotId: number; pathId: number; start: number; count: number }
  /** A rendered frame's colour as a JPEG (the render keeps 16-bit PNGs), by shot frame. */
  | { kind: 'render-frame'; shotId: number; renderId: number; frame: number; width: number | null }
  /** Rendered frames start…start+count−1 as a frame batch (playback); fewer when the render stops sooner. */
  | {
      kind: 'render-frames';
      shotId: number;
      renderId: number;
      start: number;
      count: number;
      width: number | null;
    }
  /** A rendered frame's mask PNG as the render wrote it (8-bit: 255 seen, 128 filled, 0 empty). */
  | { kind: 'render-mask'; shotId: number; renderId: number; frame: number };

export const MAX_BATCH_FRAMES = 48;
/** Frames of tracks per request: enough for trails around the playhead and prefetch. */
export const MAX_TRACK_FRAMES = 240;
export const MAX_FRAME_WIDTH = 8192;
/** Frames of paired tracks per request (the dual view asks for its playhead's stretch and trails). */
export const MAX_PAIRED_FRAMES = 96;

/** `base` is `reshoot-media://app` in Electron and `<origin>/media` in web mode. */
export function mediaUrl(base: string, route: MediaRoute, cacheKey?: string): string {
  const q = new URLSearchParams();
  let path: string;
  switch (route.kind) {
    case 'thumbnail':
      path = `thumbnail/${route.shotId}.jpg`;
      break;
    case 'filmstrip':
      path = `filmstrip/${route.shotId}.jpg`;
      break;
    case 'frame':
      path = `frame/${route.shotId}/${route.frame}.jpg`;
      if (route.width) q.set('w', String(route.width));
      break;
    case 'frames':
      path = `frames/${route.shotId}`;
      q.set('start', String(route.start));
      q.set('count', String(route.count));
      if (route.width) q.set('w', String(route.width));
      break;
    case 'proxy':
      path = `proxy/${route.shotId}.mp4`;
      break;
    case 'depth':
      path = `depth/${route.shotId}/${route.frame}.bin`;
      break;
    case 'depth-state':
      path = `depth/${route.shotId}/${route.frame}.state`;
      break;
    case 'cloud':
      path = `cloud/${route.shotId}.bin`;
      break;
    case 'paired':
      path = `paired/${route.shotId}/${route.pathId}`;
      q.set('start', String(route.start));
      q.set('count', String(route.count));
      break;
    case 'render-frame':
      path = `render/${route.shotId}/${route.renderId}/${route.frame}.jpg`;
      if (route.width) q.set('w', String(route.width));
      break;
    case 'render-frames':
      path = `render/${route.shotId}/${route.renderId}`;
      q.set('start', String(route.start));
      q.set('count', String(route.count));
      if (route.width) q.set('w', String(route.width));
      break;
    case 'render-mask':
      path = `render/${route.shotId}/${route.renderId}/${route.frame}.mask.png`;
      break;
    case 'tracks':
      path = `tracks/${route.shotId}/${route.method}`;
      q.set('start', String(route.start));
      q.set('count', String(route.count));
      break;
  }
  if (cacheKey) q.set('v', cacheKey);
  const qs = q.toString();
  return `${base.replace(/\/$/, '')}/${path}${qs ? `?${qs}` : ''}`;
}

function intParam(v: string | null | undefined, min: number, max: number): number | null {
  if (v == null || !/^\d{1,9}$/.test(v)) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

/**
 * Parses the part of a media URL after the base (e.g. `frame/3/100.jpg`) and its query.
 * Returns null for anything that is not exactly one of the routes: the handler answers 404.
 */
export function parseMediaRoute(pathname: string, search: URLSearchParams): MediaRoute | null {
  const parts = pathname.replace(/^\/+/, '').split('/');
  const [kind, a, b] = parts;
  const width = search.has('w') ? intParam(search.get('w'), 16, MAX_FRAME_WIDTH) : null;
  if (search.has('w') && width === null) return null;
  if (parts.length === 2 && (kind === 'thumbnail' || kind === 'filmstrip')) {
    const m = /^(\d{1,9})\.jpg$/.exec(a ?? '');
    const shotId = m ? intParam(m[1], 1, 1e9) : null;
    return shotId ? { kind, shotId } : null;
  }
  if (parts.length === 2 && kind === 'proxy') {
    const m = /^(\d{1,9})\.mp4$/.exec(a ?? '');
    const shotId = m ? intParam(m[1], 1, 1e9) : null;
    return shotId ? { kind, shotId } : null;
  }
  if (parts.length === 3 && kind === 'frame') {
    const shotId = intParam(a, 1, 1e9);
    const m = /^(\d{1,9})\.jpg$/.exec(b ?? '');
    const frame = m ? intParam(m[1], 0, 1e9) : null;
    return shotId && frame !== null ? { kind, shotId, frame, width } : null;
  }
  if (parts.length === 3 && kind === 'depth') {
    const shotId = intParam(a, 1, 1e9);
    const m = /^(\d{1,9})\.(bin|state)$/.exec(b ?? '');
    const frame = m ? intParam(m[1], 0, 1e9) : null;
    if (!shotId || frame === null) return null;
    return m![2] === 'state' ? { kind: 'depth-state', shotId, frame } : { kind, shotId, frame };
  }
  if (parts.length === 2 && kind === 'cloud') {
    const m = /^(\d{1,9})\.bin$/.exec(a ?? '');
    const shotId = m ? intParam(m[1], 1, 1e9) : null;
    return shotId ? { kind, shotId } : null;
  }
  if (parts.length === 3 && kind === 'tracks' && isTrackMethod(b)) {
    const shotId = intParam(a, 1, 1e9);
    const start = intParam(search.get('start'), 0, 1e9);
    const count = intParam(search.get('count'), 1, MAX_TRACK_FRAMES);
    return shotId && start !== null && count !== null ? { kind, shotId, method: b, start, count } : null;
  }
  if (parts.length === 3 && kind === 'paired') {
    const shotId = intParam(a, 1, 1e9);
    const pathId = intParam(b, 1, 1e9);
    const start = intParam(search.get('start'), 0, 1e9);
    const count = intParam(search.get('count'), 1, MAX_PAIRED_FRAMES);
    return shotId && pathId && start !== null && count !== null
      ? { kind, shotId, pathId, start, count }
      : null;
  }
  if (parts.length === 4 && kind === 'render') {
    const shotId = intParam(a, 1, 1e9);
    const renderId = intParam(b, 1, 1e9);
    const m = /^(\d{1,9})\.(jpg|mask\.png)$/.exec(parts[3] ?? '');
    const frame = m ? intParam(m[1], 0, 1e9) : null;
    if (!shotId || !renderId || frame === null) return null;
    if (m![2] === 'jpg') return { kind: 'render-frame', shotId, renderId, frame, width };
    return search.has('w') ? null : { kind: 'render-mask', shotId, renderId, frame };
  }
  if (parts.length === 3 && kind === 'render') {
    const shotId = intParam(a, 1, 1e9);
    const renderId = intParam(b, 1, 1e9);
    const start = intParam(search.get('start'), 0, 1e9);
    const count = intParam(search.get('count'), 1, MAX_BATCH_FRAMES);
    return shotId && renderId && start !== null && count !== null
      ? { kind: 'render-frames', shotId, renderId, start, count, width }
      : null;
  }
  if (parts.length === 2 && kind === 'frames') {
    const shotId = intParam(a, 1, 1e9);
    const start = intParam(search.get('start'), 0, 1e9);
    const count = intParam(search.get('count'), 1, MAX_BATCH_FRAMES);
    return shotId && start !== null && count !== null ? { kind, shotId, start, count, width } : null;
  }
  return null;
}

/**
 * A frame batch response body: a 4-byte little-endian header length, a JSON header
 * `{ start, frames: [{ index, offset, length }] }`, then the JPEG bytes.
 */
export interface FrameBatchHeader {
  start: number;
  frames: { index: number; offset: number; length: number }[];
}

export function decodeFrameBatch(buf: ArrayBuffer): { header: FrameBatchHeader; body: Uint8Array } {
  const view = new DataView(buf);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(
    new TextDecoder().decode(new Uint8Array(buf, 4, headerLength)),
  ) as FrameBatchHeader;
  return { header, body: new Uint8Array(buf, 4 + headerLength) };
}

export function encodeFrameBatch(start: number, frames: { index: number; data: Uint8Array }[]): Uint8Array {
  let offset = 0;
  const header: FrameBatchHeader = {
    start,
    frames: frames.map((f) => {
      const e = { index: f.index, offset, length: f.data.length };
      offset += f.data.length;
      return e;
    }),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + headerBytes.length + offset);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  let p = 4 + headerBytes.length;
  for (const f of frames) {
    out.set(f.data, p);
    p += f.data.length;
  }
  return out;
}

/**
 * A tracks response body (frames start…start+count−1 of the tracks visible there): a 4-byte LE header
 * length, a JSON header (padded with spaces so what follows is 4-byte aligned), then, each laid out per
 * returned track, `count` frames at a time: interleaved xy (float32 LE, full-resolution pixels, centres
 * at +0.5), visibility bytes (1 = observed), zero padding to a multiple of 4 bytes, and confidence
 * (float32 LE, 0…1, the tracker's own: 0 where not visible).
 */
export interface TrackWindowHeader {
  width: number;
  height: number;
  start: number;
  count: number;
  /** Track numbers (stable ids within the shot's track set: use them for colours). */
  trackIds: number[];
}

export interface TrackWindow extends TrackWindowHeader {
  xy: Float32Array;
  visible: Uint8Array;
  confidence: Float32Array;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export function encodeTrackWindow(w: TrackWindow): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      width: w.width,
      height: w.height,
      start: w.start,
      count: w.count,
      trackIds: w.trackIds,
    }),
  );
  const n = w.trackIds.length * w.count;
  if (w.xy.length !== 2 * n || w.visible.length !== n || w.confidence.length !== n)
    throw new RangeError(`Track window arrays do not match ${w.trackIds.length} tracks × ${w.count} frames`);
  // The float blocks start 4-byte aligned so a reader can view them without copying.
  const pad = pad4(4 + header.length);
  const visPad = pad4(n);
  const out = new Uint8Array(4 + header.length + pad + 8 * n + n + visPad + 4 * n);
  new DataView(out.buffer).setUint32(0, header.length + pad, true);
  out.set(header, 4);
  out.fill(0x20, 4 + header.length, 4 + header.length + pad);
  let p = 4 + header.length + pad;
  out.set(new Uint8Array(w.xy.buffer, w.xy.byteOffset, w.xy.byteLength), p);
  p += w.xy.byteLength;
  out.set(w.visible, p);
  p += n + visPad;
  out.set(new Uint8Array(w.confidence.buffer, w.confidence.byteOffset, w.confidence.byteLength), p);
  return out;
}

export function decodeTrackWindow(buf: ArrayBuffer): TrackWindow {
  const headerLength = new DataView(buf).getUint32(0, true);
  const header = JSON.parse(
    new TextDecoder().decode(new Uint8Array(buf, 4, headerLength)),
  ) as TrackWindowHeader;
  const n = header.trackIds.length * header.count;
  const xyOffset = 4 + headerLength;
  const confidenceOffset = xyOffset + 9 * n + pad4(n);
  if (buf.byteLength < confidenceOffset + 4 * n)
    throw new RangeError(`A track window of ${n} samples is truncated (${buf.byteLength} bytes)`);
  return {
    ...header,
    xy: new Float32Array(buf.slice(xyOffset, xyOffset + 8 * n)),
    visible: new Uint8Array(buf, xyOffset + 8 * n, n),
    confidence: new Float32Array(buf.slice(confidenceOffset, confidenceOffset + 4 * n)),
  };
}

/**
 * A depth frame (route 'depth'): 4-byte LE header length, JSON header, then width·height float32 LE
 * planar z in the shot's gauge (0 = invalid), row-major, top row first.
 */
export interface DepthFrameHeader {
  width: number;
  height: number;
  frame: number;
  near: number;
  far: number;
}

/**
 * What each pixel of a depth frame is (route 'depth-state'): 4-byte LE header length, JSON header, then
 * width·height state bytes on the depth frame's grid (src-shared/depth-layout.ts: DepthState in the low
 * 2 bits, confidence in the high 6). Answered 404 for depth made before Reshoot kept states: read the
 * depth then (depthStatesFromDepth).
 */
export interface DepthStateFrameHeader {
  width: number;
  height: number;
  frame: number;
}

/**
 * A point cloud (route 'cloud'): 4-byte LE header length, JSON header { count, sparse }, then count·3
 * float32 LE xyz (world, OpenCV axes), then count·3 uint8 RGB.
 */
export interface CloudHeader {
  count: number;
  /** How many of the points (the first ones) are the solver's sparse points; the rest come from depth. */
  sparse: number;
}

function withHeader(header: object, payloads: ArrayBufferView[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((4 + json.length) % 4)) % 4;
  const total = payloads.reduce((n, p) => n + p.byteLength, 4 + json.length + pad);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, json.length + pad, true);
  out.set(json, 4);
  out.fill(0x20, 4 + json.length, 4 + json.length + pad);
  let p = 4 + json.length + pad;
  for (const v of payloads) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), p);
    p += v.byteLength;
  }
  return out;
}

function readHeader<H>(buf: ArrayBuffer): { header: H; offset: number } {
  const n = new DataView(buf).getUint32(0, true);
  return { header: JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n))) as H, offset: 4 + n };
}

export function encodeDepthFrame(h: DepthFrameHeader, depth: Float32Array): Uint8Array {
  return withHeader(h, [depth]);
}

export function decodeDepthFrame(buf: ArrayBuffer): DepthFrameHeader & { depth: Float32Array } {
  const { header, offset } = readHeader<DepthFrameHeader>(buf);
  return { ...header, depth: new Float32Array(buf.slice(offset, offset + 4 * header.width * header.height)) };
}

export function encodeDepthStateFrame(h: DepthStateFrameHeader, state: Uint8Array): Uint8Array {
  return withHeader(h, [state]);
}

export function decodeDepthStateFrame(buf: ArrayBuffer): DepthStateFrameHeader & { state: Uint8Array } {
  const { header, offset } = readHeader<DepthStateFrameHeader>(buf);
  const n = header.width * header.height;
  if (buf.byteLength < offset + n)
    throw new RangeError(`A depth state frame of ${n} pixels is truncated (${buf.byteLength} bytes)`);
  return { ...header, state: new Uint8Array(buf, offset, n) };
}

export function encodeCloud(h: CloudHeader, xyz: Float32Array, rgb: Uint8Array): Uint8Array {
  return withHeader(h, [xyz, rgb]);
}

export function decodeCloud(buf: ArrayBuffer): CloudHeader & { xyz: Float32Array; rgb: Uint8Array } {
  const { header, offset } = readHeader<CloudHeader>(buf);
  const xyzBytes = 12 * header.count;
  return {
    ...header,
    xyz: new Float32Array(buf.slice(offset, offset + xyzBytes)),
    rgb: new Uint8Array(buf, offset + xyzBytes, 3 * header.count),
  };
}

/**
 * Paired tracks of a target path (route 'paired', SPEC §4 Track2View) for a stretch of frames: 4-byte LE
 * header length, JSON header (padded to 4 bytes), then FRAME-MAJOR blocks over the tracks that have a 3D
 * position somewhere in the stretch (`trackIds`, indices into the shot's tracks): source xy float32 ×2,
 * target xy float32 ×2 (pixels of the shot's frame; NaN where not projected), flags uint8
 * (geometry/paired-tracks.ts TRACK_FLAGS: visible in the target when all four bits are set).
 */
export interface PairedWindow {
  width: number;
  height: number;
  start: number;
  count: number;
  trackIds: number[];
  /** Per track of trackIds, 1 when it moves in the world (a subject, not the scene). */
  dynamic: number[];
  sourceXY: Float32Array;
  targetXY: Float32Array;
  flags: Uint8Array;
}

export function encodePairedWindow(w: PairedWindow): Uint8Array {
  const { sourceXY, targetXY, flags, ...head } = w;
  const header = new TextEncoder().encode(JSON.stringify(head));
  const n = w.trackIds.length * w.count;
  if (
    sourceXY.length !== 2 * n ||
    targetXY.length !== 2 * n ||
    flags.length !== n ||
    w.dynamic.length !== w.trackIds.length
  )
    throw new RangeError(`Paired window arrays do not match ${w.trackIds.length} tracks × ${w.count} frames`);
  const pad = pad4(4 + header.length);
  const out = new Uint8Array(4 + header.length + pad + 16 * n + n);
  new DataView(out.buffer).setUint32(0, header.length + pad, true);
  out.set(header, 4);
  out.fill(0x20, 4 + header.length, 4 + header.length + pad);
  let p = 4 + header.length + pad;
  out.set(new Uint8Array(sourceXY.buffer, sourceXY.byteOffset, sourceXY.byteLength), p);
  p += 8 * n;
  out.set(new Uint8Array(targetXY.buffer, targetXY.byteOffset, targetXY.byteLength), p);
  p += 8 * n;
  out.set(flags, p);
  return out;
}

export function decodePairedWindow(buf: ArrayBuffer): PairedWindow {
  const headerLength = new DataView(buf).getUint32(0, true);
  const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLength))) as Omit<
    PairedWindow,
    'sourceXY' | 'targetXY' | 'flags'
  >;
  const n = head.trackIds.length * head.count;
  const o = 4 + headerLength;
  if (buf.byteLength < o + 17 * n)
    throw new RangeError(`A paired-tracks window of ${n} samples is truncated (${buf.byteLength} bytes)`);
  return {
    ...head,
    sourceXY: new Float32Array(buf, o, 2 * n),
    targetXY: new Float32Array(buf, o + 8 * n, 2 * n),
    flags: new Uint8Array(buf, o + 16 * n, n),
  };
}
