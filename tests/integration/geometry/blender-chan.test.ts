/**
 * Oracle test: Blender 3.4's own Nuke .chan importer reads what Reshoot writes. Skipped when Blender is
 * not installed (Debian: apt install blender).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentToTrack, parseCamerasJson, quatToMat3, writeChan } from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const hasBlender = spawnSync('blender', ['--version'], { encoding: 'utf8' }).status === 0;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!hasBlender)('Nuke .chan export, read back by Blender', () => {
  for (const shot of ['orbit_a', 'dolly_a']) {
    it(`${shot}: Blender's importer reproduces every camera centre, orientation and vertical FOV`, () => {
      const track = documentToTrack(
        parseCamerasJson(readFileSync(resolve(`../shared/gt/${shot}/cameras.json`), 'utf8')),
      );
      const chan = join(tmp.dir, `${shot}.chan`);
      writeFileSync(chan, writeChan(track, { worldUp: 'z', rotationOrder: 'ZXY' }));
      const r = spawnSync(
        'blender',
        [
          '-b',
          '--factory-startup',
          '-noaudio',
          '-P',
          resolve('tests/integration/geometry/fixtures/blender_import_chan.py'),
          '--',
          chan,
          'ZXY',
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      const line = r.stdout.split('\n').find((l) => l.startsWith('RESHOOT_JSON '));
      expect(line, r.stderr).toBeDefined();
      const frames = JSON.parse(line!.slice('RESHOOT_JSON '.length)) as {
        frame: number;
        C: number[];
        R: number[][];
        angle_y: number;
      }[];
      expect(frames).toHaveLength(track.frames.length);
      frames.forEach((f, i) => {
        const cam = track.frames[i]!.camera;
        expect(f.frame).toBe(track.frames[i]!.index + 1);
        f.C.forEach((v, k) => expect(v).toBeCloseTo(cam.C[k]!, 5));
        // Blender cameras look down −Z with +Y up: R_blender = R_wc · diag(1, −1, −1).
        const R = quatToMat3(cam.q);
        for (let row = 0; row < 3; row++) {
          expect(f.R[row]![0]).toBeCloseTo(R[row * 3]!, 5);
          expect(f.R[row]![1]).toBeCloseTo(-R[row * 3 + 1]!, 5);
          expect(f.R[row]![2]).toBeCloseTo(-R[row * 3 + 2]!, 5);
        }
        const vfov = 2 * Math.atan(cam.intrinsics.height / 2 / cam.intrinsics.fy);
        expect(f.angle_y).toBeCloseTo(vfov, 5);
      });
    }, 180_000);
  }
});
