/**
 * The per-frame report of a solve (issue 11): each frame's status and segment, each segment's gauge, join,
 * confidence, RMS and translation uncertainty, and the one-line summary. Frames a segment registered only
 * by their rotation (relative-registration's REGISTERED_BY_ROTATION) are reported 'rotation-only' when the
 * adjusted reconstruction still does not pin their centre down.
 */
import type { CameraReport, CameraSegment, FrameStatus } from '../../../src-shared/api/contract';
import { describeCameraReport, oneSegmentReport } from '../../../src-shared/camera-report';
import type { Pose } from '../../../src-shared/geometry';
import { centreSigma } from './pose-uncertainty';
import { REGISTERED_BY_ROTATION } from './relative-registration';
import { rtFromPose } from './rotation';
import {
  FRAME_INTERPOLATED,
  FRAME_ROTATION,
  FRAME_SOLVED,
  FRAME_UNSOLVED,
  type AssembledShot,
} from './segments';
import type { TrackView } from './tracks';

/**
 * A frame registered by its rotation whose centre's σ is above this share of the median scene depth has
 * no measured translation: it is reported rotation-only.
 */
export const UNPINNED_CENTRE = 0.05;
/** Points per frame at which a segment's confidence stops growing with them. */
const CONFIDENT_POINTS = 40;

const STATUS_WORD: Record<number, FrameStatus> = {
  [FRAME_UNSOLVED]: 'unsolved',
  [FRAME_SOLVED]: 'solved',
  [FRAME_ROTATION]: 'rotation-only',
  [FRAME_INTERPOLATED]: 'interpolated',
};

function median(a: number[]): number {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : NaN;
}

/** An all-unsolved report (a solve that produced nothing). */
export function emptyReport(T: number, movingTracks = 0): CameraReport {
  const frames = Array.from({ length: T }, (_, index) => ({
    index,
    status: 'unsolved' as const,
    segment: null,
  }));
  return { frames, segments: [], movingTracks, tracker: null, summary: describeCameraReport(frames, []) };
}

/** A static camera: every frame measured (no motion), one segment. */
export function staticReport(T: number, movingTracks: number): CameraReport {
  return oneSegmentReport(new Array<'solved'>(T).fill('solved'), movingTracks, 'a static camera');
}

/**
 * The report of an assembled shot whose poses and points were put in the gauge (`out`): per-frame σ of the
 * centre from the frame's points (in units of the gauge's median depth), statuses, segment figures.
 */
export function frameReport(
  view: TrackView,
  shot: AssembledShot,
  out: { poses: (Pose | null)[]; points: { xyz: Float32Array; trackId: Int32Array } },
  o: { cx: number; cy: number; focal: number; thresholdPx: number },
  movingTracks: number,
): CameraReport {
  const T = view.T;
  const pointOf = new Int32Array(view.N).fill(-1);
  out.points.trackId.forEach((k, i) => (pointOf[k] = i));
  const sigma = new Float64Array(T).fill(NaN);
  const pointsSeen = new Int32Array(T);
  for (let f = 0; f < T; f++) {
    const seg = shot.segments[shot.segment[f]!];
    const pose = out.poses[f];
    if (!seg?.rec || !pose || shot.status[f] !== FRAME_SOLVED) continue;
    const X: number[] = [];
    const xy: number[] = [];
    for (const k of view.tracksIn(f)) {
      const p = pointOf[k]!;
      if (p < 0 || seg.rec.bad[k * T + f]) continue;
      X.push(out.points.xyz[3 * p]!, out.points.xyz[3 * p + 1]!, out.points.xyz[3 * p + 2]!);
      xy.push((view.x(k, f) - o.cx) / o.focal, (view.y(k, f) - o.cy) / o.focal);
    }
    pointsSeen[f] = X.length / 3;
    const { R, t } = rtFromPose(pose);
    const noise = Math.max(0.5, Number.isFinite(seg.rmsPx) ? seg.rmsPx : 1) / o.focal;
    sigma[f] = centreSigma(R, t, Float64Array.from(X), Float64Array.from(xy), noise);
    if (seg.how?.[f] === REGISTERED_BY_ROTATION && !(sigma[f]! <= UNPINNED_CENTRE))
      shot.status[f] = FRAME_ROTATION;
  }
  const segments: CameraSegment[] = shot.segments.map((sg, index) => {
    const frames: number[] = [];
    for (let f = sg.first; f <= sg.last; f++)
      if (shot.segment[f] === index && shot.status[f] === FRAME_SOLVED) frames.push(f);
    const qRms = Number.isFinite(sg.rmsPx) ? Math.max(0, Math.min(1, 1 - sg.rmsPx / (2 * o.thresholdPx))) : 0;
    const confidence =
      sg.kind === 'solved'
        ? qRms * Math.min(1, median(frames.map((f) => pointsSeen[f]!)) / CONFIDENT_POINTS || 0)
        : qRms * Math.max(0, Math.min(1, sg.inlierFraction));
    const unc = sg.kind === 'solved' ? median(frames.map((f) => sigma[f]!)) : NaN;
    return {
      index,
      first: sg.first,
      last: sg.last,
      kind: sg.kind,
      gauge: sg.gauge,
      joinedTo: sg.joinedTo,
      joinPoints: sg.joinPoints,
      confidence: Number.isFinite(confidence) ? Math.round(confidence * 100) / 100 : 0,
      rmsPx: Number.isFinite(sg.rmsPx) ? sg.rmsPx : null,
      translationUncertainty: Number.isFinite(unc) ? unc : null,
    };
  });
  const frames = Array.from({ length: T }, (_, index) => {
    const status = STATUS_WORD[shot.status[index]!]!;
    return { index, status, segment: status === 'unsolved' ? null : shot.segment[index]! };
  });
  return { frames, segments, movingTracks, tracker: null, summary: describeCameraReport(frames, segments) };
}

/**
 * The centre of a frame reported rotation-only inside a solved segment is not measured (its points do not
 * pin it down), so whatever the adjustment left there is noise: it is interpolated between the nearest
 * solved frames of the segment (held at its ends), the orientation kept as measured.
 */
export function holdUnmeasuredCentres(poses: (Pose | null)[], report: CameraReport): void {
  const solvedAt = (f: number, seg: number) => {
    const r = report.frames[f];
    return r !== undefined && r.segment === seg && r.status === 'solved' && poses[f] !== null;
  };
  for (const sg of report.segments) {
    if (sg.kind !== 'solved') continue;
    for (let f = sg.first; f <= sg.last; f++) {
      const p = poses[f];
      if (!p || report.frames[f]?.status !== 'rotation-only') continue;
      let a = f - 1;
      while (a >= sg.first && !solvedAt(a, sg.index)) a--;
      let b = f + 1;
      while (b <= sg.last && !solvedAt(b, sg.index)) b++;
      const Ca = a >= sg.first ? poses[a]!.C : null;
      const Cb = b <= sg.last ? poses[b]!.C : null;
      if (Ca && Cb) {
        const u = (f - a) / (b - a);
        p.C = [0, 1, 2].map((i) => Ca[i]! + u * (Cb[i]! - Ca[i]!)) as [number, number, number];
      } else if (Ca ?? Cb) p.C = [...(Ca ?? Cb)!] as [number, number, number];
    }
  }
}
