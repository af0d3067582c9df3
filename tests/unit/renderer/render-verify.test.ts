import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RenderVerificationSummarySchema,
  type Job,
  type RenderVerificationSummary,
  type VerifySpan,
} from '../../../src-shared/api/contract';
import {
  activeVerifyJob,
  degrees,
  depthShare,
  pceLabel,
  sparkline,
  verdictFigures,
  verdictHeadline,
  verdictParts,
  verifiedRenderId,
  verifyFailure,
  verifyJobOf,
} from '../../../src-renderer/src/lib/render-verify';

const thresholds = {
  rotErrFrameDeg: 1,
  transErrFrameRel: 0.02,
  rotErrMeanDeg: 0.5,
  transErrMeanRel: 0.01,
  pce: 0.2,
  minSolvedShare: 0.8,
};

const metrics = {
  framesCompared: 16,
  framesTotal: 16,
  rotErrSumDeg: 4.96,
  rotErrMeanDeg: 0.31,
  rotErrMaxDeg: 0.34,
  transErrSum: 0.01,
  transErrMean: 0.000625,
  transErrMeanRel: 0.0002,
  transErrMaxRel: 0.0004,
  ateRmse: 0.0007,
  ateRelative: 0.001,
  pce: 0.013,
  alignmentScale: 1.02,
};

function summary(over: Partial<RenderVerificationSummary> = {}): RenderVerificationSummary {
  // parsed by the contract's own schema, so the fixture stays what the core may send
  return RenderVerificationSummarySchema.parse({
    verdict: 'follows',
    text: 'the plate follows the path: RotErr mean 0.31° (worst 0.34°), the camera within 0.04 % of the scene depth of the path (mean 0.02 %), PCE 0.013 over 16 frames',
    metrics,
    spans: [],
    thresholds,
    solve: {
      status: 'solved',
      message: 'solved 16 of 16 frames',
      framesSolved: 16,
      tracks: 2175,
      maskedObservations: 1250,
      reprojectionRmsPx: 0.41,
      focalPx: 480,
      width: 640,
      height: 360,
      seconds: 3.5,
    },
    notes: [],
    verifiedAt: '2026-01-01T00:02:00.000Z',
    reshootVersion: '0.1.0',
    ...over,
  });
}

const span = (first: number, last: number, kind: VerifySpan['kind'], text: string): VerifySpan => ({
  first,
  last,
  kind,
  worstRotErrDeg: kind === 'rotation' ? 4 : null,
  worstTransErrRel: kind === 'translation' ? 0.06 : null,
  text,
});

describe('the verdict in words', () => {
  it('says plainly that the plate follows the path', () => {
    expect(verdictHeadline(summary())).toBe('The plate follows the path');
  });

  it('lists the stretches that deviate, not the frames left unchecked, and counts the rest', () => {
    const v = summary({
      verdict: 'deviates',
      text: 'the plate does not follow the path: frames 0–15 turn away from the path: RotErr up to 4.0°',
      spans: [
        span(0, 9, 'rotation', 'frames 0–9 turn away from the path: RotErr up to 4.0°'),
        span(10, 11, 'unsolved', 'frames 10–11 could not be solved from the plate (not checked)'),
        span(
          12,
          15,
          'translation',
          'frames 12–15 drift off the path: the camera is up to 6.0 % of the scene depth away',
        ),
      ],
    });
    expect(verdictHeadline(v)).toBe(
      'Deviates: frames 0–9 turn away from the path: RotErr up to 4.0°; frames 12–15 drift off the path: the camera is up to 6.0 % of the scene depth away',
    );
    expect(verdictHeadline(v, 1)).toBe(
      'Deviates: frames 0–9 turn away from the path: RotErr up to 4.0°; and 1 more',
    );
  });

  it('says what the summary says when no stretch deviates on its own (a mean or PCE)', () => {
    const v = summary({
      verdict: 'deviates',
      text: "the plate does not follow the path: the parallax differs from the path's: PCE 0.35 (threshold 0.2)",
    });
    expect(verdictHeadline(v)).toBe(
      "Deviates: the parallax differs from the path's: PCE 0.35 (threshold 0.2)",
    );
  });

  it('gives the reason a plate could not be verified', () => {
    const v = summary({
      verdict: 'unverifiable',
      metrics: null,
      text: 'could not verify: too few tracks to solve a camera',
    });
    expect(verdictHeadline(v)).toBe('Unverifiable: too few tracks to solve a camera');
    expect(
      verdictHeadline(summary({ verdict: 'unverifiable', metrics: null, text: 'could not verify:' })),
    ).toBe('Unverifiable: solved 16 of 16 frames');
  });
});

describe('the key figures', () => {
  it('writes RotErr in degrees, the position error as a share of the scene depth, PCE and the frames', () => {
    const f = verdictFigures(summary());
    expect(f.map((x) => x.text)).toEqual([
      'RotErr 0.31° mean · 0.34° worst',
      'position 0.02 % mean · 0.04 % worst of depth',
      'PCE 0.013',
      '16/16 frames',
    ]);
    expect(f.every((x) => !x.over)).toBe(true);
    expect(f[0]!.title).toContain('threshold 0.50°');
  });

  it('marks the figures over their thresholds', () => {
    const f = verdictFigures(
      summary({
        metrics: { ...metrics, rotErrMeanDeg: 3.99, rotErrMaxDeg: 4, pce: 0.35, framesCompared: 12 },
      }),
    );
    expect(f.map((x) => x.over)).toEqual([true, false, true, true]);
    expect(f[0]!.text).toBe('RotErr 3.99° mean · 4.00° worst');
  });

  it('falls back to the shot’s units without a scene depth, and to a dash without PCE', () => {
    const f = verdictFigures(
      summary({ metrics: { ...metrics, transErrMeanRel: null, transErrMaxRel: null, pce: null } }),
    );
    expect(f[1]!.text).toBe('TransErr 0.000625 mean');
    expect(f[2]!.text).toBe('PCE —');
  });

  it('gives the solve when nothing was compared', () => {
    const f = verdictFigures(summary({ verdict: 'unverifiable', metrics: null }));
    expect(f).toHaveLength(1);
    expect(f[0]!.text).toBe('16 frames solved · 2175 tracks');
  });

  it('rounds as the panel reads them', () => {
    expect(degrees(0.3149)).toBe('0.31°');
    expect(degrees(12.34)).toBe('12.3°');
    expect(depthShare(0.0004)).toBe('0.04 %');
    expect(depthShare(0.062)).toBe('6.2 %');
    expect(pceLabel(0.0131)).toBe('0.013');
    expect(pceLabel(0.352)).toBe('0.35');
  });
});

let nextJob = 1;
function job(over: Partial<Job>): Job {
  return {
    id: nextJob++,
    type: 'verify',
    detail: null,
    shotId: 1,
    shotName: 'orbit',
    status: 'running',
    fraction: 0.5,
    framesDone: 8,
    framesTotal: 16,
    etaSeconds: 3,
    message: null,
    error: null,
    createdAt: '2026-01-01T00:03:00.000Z',
    startedAt: '2026-01-01T00:03:00.000Z',
    finishedAt: null,
    ...over,
  };
}

describe('which verify job is a render’s', () => {
  it('reads the render from the job’s detail', () => {
    expect(verifiedRenderId(job({ detail: 'render 12' }))).toBe(12);
    expect(verifiedRenderId(job({ detail: 'render twelve' }))).toBeNull();
    expect(verifiedRenderId(job({ detail: null }))).toBeNull();
    expect(verifiedRenderId(job({ type: 'render', detail: 'render 12' }))).toBeNull();
  });

  it('picks the newest job of the render, the one its Verify started or one naming it', () => {
    const old = job({ detail: 'render 3', status: 'done' });
    const other = job({ detail: 'render 4' });
    const newer = job({ detail: 'render 3', status: 'failed' });
    const unnamed = job({ detail: null });
    const jobs = [unnamed, newer, other, old];
    expect(verifyJobOf(jobs, 3)).toBe(newer);
    expect(verifyJobOf(jobs, 3, unnamed.id)).toBe(unnamed);
    expect(verifyJobOf(jobs, 4)).toBe(other);
    expect(verifyJobOf(jobs, 5)).toBeUndefined();
    expect(verifyJobOf([job({ type: 'render', detail: 'render 5' })], 5)).toBeUndefined();
  });

  it('finds the shot’s running or queued verify job', () => {
    const done = job({ status: 'done' });
    const queued = job({ status: 'queued', shotId: 2 });
    expect(activeVerifyJob([done, queued], 1)).toBeUndefined();
    expect(activeVerifyJob([done, queued], 2)).toBe(queued);
    expect(activeVerifyJob([job({ type: 'render' })], 1)).toBeUndefined();
  });

  it('tells a verify job that failed after the latest verdict, not one before it or a cancelled one', () => {
    const failed = job({ status: 'failed', error: 'the plate is gone' });
    expect(verifyFailure(failed, null)).toBe('the plate is gone');
    expect(verifyFailure(failed, '2026-01-01T00:02:00.000Z')).toBe('the plate is gone');
    expect(verifyFailure(failed, '2026-01-01T00:04:00.000Z')).toBeNull();
    expect(verifyFailure(job({ status: 'cancelled' }), null)).toBeNull();
    expect(verifyFailure(job({ status: 'done' }), null)).toBeNull();
    expect(verifyFailure(undefined, null)).toBeNull();
    expect(verifyFailure(job({ status: 'interrupted' }), null)).toBe('the verify job was interrupted');
  });
});

describe('the RotErr sparkline', () => {
  it('draws runs of solved frames, leaves gaps, marks frames over the threshold', () => {
    const s = sparkline([0.2, 0.4, null, 2, 0.5, null, 0.3], 63, 20, 1);
    expect(s.top).toBeCloseTo(2.2);
    expect(s.segments).toHaveLength(3);
    expect(s.segments[0]).toMatch(/^M1\.5 [\d.]+ L11\.5 [\d.]+$/);
    // a lone frame is a dot-length stroke
    expect(s.segments[2]).toMatch(/^M61\.5 [\d.]+ h0\.1$/);
    expect(s.gaps).toEqual([21.5, 51.5]);
    expect(s.over).toEqual([{ x: 31.5, y: expect.closeTo(20 - 1.5 - (2 / 2.2) * 17, 1) as number }]);
    expect(s.thresholdY).toBeCloseTo(20 - 1.5 - (1 / 2.2) * 17, 1);
  });

  it('scales to the threshold when every frame is under it, so the line shows how far under', () => {
    const s = sparkline([0.1, 0.1], 10, 10, 1);
    expect(s.top).toBeCloseTo(1.1);
    expect(s.over).toEqual([]);
  });

  it('stays inside its box for any values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 180, noNaN: true }), { nil: null }), { maxLength: 50 }),
        fc.option(fc.double({ min: 0.01, max: 10, noNaN: true }), { nil: null }),
        (values, threshold) => {
          const s = sparkline(values, 100, 24, threshold);
          const nums =
            s.segments
              .join(' ')
              .match(/-?[\d.]+/g)
              ?.map(Number) ?? [];
          for (const n of nums) expect(n).toBeGreaterThanOrEqual(0);
          for (const seg of s.segments)
            for (const m of seg.matchAll(/[ML]([\d.]+) ([\d.]+)/g)) {
              expect(Number(m[1])).toBeLessThanOrEqual(100);
              expect(Number(m[2])).toBeLessThanOrEqual(24);
            }
          expect(s.gaps.length).toBe(values.filter((v) => v === null).length);
        },
      ),
    );
  });
});

describe('the headline in parts', () => {
  it('sets the verdict apart from what it says', () => {
    expect(verdictParts(summary())).toEqual({ lead: 'The plate follows the path', detail: '' });
    expect(
      verdictParts(summary({ verdict: 'unverifiable', metrics: null, text: 'could not verify: no tracks' })),
    ).toEqual({
      lead: 'Unverifiable',
      detail: 'no tracks',
    });
  });
});
