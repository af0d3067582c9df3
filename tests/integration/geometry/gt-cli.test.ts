import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/app/cli/main';
import {
  applySim3ToPose,
  documentToTrack,
  parallaxNumbers,
  parseCamerasJson,
  quatAngle,
  quatConjugate,
  quatMultiply,
  serializeCamerasJson,
  trackToDocument,
  representativeDepth,
} from '../../../src-shared/geometry';

const GT = resolve(__dirname, '../../../../shared/gt');
const tmp = mkdtempSync(join(tmpdir(), 'reshoot-geom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: process.cwd(),
    env: process.env,
  });
  return { code, out, err };
}

describe.each(['orbit_a', 'dolly_a'])('gt shot %s', (shot) => {
  const file = join(GT, shot, 'cameras.json');
  it('cameras.json parses strictly and round-trips byte-for-byte in values', () => {
    const text = readFileSync(file, 'utf8');
    const doc = parseCamerasJson(text);
    expect(doc.frames).toHaveLength(48);
    expect(JSON.parse(serializeCamerasJson(doc))).toEqual(JSON.parse(text));
  });
  it('reshoot metrics of the shot against itself is 0', async () => {
    const r = await cli(['metrics', file, file, '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.ateRmse).toBeLessThan(1e-9);
    expect(m.rotErrSumDeg).toBeLessThan(1e-6);
    expect(m.transErrSum).toBeLessThan(1e-8);
  });
  it('reshoot metrics against a scaled, rotated, shifted copy is 0 after alignment', async () => {
    const doc = parseCamerasJson(readFileSync(file, 'utf8'));
    const track = documentToTrack(doc);
    const T = {
      s: 3.7,
      q: [Math.cos(0.4), 0.3 * Math.sin(0.4), -0.5 * Math.sin(0.4), Math.sqrt(1 - 0.34) * Math.sin(0.4)] as [
        number,
        number,
        number,
        number,
      ],
      t: [12, -4, 100] as [number, number, number],
    };
    const moved = {
      ...track,
      frames: track.frames.map((f) => ({ ...f, camera: applySim3ToPose(T, f.camera) })),
    };
    const out = join(tmp, `${shot}-moved.json`);
    writeFileSync(out, serializeCamerasJson(trackToDocument(moved)));
    const r = await cli(['metrics', out, file, '--json']);
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.alignment.s).toBeCloseTo(1 / 3.7, 6);
    expect(m.ateRmse).toBeLessThan(1e-6);
    expect(m.rotErrSumDeg).toBeLessThan(1e-4);
    expect(m.transErrSum).toBeLessThan(1e-5);
    const text = await cli(['metrics', out, file]);
    expect(text.out).toMatch(/RotErr/);
  });
  it('camera convert round-trips through chan, usda and colmap back to json', async () => {
    const ref = documentToTrack(parseCamerasJson(readFileSync(file, 'utf8')));
    for (const fmt of ['chan', 'usda', 'colmap']) {
      const mid = join(tmp, `${shot}.${fmt}`);
      const back = join(tmp, `${shot}-${fmt}.json`);
      expect((await cli(['camera', 'convert', file, '--to', fmt, '--out', mid])).code).toBe(0);
      const r = await cli([
        'camera',
        'convert',
        mid,
        '--to',
        'json',
        '--out',
        back,
        '--width',
        '640',
        '--height',
        '360',
      ]);
      expect(r.code, r.err).toBe(0);
      const got = documentToTrack(parseCamerasJson(readFileSync(back, 'utf8')));
      got.frames.forEach((f, i) => {
        const e = ref.frames[i]!.camera;
        expect(
          Math.hypot(f.camera.C[0] - e.C[0], f.camera.C[1] - e.C[1], f.camera.C[2] - e.C[2]),
        ).toBeLessThan(1e-7);
        expect(quatAngle(f.camera.q, e.q)).toBeLessThan(1e-7);
        expect(f.camera.intrinsics.fx).toBeCloseTo(e.intrinsics.fx, 5);
      });
    }
  });
});

describe('CLI errors name the file and the reason', () => {
  it('missing file and bad field', async () => {
    const r = await cli(['metrics', join(tmp, 'nope.json'), join(GT, 'orbit_a', 'cameras.json')]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/nope\.json: no such file/);
    const bad = join(tmp, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        width: 640,
        height: 360,
        fps: [24, 1],
        K: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        frames: [
          {
            index: 0,
            C: [0, 0],
            R_wc: [
              [1, 0, 0],
              [0, 1, 0],
              [0, 0, 1],
            ],
          },
        ],
      }),
    );
    const r2 = await cli(['metrics', bad, bad]);
    expect(r2.err).toMatch(/bad\.json: frames\[0\]\.C: expected an array of 3 numbers/);
    expect((await cli(['camera', 'convert', bad])).code).toBe(2);
  });
});

describe('parascale transfer on the gt shots', () => {
  it('moves dolly_a onto orbit_a: one camera per reference frame, starts at the target, rotation increments copied', async () => {
    const out = join(tmp, 'dolly_on_orbit.json');
    const r = await cli([
      'parascale',
      'transfer',
      '--reference',
      join(GT, 'dolly_a', 'cameras.json'),
      '--reference-depth',
      join(GT, 'dolly_a', 'depth'),
      '--target',
      join(GT, 'orbit_a', 'cameras.json'),
      '--target-depth',
      join(GT, 'orbit_a', 'depth'),
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    const res = documentToTrack(parseCamerasJson(readFileSync(out, 'utf8')));
    const ref = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'dolly_a', 'cameras.json'), 'utf8')));
    const tgt = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'orbit_a', 'cameras.json'), 'utf8')));
    expect(res.frames).toHaveLength(ref.frames.length);
    expect(res.frames[0]!.camera.C[0]).toBeCloseTo(tgt.frames[0]!.camera.C[0], 6);
    for (let i = 0; i + 1 < ref.frames.length; i++) {
      const a = quatMultiply(quatConjugate(ref.frames[i]!.camera.q), ref.frames[i + 1]!.camera.q);
      const b = quatMultiply(quatConjugate(res.frames[i]!.camera.q), res.frames[i + 1]!.camera.q);
      expect(quatAngle(a, b)).toBeLessThan(1e-6);
    }
    // The reference Π (median depth of each frame) is positive and finite: a sanity check on the depth reader.
    const z = representativeDepth(
      new Float32Array(readFileSync(join(GT, 'dolly_a', 'depth', 'frame_0001.f32')).buffer.slice(0)),
      { width: 320 },
    );
    expect(z).toBeGreaterThan(1);
    expect(
      parallaxNumbers(
        ref.frames.map((f) => f.camera),
        ref.frames.map(() => z),
      ).every((p) => p > 0),
    ).toBe(true);
  });
});
