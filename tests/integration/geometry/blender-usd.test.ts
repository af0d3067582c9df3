/**
 * Oracle test: Blender's own USD importer reads the .usda a camera delivery writes — the camera at every
 * time code, its horizontal field of view, the stage's frame range. Skipped where Blender is missing or
 * was built without USD (the Debian/Ubuntu package is; the builds from blender.org have it), so on this
 * project's machines the .usda is checked against the USD specification instead
 * (tests/unit/geometry/usd-delivery.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentToTrack, parseCamerasJson, quatToMat3, writeUsda } from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const SCRIPT = resolve('tests/integration/geometry/fixtures/blender_import_usd.py');
const probe = spawnSync(
  'blender',
  [
    '-b',
    '--factory-startup',
    '-noaudio',
    '--python-expr',
    'import bpy; print("USD", bpy.app.build_options.usd)',
  ],
  { encoding: 'utf8', timeout: 120_000 },
);
const hasUsdBlender = probe.status === 0 && /USD True/.test(probe.stdout);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!hasUsdBlender)('USD camera delivery, read back by Blender', () => {
  it("orbit_a at time codes 1001–1048: Blender's importer gives every camera, its field of view and the range", () => {
    const track = documentToTrack(
      parseCamerasJson(readFileSync(resolve('../shared/gt/orbit_a/cameras.json'), 'utf8')),
    );
    const usda = join(tmp.dir, 'orbit.usda');
    writeFileSync(
      usda,
      writeUsda(track, { worldUp: 'z', metersPerUnit: 1, sensorWidthMm: 36, firstFrame: 1001 }),
    );
    const r = spawnSync('blender', ['-b', '--factory-startup', '-noaudio', '-P', SCRIPT, '--', usda], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESHOOT_JSON '));
    expect(line, r.stderr).toBeDefined();
    const got = JSON.parse(line!.slice('RESHOOT_JSON '.length)) as {
      frame_start: number;
      frame_end: number;
      cameras: number;
      frames: { frame: number; C: number[]; R: number[][]; lens: number; sensor_width: number }[];
    };
    expect(got.cameras).toBe(1);
    expect([got.frame_start, got.frame_end]).toEqual([1001, 1048]);
    for (const f of track.frames) {
      const b = got.frames.find((x) => x.frame === f.index + 1001)!;
      // Blender turns USD's Y up into its Z up, which is this world's own up: the same numbers come back.
      f.camera.C.forEach((v, k) => expect(b.C[k]).toBeCloseTo(v, 4));
      const R = quatToMat3(f.camera.q); // Blender cameras look down −Z with +Y up: R · diag(1, −1, −1)
      for (let row = 0; row < 3; row++) {
        expect(b.R[row]![0]).toBeCloseTo(R[row * 3]!, 4);
        expect(b.R[row]![1]).toBeCloseTo(-R[row * 3 + 1]!, 4);
        expect(b.R[row]![2]).toBeCloseTo(-R[row * 3 + 2]!, 4);
      }
      // the picture depends on focal ÷ film back, whichever unit the importer takes them in
      expect(b.lens / b.sensor_width).toBeCloseTo(f.camera.intrinsics.fx / f.camera.intrinsics.width, 5);
    }
  }, 240_000);
});
