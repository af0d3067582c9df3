import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeCameraReport, frameRuns } from '../../../src-shared/camera-report';
import {
  FRAME_STATUSES,
  type CameraReportFrame,
  type CameraSegment,
  type FrameStatus,
} from '../../../src-shared/api/contract/camera-report';

/** Frames from runs of [count, status, segment]. */
function framesOf(runs: [number, FrameStatus, number | null][]): CameraReportFrame[] {
  const out: CameraReportFrame[] = [];
  for (const [count, status, segment] of runs)
    for (let i = 0; i < count; i++) out.push({ index: out.length, status, segment });
  return out;
}

function seg(index: number, first: number, last: number, o: Partial<CameraSegment> = {}): CameraSegment {
  return {
    index,
    first,
    last,
    kind: 'solved',
    gauge: 0,
    joinedTo: null,
    joinPoints: 0,
    confidence: 0.9,
    rmsPx: 0.5,
    translationUncertainty: 0.01,
    ...o,
  };
}

describe('frameRuns', () => {
  it('merges consecutive frames with the same status and segment', () => {
    const frames = framesOf([
      [3, 'solved', 0],
      [2, 'interpolated', 0],
      [2, 'solved', 1],
      [1, 'unsolved', null],
      [2, 'unsolved', null],
    ]);
    expect(frameRuns(frames)).toEqual([
      { first: 0, last: 2, status: 'solved', segment: 0 },
      { first: 3, last: 4, status: 'interpolated', segment: 0 },
      { first: 5, last: 6, status: 'solved', segment: 1 },
      { first: 7, last: 9, status: 'unsolved', segment: null },
    ]);
  });

  it('splits a run where the segment changes, or where frame indices skip', () => {
    const frames: CameraReportFrame[] = [
      { index: 0, status: 'solved', segment: 0 },
      { index: 1, status: 'solved', segment: 0 },
      { index: 2, status: 'solved', segment: 1 },
      { index: 5, status: 'solved', segment: 1 },
    ];
    expect(frameRuns(frames)).toEqual([
      { first: 0, last: 1, status: 'solved', segment: 0 },
      { first: 2, last: 2, status: 'solved', segment: 1 },
      { first: 5, last: 5, status: 'solved', segment: 1 },
    ]);
    expect(frameRuns([])).toEqual([]);
  });

  it('the runs cover every frame exactly once, in order, and are maximal (property)', () => {
    const frame = fc.record({
      status: fc.constantFrom(...FRAME_STATUSES),
      segment: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 60 }), (spec) => {
        const frames = spec.map((f, index) => ({ index, ...f }));
        const runs = frameRuns(frames);
        const covered: number[] = [];
        for (const r of runs) {
          expect(r.last).toBeGreaterThanOrEqual(r.first);
          for (let i = r.first; i <= r.last; i++) {
            covered.push(i);
            expect(frames[i]!.status).toBe(r.status);
            expect(frames[i]!.segment).toBe(r.segment);
          }
        }
        expect(covered).toEqual(frames.map((f) => f.index));
        // neighbouring runs differ, else they would have been one
        for (let i = 1; i < runs.length; i++)
          expect(runs[i]!.status !== runs[i - 1]!.status || runs[i]!.segment !== runs[i - 1]!.segment).toBe(
            true,
          );
      }),
    );
  });
});

describe('describeCameraReport', () => {
  it('names each run, "frames " only at the start, and how each segment relates to those before it', () => {
    const frames = framesOf([
      [5, 'solved', 0],
      [3, 'interpolated', 0],
      [5, 'solved', 1],
      [2, 'unsolved', null],
      [6, 'solved', 2],
      [1, 'rotation-only', 3],
    ]);
    const segments = [
      seg(0, 0, 4),
      seg(1, 8, 12, { joinedTo: 0, joinPoints: 1234 }),
      seg(2, 15, 20, { gauge: 1 }),
      seg(3, 21, 21, { kind: 'rotation-only', gauge: 1, joinedTo: 2, joinPoints: 40 }),
    ];
    expect(describeCameraReport(frames, segments)).toBe(
      'frames 0–4 solved; 5–7 interpolated; 8–12 solved, joined to segment 1 by 1,234 points; 13–14 unsolved; ' +
        '15–20 solved, a separate segment with its own scale and position (could not be joined); ' +
        '21 rotation-only, joined to segment 3 by 40 points',
    );
  });

  it('says how a segment relates only once, on its first run', () => {
    const frames = framesOf([
      [2, 'solved', 0],
      [2, 'solved', 1],
      [1, 'interpolated', 1],
      [2, 'solved', 1],
      [2, 'rotation-only', 2],
      [2, 'solved', 2],
    ]);
    const segments = [
      seg(0, 0, 1),
      seg(1, 2, 6, { joinedTo: 0, joinPoints: 80 }),
      seg(2, 7, 10, { gauge: 3 }),
    ];
    const text = describeCameraReport(frames, segments);
    expect(text).toBe(
      'frames 0–1 solved; 2–3 solved, joined to segment 1 by 80 points; 4 interpolated; 5–6 solved; ' +
        '7–8 rotation-only, a separate segment with its own scale and position (could not be joined); 9–10 solved',
    );
  });

  it('a segment not joined but sharing an earlier gauge is not called separate; no frames: "no frames"', () => {
    const frames = framesOf([
      [2, 'solved', 0],
      [2, 'solved', 1],
    ]);
    expect(describeCameraReport(frames, [seg(0, 0, 1), seg(1, 2, 3)])).toBe('frames 0–1 solved; 2–3 solved');
    expect(describeCameraReport([], [])).toBe('no frames');
    // a single frame
    expect(describeCameraReport(framesOf([[1, 'unsolved', null]]), [])).toBe('frames 0 unsolved');
  });

  it('one part per run, the join said once per joined segment, a new gauge called separate once (property)', () => {
    // segments in order, each 1–6 frames, with unsolved stretches between some; a segment is joined to the
    // one before it (same gauge) or starts a gauge of its own
    const segmentSpec = fc.record({
      length: fc.integer({ min: 1, max: 6 }),
      gapBefore: fc.integer({ min: 0, max: 2 }),
      interpolatedTail: fc.integer({ min: 0, max: 2 }),
      joined: fc.boolean(),
      joinPoints: fc.integer({ min: 6, max: 5000 }),
      kind: fc.constantFrom('solved' as const, 'rotation-only' as const),
    });
    fc.assert(
      fc.property(fc.array(segmentSpec, { minLength: 1, maxLength: 6 }), (specs) => {
        const runs: [number, FrameStatus, number | null][] = [];
        const segments: CameraSegment[] = [];
        let gauge = 0;
        let frame = 0;
        specs.forEach((sp, i) => {
          if (sp.gapBefore) runs.push([sp.gapBefore, 'unsolved', null]);
          frame += sp.gapBefore;
          const joined = i > 0 && sp.joined;
          if (i > 0 && !joined) gauge++;
          runs.push([sp.length, sp.kind, i]);
          if (sp.interpolatedTail) runs.push([sp.interpolatedTail, 'interpolated', i]);
          segments.push(
            seg(i, frame, frame + sp.length - 1, {
              kind: sp.kind,
              gauge,
              joinedTo: joined ? i - 1 : null,
              joinPoints: joined ? sp.joinPoints : 0,
            }),
          );
          frame += sp.length + sp.interpolatedTail;
        });
        const frames = framesOf(runs);
        const text = describeCameraReport(frames, segments);
        const parts = text.split('; ');
        expect(parts).toHaveLength(frameRuns(frames).length);
        expect(text.startsWith('frames ')).toBe(true);
        expect(text.split('frames ')).toHaveLength(2);
        const count = (s: string) => text.split(s).length - 1;
        segments.forEach((sg, i) => {
          const join = `joined to segment ${i} by ${sg.joinPoints.toLocaleString('en-US')} points`;
          if (sg.joinedTo !== null) expect(count(join)).toBe(1);
        });
        expect(count('joined to segment')).toBe(segments.filter((s) => s.joinedTo !== null).length);
        expect(count('a separate segment with its own scale and position (could not be joined)')).toBe(
          segments.filter((s) => s.index > 0 && s.joinedTo === null).length,
        );
        // every part starts with its frame range and status
        frameRuns(frames).forEach((r, i) => {
          const range = r.first === r.last ? `${r.first}` : `${r.first}–${r.last}`;
          expect(parts[i]!.startsWith(`${i === 0 ? 'frames ' : ''}${range} ${r.status}`)).toBe(true);
        });
      }),
    );
  });
});
