import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../../src-main/jobs/eta';
import type { ChunkPlan } from '../../../src-main/jobs/kinds';

/** Tracking at 48 frames per chunk, then depth at 8 frames per chunk: costs in reference seconds. */
function analyzePlan(frames: number): ChunkPlan[] {
  const plan: ChunkPlan[] = [];
  for (let s = 0; s < frames; s += 48)
    plan.push({
      index: plan.length,
      start: s,
      count: Math.min(48, frames - s),
      stage: 'tracks',
      cost: 0.05 * Math.min(48, frames - s),
    });
  for (let s = 0; s < frames; s += 8)
    plan.push({
      index: plan.length,
      start: s,
      count: Math.min(8, frames - s),
      stage: 'depth',
      cost: 1.5 * Math.min(8, frames - s),
    });
  return plan;
}

/** Runs a plan where each stage really takes `secondsPerFrame[stage]`, asking for the time left after `stopAfter` chunks. */
function simulate(plan: ChunkPlan[], secondsPerFrame: Record<string, number>, stopAfter: number) {
  const eta = new EtaEstimator(plan, new Set());
  let t = 0;
  for (const c of plan.slice(0, stopAfter)) {
    eta.chunkStarted(c.index, t);
    t += secondsPerFrame[c.stage!]! * c.count;
    eta.chunkFinished(c.index, t);
  }
  const truth = plan.slice(stopAfter).reduce((a, c) => a + secondsPerFrame[c.stage!]! * c.count, 0);
  return { estimate: eta.secondsLeft(t), truth };
}

describe('time left, estimated per stage', () => {
  it('after fast tracking, the slow depth stage still ahead is counted at its own cost (not at tracking speed)', () => {
    // The machine is twice as slow as the reference: tracking 0.1 s/frame, depth 3 s/frame.
    const plan = analyzePlan(96);
    const { estimate, truth } = simulate(plan, { tracks: 0.1, depth: 3 }, 2);
    expect(truth).toBeCloseTo(288, 6);
    expect(estimate).toBeCloseTo(truth, 6);
    // What one rate for the whole job said: frames left at the rate of the frames done.
    const naive = (9.6 / 96) * 96;
    expect(naive).toBeLessThan(truth / 20);
  });

  it('a stage that runs off its planned cost is corrected by its own measured speed', () => {
    const plan = analyzePlan(96);
    // Depth is 4× slower than its planned weight says; once a depth chunk is measured, that counts.
    const { estimate, truth } = simulate(plan, { tracks: 0.05, depth: 6 }, 3);
    expect(estimate).toBeCloseTo(truth, 6);
  });

  it('nothing measured yet: no estimate rather than a made-up one; live progress inside a chunk counts', () => {
    const plan = analyzePlan(48);
    const eta = new EtaEstimator(plan, new Set());
    expect(eta.secondsLeft(0)).toBeNull();
    eta.chunkStarted(0, 0);
    expect(eta.secondsLeft(1)).toBeNull();
    eta.progress(24);
    // Half the tracking chunk took 1.2 s (0.05 s/frame): the rest of it 1.2 s, then 48 depth frames at 1.5 s.
    expect(eta.secondsLeft(1.2)).toBeCloseTo(1.2 + 72, 6);
  });

  it('committed chunks of an earlier run are not counted again on resume', () => {
    const plan = analyzePlan(96);
    const eta = new EtaEstimator(plan, new Set([0, 1, 2]));
    eta.chunkStarted(3, 0);
    eta.chunkFinished(3, 12); // one depth chunk, 8 frames at 1.5 s
    expect(eta.secondsLeft(12)).toBeCloseTo(10 * 12, 6); // 12 depth chunks, two done
  });

  it('when every stage runs at its planned proportions, the estimate is exact whatever the machine speed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 9, max: 400 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        (frames, slowness, stopRaw) => {
          const plan = analyzePlan(frames);
          const stopAfter = 1 + (stopRaw % (plan.length - 1));
          const { estimate, truth } = simulate(
            plan,
            { tracks: 0.05 * slowness, depth: 1.5 * slowness },
            stopAfter,
          );
          expect(estimate).not.toBeNull();
          expect(Math.abs(estimate! - truth)).toBeLessThan(1e-6 * Math.max(1, truth));
        },
      ),
    );
  });
});
