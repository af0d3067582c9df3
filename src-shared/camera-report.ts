/** The plain summary of a camera report ("frames 0–87 solved; 88–104 interpolated; …"), for the panel and the CLI. */
import type {
  CameraReport,
  CameraReportFrame,
  CameraSegment,
  FrameStatus,
} from './api/contract/camera-report';

/** Runs of consecutive frames with the same status and segment. */
export function frameRuns(
  frames: readonly CameraReportFrame[],
): { first: number; last: number; status: FrameStatus; segment: number | null }[] {
  const runs: { first: number; last: number; status: FrameStatus; segment: number | null }[] = [];
  for (const f of frames) {
    const r = runs[runs.length - 1];
    if (r && r.status === f.status && r.segment === f.segment && r.last === f.index - 1) r.last = f.index;
    else runs.push({ first: f.index, last: f.index, status: f.status, segment: f.segment });
  }
  return runs;
}

const range = (a: number, b: number) => (a === b ? `${a}` : `${a}–${b}`);

/**
 * One line a user reads: each run of frames with its status; a segment's first run says how it relates to
 * the segments before it (joined by N points, or a gauge of its own).
 */
export function describeCameraReport(
  frames: readonly CameraReportFrame[],
  segments: readonly CameraSegment[],
): string {
  if (!frames.length) return 'no frames';
  const runs = frameRuns(frames);
  const said = new Set<number>();
  const parts = runs.map((r, i) => {
    const words = [`${i === 0 ? 'frames ' : ''}${range(r.first, r.last)} ${r.status}`];
    const seg = r.segment === null ? undefined : segments[r.segment];
    if (seg && !said.has(seg.index)) {
      said.add(seg.index);
      if (seg.joinedTo !== null)
        words.push(
          `joined to segment ${seg.joinedTo + 1} by ${seg.joinPoints.toLocaleString('en-US')} points`,
        );
      else if (seg.index > 0 && !segments.slice(0, seg.index).some((s) => s.gauge === seg.gauge))
        words.push('a separate segment with its own scale and position (could not be joined)');
    }
    return words.join(', ');
  });
  return parts.join('; ');
}

/** The tracker a report names, as users know it: 'KLT', 'XFeat' (another name as it is). */
export function trackerLabel(tracker: string): string {
  return tracker === 'klt' ? 'KLT' : tracker === 'xfeat' ? 'XFeat' : tracker;
}

/**
 * A report of one segment in one gauge over the whole shot, with a status per frame (an imported camera,
 * a static one): nothing to grade it by, so its confidence is 1 and it has no error figures.
 */
export function oneSegmentReport(
  statuses: readonly ('solved' | 'interpolated')[],
  movingTracks: number,
  note?: string,
): CameraReport {
  const frames = statuses.map((status, index) => ({ index, status, segment: 0 }));
  const segments: CameraSegment[] = [
    {
      index: 0,
      first: 0,
      last: statuses.length - 1,
      kind: 'solved',
      gauge: 0,
      joinedTo: null,
      joinPoints: 0,
      confidence: 1,
      rmsPx: null,
      translationUncertainty: null,
    },
  ];
  const summary = describeCameraReport(frames, segments);
  return { frames, segments, movingTracks, tracker: null, summary: note ? `${summary} (${note})` : summary };
}
