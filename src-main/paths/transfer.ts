/**
 * ParaScale in the project (SPEC §3, issue 13 item 5): a target path on one shot made by transferring
 * another analysed shot's camera move. Π is read from the reference (its source camera and the median
 * depth of its 3D points in view, frame by frame) and re-scaled by this shot's own Z̄ along the way, so the
 * move reads the same in the image whatever the two gauges; 'raw' copies the step lengths across gauges,
 * as the baseline. Both PCE values (Π of the output against the reference's) come back for comparison.
 */
import {
  parallaxNumbers,
  pce,
  representativeDepthFromPoints,
  transfer,
  type Pose,
  type TransferResult,
} from '../../src-shared/geometry';
import { ApiError } from '../../src-shared/api/contract';
import { readPoints } from '../analysis/point-file';
import type { EditRegistry } from '../edits';
import { sourceCameraTrack } from '../shots';
import type { Project, ShotRecord, TargetPathRecord } from '../store';
import { createPath } from './target-paths';

export interface TransferOutcome {
  path: TargetPathRecord;
  /** Mean |log| ratio of the output's Π to the reference's (lower is better), for each mode. */
  pce: { parascale: number | null; raw: number | null };
  /** Π per step (frame i → i+1): the reference's, and the output's in each mode (null: not measurable). */
  pi: { reference: (number | null)[]; parascale: (number | null)[] | null; raw: (number | null)[] | null };
  frames: number;
}

async function cameraAndPoints(project: Project, shot: ShotRecord) {
  const track = sourceCameraTrack(project, shot.id);
  if (!track || track.frames.length !== shot.frameCount)
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no source camera for every frame: analyse it first.`,
    );
  let points: Float32Array;
  try {
    points = (await readPoints(project.paths.sparsePoints(shot.id))).xyz;
  } catch {
    throw new ApiError('not-found', `Shot '${shot.name}' has no 3D points: analyse it first.`);
  }
  const cams = [...track.frames].sort((a, b) => a.index - b.index).map((f) => f.camera);
  return { cams, points };
}

export async function transferPath(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  reference: ShotRecord,
  name: string,
  mode: 'parascale' | 'raw',
): Promise<TransferOutcome> {
  const ref = await cameraAndPoints(project, reference);
  const tgt = await cameraAndPoints(project, shot);
  const n = Math.min(ref.cams.length, shot.frameCount);
  if (n < 2) throw new ApiError('invalid-argument', 'A transfer needs at least two frames on both shots.');
  const refDepths = ref.cams
    .slice(0, n)
    .map((c) => representativeDepthFromPoints(c, ref.points, { minPoints: 8 }));
  const blind = refDepths.findIndex((z) => !(z > 0));
  if (blind >= 0)
    throw new ApiError(
      'invalid-argument',
      `Reference shot '${reference.name}': fewer than 8 of its 3D points are in view at frame ${blind}, so Π is unknown there.`,
    );
  const k = tgt.cams[0]!.intrinsics;
  const run = (m: 'parascale' | 'raw'): TransferResult => {
    try {
      return transfer(
        { poses: ref.cams.slice(0, n), depths: refDepths },
        {
          start: tgt.cams[0]!,
          depthAt: (pose: Pose) =>
            representativeDepthFromPoints({ ...pose, intrinsics: k }, tgt.points, { minPoints: 8 }),
        },
        m,
      );
    } catch (e) {
      throw new ApiError('invalid-argument', `Transfer onto shot '${shot.name}': ${(e as Error).message}.`);
    }
  };
  /** Π of the output in the target scene (its Z̄ where the output looks), or null where not measurable. */
  const outputPi = (r: TransferResult): Float64Array | null => {
    const z = r.poses.map((p) =>
      representativeDepthFromPoints({ ...p, intrinsics: k }, tgt.points, { minPoints: 8 }),
    );
    const filled = z.map((v, i) =>
      v > 0
        ? v
        : (z
            .slice(0, i)
            .reverse()
            .find((x) => x > 0) ?? NaN),
    );
    return filled.every((v) => v > 0) ? parallaxNumbers(r.poses, filled) : null;
  };
  const score = (r: TransferResult, pi: Float64Array | null) => {
    if (!pi) return null;
    const e = pce(r.referencePi, pi);
    return Number.isFinite(e) ? e : null;
  };
  const finiteOrNull = (a: ArrayLike<number> | null) =>
    a ? Array.from(a, (x) => (Number.isFinite(x) ? x : null)) : null;
  const results = { parascale: run('parascale'), raw: run('raw') };
  const chosen = results[mode];
  const content = {
    kind: 'samples',
    samples: chosen.poses.map((p, i) => ({
      frame: i,
      position: [...p.C],
      orientation: [...p.q],
      focalPx: k.fx,
    })),
  };
  const path = createPath(edits, project, shot, name, content, `transfer:${mode}:${reference.id}`);
  const piPara = outputPi(results.parascale);
  const piRaw = outputPi(results.raw);
  return {
    path,
    pce: { parascale: score(results.parascale, piPara), raw: score(results.raw, piRaw) },
    pi: {
      reference: finiteOrNull(results.parascale.referencePi)!,
      parascale: finiteOrNull(piPara),
      raw: finiteOrNull(piRaw),
    },
    frames: n,
  };
}
