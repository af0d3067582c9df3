/** The camera stages of "Analyze shot", run in its worker: the camera solve, and sparse points for an imported camera. */
import {
  backprojectPixel,
  projectPoint,
  serializeCamerasJson,
  solve3,
  trackToDocument,
  type Mat3,
  type Vec3,
  documentToTrack,
} from '../../../src-shared/geometry';
import { type AnalysisRequest, type AnalysisResult } from '../analysis-protocol';
import { solveCamera, solveToCameraTrack, TRACK_DYNAMIC, type CameraSolve } from '.';
import { writeFileAtomic } from '../../util/atomic-write';
import { writePoints } from '../point-file';
import { readTrackFile } from '../tracking';
import { trackerLabel } from '../../../src-shared/camera-report';

export async function cameraStage(
  req: Extract<AnalysisRequest, { stage: 'camera' }>,
  progress: (done: number) => void,
): Promise<AnalysisResult> {
  const set = await readTrackFile(req.tracksFile);
  const focalPx = req.lens ? (req.lens.focalPx * set.width) / req.lens.width : undefined;
  const solve = await solveCamera(set, {
    onProgress: (p) => progress(p.fraction),
    ...(focalPx ? { focalPx } : {}),
  });
  const n = solve.points.xyz.length / 3;
  const moving = new Uint8Array(set.numTracks);
  for (let k = 0; k < moving.length; k++) if (solve.trackFlags[k] === TRACK_DYNAMIC) moving[k] = 1;
  await writeFileAtomic(req.movingOut, moving);
  await writePoints(req.pointsOut, {
    xyz: solve.points.xyz,
    rgb: solve.points.rgb ?? new Uint8Array(3 * n).fill(200),
  });
  return cameraResult(solve, req, n);
}

/**
 * What the camera stage hands back for a solve: the cameras of the frames that have a pose, the report
 * (with the tracker), and a message in the report's words. Any camera with poses is usable — one with
 * frames unsolved is 'partial' and kept — except a failed solve, which keeps the frames it registered
 * before it lost the camera only so the user sees where and how it failed.
 */
export function cameraResult(
  solve: CameraSolve,
  req: Pick<Extract<AnalysisRequest, { stage: 'camera' }>, 'fps' | 'method' | 'lens'>,
  points: number,
): Extract<AnalysisResult, { stage: 'camera' }> {
  const track = solveToCameraTrack(solve, req.fps);
  const camerasJson =
    track.frames.length >= 2 && Number.isFinite(solve.intrinsics.fx)
      ? serializeCamerasJson(trackToDocument(track))
      : null;
  const usable = solve.status !== 'failed' && camerasJson !== null;
  // frames without a pose make a camera partial, whatever else the verdict says
  const status: string = usable && track.frames.length < solve.numFrames ? 'partial' : solve.status;
  const report = { ...solve.report, tracker: req.method };
  const tracks = `${trackerLabel(req.method)} tracks`;
  const message = usable
    ? `${report.summary} · ${focalNote(solve, solve.width, req.lens?.source)} · ${tracks}`
    : `${solve.message} · ${tracks}`;
  return {
    stage: 'camera',
    status,
    message,
    camerasJson,
    report,
    usable,
    frames: camerasJson ? track.frames.length : 0,
    points,
    diagnostics: { ...solve.diagnostics },
  };
}

/** "focal 498 px (65.4° horizontal), estimated" — what the solve used, for the stage's message. */
function focalNote(solve: CameraSolve, width: number, lens: 'user' | 'metadata' | undefined): string {
  const fx = solve.intrinsics.fx;
  const fov = (2 * Math.atan(width / (2 * fx)) * 180) / Math.PI;
  const from =
    lens === 'user'
      ? 'from the lens you gave'
      : lens === 'metadata'
        ? "from the media's lens metadata"
        : solve.diagnostics.focalSource === 'assumed'
          ? 'assumed (this shot does not show it): set the lens if you know it'
          : 'estimated';
  const range = solve.diagnostics.focalRange;
  const weak = range
    ? ` — weakly determined by this shot (anywhere from ${range[0].toFixed(0)} to ${range[1].toFixed(0)} px fits): set the lens if you know it`
    : '';
  return `focal ${fx.toFixed(1)} px (${fov.toFixed(1)}° horizontal), ${from}${weak}`;
}

/**
 * Triangulates 2D tracks with known (imported) cameras: the least-squares meeting point of each
 * track's rays, kept when every ray sees it in front, the rays are not near-parallel, and it
 * reprojects within 2 px.
 */
export async function sparseStage(
  req: Extract<AnalysisRequest, { stage: 'sparse' }>,
  _progress: (done: number) => void,
): Promise<AnalysisResult> {
  const set = await readTrackFile(req.tracksFile);
  const cams = documentToTrack(req.cameras).frames.map((f) => f.camera);
  const T = set.numFrames;
  const pts: number[] = [];
  const frames: number[] = [];
  for (let k = 0; k < set.numTracks; k++) {
    frames.length = 0;
    for (let t = 0; t < T; t++) if (set.visible[k * T + t]) frames.push(t);
    if (frames.length < 3) continue;
    const step = Math.max(1, Math.floor(frames.length / 8));
    const A: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const b: Vec3 = [0, 0, 0];
    const rays: { C: readonly number[]; d: number[] }[] = [];
    for (let j = 0; j < frames.length; j += step) {
      const t = frames[j]!;
      const cam = cams[t]!;
      const u = set.xy[2 * (k * T + t)]!;
      const v = set.xy[2 * (k * T + t) + 1]!;
      const p = backprojectPixel(cam, u, v, 1);
      const d = [p[0] - cam.C[0], p[1] - cam.C[1], p[2] - cam.C[2]];
      const n = Math.hypot(d[0]!, d[1]!, d[2]!);
      for (let i = 0; i < 3; i++) d[i] = d[i]! / n;
      rays.push({ C: cam.C, d });
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++) {
          const m = (r === c ? 1 : 0) - d[r]! * d[c]!;
          A[r * 3 + c] = A[r * 3 + c]! + m;
          b[r] = b[r]! + m * cam.C[c]!;
        }
    }
    let X: Vec3;
    try {
      X = solve3(A, b);
    } catch {
      continue; // Parallel rays: no meeting point.
    }
    let ok = rays.length >= 2;
    let maxAngle = 0;
    const d0 = rays[0]!.d;
    for (const r of rays) {
      const cos = d0[0]! * r.d[0]! + d0[1]! * r.d[1]! + d0[2]! * r.d[2]!;
      maxAngle = Math.max(maxAngle, Math.acos(Math.min(1, cos)));
    }
    if (maxAngle < (1 * Math.PI) / 180) ok = false;
    for (let j = 0; ok && j < frames.length; j += step) {
      const t = frames[j]!;
      const proj = projectPoint(cams[t]!, X);
      const u = set.xy[2 * (k * T + t)]!;
      const v = set.xy[2 * (k * T + t) + 1]!;
      if (!(proj.depth > 0) || Math.hypot(proj.u - u, proj.v - v) > 2) ok = false;
    }
    if (ok) pts.push(X[0]!, X[1]!, X[2]!);
  }
  const xyz = new Float32Array(pts);
  await writePoints(req.pointsOut, { xyz, rgb: new Uint8Array(xyz.length).fill(200) });
  return { stage: 'sparse', points: xyz.length / 3 };
}
