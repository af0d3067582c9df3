/**
 * Footage that defeats the solve in one stretch must say so and keep what it could, never return a silent
 * garbage path (issues 5 and 11): frames 16–31 of the gt orbit smeared by a 61 px horizontal motion blur,
 * so no track survives them. The shot is solved in segments on either side — each accurate in its own
 * gauge — the stretch in between is not called solved, and since no track crosses it the second segment
 * keeps a gauge of its own and the summary says so.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { solveCamera } from '../../../src-main/analysis/camera';
import { trajectoryMetrics } from '../../../src-shared/geometry';
import { ffmpeg } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';
import { GT_ROOT, gtPoses, gtShot } from './gt-fixture';
import { kltTracks } from './klt-fixture';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('camera solve through heavy motion blur', () => {
  it('solves frames 0–15 and 32–47 as separate segments, each accurate, and calls no blurred frame solved', async () => {
    const clip = join(tmp.dir, 'orbit_blur.mp4');
    await ffmpeg([
      ...['-framerate', '24', '-i', join(GT_ROOT, 'orbit_a', 'frames', 'frame_%04d.png')],
      ...['-vf', "avgblur=sizeX=30:sizeY=2:enable='between(n,16,31)'"],
      ...['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', clip],
    ]);
    const { set } = await kltTracks(clip);
    const solve = await solveCamera(set);
    console.log(`motion blur: ${solve.status}: ${solve.report.summary}`);
    expect(solve.status).toBe('partial');
    const status = solve.report.frames.map((f) => f.status);
    for (let i = 0; i < 16; i++) expect(status[i]).toBe('solved');
    for (let i = 32; i < 48; i++) expect(status[i]).toBe('solved');
    for (let i = 20; i < 32; i++) expect(status[i]).not.toBe('solved');
    const first = solve.report.frames[0]!.segment!;
    const last = solve.report.frames[47]!.segment!;
    expect(first).not.toBe(last);
    expect(solve.report.segments[last]!.gauge).not.toBe(solve.report.segments[first]!.gauge);
    expect(solve.report.summary).toMatch(/could not be joined/);
    const truth = gtPoses(gtShot('orbit_a'));
    for (const [a, b] of [
      [0, 15],
      [32, 47],
    ] as const) {
      const idx = Array.from({ length: b - a + 1 }, (_, i) => a + i);
      const m = trajectoryMetrics(
        idx.map((i) => solve.poses[i]!),
        idx.map((i) => truth[i]!),
      );
      console.log(
        `frames ${a}–${b}: ATE ${(100 * m.ateRelative).toFixed(3)} % of the path, RPE rot ${m.rpeRotMeanDeg.toFixed(4)}°`,
      );
      expect(m.ateRelative).toBeLessThan(0.01);
      expect(m.rpeRotMeanDeg).toBeLessThan(0.1);
    }
    expect(solve.points.trackId.length).toBeGreaterThan(100);
  }, 300_000);
});
