import type { Shot } from '../../../src-shared/api/contract';
import { cameraVerdict } from './camera-report-text';

/** What the Analysis panel shows of a shot, as plain lines for `reshoot analyze` and `reshoot info`. */
export function analysisLines(shot: Shot): string[] {
  const lines: string[] = [];
  const width = Math.max(...shot.analysis.map((a) => a.stage.length), 6);
  for (const a of shot.analysis) {
    const secs = a.status === 'reused' ? 'reused' : `${a.seconds.toFixed(1)} s`;
    lines.push(
      `  ${a.stage.padEnd(width)}  ${a.status.padEnd(6)}  ${secs.padStart(8)}${a.message ? `  ${a.message}` : ''}`,
    );
  }
  const c = shot.camera;
  if (c) {
    // a solved camera's message is its report's summary (the camera stage's line above says it too)
    const message = c.message && (!c.report || c.origin === 'imported' || c.status === 'failed');
    lines.push(`  source camera: ${cameraVerdict(c)}${message ? ` — ${c.message}` : ''}`);
    if (c.report) {
      const moving = c.report.movingTracks;
      lines.push(
        `  per frame: ${c.report.summary}${moving ? ` · ${moving.toLocaleString('en-US')} moving tracks left out` : ''}`,
      );
    }
  } else lines.push('  source camera: none yet');
  if (shot.lens) {
    lines.push(
      `  lens: ${shot.lens.focalMm} mm on ${+shot.lens.sensorWidthMm.toFixed(2)} mm (${shot.lens.source === 'user' ? 'set by you' : 'from the media metadata'}), ${shot.lens.focalPx.toFixed(1)} px`,
    );
  } else if (c?.origin !== 'imported') lines.push('  lens: unknown — the camera solve estimates the focal');
  if (shot.depth) {
    lines.push(
      `  depth: ${shot.depth.method}, ${shot.depth.width}×${shot.depth.height}, ${shot.depth.frames} frames, ${(100 * shot.depth.validFraction).toFixed(1)} % of pixels valid, ${fmt(shot.depth.near)}–${fmt(shot.depth.far)} (5th–95th percentile)`,
    );
  } else lines.push('  depth: none yet');
  return lines;
}

/** One short cell for a table of shots: where its analysis stands. */
export function analysisState(shot: Shot): string {
  if (!shot.analysis.length && !shot.camera) return 'not analysed';
  const failed = shot.analysis.find((a) => a.status === 'failed');
  const parts: string[] = [];
  if (shot.camera)
    parts.push(`camera ${shot.camera.origin === 'imported' ? 'imported' : shot.camera.status}`);
  if (shot.depth) parts.push(`depth ${Math.round(100 * shot.depth.validFraction)} %`);
  if (failed) parts.push(`${failed.stage} failed`);
  return parts.join(', ') || 'tracks only';
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2);
}
