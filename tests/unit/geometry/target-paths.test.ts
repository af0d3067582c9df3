import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pathSampleAt,
  pathSamples,
  presetPath,
  PRESET_KINDS,
  projectPoint,
  quatAngle,
  quatRotate,
  reduceToKeyframes,
  TargetPathError,
  validateTargetPath,
  type PathSample,
  type PresetKind,
  type TargetPathContent,
  type Vec3,
} from '../../../src-shared/geometry';
import { arbQuat, arbVec3 } from './arb';

const key = (frame: number, x = 0, focalPx = 500) => ({
  frame,
  position: [x, 0, 0] as Vec3,
  orientation: [1, 0, 0, 0] as [number, number, number, number],
  focalPx,
});

describe('target path validation', () => {
  it('accepts a clean path and normalises a nearly unit quaternion', () => {
    const p = validateTargetPath(
      { kind: 'keyframes', keyframes: [key(0), { ...key(10, 1), orientation: [1.0004, 0, 0, 0] }] },
      24,
    );
    expect(p.kind).toBe('keyframes');
    if (p.kind === 'keyframes') expect(Math.hypot(...p.keyframes[1]!.orientation)).toBeCloseTo(1, 12);
  });

  it.each([
    [{ kind: 'keyframes', keyframes: [] }, /needs a keyframe/],
    [{ kind: 'keyframes', keyframes: [key(30)] }, /keyframe 0: frame 30 is outside the shot \(frames 0–23\)/],
    [{ kind: 'keyframes', keyframes: [key(-1)] }, /outside the shot/],
    [{ kind: 'keyframes', keyframes: [key(3), key(3)] }, /keyframe 1 \(frame 3\) is not after keyframe 0/],
    [
      { kind: 'keyframes', keyframes: [{ ...key(2), focalPx: 0 }] },
      /keyframe 0 \(frame 2\): focal must be .* > 0/,
    ],
    [
      { kind: 'keyframes', keyframes: [{ ...key(2), position: [0, NaN, 0] }] },
      /position must be three finite/,
    ],
    [{ kind: 'keyframes', keyframes: [{ ...key(2), orientation: [0.5, 0, 0, 0] }] }, /not a unit quaternion/],
    [{ kind: 'keyframes', keyframes: [{ ...key(2), easing: 'bounce' }] }, /easing must be one of/],
    [{ kind: 'samples', samples: [key(1), key(3)] }, /sample 1 \(frame 3\) does not follow sample 0/],
    [{ kind: 'samples', samples: [key(1.5)] }, /not a whole frame/],
    [{ kind: 'curve' }, /kind must be/],
    [null, /must be an object/],
  ])('refuses %j with a clear message', (content, message) => {
    expect(() => validateTargetPath(content, 24)).toThrow(TargetPathError);
    expect(() => validateTargetPath(content, 24)).toThrow(message);
  });

  it('never throws anything but TargetPathError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          validateTargetPath(v, 10);
        } catch (e) {
          expect(e).toBeInstanceOf(TargetPathError);
        }
      }),
    );
  });

  it('samples a sampled path by frame, holding its ends', () => {
    const p: TargetPathContent = { kind: 'samples', samples: [key(2, 1), key(3, 2), key(4, 3)] };
    expect(pathSamples(p, 0, 6).map((s) => s.position[0])).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(pathSampleAt(p, 3).position[0]).toBe(2);
  });

  it('a hold segment keeps its first keyframe until the next', () => {
    const p: TargetPathContent = {
      kind: 'keyframes',
      keyframes: [{ ...key(0, 0), easing: 'hold' }, key(10, 5)],
    };
    expect(pathSamples(p, 0, 10).map((s) => s.position[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
  });

  it('reduces samples to keyframes within the tolerance', () => {
    const samples: PathSample[] = Array.from({ length: 50 }, (_, f) => ({
      frame: f,
      position: [Math.sin(f / 10), 0.1 * f, 0],
      orientation: [1, 0, 0, 0],
      focalPx: 500,
    }));
    const { content, maxError } = reduceToKeyframes(
      { kind: 'samples', samples },
      { position: 0.01, rotationDeg: 0.1, smoothRadius: 0 },
    );
    expect(content.kind).toBe('keyframes');
    if (content.kind !== 'keyframes') return;
    expect(content.keyframes.length).toBeLessThan(samples.length);
    expect(maxError).toBeLessThanOrEqual(1);
    for (const s of pathSamples(content, 0, 49))
      expect(Math.hypot(s.position[0] - Math.sin(s.frame / 10), s.position[1] - 0.1 * s.frame)).toBeLessThan(
        0.0101,
      );
  });
});

/** A wobbly source camera looking down +z at a scene at depth ≈ 5. */
const source = (T: number, s = 1): PathSample[] =>
  Array.from({ length: T }, (_, f) => ({
    frame: f,
    position: [s * 0.05 * Math.sin(f), s * 0.02 * Math.cos(1.3 * f), s * 0.01 * f],
    orientation: [Math.cos(0.01 * Math.sin(f)), 0, Math.sin(0.01 * Math.sin(f)), 0],
    focalPx: 600,
  }));

const camAt = (p: PathSample) => ({
  C: p.position,
  q: p.orientation,
  intrinsics: { width: 640, height: 360, fx: p.focalPx, fy: p.focalPx, cx: 320, cy: 180 },
});

describe('presets in gauge-free units', () => {
  const kinds = PRESET_KINDS.filter((k) => k !== 'lockoff' && k !== 'stabilise');
  const amountOf = (k: PresetKind) =>
    k === 'zoom' ? 1.5 : k === 'arc' || k === 'pan' || k === 'tilt' ? 30 : k === 'dollyzoom' ? 0.4 : 0.3;

  it('a shot whose gauge is scaled by s gives the same path scaled by s (same image motion)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRESET_KINDS),
        fc.boolean(),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        (kind, relative, s, frame) => {
          if (relative && (kind === 'lockoff' || kind === 'stabilise')) return;
          const amount = kind === 'stabilise' ? 0.5 : amountOf(kind);
          const a = presetPath({ kind, amount, relative, frame }, { source: source(24), sceneDepth: 5 });
          const b = presetPath(
            { kind, amount, relative, frame },
            { source: source(24, s), sceneDepth: 5 * s },
          );
          const sa = pathSamples(a, 0, 23);
          const sb = pathSamples(b, 0, 23);
          sa.forEach((x, i) => {
            const y = sb[i]!;
            for (let k = 0; k < 3; k++) expect(y.position[k]).toBeCloseTo(s * x.position[k]!, 6);
            expect(quatAngle(x.orientation, y.orientation)).toBeLessThan(1e-9);
            expect(y.focalPx).toBeCloseTo(x.focalPx, 9);
          });
          // the same image motion: a point at the scene depth projects to the same pixel on both shots
          const X: Vec3 = [0.3, -0.2, 5];
          sa.forEach((x, i) => {
            const pa = projectPoint(camAt(x), X);
            const pb = projectPoint(camAt(sb[i]!), [s * X[0], s * X[1], s * X[2]]);
            expect(pb.u).toBeCloseTo(pa.u, 5);
            expect(pb.v).toBeCloseTo(pa.v, 5);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(kinds)('%s reaches its amount at the last frame and starts at the anchor pose', (kind) => {
    const src = source(30);
    const amount = amountOf(kind);
    const p = presetPath({ kind, amount, frame: 5 }, { source: src, sceneDepth: 4 });
    const first = pathSampleAt(p, 0);
    const atAnchor = pathSampleAt(p, 5);
    const end = pathSampleAt(p, 29);
    for (const s of [first, atAnchor]) {
      for (let k = 0; k < 3; k++) expect(s.position[k]).toBeCloseTo(src[5]!.position[k]!, 12);
      expect(quatAngle(s.orientation, src[5]!.orientation)).toBeLessThan(1e-9);
    }
    const a = src[5]!;
    const fwd = quatRotate(a.orientation, [0, 0, 1]);
    const right = quatRotate(a.orientation, [1, 0, 0]);
    const up = quatRotate(a.orientation, [0, -1, 0]);
    const d: Vec3 = [0, 1, 2].map((k) => end.position[k]! - a.position[k]!) as Vec3;
    const dot = (u: Vec3, v: Vec3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    if (kind === 'dolly' || kind === 'dollyzoom') expect(dot(d, fwd)).toBeCloseTo(amount * 4, 9);
    if (kind === 'truck') expect(dot(d, right)).toBeCloseTo(amount * 4, 9);
    if (kind === 'pedestal') expect(dot(d, up)).toBeCloseTo(amount * 4, 9);
    if (kind === 'arc') {
      // moved right around the subject at Z̄, still looking at it, by the angle
      expect(dot(d, right)).toBeGreaterThan(0);
      const pivot = [0, 1, 2].map((k) => a.position[k]! + 4 * fwd[k]!) as Vec3;
      const look = quatRotate(end.orientation, [0, 0, 1]);
      const toPivot = [0, 1, 2].map((k) => pivot[k]! - end.position[k]!) as Vec3;
      expect(dot(look, toPivot) / Math.hypot(...toPivot)).toBeCloseTo(1, 9);
      expect(quatAngle(end.orientation, a.orientation)).toBeCloseTo((amount * Math.PI) / 180, 9);
    }
    if (kind === 'pan' || kind === 'tilt') {
      expect(quatAngle(end.orientation, a.orientation)).toBeCloseTo((amount * Math.PI) / 180, 9);
      const look = quatRotate(end.orientation, [0, 0, 1]);
      if (kind === 'pan') expect(dot(look, right)).toBeGreaterThan(0);
      else expect(dot(look, up)).toBeGreaterThan(0);
    }
    if (kind === 'zoom') expect(end.focalPx).toBeCloseTo(600 * amount, 9);
    if (kind === 'dollyzoom') {
      // the subject at Z̄ keeps its size: focal / distance is constant
      expect(end.focalPx / (4 - dot(d, fwd))).toBeCloseTo(600 / 4, 9);
    }
  });

  it('a relative preset keeps the source wobble (offset composed frame by frame)', () => {
    const src = source(20);
    const p = presetPath({ kind: 'truck', amount: 0.5, relative: true }, { source: src, sceneDepth: 2 });
    expect(p.kind).toBe('samples');
    const ss = pathSamples(p, 0, 19);
    ss.forEach((s, f) => {
      const right = quatRotate(src[f]!.orientation, [1, 0, 0]);
      const d = [0, 1, 2].map((k) => s.position[k]! - src[f]!.position[k]!);
      const along = d[0]! * right[0] + d[1]! * right[1] + d[2]! * right[2];
      expect(Math.hypot(...d)).toBeCloseTo(Math.abs(along), 9);
      expect(quatAngle(s.orientation, src[f]!.orientation)).toBeLessThan(1e-9);
    });
    expect(ss[0]!.position).toEqual(src[0]!.position);
  });

  it('lockoff holds the anchor pose; stabilise smooths the source', () => {
    const src = source(40);
    const lock = pathSamples(
      presetPath({ kind: 'lockoff', amount: 0, frame: 7 }, { source: src, sceneDepth: 3 }),
      0,
      39,
    );
    for (const s of lock) expect(s.position).toEqual(src[7]!.position);
    const jitter = (ss: PathSample[]) =>
      ss.slice(1).reduce((a, s, i) => a + Math.abs(s.position[0] - ss[i]!.position[0]), 0);
    const stab = pathSamples(
      presetPath({ kind: 'stabilise', amount: 0.5 }, { source: src, sceneDepth: 3 }),
      0,
      39,
    );
    expect(jitter(stab)).toBeLessThan(0.1 * jitter(src));
  });

  it('refuses what cannot be made, saying why', () => {
    const scene = { source: source(10), sceneDepth: 3 };
    expect(() => presetPath({ kind: 'lockoff', amount: 0, relative: true }, scene)).toThrow(
      /no relative form/,
    );
    expect(() => presetPath({ kind: 'zoom', amount: 0 }, scene)).toThrow(/factor must be > 0/);
    expect(() => presetPath({ kind: 'dollyzoom', amount: 1 }, scene)).toThrow(/< 1/);
    expect(() => presetPath({ kind: 'dolly', amount: 0.2, frame: 10 }, scene)).toThrow(/outside the shot/);
    expect(() => presetPath({ kind: 'dolly', amount: 0.2 }, { ...scene, sceneDepth: NaN })).toThrow(
      /analyse the shot/,
    );
    expect(() => presetPath({ kind: 'dolly', amount: Infinity }, scene)).toThrow(/finite/);
  });

  it('keeps orientations unit and positions finite for any anchor pose', () => {
    fc.assert(
      fc.property(arbVec3(10), arbQuat, fc.constantFrom(...kinds), (C, q, kind) => {
        const src = Array.from({ length: 8 }, (_, f) => ({
          frame: f,
          position: C,
          orientation: q,
          focalPx: 800,
        }));
        for (const s of pathSamples(
          presetPath({ kind, amount: amountOf(kind), frame: 2 }, { source: src, sceneDepth: 3 }),
          0,
          7,
        )) {
          expect(Math.hypot(...s.orientation)).toBeCloseTo(1, 9);
          expect(s.position.every(Number.isFinite)).toBe(true);
        }
      }),
    );
  });
});
