/**
 * "Verify render" worker: decodes a rendered plate and its mask (image sequences, through the media
 * module), tracks the plate with KLT (holes filled first, observations in holes dropped: verify-track.ts)
 * and solves its camera with the shot analysis' own solve, with the path's focal. Protocol:
 * src-main/render/verify-protocol.ts.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { solveCamera } from '../analysis/camera';
import { grayFrames, KltTracker, lumaFrames } from '../analysis/tracking';
import type { VerifyWorkerMessage, VerifyWorkerRequest } from './verify-protocol';
import {
  cutTracks,
  depthGridSize,
  fillNotSeen,
  MAX_NOT_SEEN,
  normaliseFocal,
  notSeenAround,
  notSeenBlocks,
  pairedDepths,
} from './verify-track';

const port = parentPort;
if (!port) throw new Error('verify.worker: must be started as a worker thread');
const post = (m: VerifyWorkerMessage) => port.postMessage(m);
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') process.exit(0);
});

/** Rendered depth within this (relative) of its neighbours' counts as one surface. */
const EDGE_TOLERANCE = 0.05;
/** Share of the progress the tracking takes (the solve the rest). */
const TRACK_SHARE = 0.6;

async function main(): Promise<void> {
  const req = workerData as VerifyWorkerRequest;
  const t0 = performance.now();
  const { width: W, height: H } = req;
  const T = req.colour.frameCount;
  if (req.mask.frameCount !== T)
    throw new Error(`the render has ${T} frames but ${req.mask.frameCount} masks`);
  const tracker = new KltTracker(W, H);
  const maps: ReturnType<typeof notSeenBlocks>[] = [];
  const masks = lumaFrames(req.mask, { width: W, height: H })[Symbol.asyncIterator]();
  let last = 0;
  for await (const f of grayFrames(req.colour, { width: W, height: H })) {
    const m = await masks.next();
    if (m.done) throw new Error(`the mask of frame ${f.index} did not decode`);
    const mask = m.value.luma;
    fillNotSeen(f.image, mask);
    maps.push(notSeenBlocks(mask, W, H));
    tracker.push(f.image);
    const now = performance.now();
    if (now - last > 200) {
      last = now;
      post({ type: 'progress', fraction: (TRACK_SHARE * (f.index + 1)) / T });
    }
  }
  if (maps.length !== T) throw new Error(`${maps.length} of the render's ${T} frames decoded`);
  const cut = cutTracks(tracker.result(), (t, x, y) => notSeenAround(maps[t]!, x, y) > MAX_NOT_SEEN);
  const f0 = Math.min(...req.focalPx);
  const xy = cut.set.xy.slice();
  normaliseFocal(cut.set, req.focalPx, req.aspect, req.cx, req.cy, f0);
  const solve = await solveCamera(cut.set, {
    focalPx: f0,
    cx: req.cx,
    cy: req.cy,
    onProgress: (p) => post({ type: 'progress', fraction: TRACK_SHARE + (1 - TRACK_SHARE) * p.fraction }),
  });
  // the rendered depth of frame t at a tracked point (nearest grid cell), one frame's grid at a time
  let grid: { t: number; z: Float32Array; w: number; h: number } | null = null;
  const depthAt = (t: number, x: number, y: number): number => {
    if (grid?.t !== t) {
      grid = { t, z: new Float32Array(0), w: 0, h: 0 };
      try {
        const b = readFileSync(req.depthFiles[t]!);
        const z = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.byteLength & ~3)));
        const size = depthGridSize(z.length, W, H);
        if (size) grid = { t, z, w: size.width, h: size.height };
      } catch {
        // no depth for this frame: its Z̄ stays unknown
      }
    }
    if (!grid.w) return NaN;
    const gx = Math.min(grid.w - 1, Math.max(0, Math.floor((x * grid.w) / W)));
    const gy = Math.min(grid.h - 1, Math.max(0, Math.floor((y * grid.h) / H)));
    // a corner is often on a depth edge, where the cell it falls in may belong to either side: only
    // cells whose neighbours agree within EDGE_TOLERANCE are taken
    let lo = Infinity,
      hi = 0;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const cx = Math.min(grid.w - 1, Math.max(0, gx + dx)),
          cy = Math.min(grid.h - 1, Math.max(0, gy + dy));
        const z = grid.z[cy * grid.w + cx]!;
        lo = Math.min(lo, z);
        hi = Math.max(hi, z);
      }
    return lo > 0 && hi <= lo * (1 + EDGE_TOLERANCE) ? grid.z[gy * grid.w + gx]! : NaN;
  };
  const depths =
    solve.status === 'failed'
      ? { rendered: new Float64Array(T).fill(NaN), recovered: new Float64Array(T).fill(NaN) }
      : pairedDepths(cut.set, xy, solve.points, solve.poses, depthAt);
  post({
    type: 'done',
    result: {
      status: solve.status,
      message: solve.message,
      poses: solve.poses,
      points: solve.points.xyz,
      focalPx: f0,
      tracks: cut.set.numTracks,
      maskedObservations: cut.dropped,
      reprojectionRmsPx: solve.diagnostics.reprojectionRmsPx,
      renderedDepth: Array.from(depths.rendered),
      recoveredDepth: Array.from(depths.recovered),
      notes: solve.diagnostics.notes,
      seconds: (performance.now() - t0) / 1000,
    },
  });
}

main().catch((e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }));
