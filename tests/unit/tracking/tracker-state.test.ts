/**
 * Resumable tracking: snapshot after frame k, restore into a fresh tracker, continue — the result must be
 * bit-identical to one uninterrupted run. Synthetic moving texture here (fast, no model: XFeat gets a
 * deterministic stand-in runner); the real shots and the real model are in
 * tests/integration/tracking/resume.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  concatTrackSets,
  createGray,
  KltTracker,
  sliceTrackSet,
  XFeatTracker,
  type GrayImage,
  type TrackSet,
  type XFeatRunner,
} from '../../../src-main/analysis/tracking';

const W = 192;
const H = 128;
const FRAMES = 18;

const tex = (x: number, y: number) =>
  128 +
  40 * Math.sin(0.31 * x + 0.9 * Math.cos(0.23 * y)) +
  30 * Math.cos(0.27 * y - 0.17 * x) +
  25 * Math.sin(0.11 * x * Math.sin(0.085 * y) + 0.4 * y);

/** Frame t: the texture moved along a curve, with a slight brightness flicker. */
function frame(t: number): { gray: GrayImage; rgb: Uint8Array } {
  const gray = createGray(W, H);
  const rgb = new Uint8Array(3 * W * H);
  const sx = 0.8 * t + 2 * Math.sin(0.3 * t);
  const sy = 0.35 * t;
  const gain = 1 + 0.02 * Math.sin(t);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = Math.max(0, Math.min(255, Math.round(gain * tex(x + 0.5 - sx, y + 0.5 - sy))));
      gray.data[y * W + x] = v;
      rgb.fill(v, 3 * (y * W + x), 3 * (y * W + x) + 3);
    }
  return { gray, rgb };
}
const frames = Array.from({ length: FRAMES }, (_, t) => frame(t));

/** Deterministic stand-in for the XFeat graph: an 8×8 cell's pixels are its 64 logits and its descriptor. */
const fakeRunner: XFeatRunner = async (input, dims) => {
  const [, , h, w] = dims;
  const cw = w / 8;
  const ch = h / 8;
  const plane = cw * ch;
  const logits = new Float32Array(65 * plane);
  const descriptors = new Float32Array(64 * plane);
  const reliability = new Float32Array(plane).fill(1);
  for (let cy = 0; cy < ch; cy++)
    for (let cx = 0; cx < cw; cx++) {
      const p = cy * cw + cx;
      let mean = 0;
      for (let k = 0; k < 64; k++) mean += input[(cy * 8 + (k >> 3)) * w + cx * 8 + (k & 7)] as number;
      mean /= 64;
      for (let k = 0; k < 64; k++) {
        const v = (input[(cy * 8 + (k >> 3)) * w + cx * 8 + (k & 7)] as number) - mean;
        logits[k * plane + p] = 40 * v;
        descriptors[k * plane + p] = v;
      }
      logits[64 * plane + p] = 0;
    }
  return Promise.resolve({ descriptors, logits, reliability });
};

function bytesOf(set: TrackSet): Buffer {
  return Buffer.concat([
    Buffer.from(new Uint32Array([set.width, set.height, set.numFrames, set.numTracks]).buffer),
    Buffer.from(set.xy.buffer, set.xy.byteOffset, set.xy.byteLength),
    Buffer.from(set.visible.buffer, set.visible.byteOffset, set.visible.byteLength),
    Buffer.from(set.confidence.buffer, set.confidence.byteOffset, set.confidence.byteLength),
  ]);
}

function expectIdentical(a: TrackSet, b: TrackSet): void {
  expect(b.numTracks).toBe(a.numTracks);
  expect(b.numFrames).toBe(a.numFrames);
  expect(bytesOf(b).equals(bytesOf(a))).toBe(true);
}

const CUTS = [0, 1, 6, 11, FRAMES - 2];

describe('KLT snapshot / restore', () => {
  const full = new KltTracker(W, H, { targetTracks: 150 });
  const snaps = new Map<number, Uint8Array>();
  for (let t = 0; t < FRAMES; t++) {
    full.push(frames[t]!.gray);
    if (CUTS.includes(t)) snaps.set(t, full.snapshot());
  }
  const reference = full.result();

  it('tracks something (the property below is not vacuous)', () => {
    expect(reference.numTracks).toBeGreaterThan(50);
    expect(full.stats.reanchored + full.stats.diedFb + full.stats.diedLost).toBeGreaterThan(0);
  });

  for (const k of CUTS) {
    it(`continuing after frame ${k} gives a bit-identical result`, () => {
      const bytes = snaps.get(k)!;
      const trk = KltTracker.restore(bytes);
      expect(trk.framesPushed).toBe(k + 1);
      expect(Buffer.from(trk.snapshot()).equals(Buffer.from(bytes))).toBe(true);
      for (let t = k + 1; t < FRAMES; t++) trk.push(frames[t]!.gray);
      expectIdentical(reference, trk.result());
      expect(trk.stats).toEqual(full.stats);
    });
  }

  it('a fresh tracker snapshots and restores too', () => {
    const t = KltTracker.restore(new KltTracker(W, H).snapshot());
    for (const f of frames.slice(0, 4)) t.push(f.gray);
    const u = new KltTracker(W, H);
    for (const f of frames.slice(0, 4)) u.push(f.gray);
    expectIdentical(u.result(), t.result());
  });

  it('rejects corrupt, truncated and foreign snapshots', () => {
    const bytes = snaps.get(6)!;
    const bad = bytes.slice();
    bad[bad.length >> 1] = (bad[bad.length >> 1]! + 1) & 255;
    expect(() => KltTracker.restore(bad)).toThrow(/corrupt/);
    expect(() => KltTracker.restore(bytes.subarray(0, 100))).toThrow();
    expect(() => KltTracker.restore(new Uint8Array(40))).toThrow(/Not a tracker state/);
    expect(() => XFeatTracker.restore(bytes, fakeRunner)).toThrow(/kind/);
  });
});

describe('XFeat snapshot / restore (stand-in runner)', () => {
  it('continuing after frame k gives a bit-identical result', async () => {
    const opts = { targetTracks: 150, inputWidth: 96, inputHeight: 64 };
    const full = new XFeatTracker(W, H, fakeRunner, opts);
    const snaps = new Map<number, Uint8Array>();
    for (let t = 0; t < FRAMES; t++) {
      await full.push(frames[t]!.rgb, frames[t]!.gray);
      if (CUTS.includes(t)) snaps.set(t, full.snapshot());
    }
    const reference = full.result();
    expect(reference.numTracks).toBeGreaterThan(30);
    expect(full.stats.matched).toBeGreaterThan(0);
    expect(full.stats.lost).toBeGreaterThan(0);
    for (const k of CUTS) {
      const bytes = snaps.get(k)!;
      const trk = XFeatTracker.restore(bytes, fakeRunner);
      expect(trk.options).toEqual(full.options);
      expect(Buffer.from(trk.snapshot()).equals(Buffer.from(bytes))).toBe(true);
      for (let t = k + 1; t < FRAMES; t++) await trk.push(frames[t]!.rgb, frames[t]!.gray);
      expectIdentical(reference, trk.result());
    }
  });
});

describe('track set slice / concat', () => {
  const trk = new KltTracker(W, H, { targetTracks: 120 });
  for (const f of frames) trk.push(f.gray);
  const set = trk.result();

  it('concat of consecutive slices is the whole set', () => {
    for (const cuts of [[7], [0, 5, 12], [3, 4, FRAMES]]) {
      const bounds = [0, ...cuts, FRAMES];
      const parts = bounds.slice(1).map((e, i) => sliceTrackSet(set, bounds[i]!, e));
      expectIdentical(set, concatTrackSets(parts));
    }
  });

  it('pads earlier parts that have fewer tracks', () => {
    const early = new KltTracker(W, H, { targetTracks: 120 });
    for (const f of frames.slice(0, 5)) early.push(f.gray);
    const a = early.result();
    const b = sliceTrackSet(set, 5);
    expect(b.numTracks).toBeGreaterThan(a.numTracks);
    const joined = concatTrackSets([a, b]);
    expectIdentical(set, joined);
    expect(sliceTrackSet(set, 3, 3).numFrames).toBe(0);
    expect(() => concatTrackSets([a, { ...b, width: W + 2 }])).toThrow(RangeError);
  });
});
