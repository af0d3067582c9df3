/**
 * The Analysis panel's per-frame status strip: the camera report's runs of frames, each with its share of
 * the strip (every frame the same width) and the words its cell is titled with, and the legend's counts.
 */
import { FRAME_STATUSES, type CameraReport, type FrameStatus } from '../../../src-shared/api/contract';
import { frameRuns } from '../../../src-shared/camera-report';

export const STATUS_LABEL: Record<FrameStatus, string> = {
  solved: 'Solved',
  'rotation-only': 'Rotation only',
  interpolated: 'Interpolated',
  unsolved: 'Unsolved',
};

/** What each status means for the frame, in a user's words (the cells' titles and the legend's). */
export const STATUS_MEANING: Record<FrameStatus, string> = {
  solved: 'the pose is measured against the scene',
  'rotation-only': 'the turn is measured; no parallax, so the camera position is held',
  interpolated: 'not measured: the pose is interpolated from the frames around it',
  unsolved: 'no pose: no depth or 3D points for these frames',
};

export interface StripRun {
  first: number;
  last: number;
  status: FrameStatus;
  segment: number | null;
  /** Share of the strip's width, %. */
  percent: number;
  /** Where the run starts a segment other than the one before it: of the same gauge, or of its own. */
  boundary: 'none' | 'segment' | 'gauge';
  /** "Frames 88–104: interpolated (segment 1) — not measured: …" */
  label: string;
}

export function statusStrip(report: CameraReport): StripRun[] {
  const n = Math.max(1, report.frames.length);
  const gauge = (segment: number | null) => (segment === null ? null : report.segments[segment]?.gauge);
  let previous: number | null = null; // the last segment seen
  return frameRuns(report.frames).map((r) => {
    const frames = r.first === r.last ? `Frame ${r.first}` : `Frames ${r.first}–${r.last}`;
    const segment = r.segment === null ? '' : ` (segment ${r.segment + 1})`;
    let boundary: StripRun['boundary'] = 'none';
    if (r.segment !== null && previous !== null && r.segment !== previous)
      boundary = gauge(r.segment) === gauge(previous) ? 'segment' : 'gauge';
    if (r.segment !== null) previous = r.segment;
    return {
      ...r,
      percent: (100 * (r.last - r.first + 1)) / n,
      boundary,
      label: `${frames}: ${STATUS_LABEL[r.status].toLowerCase()}${segment} — ${STATUS_MEANING[r.status]}`,
    };
  });
}

/** How many frames have each status, every status listed (the legend shows all four). */
export function statusCounts(report: CameraReport): { status: FrameStatus; frames: number }[] {
  return FRAME_STATUSES.map((status) => ({
    status,
    frames: report.frames.filter((f) => f.status === status).length,
  }));
}
