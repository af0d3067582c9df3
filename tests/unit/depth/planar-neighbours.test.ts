import { describe, expect, it } from 'vitest';
import { quatFromAxisAngle, quatIdentity, type Camera } from '../../../src-shared/geometry';
import { chooseNeighbours, planarFill } from '../../../src-main/analysis/depth';
import { intrinsics } from './synthetic-scene';

describe('plane fits over textureless holes', () => {
  it('fills a flat hole in a slanted plane exactly from its measured rim, not across an edge', () => {
    const W = 60,
      H = 40;
    const rho = (x: number, y: number) => 0.2 + 0.004 * (x + 0.5) - 0.002 * (y + 0.5); // a 3D plane
    const depth = new Float32Array(W * H);
    const measured = new Uint8Array(W * H);
    const textured = new Uint8Array(W * H).fill(1);
    const guide = { width: W, height: H, data: new Float32Array(W * H) };
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const face = x < 40; // the face (intensity 0.6); a different surface right of x = 40 (0.2)
        guide.data[i] = face ? 0.6 : 0.2;
        depth[i] = face ? 1 / rho(x, y) : 2;
        measured[i] = 1;
      }
    // a flat (untextured, unmeasured) hole inside the face, touching the other surface at x = 40
    for (let y = 10; y < 30; y++)
      for (let x = 15; x < 40; x++) {
        const i = y * W + x;
        measured[i] = 0;
        textured[i] = 0;
        depth[i] = 0;
      }
    const r = planarFill(depth, measured, textured, guide);
    expect(r.accepted).toBe(1);
    for (let y = 10; y < 30; y++)
      for (let x = 15; x < 40; x++) {
        expect(r.interpolated[y * W + x]).toBe(1);
        expect(depth[y * W + x]! * rho(x, y)).toBeCloseTo(1, 5);
      }
  });

  it('leaves a hole alone when its rim does not agree on a plane', () => {
    const W = 40,
      H = 40;
    const depth = Float32Array.from({ length: W * H }, (_, i) => 1 + ((i * 7919) % 13)); // rough rim
    const measured = new Uint8Array(W * H).fill(1);
    const textured = new Uint8Array(W * H).fill(1);
    const guide = { width: W, height: H, data: new Float32Array(W * H).fill(0.5) };
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) measured[y * W + x] = textured[y * W + x] = 0;
    const r = planarFill(depth, measured, textured, guide);
    expect(r.accepted).toBe(0);
    expect(r.interpolated.some((v) => v === 1)).toBe(false);
  });
});

describe('neighbour choice', () => {
  const K = intrinsics(320, 180, 250);
  const track = (n: number, step: number): Camera[] =>
    Array.from({ length: n }, (_, i) => ({ C: [i * step, 0, 0], q: quatIdentity(), intrinsics: K }));

  it('takes ±1, ±2, ±4 in the middle of a shot', () => {
    expect(chooseNeighbours(track(20, 0.1), 10)).toEqual([6, 8, 9, 11, 12, 14]);
  });

  it('makes up missing frames on the other side at the ends', () => {
    const nb = chooseNeighbours(track(20, 0.1), 0);
    expect(nb.length).toBe(6);
    expect(nb.every((j) => j > 0)).toBe(true);
    expect(nb).toContain(1);
  });

  it('widens the baseline when the camera barely moves, and skips static frames', () => {
    const cams = track(30, 0.001);
    const nb = chooseNeighbours(cams, 15, { sceneDepth: 10, minBaselineRatio: 0.0025 }); // need > 25 mm
    expect(nb.every((j) => Math.abs(j - 15) * 0.001 > 0.025)).toBe(true);
    const still = Array.from({ length: 10 }, () => ({
      C: [0, 0, 0] as [number, number, number],
      q: quatIdentity(),
      intrinsics: K,
    }));
    expect(chooseNeighbours(still, 5)).toEqual([]);
  });

  it('skips frames that look too far away', () => {
    const cams = Array.from({ length: 10 }, (_, i) => ({
      C: [i * 0.1, 0, 0] as [number, number, number],
      q: quatFromAxisAngle([0, 1, 0], i * 0.2),
      intrinsics: K,
    }));
    const nb = chooseNeighbours(cams, 5, { maxViewAngleDeg: 25 });
    expect(nb.every((j) => Math.abs(j - 5) * 0.2 <= (25 * Math.PI) / 180)).toBe(true);
  });
});
