/**
 * The 3D-tracks stage of "Analyze shot", run in its worker: 2D tracks lifted with the depth and the source
 * camera. A frame the camera has no pose for lifts nothing (its points are invalid there).
 */
import { camerasByFrame, scaled } from './stage-cameras';
import { liftTracks, type Camera, type DepthBuffer } from '../../src-shared/geometry';
import { type AnalysisRequest, type AnalysisResult } from './analysis-protocol';
import { decodeFloat16, float16FromBytesLE } from './depth';
import { readTrackFile, type TrackSet } from './tracking';
import { writeTracks3d } from './tracks3d-file';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

export async function tracks3dStage(
  req: Extract<AnalysisRequest, { stage: 'tracks3d' }>,
  progress: (done: number) => void,
): Promise<AnalysisResult> {
  const set: TrackSet = await readTrackFile(req.tracksFile);
  const N = set.numTracks;
  const T = set.numFrames;
  const posed = camerasByFrame(req.cameras, T);
  const any = posed.find((c): c is Camera => c !== null);
  if (!any) throw new Error('the source camera has no frame with a pose');
  // liftTracks wants a camera per frame: a frame without a pose gets any, and no depth, so lifts nothing
  const cams = posed.map((c) => c ?? any);
  // The tracker stores tracks track-major; the geometry core works frame-major.
  const xy = new Float32Array(2 * N * T);
  const visible = new Uint8Array(N * T);
  for (let k = 0; k < N; k++)
    for (let t = 0; t < T; t++) {
      xy[2 * (t * N + k)] = set.xy[2 * (k * T + t)]!;
      xy[2 * (t * N + k) + 1] = set.xy[2 * (k * T + t) + 1]!;
      visible[t * N + k] = set.visible[k * T + t]!;
    }
  const s = req.depthWidth / set.width;
  // one frame's depth at a time, read when the lift reaches it (liftTracks reads each frame once, in
  // order): memory does not grow with the length of the shot
  const depthOf = (t: number): DepthBuffer | undefined => {
    progress(t / T);
    if (!posed[t]) return undefined;
    return {
      intrinsics: scaled(cams[t]!, s, req.depthWidth, req.depthHeight).intrinsics,
      data: decodeFloat16(float16FromBytesLE(new Uint8Array(readFileSync(req.depthFiles[t]!)))),
    };
  };
  // the camera solve's moving flags count too (a subject it left out may have too few lifted points here)
  const solvedMoving = req.movingFile ? await readMovingFlags(req.movingFile, N) : null;
  const world = liftTracks({ numTracks: N, numFrames: T, xy, visible }, cams, depthOf);
  // A static scene point stays put in the world: dynamic when its lifted positions spread by more than
  // 5 % of its distance from the camera (depth noise is far below that on a solved shot).
  const dynamic = new Uint8Array(N);
  let nDynamic = 0;
  for (let k = 0; k < N; k++) {
    let n = 0;
    let mx = 0;
    let my = 0;
    let mz = 0;
    for (let t = 0; t < T; t++) {
      if (!world.valid[t * N + k]) continue;
      const o = 3 * (t * N + k);
      mx += world.xyz[o]!;
      my += world.xyz[o + 1]!;
      mz += world.xyz[o + 2]!;
      n++;
    }
    if (solvedMoving?.[k]) {
      dynamic[k] = 1;
      nDynamic++;
      continue;
    }
    if (n < 3) continue;
    mx /= n;
    my /= n;
    mz /= n;
    let spread = 0;
    let dist = 0;
    for (let t = 0; t < T; t++) {
      if (!world.valid[t * N + k]) continue;
      const o = 3 * (t * N + k);
      spread = Math.max(
        spread,
        Math.hypot(world.xyz[o]! - mx, world.xyz[o + 1]! - my, world.xyz[o + 2]! - mz),
      );
      const C = cams[t]!.C;
      dist = Math.max(dist, Math.hypot(mx - C[0], my - C[1], mz - C[2]));
    }
    if (spread > 0.05 * dist) {
      dynamic[k] = 1;
      nDynamic++;
    }
  }
  await writeTracks3d(req.out, { numTracks: N, numFrames: T, xyz: world.xyz, valid: world.valid, dynamic });
  return { stage: 'tracks3d', tracks: N, dynamic: nDynamic };
}

/** The camera solve's flags, a byte per track; null when the file is missing or not this track set's. */
async function readMovingFlags(file: string, numTracks: number): Promise<Uint8Array | null> {
  try {
    const bytes = new Uint8Array(await readFile(file));
    return bytes.length === numTracks ? bytes : null;
  } catch {
    return null;
  }
}
