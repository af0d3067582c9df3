/**
 * "Verify render" (issue 14 item 4, after Rays-as-Pixels' closed loop with Track2View's metrics): the
 * rendered plate of a finished render version is read back as an image sequence, tracked (KLT) and
 * solved (the shot analysis' own camera solve, with the focal the path asked for) in a worker, and the
 * camera so recovered is compared with the target path the render was made along (its content as
 * rendered, from the provenance) after a similarity alignment: RotErr, TransErr, ATE and PCE, and a
 * verdict (verify-compare.ts). The result is kept with the render (one per render version, the latest).
 */
import { readFile } from 'node:fs/promises';
import {
  ApiError,
  type RenderVerification,
  type RenderVerificationSummary,
  type VerifyThresholds,
} from '../../src-shared/api/contract';
import {
  pathSamples,
  representativeDepth,
  representativeDepthFromPoints,
  type Camera,
  type TargetPathContent,
} from '../../src-shared/geometry';
import { RESHOOT_VERSION } from '../../src-shared/version';
import { analysisSize } from '../analysis';
import { readPoints } from '../analysis/point-file';
import { runWorker } from '../jobs/run-worker';
import { probeMedia } from '../media';
import { DepthSources } from '../paths/depth-sources';
import type { Project, RenderRecord } from '../store';
import { frameFiles, renderDir, versionName } from './render-files';
import { provenanceOf } from './renders';
import { compareWithPath, DEFAULT_VERIFY_THRESHOLDS } from './verify-compare';
import {
  VERIFY_WORKER,
  type VerifyWorkerMessage,
  type VerifyWorkerRequest,
  type VerifyWorkerResult,
} from './verify-protocol';

/** A render needs at least this many frames to be verified (a camera solve needs motion over frames). */
export const MIN_VERIFY_FRAMES = 3;
/** A path whose focal varies by more than this (relative) is said to zoom. */
const ZOOM_TOLERANCE = 1e-3;

export interface VerifyOptions {
  signal?: AbortSignal;
  /** 0…1 as the work goes. */
  onProgress?: (fraction: number) => void;
  /** Compare with this path instead of the one rendered (tests, and "does this plate follow that path?"). */
  against?: { name: string; content: TargetPathContent };
  thresholds?: VerifyThresholds;
}

/** Refuses a render that cannot be verified (not finished, too short), in the user's words. */
export function checkVerifiable(project: Project, r: RenderRecord): void {
  const name = `${r.pathName} ${versionName(r.version)}`;
  if (r.status !== 'done')
    throw new ApiError(
      'invalid-argument',
      `Render ${name} is not finished (${r.status}): verify it once it is done.`,
    );
  const n = r.lastFrame - r.firstFrame + 1;
  if (n < MIN_VERIFY_FRAMES)
    throw new ApiError(
      'invalid-argument',
      `Render ${name} has ${n} frame${n === 1 ? '' : 's'}: verifying needs at least ${MIN_VERIFY_FRAMES} (the camera is solved from the motion between frames).`,
    );
  if (!project.shots.get(r.shotId))
    throw new ApiError('not-found', `The shot of render ${name} is no longer in the project.`);
}

/** Median of the finite, positive values of a render's target depth file (NaN when none or unreadable). */
async function renderedDepth(file: string): Promise<number> {
  try {
    const b = await readFile(file);
    const z = new Float32Array(b.buffer, b.byteOffset, Math.floor(b.byteLength / 4));
    return representativeDepth(z, { stride: 2 });
  } catch {
    return NaN;
  }
}

type Done = Extract<VerifyWorkerMessage, { type: 'done' }>;
type Progress = Extract<VerifyWorkerMessage, { type: 'progress' }>;

export async function verifyRender(
  project: Project,
  r: RenderRecord,
  opts: VerifyOptions = {},
): Promise<RenderVerification> {
  checkVerifiable(project, r);
  const shot = project.shots.get(r.shotId)!;
  const thresholds = opts.thresholds ?? DEFAULT_VERIFY_THRESHOLDS;
  const content = opts.against?.content ?? provenanceOf(r).path;
  const samples = pathSamples(content, r.firstFrame, r.lastFrame);
  const sources = new DepthSources(project, shot, 64);
  const requested: Camera[] = samples.map((s) => sources.targetCamera(s));
  const frames = samples.map((s) => s.frame);
  const n = frames.length;

  // the plate and its masks as image sequences
  const dir = renderDir(project, shot.id, r.pathId, r.version);
  const first = frameFiles(dir, r.firstFrame);
  const probe = async (file: string, what: string) => {
    try {
      return await probeMedia(file, { checkIntegrity: false });
    } catch (e) {
      throw new ApiError(
        'not-found',
        `The ${what} of render ${r.pathName} ${versionName(r.version)} cannot be read (${(e as Error).message}): render it again.`,
      );
    }
  };
  const colour = await probe(first.colour, 'frames');
  const mask = await probe(first.mask, 'masks');
  if (colour.frameCount !== n || mask.frameCount !== n)
    throw new ApiError(
      'not-found',
      `Render ${r.pathName} ${versionName(r.version)} should have ${n} frames in ${dir}, found ${colour.frameCount} frames and ${mask.frameCount} masks: render it again.`,
    );

  // the requested intrinsics at the size the plate is tracked at
  const size = analysisSize(colour.width, colour.height);
  const s = size.width / shot.width;
  const k0 = requested[0]!.intrinsics;
  const focalPx = requested.map((c) => c.intrinsics.fx * s);
  const req: VerifyWorkerRequest = {
    colour,
    mask,
    width: size.width,
    height: size.height,
    focalPx,
    aspect: k0.fy / k0.fx,
    cx: k0.cx * (size.width / shot.width),
    cy: k0.cy * (size.height / shot.height),
    depthFiles: frames.map((f) => frameFiles(dir, f).depth),
  };
  const notes: string[] = [];
  const fMin = Math.min(...focalPx),
    fMax = Math.max(...focalPx);
  if (fMax > fMin * (1 + ZOOM_TOLERANCE))
    notes.push(
      `the path zooms (focal ${(fMin / s).toFixed(0)}–${(fMax / s).toFixed(0)} px): the solve models one lens, so each frame's tracks were rescaled to the widest focal first (exact for a pinhole camera)`,
    );
  if (opts.against) notes.push(`compared with path '${opts.against.name}', not the path rendered`);
  const done = await runWorker<Progress, Done>(
    VERIFY_WORKER,
    req,
    opts.signal ?? new AbortController().signal,
    (m) => opts.onProgress?.(m.fraction),
  );
  const solved: VerifyWorkerResult = done.result;

  // Z̄ of the requested views: measured on the plate's tracked points (their rendered depth) where the
  // solve made enough of them 3D; elsewhere the shot's 3D points in view (as ParaScale measures it),
  // else the median of the rendered depth
  let points: Float32Array | null = null;
  try {
    points = (await readPoints(project.paths.sparsePoints(shot.id))).xyz;
  } catch {
    // none: the rendered depth
  }
  const requestedDepth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = solved.renderedDepth[i]!;
    if (!(z > 0) && points) z = representativeDepthFromPoints(requested[i]!, points, { minPoints: 8 });
    requestedDepth[i] = z > 0 ? z : await renderedDepth(frameFiles(dir, frames[i]!).depth);
  }
  const failed = solved.status === 'failed';
  const cmp = compareWithPath(
    {
      frames,
      requested,
      recovered: failed ? solved.poses.map(() => null) : solved.poses,
      requestedDepth,
      recoveredDepth: solved.recoveredDepth,
    },
    thresholds,
  );
  if (cmp.alignedBy === 'orientations')
    notes.push(
      "the path is straight or stays on one spot, so its centres cannot fix the alignment's rotation: it matches the cameras' orientations, then the centres",
    );
  const framesSolved = solved.poses.filter((p) => p !== null).length;
  let text = cmp.text;
  if (failed) text = `could not verify: ${solved.message}`;
  else if (cmp.verdict === 'unverifiable') text = `${cmp.text}: ${solved.message}`;
  return {
    verdict: failed ? 'unverifiable' : cmp.verdict,
    text,
    metrics: failed ? null : cmp.metrics,
    spans: cmp.spans,
    thresholds,
    solve: {
      status: solved.status,
      message: solved.message,
      framesSolved: failed ? 0 : framesSolved,
      tracks: solved.tracks,
      maskedObservations: solved.maskedObservations,
      reprojectionRmsPx: Number.isFinite(solved.reprojectionRmsPx) ? solved.reprojectionRmsPx : null,
      focalPx: solved.focalPx,
      width: size.width,
      height: size.height,
      seconds: solved.seconds,
    },
    notes,
    verifiedAt: new Date().toISOString(),
    reshootVersion: RESHOOT_VERSION,
    frames: cmp.frames,
    pi: cmp.pi,
  };
}

/** Keeps a verification with its render (replacing the earlier one). */
export function recordVerification(
  project: Project,
  renderId: number,
  v: RenderVerification,
  jobId: number | null,
): void {
  project.renderVerifications.put({
    renderId,
    verdict: v.verdict,
    resultJson: JSON.stringify(v),
    jobId,
    verifiedAt: v.verifiedAt,
  });
}

/** A render's latest verification, whole (null: never verified, or kept in a form this Reshoot cannot read). */
export function verificationOf(project: Project, renderId: number): RenderVerification | null {
  const rec = project.renderVerifications.get(renderId);
  if (!rec) return null;
  try {
    const v = JSON.parse(rec.resultJson) as RenderVerification;
    return typeof v === 'object' && v !== null && typeof v.verdict === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** The summary renders.list shows (the verification without its per-frame figures). */
export function verificationSummaryOf(project: Project, renderId: number): RenderVerificationSummary | null {
  const v = verificationOf(project, renderId);
  if (!v) return null;
  const { frames: _frames, pi: _pi, ...summary } = v;
  return summary;
}
