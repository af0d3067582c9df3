/**
 * A source camera's per-frame report as text for `reshoot camera status`: the summary, the runs of
 * frames, the segments and the moving tracks. Segments and gauges are numbered from 1 here, as the
 * summary numbers them; the JSON keeps the stored numbers (from 0).
 */
import type { CameraReport, SourceCamera } from '../../../src-shared/api/contract';
import { frameRuns, trackerLabel } from '../../../src-shared/camera-report';

const range = (a: number, b: number) => (a === b ? `${a}` : `${a}–${b}`);

/** Rows of cells, columns padded to their widest cell, indented by two spaces. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((v, c) => v.padEnd(widths[c]!)).join('  ')}`.trimEnd());
}

/** "solved (KLT tracks), 263 of 280 frames with a pose" — the camera in one line. */
export function cameraVerdict(camera: Pick<SourceCamera, 'origin' | 'status' | 'frames' | 'report'>): string {
  const r = camera.report;
  const verdict = camera.origin === 'imported' ? 'imported' : camera.status;
  const from = r?.tracker ? ` (${trackerLabel(r.tracker)} tracks)` : '';
  const frames =
    r && camera.frames < r.frames.length
      ? `${camera.frames} of ${r.frames.length} frames with a pose`
      : `${camera.frames} frames`;
  return `${verdict}${from}, ${frames}`;
}

/** The report as the lines `reshoot camera status` prints after the verdict. */
export function cameraReportLines(report: CameraReport): string[] {
  const runs = frameRuns(report.frames).map((r) => [
    range(r.first, r.last),
    r.status,
    r.segment === null ? '—' : String(r.segment + 1),
  ]);
  const segments = report.segments.map((s) => [
    String(s.index + 1),
    range(s.first, s.last),
    s.kind,
    String(s.gauge + 1),
    s.joinedTo === null ? '—' : `${s.joinedTo + 1} by ${s.joinPoints.toLocaleString('en-US')} points`,
    s.confidence.toFixed(2),
    s.rmsPx === null ? '—' : `${s.rmsPx.toFixed(2)} px`,
    s.translationUncertainty === null ? '—' : `${(100 * s.translationUncertainty).toFixed(1)} % of depth`,
  ]);
  const n = report.movingTracks;
  return [
    report.summary,
    '',
    ...table([['FRAMES', 'STATUS', 'SEGMENT'], ...runs]),
    '',
    ...(segments.length
      ? table([
          ['SEGMENT', 'FRAMES', 'KIND', 'GAUGE', 'JOINED TO', 'CONFIDENCE', 'RMS', 'TRANSLATION ±'],
          ...segments,
        ])
      : ['  no segments: no frame could be solved']),
    '',
    `moving tracks: ${n.toLocaleString('en-US')}${n ? ' (on moving subjects, left out of the solve)' : ''}`,
    `tracker: ${report.tracker ? trackerLabel(report.tracker) : 'none (an imported camera)'}`,
  ];
}
