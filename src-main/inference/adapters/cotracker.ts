/**
 * Pre/post-processing for CoTracker3 (offline, single window), following the upstream predictor:
 * the clip is resized to the model resolution 384×512 (bilinear, align_corners=True) as float RGB 0..255
 * in [1, T, 3, H, W]; query points are scaled by (W_m − 1)/(W − 1), (H_m − 1)/(H − 1) and tracks scaled
 * back by the inverse; a point is visible where visibility × confidence > 0.6.
 *
 * Coordinates at this API are Reshoot's: pixels of the shot's frames with pixel centres at +0.5
 * (CoTracker's own have centres at integers; the adapter converts both ways).
 * Outputs are track-major (point n, frame t at n·T + t) as stored by the tracking cache.
 */
import { abortError, type InferenceBackend, type ProviderName } from '../types';
import { checkImage, resizeBilinear, toPlanar, type RgbImage } from './image';

export const COTRACKER3_ADAPTER = 'cotracker3';
export const COTRACKER3_IO = {
  video: 'video',
  queries: 'queries',
  tracks: 'tracks',
  visibility: 'visibility',
  confidence: 'confidence',
} as const;
export const COTRACKER3_SIZE = { width: 512, height: 384 } as const;
export const COTRACKER3_VISIBLE_THRESHOLD = 0.6;

export interface TrackQuery {
  /** Frame index (0-based, within the frames given) where the point is defined. */
  t: number;
  x: number;
  y: number;
}

export interface PointTracks {
  numFrames: number;
  numPoints: number;
  /** Track-major, n·T + t, pixel centres at +0.5. */
  x: Float32Array;
  y: Float32Array;
  visible: Uint8Array;
  visibility: Float32Array;
  confidence: Float32Array;
  provider: ProviderName;
}

export function preprocessCoTrackerVideo(frames: RgbImage[]): Float32Array {
  const { width: W, height: H } = COTRACKER3_SIZE;
  const per = 3 * H * W;
  const out = new Float32Array(frames.length * per);
  const first = frames[0]!;
  frames.forEach((f, i) => {
    checkImage(f, `tracker frame ${i}`);
    if (f.width !== first.width || f.height !== first.height) {
      throw new RangeError(
        `tracker frame ${i}: ${f.width}×${f.height}, expected ${first.width}×${first.height}`,
      );
    }
    resizeBilinear(toPlanar(f, 1), 3, f.height, f.width, H, W, true, out, i * per);
  });
  return out;
}

export async function runCoTracker3(
  backend: InferenceBackend,
  modelKey: string,
  frames: RgbImage[],
  queries: TrackQuery[],
  options: { signal?: AbortSignal } = {},
): Promise<PointTracks> {
  const first = frames[0];
  if (!first) throw new RangeError('tracker: no frames');
  if (!queries.length) throw new RangeError('tracker: no query points');
  if (options.signal?.aborted) throw abortError(options.signal);
  const T = frames.length;
  const N = queries.length;
  const { width: Wm, height: Hm } = COTRACKER3_SIZE;
  const sx = (Wm - 1) / Math.max(1, first.width - 1);
  const sy = (Hm - 1) / Math.max(1, first.height - 1);
  const q = new Float32Array(N * 3);
  queries.forEach((p, i) => {
    if (!Number.isInteger(p.t) || p.t < 0 || p.t >= T)
      throw new RangeError(`tracker: query ${i} at frame ${p.t}, outside 0…${T - 1}`);
    q[i * 3] = p.t;
    q[i * 3 + 1] = (p.x - 0.5) * sx;
    q[i * 3 + 2] = (p.y - 0.5) * sy;
  });
  const video = preprocessCoTrackerVideo(frames);
  const r = await backend.run(
    modelKey,
    {
      [COTRACKER3_IO.video]: { type: 'float32', dims: [1, T, 3, Hm, Wm], data: video },
      [COTRACKER3_IO.queries]: { type: 'float32', dims: [1, N, 3], data: q },
    },
    options.signal ? { signal: options.signal } : {},
  );
  const get = (name: string, n: number) => {
    const t = r.outputs[name];
    if (!t)
      throw new Error(`tracker: model output '${name}' missing (got ${Object.keys(r.outputs).join(', ')})`);
    if (t.data.length !== n)
      throw new RangeError(`tracker: output '${name}' has ${t.data.length} values, expected ${n}`);
    return t.data as Float32Array;
  };
  const tracks = get(COTRACKER3_IO.tracks, T * N * 2);
  const vis = get(COTRACKER3_IO.visibility, T * N);
  const conf = get(COTRACKER3_IO.confidence, T * N);
  const x = new Float32Array(T * N);
  const y = new Float32Array(T * N);
  const visibility = new Float32Array(T * N);
  const confidence = new Float32Array(T * N);
  const visible = new Uint8Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) {
      const src = t * N + n;
      const dst = n * T + t;
      x[dst] = tracks[src * 2]! / sx + 0.5;
      y[dst] = tracks[src * 2 + 1]! / sy + 0.5;
      visibility[dst] = vis[src]!;
      confidence[dst] = conf[src]!;
      visible[dst] = vis[src]! * conf[src]! > COTRACKER3_VISIBLE_THRESHOLD ? 1 : 0;
    }
  }
  return { numFrames: T, numPoints: N, x, y, visible, visibility, confidence, provider: r.provider };
}
