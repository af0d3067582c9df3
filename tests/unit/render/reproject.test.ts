import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consensusDepth,
  lookupColour,
  MASK_EMPTY,
  MASK_SEEN,
  reprojectFrame,
  type PlateSource,
} from '../../../src-main/render/reproject';
import { quatFromAxisAngle, type Camera } from '../../../src-shared/geometry';
import { camAt, H, K, seenBySome, sourceAt, trueColour, W } from './scene';

const sourcesAt = (xs: number[]) => xs.map((x) => sourceAt(camAt(x)));

describe('reprojection of a target frame', () => {
  it('a target on a source camera gives back that frame: every pixel seen, colour exact', () => {
    const sources = sourcesAt([0, -0.3, 0.3]);
    const r = reprojectFrame(camAt(0), sources);
    expect(r.seen).toBe(1);
    let worst = 0;
    for (let i = 0; i < r.colour.length; i++)
      worst = Math.max(worst, Math.abs(r.colour[i]! - sources[0]!.colour[i]!));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('never calls seen a pixel that no window frame saw (the wall behind the card, uncovered by a big move)', () => {
    const xs = [0, -0.1, 0.1];
    const sources = sourcesAt(xs);
    const target = camAt(1.2);
    // the reprojection, and the lookup alone fed the target's *true* depth: there the grid claims the
    // hidden wall, and only the visibility test against the window frames' own depth can refuse it
    const rendered = reprojectFrame(target, sources);
    const lookedUp = lookupColour(target, sources, { depth: sourceAt(target).depth, width: W, height: H });
    let unseenTruth = 0;
    const wrongly = { rendered: 0, lookedUp: 0 };
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        // truth with one pixel of slack: the pixel's whole 3×3 neighbourhood unseen by every source
        let anySeen = false;
        for (let dy = -1; dy <= 1 && !anySeen; dy++)
          for (let dx = -1; dx <= 1 && !anySeen; dx++)
            anySeen = seenBySome(
              target,
              xs.map((v) => camAt(v)),
              x + 0.5 + dx,
              y + 0.5 + dy,
            );
        if (anySeen) continue;
        unseenTruth++;
        if (rendered.mask[y * W + x] !== MASK_EMPTY) wrongly.rendered++;
        if (lookedUp.mask[y * W + x] !== MASK_EMPTY) wrongly.lookedUp++;
      }
    // the construction has a real disocclusion and a strip outside every source frame
    expect(unseenTruth).toBeGreaterThan(200);
    expect(wrongly).toEqual({ rendered: 0, lookedUp: 0 });
    expect(lookedUp.seen).toBeGreaterThan(0.5);
  });

  it('what it calls seen has the colour the target really sees there', () => {
    const xs = [0, -0.1, 0.1, 0.4];
    const target = camAt(0.7, 0.2);
    const r = reprojectFrame(target, sourcesAt(xs), { blend: 1 });
    let sum = 0,
      n = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        if (r.mask[p] !== MASK_SEEN) continue;
        const t = trueColour(target, x + 0.5, y + 0.5);
        for (let c = 0; c < 3; c++) sum += Math.abs(r.colour[3 * p + c]! - t[c]!);
        n += 3;
      }
    expect(r.seen).toBeGreaterThan(0.6);
    // mean error under 0.4 % of full scale: the textures are smooth, errors only at the card's edges (a
    // lookup that ignored which frame sees the wall behind the card makes 0.7 %)
    expect(sum / n / 65535).toBeLessThan(0.004);
  });

  it('is the same picture whatever the gauge: scene and cameras scaled by s', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 20, noNaN: true }), (s) => {
        // positions off any grid, so no projection lands exactly on a pixel boundary
        const xs = [0.0123, -0.2071, 0.2539];
        const base = sourcesAt(xs);
        const scaled: PlateSource[] = base.map((b) => ({
          ...b,
          camera: { ...b.camera, C: [b.camera.C[0] * s, b.camera.C[1] * s, b.camera.C[2] * s] },
          depth: Float32Array.from(b.depth, (z) => z * s),
        }));
        const t: Camera = camAt(0.5137, -0.0931);
        const ts: Camera = { ...t, C: [t.C[0] * s, t.C[1] * s, t.C[2] * s] };
        const a = reprojectFrame(t, base);
        const b = reprojectFrame(ts, scaled);
        let differ = 0,
          worst = 0;
        for (let p = 0; p < W * H; p++) {
          if (a.mask[p] !== b.mask[p]) differ++;
          else
            for (let c = 0; c < 3; c++)
              worst = Math.max(worst, Math.abs(a.colour[3 * p + c]! - b.colour[3 * p + c]!));
        }
        // depths are float32: scaled, they round differently, which may flip a pixel on the card's edge
        expect(differ).toBeLessThanOrEqual(2);
        expect(worst).toBeLessThanOrEqual(2);
      }),
      { numRuns: 12 },
    );
  });

  it('a camera that only turns, with everything at infinity, is the rotation homography', () => {
    const src = sourceAt(camAt(0));
    const sky: PlateSource = {
      ...src,
      depth: new Float32Array(W * H),
      infinity: new Uint8Array(W * H).fill(1),
    };
    const q = quatFromAxisAngle([0, 1, 0], 0.08);
    const target: Camera = { C: [0, 0, 0], q, intrinsics: { ...K, fx: 90, fy: 90 } };
    const r = reprojectFrame(target, [sky]);
    // the homography: target pixel → ray R·K_t⁻¹ p → source pixel K_s r; bilinear
    const [w, x, y, z] = q;
    const R = [
      1 - 2 * (y * y + z * z),
      2 * (x * y - w * z),
      2 * (x * z + w * y),
      2 * (x * y + w * z),
      1 - 2 * (x * x + z * z),
      2 * (y * z - w * x),
      2 * (x * z - w * y),
      2 * (y * z + w * x),
      1 - 2 * (x * x + y * y),
    ];
    let checked = 0;
    for (let py = 0; py < H; py += 5)
      for (let px = 0; px < W; px += 5) {
        const xn = (px + 0.5 - K.cx) / 90,
          yn = (py + 0.5 - K.cy) / 90;
        const r0 = R[0]! * xn + R[1]! * yn + R[2]!,
          r1 = R[3]! * xn + R[4]! * yn + R[5]!,
          r2 = R[6]! * xn + R[7]! * yn + R[8]!;
        const u = (K.fx * r0) / r2 + K.cx - 0.5,
          v = (K.fy * r1) / r2 + K.cy - 0.5;
        const p = py * W + px;
        if (u < 1 || v < 1 || u > W - 2 || v > H - 2) continue;
        expect(r.mask[p]).toBe(MASK_SEEN);
        const ix = Math.floor(u),
          iy = Math.floor(v),
          tx = u - ix,
          ty = v - iy;
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => src.colour[3 * (yy * W + xx) + c]!;
          const want =
            (1 - tx) * (1 - ty) * at(ix, iy) +
            tx * (1 - ty) * at(ix + 1, iy) +
            (1 - tx) * ty * at(ix, iy + 1) +
            tx * ty * at(ix + 1, iy + 1);
          expect(Math.abs(r.colour[3 * p + c]! - want)).toBeLessThanOrEqual(1);
        }
        checked++;
      }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('consensus of the window frames on the target depth', () => {
  it('drops a lone near depth the other frames see through, keeps a depth only one frame has', () => {
    const a = Float32Array.of(2, 0, 5),
      b = Float32Array.of(8, 0, 0),
      c = Float32Array.of(8.1, 3, 0);
    const z = consensusDepth([a, b, c], 0.03);
    expect(z[0]).toBeCloseTo((8 + 8.1) / 2, 5);
    expect(z[1]).toBe(3);
    expect(z[2]).toBe(5);
  });

  it('two frames at infinity agree; empty stays empty', () => {
    const z = consensusDepth([Float32Array.of(Infinity, 0), Float32Array.of(Infinity, 0)], 0.03);
    expect(z[0]).toBe(Infinity);
    expect(z[1]).toBe(0);
  });

  it('is the nearest depth some other frame confirms, whatever the order of the frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 50, noNaN: true })), {
          minLength: 2,
          maxLength: 8,
        }),
        (vals) => {
          const grids = vals.map((v) => Float32Array.of(v));
          const z = consensusDepth(grids, 0.03)[0]!;
          const rev = consensusDepth([...grids].reverse(), 0.03)[0]!;
          expect(z).toBe(rev);
          const pos = vals.map((v) => Math.fround(v)).filter((v) => v > 0);
          if (pos.length === 0) expect(z).toBe(0);
          else expect(z).toBeGreaterThanOrEqual(Math.min(...pos) - 1e-9);
        },
      ),
    );
  });
});
