import { describe, expect, it } from 'vitest';
import { quatIdentity, type Camera } from '../../../src-shared/geometry';
import {
  anchorToSparse,
  fillHoles,
  geometricConsistency,
  projectSparsePoints,
} from '../../../src-main/analysis/depth';
import { intrinsics, render } from './synthetic-scene';

const W = 96,
  H = 64;
const K = intrinsics(W, H, 80);
const mk = (x: number): Camera => ({ C: [x, 0, 0], q: quatIdentity(), intrinsics: K });
// two planes: far wall z = 6, near board z = 3 for world x < -0.3
const planes = [
  { z: 6, phase: 0 },
  { z: 3, xMax: -0.3, phase: 1.3 },
];

describe('multi-view consistency on a two-plane scene', () => {
  const refCam = mk(0);
  const CN = -0.5;
  const nbCam = mk(CN); // camera moved left: the board (near, on the left) slides right over the wall
  const ref = render(refCam, planes);
  const nb = render(nbCam, planes);
  const view = (camera: Camera, depth: Float32Array) => ({ camera, width: W, height: H, depth });

  it('true depth is consistent wherever the neighbour sees the same surface', () => {
    const c = geometricConsistency(view(refCam, ref.depth), [view(nbCam, nb.depth)], {
      maxRelDepthError: 0.01,
      maxReprojErrorPx: 1,
    });
    let seen = 0,
      ok = 0,
      occluded = 0,
      occludedFlagged = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const z = ref.depth[i]!;
        const X = ((x + 0.5 - K.cx) / K.fx) * z;
        const u = ((X - CN) * K.fx) / z + K.cx; // the point in the neighbour (pure x translation)
        if (u < 1 || u >= W - 1) continue;
        // is the point hidden by the board in the neighbour? (wall point behind the board's ray)
        const onWall = z > 4;
        const boardX = ((u - K.cx) / K.fx) * 3 + CN; // world x where the neighbour's ray meets z = 3
        const hidden = onWall && boardX < -0.3 - 0.02;
        const edge = onWall && Math.abs(boardX + 0.3) <= 0.02;
        if (edge) continue;
        if (hidden) {
          occluded++;
          if (!c.valid[i]) occludedFlagged++;
        } else {
          seen++;
          if (c.valid[i]) ok++;
        }
      }
    expect(seen).toBeGreaterThan(1000);
    expect(occluded).toBeGreaterThan(100);
    expect(ok / seen).toBeGreaterThan(0.97);
    expect(occludedFlagged).toBe(occluded);
  });

  it('flags a wrong patch and fuses agreeing depths', () => {
    const bad = ref.depth.slice();
    for (let y = 20; y < 30; y++) for (let x = 60; x < 70; x++) bad[y * W + x] = bad[y * W + x]! * 1.1;
    const c = geometricConsistency(
      view(refCam, bad),
      [view(nbCam, nb.depth), view(mk(0.25), render(mk(0.25), planes).depth)],
      { maxRelDepthError: 0.03 },
    );
    for (let y = 20; y < 30; y++) for (let x = 60; x < 70; x++) expect(c.valid[y * W + x]).toBe(0);
    expect(c.valid[10 * W + 80]).toBe(1);
    expect(c.agree[10 * W + 80]).toBe(2);
    expect(c.fused[10 * W + 80]).toBeCloseTo(6, 2);
  });
});

describe('edge-aware hole filling', () => {
  it('fills a hole on each side of an intensity edge from its own side', () => {
    // left half: intensity 0.2, depth 2; right half: intensity 0.8, depth 10; a hole straddling the edge
    const w = 40,
      h = 20;
    const guide = {
      width: w,
      height: h,
      data: Float32Array.from({ length: w * h }, (_, i) => (i % w < 20 ? 0.2 : 0.8)),
    };
    const depth = Float32Array.from({ length: w * h }, (_, i) => (i % w < 20 ? 2 : 10));
    const known = new Uint8Array(w * h).fill(1);
    for (let y = 5; y < 15; y++) for (let x = 14; x < 26; x++) known[y * w + x] = 0;
    const f = fillHoles(depth, known, guide, { sigma: 0.05 });
    for (let y = 5; y < 15; y++)
      for (let x = 14; x < 26; x++) {
        expect(f.filled[y * w + x]).toBe(1);
        expect(f.depth[y * w + x]).toBeCloseTo(x < 20 ? 2 : 10, 1);
      }
    expect(f.filled[0]).toBe(0);
  });

  it('interpolates inverse depth across a hole in a slanted plane to within a few percent', () => {
    const w = 50,
      h = 30;
    const guide = { width: w, height: h, data: new Float32Array(w * h).fill(0.5) };
    const inv = (x: number) => 0.1 + 0.01 * x;
    const depth = Float32Array.from({ length: w * h }, (_, i) => 1 / inv(i % w));
    const known = new Uint8Array(w * h).fill(1);
    for (let y = 10; y < 20; y++) for (let x = 20; x < 26; x++) known[y * w + x] = 0;
    const f = fillHoles(depth, known, guide);
    for (let y = 10; y < 20; y++)
      for (let x = 20; x < 26; x++) expect(Math.abs(f.depth[y * w + x]! * inv(x) - 1)).toBeLessThan(0.05);
  });

  it('sparse anchoring seeds invalid pixels and reports agreement', () => {
    const cam = mk(0);
    const pts = new Float64Array([0, 0, 5, 0.5, 0.2, 5, -1, 0, 3, 0, 0, -2]); // last one behind
    const s = projectSparsePoints(cam, pts);
    expect(s.count).toBe(3);
    const depth = new Float32Array(W * H).fill(5);
    const known = new Uint8Array(W * H).fill(1);
    const i3 = Math.floor(s.v[2]!) * W + Math.floor(s.u[2]!);
    known[i3] = 0;
    const rep = anchorToSparse(depth, known, W, s);
    expect(rep.seeded).toBe(1);
    expect(rep.compared).toBe(2);
    expect(rep.medianRatio).toBeCloseTo(1, 9);
    expect(depth[i3]).toBeCloseTo(3, 6);
    expect(known[i3]).toBe(1);
  });
});
