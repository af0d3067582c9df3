import { describe, expect, it } from 'vitest';
import { statusCounts, statusStrip } from '../../../src-renderer/src/lib/frame-status-strip';
import type { CameraReport } from '../../../src-shared/api/contract';

/** Frames 0–3 solved (segment 0), 4–5 interpolated (0), 6–7 unsolved, 8–9 rotation-only (segment 1). */
const report: CameraReport = {
  frames: [
    ...[0, 1, 2, 3].map((index) => ({ index, status: 'solved' as const, segment: 0 })),
    ...[4, 5].map((index) => ({ index, status: 'interpolated' as const, segment: 0 })),
    ...[6, 7].map((index) => ({ index, status: 'unsolved' as const, segment: null })),
    ...[8, 9].map((index) => ({ index, status: 'rotation-only' as const, segment: 1 })),
  ],
  segments: [],
  movingTracks: 0,
  tracker: 'klt',
  summary: '',
};

describe('the per-frame status strip', () => {
  it('draws each run of frames as one cell, every frame the same width, titled with its frames and status', () => {
    const runs = statusStrip(report);
    expect(runs.map((r) => [r.first, r.last, r.status, r.percent])).toEqual([
      [0, 3, 'solved', 40],
      [4, 5, 'interpolated', 20],
      [6, 7, 'unsolved', 20],
      [8, 9, 'rotation-only', 20],
    ]);
    expect(runs[0]!.label).toBe('Frames 0–3: solved (segment 1) — the pose is measured against the scene');
    expect(runs[2]!.label).toBe('Frames 6–7: unsolved — no pose: no depth or 3D points for these frames');
    expect(statusStrip({ ...report, frames: report.frames.slice(0, 1) })[0]!.label).toMatch(
      /^Frame 0: solved/,
    );
  });

  it('marks where a segment starts: a cut within a gauge, a wide one where the gauge is its own', () => {
    const segment = (index: number, gauge: number) => ({
      index,
      first: 0,
      last: 0,
      kind: 'solved' as const,
      gauge,
      joinedTo: null,
      joinPoints: 0,
      confidence: 1,
      rmsPx: null,
      translationUncertainty: null,
    });
    const frames = [0, 0, 1, 1, null, 2].map((s, index) => ({
      index,
      status: s === null ? ('unsolved' as const) : ('solved' as const),
      segment: s,
    }));
    const runs = statusStrip({ ...report, frames, segments: [segment(0, 0), segment(1, 0), segment(2, 1)] });
    expect(runs.map((r) => [r.first, r.boundary])).toEqual([
      [0, 'none'],
      [2, 'segment'],
      [4, 'none'],
      [5, 'gauge'],
    ]);
  });

  it('the legend counts every status, also those no frame has', () => {
    expect(statusCounts(report)).toEqual([
      { status: 'solved', frames: 4 },
      { status: 'rotation-only', frames: 2 },
      { status: 'interpolated', frames: 2 },
      { status: 'unsolved', frames: 2 },
    ]);
    expect(statusCounts({ ...report, frames: report.frames.slice(0, 4) }).map((c) => c.frames)).toEqual([
      4, 0, 0, 0,
    ]);
  });
});
