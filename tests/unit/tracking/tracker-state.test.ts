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
  TrackRecorder,
  XFeatTracker,
  type GrayImage,
  type TrackSet,
  type XFeatRunner,
} from '../../../src-main/analysis/tracking';
import {
  assembleTrackSet,
  decodeChunkObservations,
  encodeChunkObservations,
  splitTrackerSnapshot,
  type Observations,
} from '../../../src-main/analysis/tracking/track-set';

const W = 192;
const H = 128;
const FRAMES = 18;

const tex = (x: number, y: number) =>
  128 +
  40 * Math.sin(0.31 * x + 0.9 * Math.cos(0.23 * y)) +
  30 * Math.cos(0.27 * y - 0.17 * x) +
  25 * Math.sin(0.11 * x * Math.sin(0.085 * y) + 0.4 * y);

/** Frame t: the texture moved along a curve, with a slight brightness flicker. */
function frame(t: number): { gray: GrayImage; luma: Uint8Array } {
  const gray = createGray(W, H);
  const luma = new Uint8Array(W * H);
  const sx = 0.8 * t + 2 * Math.sin(0.3 * t);
  const sy = 0.35 * t;
  const gain = 1 + 0.02 * Math.sin(t);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = Math.max(0, Math.min(255, Math.round(gain * tex(x + 0.5 - sx, y + 0.5 - sy))));
      gray.data[y * W + x] = v;
      luma[y * W + x] = v;
    }
  return { gray, luma };
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
      await full.push(frames[t]!.luma);
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
      for (let t = k + 1; t < FRAMES; t++) await trk.push(frames[t]!.luma);
      expectIdentical(reference, trk.result());
    }
  });
});

describe('XFeat with the model one frame ahead (pushAll)', () => {
  const opts = { targetTracks: 150, inputWidth: 96, inputHeight: 64 };
  async function* source(from = 0) {
    // One buffer, overwritten for every frame, as lumaFrames does.
    const buf = new Uint8Array(W * H);
    for (let t = from; t < FRAMES; t++) {
      buf.set(frames[t]!.luma);
      yield buf;
    }
  }

  it('gives push()’s result, bit for bit, with answers arriving late and out of step', async () => {
    const ref = new XFeatTracker(W, H, fakeRunner, opts);
    for (const f of frames) await ref.push(f.luma);
    let inFlight = 0;
    let mostInFlight = 0;
    let calls = 0;
    const slow: XFeatRunner = async (input, dims) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const wait = [3, 0, 7, 1][calls++ % 4]!;
      const out = await fakeRunner(input.slice(), dims);
      input.fill(NaN); // As if moved to another thread: the tracker must not read it afterwards.
      await new Promise((r) => setTimeout(r, wait));
      inFlight--;
      return out;
    };
    const trk = new XFeatTracker(W, H, slow, opts);
    let reported = 0;
    await trk.pushAll(source(), () => reported++);
    expect(reported).toBe(FRAMES);
    expect(mostInFlight).toBe(2);
    expectIdentical(ref.result(), trk.result());
    // It continues from a snapshot like push() does.
    const half = new XFeatTracker(W, H, fakeRunner, opts);
    for (const f of frames.slice(0, 9)) await half.push(f.luma);
    const resumed = XFeatTracker.restore(half.snapshot(), slow);
    await resumed.pushAll(source(9));
    expectIdentical(ref.result(), resumed.result());
  });

  it('fails with the model’s error and leaves no call unawaited', async () => {
    let calls = 0;
    const failing: XFeatRunner = async (input, dims) => {
      if (++calls === 5) throw new Error('the model failed on frame 4');
      return fakeRunner(input, dims);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const trk = new XFeatTracker(W, H, failing, opts);
      let reported = 0;
      await expect(trk.pushAll(source(), () => reported++)).rejects.toThrow('the model failed on frame 4');
      expect(reported).toBe(4);
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
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

/**
 * What a "Track shot" job stores per chunk: the tracker's own state (its recorder emptied) and the
 * observations the chunk made, apart (splitTrackerSnapshot); the last chunk joins the parts
 * (assembleTrackSet). Tracking in chunks this way must give the uninterrupted result, bit for bit, and
 * what a chunk stores must not grow with the chunk's index.
 */
describe('chunked tracking: tracker state and observations apart', () => {
  const CHUNK = 4;
  const chunks = Array.from({ length: Math.ceil(FRAMES / CHUNK) }, (_, i) => ({
    start: i * CHUNK,
    count: Math.min(CHUNK, FRAMES - i * CHUNK),
  }));

  interface Stored {
    state: Uint8Array;
    part: Uint8Array;
  }

  async function chunked<T extends { snapshot(): Uint8Array; result(): TrackSet }>(
    fresh: () => T,
    restore: (b: Uint8Array) => T,
    push: (t: T, frame: number) => Promise<void> | void,
  ): Promise<{ set: TrackSet; stored: Stored[] }> {
    const stored: Stored[] = [];
    let state: Uint8Array | null = null;
    for (const c of chunks) {
      const trk = state ? restore(state) : fresh();
      for (let t = c.start; t < c.start + c.count; t++) await push(trk, t);
      const whole = trk.snapshot();
      const split = splitTrackerSnapshot(whole);
      // The state restores to a tracker that snapshots back to the same bytes, with nothing recorded.
      expect(splitTrackerSnapshot(split.state).observations.ids.length).toBe(0);
      expect(Buffer.from(restore(split.state).snapshot()).equals(Buffer.from(split.state))).toBe(true);
      const part = encodeChunkObservations({ ...split.observations, first: c.start, end: c.start + c.count });
      stored.push({ state: split.state, part });
      state = split.state;
    }
    const parts = stored.map((s) => decodeChunkObservations(s.part));
    return { set: assembleTrackSet(W, H, FRAMES, parts), stored };
  }

  it('KLT: the joined chunks are the uninterrupted result; the stored size does not grow', async () => {
    const full = new KltTracker(W, H, { targetTracks: 150 });
    /** What the job stored before: the whole snapshot at each chunk's end. */
    const whole: number[] = [];
    frames.forEach((f, t) => {
      full.push(f.gray);
      if (chunks.some((c) => c.start + c.count - 1 === t)) whole.push(full.snapshot().length);
    });
    const { set, stored } = await chunked(
      () => new KltTracker(W, H, { targetTracks: 150 }),
      (b) => KltTracker.restore(b),
      (t, i) => t.push(frames[i]!.gray),
    );
    expectIdentical(full.result(), set);
    // A chunk stores its observations (≈ 20 bytes each, only of its own frames) and the tracker's state,
    // which holds no observations at all.
    const obs = (s: Stored) => decodeChunkObservations(s.part).ids.length;
    for (const s of stored) expect(s.part.length).toBeLessThan(20 * obs(s) + 200);
    const sizes = stored.map((s) => s.state.length + s.part.length);
    console.log(`KLT per-chunk bytes stored: ${sizes.join(', ')} (whole snapshots: ${whole.join(', ')})`);
    // About constant per chunk here (the texture keeps ~150 tracks alive), where whole snapshots grow
    // by one chunk's observations each time.
    expect(Math.max(...sizes)).toBeLessThan(1.1 * Math.min(...sizes));
    expect(whole.at(-1)! - whole[0]!).toBeGreaterThan((chunks.length - 1) * 0.5 * 20 * obs(stored[0]!));
    expect(sizes.at(-1)! - sizes[0]!).toBeLessThan(0.1 * 20 * obs(stored[0]!));
  });

  it('XFeat (stand-in runner): the joined chunks are the uninterrupted result', async () => {
    const opts = { targetTracks: 150, inputWidth: 96, inputHeight: 64 };
    const full = new XFeatTracker(W, H, fakeRunner, opts);
    for (const f of frames) await full.push(f.luma);
    const { set, stored } = await chunked(
      () => new XFeatTracker(W, H, fakeRunner, opts),
      (b) => XFeatTracker.restore(b, fakeRunner),
      (t, i) => t.push(frames[i]!.luma),
    );
    expectIdentical(full.result(), set);
    for (const s of stored) expect(splitTrackerSnapshot(s.state).observations.ids.length).toBe(0);
  });

  it('a whole snapshot (as an earlier Reshoot stored it) splits into the same state and all observations', () => {
    const trk = new KltTracker(W, H, { targetTracks: 150 });
    for (const f of frames.slice(0, 9)) trk.push(f.gray);
    const { state, observations } = splitTrackerSnapshot(trk.snapshot());
    const rec = new TrackRecorder();
    rec.append(observations);
    expectIdentical(trk.result(), rec.build(W, H, 9));
    // Continuing from the state alone tracks exactly like continuing from the whole snapshot.
    const a = KltTracker.restore(trk.snapshot());
    const b = KltTracker.restore(state);
    for (const f of frames.slice(9)) {
      a.push(f.gray);
      b.push(f.gray);
    }
    expectIdentical(a.result(), splitAndBuild(b.snapshot(), observations));
  });

  function splitAndBuild(snapshot: Uint8Array, before: Observations): TrackSet {
    const rec = new TrackRecorder();
    rec.append(before);
    rec.append(splitTrackerSnapshot(snapshot).observations);
    return rec.build(W, H, FRAMES);
  }

  it('refuses gaps, overlaps, foreign frames and corrupt parts', () => {
    const trk = new KltTracker(W, H, { targetTracks: 60 });
    for (const f of frames.slice(0, 8)) trk.push(f.gray);
    const { observations } = splitTrackerSnapshot(trk.snapshot());
    const part = { ...observations, first: 0, end: 8 };
    expect(() => assembleTrackSet(W, H, 8, [part])).not.toThrow();
    expect(() => assembleTrackSet(W, H, 12, [part])).toThrow(/frames 8…11 are missing/);
    expect(() => assembleTrackSet(W, H, 16, [part, { ...part, first: 4, end: 16 }])).toThrow(/twice/);
    expect(() => assembleTrackSet(W, H, 16, [{ ...part, first: 4, end: 16 }])).toThrow(/0…3 are missing/);
    expect(() => decodeChunkObservations(encodeChunkObservations({ ...part, first: 2 }))).toThrow(
      /frames 2…7 hold one of frame [01]/,
    );
    const bytes = encodeChunkObservations(part);
    const bad = bytes.slice();
    bad[bad.length - 3] = (bad[bad.length - 3]! + 1) & 255;
    expect(() => decodeChunkObservations(bad)).toThrow(/corrupt/);
    expect(() => decodeChunkObservations(trk.snapshot())).toThrow(/kind/);
    expect(() => splitTrackerSnapshot(bytes)).toThrow(/not a tracker's/);
  });
});
