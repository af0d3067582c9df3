/**
 * The .usda a camera delivery writes, checked against the USD specification (no USD reader can be
 * installed here: Debian's Blender is built without USD and OpenUSD is not packaged): stage metadata
 * (upAxis, metersPerUnit, timeCodesPerSecond = framesPerSecond, start/endTimeCode at the shot's frame
 * numbers), a UsdGeomCamera whose lens and film back are in tenths of a scene unit (UsdGeomCamera,
 * "Units of Measure"), and a time-sampled row-vector xformOp:transform.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  documentToTrack,
  glRotationFromCv,
  mapPoint,
  parseCamerasJson,
  quatAngle,
  quatToMat3,
  readUsda,
  worldToYUp,
  writeUsda,
  type CameraTrack,
} from '../../../src-shared/geometry';

const gt = documentToTrack(
  parseCamerasJson(readFileSync(resolve('../shared/gt/orbit_a/cameras.json'), 'utf8')),
);
const ntsc: CameraTrack = { ...gt, fps: [24000, 1001] };

const meta = (text: string, key: string): string => {
  const m = new RegExp(`\\n {4}${key} = ([^\\n]+)\\n`).exec(text);
  if (!m) throw new Error(`no ${key}`);
  return m[1]!;
};
/** `attr.timeSamples = { t: v, … }` → Map(t → text of v). */
function samples(text: string, attr: string): Map<number, string> {
  const start = text.indexOf(`${attr}.timeSamples = {`);
  if (start < 0) throw new Error(`no ${attr}.timeSamples`);
  // a matrix's samples span lines up to the closing brace on its own line; the others are on one line
  const end = attr.startsWith('matrix') ? text.indexOf('\n    }', start) : text.indexOf('}', start);
  const body = text.slice(text.indexOf('{', start) + 1, end);
  const out = new Map<number, string>();
  for (const m of body.matchAll(/(-?\d+): (\( \(.*?\) \)|[^,\s]+)/g)) out.set(Number(m[1]), m[2]!);
  return out;
}

describe('USD camera delivery (.usda, against the USD specification)', () => {
  const text = writeUsda(ntsc, { worldUp: 'z', metersPerUnit: 1, sensorWidthMm: 36, firstFrame: 1001 });

  it('stage metadata: Y up, metres, the rational rate as a double, time codes at the shot frame numbers', () => {
    expect(text.startsWith('#usda 1.0\n(')).toBe(true);
    expect(meta(text, 'upAxis')).toBe('"Y"');
    expect(Number(meta(text, 'metersPerUnit'))).toBe(1);
    expect(Number(meta(text, 'timeCodesPerSecond'))).toBe(24000 / 1001);
    expect(Number(meta(text, 'framesPerSecond'))).toBe(24000 / 1001);
    expect(Number(meta(text, 'startTimeCode'))).toBe(1001);
    expect(Number(meta(text, 'endTimeCode'))).toBe(1048);
    expect(meta(text, 'defaultPrim')).toBe('"Camera"');
    expect(text).toMatch(/\ndef Camera "Camera"\n\{/);
    expect(text).toContain('uniform token[] xformOpOrder = ["xformOp:transform"]');
    expect(text).toContain('string "reshoot:fps" = "24000/1001"');
  });

  it('lens and film back in tenths of a scene unit: 28 mm on 36 mm is 0.28 and 0.36 in metres, 28 and 36 in cm', () => {
    const f = samples(text, 'float focalLength');
    expect([...f.keys()]).toEqual(Array.from({ length: 48 }, (_, i) => 1001 + i));
    for (const v of f.values()) expect(Number(v)).toBeCloseTo(0.28, 9);
    for (const v of samples(text, 'float horizontalAperture').values())
      expect(Number(v)).toBeCloseTo(0.36, 12);
    for (const v of samples(text, 'float verticalAperture').values())
      expect(Number(v)).toBeCloseTo(0.36 * (360 / 640), 9);
    for (const v of samples(text, 'float horizontalApertureOffset').values()) expect(Number(v)).toBe(0);
    const cm = writeUsda(ntsc, { worldUp: 'z', metersPerUnit: 0.01, sensorWidthMm: 36 });
    for (const v of samples(cm, 'float focalLength').values()) expect(Number(v)).toBeCloseTo(28, 7);
    for (const v of samples(cm, 'float horizontalAperture').values()) expect(Number(v)).toBeCloseTo(36, 9);
  });

  it('xformOp:transform: row vectors, the GL camera axes as rows and the position (Y up) in the last row', () => {
    const m = samples(text, 'matrix4d xformOp:transform');
    expect(m.size).toBe(48);
    const W = worldToYUp('z');
    gt.frames.forEach((f) => {
      const v = m
        .get(f.index + 1001)!
        .match(/-?[\d.]+(?:e[-+]?\d+)?/gi)!
        .map(Number);
      expect(v).toHaveLength(16);
      const R = glRotationFromCv(W, quatToMat3(f.camera.q));
      for (let row = 0; row < 3; row++)
        for (let col = 0; col < 3; col++) expect(v[row * 4 + col]).toBeCloseTo(R[col * 3 + row]!, 12);
      expect([v[3], v[7], v[11], v[15]]).toEqual([0, 0, 0, 1]);
      const C = mapPoint(W, f.camera.C);
      [v[12], v[13], v[14]].forEach((x, k) => expect(x).toBeCloseTo(C[k]!, 12));
    });
  });

  it('reads back with its first frame, frame for frame', () => {
    const back = readUsda(text, { worldUp: 'z' });
    expect(back.fps).toEqual([24000, 1001]);
    expect(back.frames.map((f) => f.index)).toEqual(gt.frames.map((f) => f.index));
    back.frames.forEach((f, i) => expect(quatAngle(f.camera.q, gt.frames[i]!.camera.q)).toBeLessThan(1e-9));
  });
});
