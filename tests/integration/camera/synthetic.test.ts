/**
 * Behaviour on shots built to defeat or stress the solver: a pure rotation (rotation-only result, no
 * invented translation, focal from the rotation), a translating camera over a flat scene (no parallax →
 * a clear failure), too few tracks, and cancellation / progress.
 */
import { describe, expect, it } from 'vitest';
import {
  COULD_NOT_SOLVE,
  rotationLog,
  rtFromPose,
  solveCamera,
  type SolveProgress,
} from '../../../src-main/analysis/camera';
import { mulT33 } from '../../../src-main/analysis/camera/rotation';
import { syntheticTracks } from './synthetic';

const sphere = (r: () => number): [number, number, number] => {
  const th = (r() - 0.5) * 1.6,
    ph = (r() - 0.5) * 1.0,
    d = 3 + 20 * r();
  return [d * Math.sin(th) * Math.cos(ph), d * Math.sin(ph), d * Math.cos(th) * Math.cos(ph)];
};

describe('camera solve on synthetic shots', () => {
  it('pure rotation → rotation-only, no translation, accurate rotations and focal', async () => {
    const shot = syntheticTracks({
      frames: 30,
      motion: (i) => ({ w: [0.002 * i, 0.012 * i, 0.001 * i], C: [0, 0, 0] }),
      point: sphere,
      noisePx: 0.3,
    });
    const solve = await solveCamera(shot.set);
    let worst = 0;
    solve.poses.forEach((p, i) => {
      const { R } = rtFromPose(p!);
      worst = Math.max(worst, (Math.hypot(...rotationLog(mulT33(R, shot.R[i]!))) * 180) / Math.PI);
    });
    console.log(
      `pure rotation: ${solve.status}, focal ${solve.intrinsics.fx.toFixed(1)} px (true 500), worst rotation error ${worst.toFixed(4)}°`,
    );
    expect(solve.status).toBe('rotation-only');
    expect(solve.poses.every((p) => p && p.C.every((c) => c === 0))).toBe(true);
    expect(worst).toBeLessThan(0.1);
    expect(Math.abs(solve.intrinsics.fx / 500 - 1)).toBeLessThan(0.03);
    expect(solve.diagnostics.rotationOnlySegments).toEqual([[0, 29]]);
  });

  it('flat scene, translating camera → could not solve the camera: no parallax', async () => {
    const shot = syntheticTracks({
      frames: 30,
      motion: (i) => ({ w: [0, 0.003 * i, 0], C: [0.05 * i, 0.01 * i, 0] }),
      point: (r) => [(r() - 0.5) * 12, (r() - 0.5) * 7, 6],
      noisePx: 0.3,
    });
    const solve = await solveCamera(shot.set);
    console.log(`flat scene: ${solve.message}`);
    expect(solve.status).toBe('failed');
    expect(solve.message.startsWith(`${COULD_NOT_SOLVE}: no frame pair shows parallax`)).toBe(true);
  });

  it('too few tracks → a clear failure', async () => {
    const shot = syntheticTracks({
      frames: 20,
      points: 20,
      motion: (i) => ({ w: [0, 0.003 * i, 0], C: [0.05 * i, 0, 0] }),
      point: (r) => [(r() - 0.5) * 12, (r() - 0.5) * 7, 4 + 6 * r()],
    });
    const solve = await solveCamera(shot.set);
    expect(solve.status).toBe('failed');
    expect(solve.message).toMatch(/^could not solve the camera: too few tracks/);
  });

  it('reports progress and honours an AbortSignal', async () => {
    const shot = syntheticTracks({
      frames: 20,
      motion: (i) => ({ w: [0, 0.01 * i, 0], C: [0.1 * i, 0, 0] }),
      point: (r) => [(r() - 0.5) * 8, (r() - 0.5) * 5, 4 + 6 * r()],
      noisePx: 0.3,
    });
    const seen: SolveProgress[] = [];
    const done = await solveCamera(shot.set, { focalPx: 500, onProgress: (p) => seen.push(p) });
    expect(done.status).toBe('solved');
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    const ac = new AbortController();
    const p = solveCamera(shot.set, {
      onProgress: (q) => q.stage === 'motion' && ac.abort(),
      signal: ac.signal,
    });
    await expect(p).rejects.toThrow();
  });
});
