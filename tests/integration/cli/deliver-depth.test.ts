import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/app/cli/main';
import {
  encodeFloat16,
  float16ToBytesLE,
  fromFloat16Bits,
  toFloat16Bits,
} from '../../../src-main/analysis/depth/float16';
import { decodeDepthF32LE } from '../../../src-main/analysis/depth/export';
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import { snapshotTree, tempDir } from '../../helpers/temp';
import { analysedRoom } from '../render/render-fixture';
import { blenderDepth, exrheader, hasBlender, hasCv2 } from '../deliver/exr-tools';
import { readExr } from '../../unit/deliver/exr-reader';

// `reshoot deliver depth` on a shot with depth stored as the analysis stores it (float16 + state bytes) on a
// grid half the shot's size, with invalid pixels (a hole, sky) — read back with exrheader, the test's
// OpenEXR reader and Blender, and compared with what is stored.

const tmp = tempDir('reshoot-deliver-depth-');
const [W, H, FRAMES] = [96, 54, 5];
const [DW, DH] = [W / 2, H / 2];
let projectDir = '';
let shotId = 0;
/** What each frame's stored depth decodes to (0 where invalid), and its validity. */
const stored: { z: Float32Array; valid: Uint8Array }[] = [];

function depthOf(f: number): { z: Float32Array; states: Uint8Array } {
  const z = new Float32Array(DW * DH);
  const states = new Uint8Array(DW * DH);
  for (let y = 0; y < DH; y++)
    for (let x = 0; x < DW; x++) {
      const p = y * DW + x;
      if (y < 4)
        states[p] = encodeDepthState(DepthState.infinity, 1); // sky: depth 0
      else if (x >= 10 && x < 14 && y >= 10 && y < 14) states[p] = encodeDepthState(DepthState.invalid, 0);
      else {
        z[p] = 2 + 0.1 * f + x * 0.03125 + y * 0.017;
        states[p] = encodeDepthState(x % 2 ? DepthState.propagated : DepthState.measured, 0.8);
      }
    }
  return { z, states };
}

beforeAll(async () => {
  const fx = await analysedRoom(tmp.dir, FRAMES, W, H);
  shotId = fx.shotId;
  projectDir = fx.projectDir;
  const project = fx.core.require().project;
  for (let f = 0; f < FRAMES; f++) {
    const { z, states } = depthOf(f);
    writeFileSync(project.paths.depthFrame(shotId, f), float16ToBytesLE(encodeFloat16(z)));
    writeFileSync(project.paths.depthState(shotId, f), states);
    const valid = Uint8Array.from(states, (s, i) => (z[i]! > 0 && (s & 3) !== DepthState.infinity ? 1 : 0));
    stored.push({
      z: Float32Array.from(z, (v, i) => (valid[i] ? fromFloat16Bits(toFloat16Bits(v)) : 0)),
      valid,
    });
  }
  project.analysis.putDepth(
    shotId,
    { method: 'exact', width: DW, height: DH, frames: FRAMES, near: 2, far: 4, validFraction: 0.8 },
    new Date().toISOString(),
  );
  // the source said its first frame is 00:59:59:22 (frames 2 on cross into the next hour)
  project.db.prepare('UPDATE shots SET start_timecode = ? WHERE id = ?').run('00:59:59:22', shotId);
  await fx.core.closeProject();
}, 120_000);
afterAll(() => tmp.cleanup());

async function reshoot(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    cwd: tmp.dir,
    env: process.env,
  });
  return { code, out, err };
}

describe('reshoot deliver depth --format exr', () => {
  it('writes one EXR per frame that exrheader reads: Z float, validity half, timecode, rate, depth grid', async () => {
    const out = join(tmp.dir, 'exr');
    const r = await reshoot([
      'deliver',
      'depth',
      projectDir,
      String(shotId),
      '--format',
      'exr',
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Wrote 5 OpenEXR depth frames \(48×27, the shot's gauge\)/);
    const files = readdirSync(out).sort();
    expect(files).toEqual([1, 2, 3, 4, 5].map((n) => `room_depth.000${n}.exr`));
    const text = await exrheader(join(out, files[2]!));
    expect(text).toMatch(
      /channels \(type chlist\):\s+Z, 32-bit floating-point, sampling 1 1\s+validity, 16-bit floating-point, sampling 1 1\s+comments/,
    );
    expect(text).toMatch(/compression \(type compression\): zip/);
    expect(text).toMatch(/dataWindow \(type box2i\): \(0 0\) - \(47 26\)/);
    expect(text).toMatch(/framesPerSecond \(type rational\): 24\/1/);
    expect(text).toMatch(/time 01:00:00:00\s+drop frame 0/);
    expect(await exrheader(join(out, files[0]!))).toMatch(/time 00:59:59:22/);
    expect(await exrheader(join(out, files[4]!))).toMatch(/time 01:00:00:02/);
    expect(text).toMatch(/comments \(type string\): "Reshoot depth of shot 'room'/);
  });

  it('every Z and validity sample equals the stored depth (0 where invalid)', () => {
    const out = join(tmp.dir, 'exr');
    for (let f = 0; f < FRAMES; f++) {
      const e = readExr(readFileSync(join(out, `room_depth.000${f + 1}.exr`)));
      expect([...e.pixels.get('Z')!]).toEqual([...stored[f]!.z]);
      expect([...e.pixels.get('validity')!]).toEqual([...stored[f]!.valid]);
    }
    const e = readExr(readFileSync(join(out, 'room_depth.0001.exr')));
    expect(e.pixels.get('validity')![0]).toBe(0); // sky
    expect(e.pixels.get('validity')![11 * DW + 11]).toBe(0); // the hole
  });

  it('Blender reads the same Z (compositor Depth socket)', { timeout: 60_000 }, async (ctx) => {
    if (!hasBlender || !hasCv2) ctx.skip();
    // Blender centres odd sizes: deliver at the shot's (even) size and compare with the upsampled grid
    const out = join(tmp.dir, 'exr-shot');
    const r = await reshoot([
      'deliver',
      'depth',
      projectDir,
      'room',
      '--format',
      'exr',
      '--size',
      'shot',
      '--out',
      out,
      '--compression',
      'none',
    ]);
    expect(r.code, r.err).toBe(0);
    const file = join(out, 'room_depth.0002.exr');
    const mine = readExr(readFileSync(file));
    expect([mine.width, mine.height]).toEqual([W, H]);
    expect(mine.compression).toBe(0);
    const z = await blenderDepth(file, tmp.dir);
    expect([...z]).toEqual([...mine.pixels.get('Z')!].map(Math.fround));
  });

  it('--size shot: validity follows the nearest depth pixel; Z lies within its valid neighbours', () => {
    const e = readExr(readFileSync(join(tmp.dir, 'exr-shot', 'room_depth.0002.exr')));
    const s = stored[1]!;
    const Z = e.pixels.get('Z')!;
    const V = e.pixels.get('validity')!;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const o = y * W + x;
        const near = (y >> 1) * DW + (x >> 1);
        expect(V[o]).toBe(s.valid[near]);
        if (!V[o]) {
          expect(Z[o]).toBe(0);
          continue;
        }
        const around = [-1, 0, 1]
          .flatMap((dy) =>
            [-1, 0, 1].map((dx) => {
              const yy = Math.min(DH - 1, Math.max(0, (y >> 1) + dy));
              const xx = Math.min(DW - 1, Math.max(0, (x >> 1) + dx));
              return s.valid[yy * DW + xx] ? s.z[yy * DW + xx]! : NaN;
            }),
          )
          .filter((v) => !Number.isNaN(v));
        expect(Z[o]).toBeGreaterThanOrEqual(Math.min(...around) - 1e-6);
        expect(Z[o]).toBeLessThanOrEqual(Math.max(...around) + 1e-6);
      }
  });

  it('--units metric for a camera imported from cameras.json: the same values, said to be metres', async () => {
    const out = join(tmp.dir, 'metric');
    const r = await reshoot([
      'deliver',
      'depth',
      projectDir,
      'room',
      '--format',
      'exr',
      '--units',
      'metric',
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/metres/);
    expect(await exrheader(join(out, 'room_depth.0001.exr'))).toMatch(/optical axis in metres/);
    const e = readExr(readFileSync(join(out, 'room_depth.0001.exr')));
    expect([...e.pixels.get('Z')!]).toEqual([...stored[0]!.z]);
  });
});

describe('reshoot deliver depth --format raw (the export depth layout)', () => {
  it('writes depth/frame_0001.f32 … and cameras.json, the same bytes as reshoot export depth', async () => {
    const a = join(tmp.dir, 'raw');
    const b = join(tmp.dir, 'export');
    expect(
      (await reshoot(['deliver', 'depth', projectDir, 'room', '--format', 'raw', '--out', a])).code,
    ).toBe(0);
    expect((await reshoot(['export', 'depth', projectDir, 'room', '--out', b])).code).toBe(0);
    expect(snapshotTree(a)).toEqual(snapshotTree(b));
    const z = decodeDepthF32LE(new Uint8Array(readFileSync(join(a, 'depth', 'frame_0003.f32'))), DW, DH);
    expect([...z]).toEqual([...stored[2]!.z]);
    expect(JSON.parse(readFileSync(join(a, 'cameras.json'), 'utf8'))).toMatchObject({
      depth_width: DW,
      depth_height: DH,
    });
  });
});

describe('reshoot deliver depth refuses', () => {
  it('to overwrite without --overwrite, and writes nothing', async () => {
    const out = join(tmp.dir, 'exr');
    const before = snapshotTree(out);
    const r = await reshoot(['deliver', 'depth', projectDir, 'room', '--format', 'exr', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /already holds files this export would replace: room_depth\.0001\.exr.*--overwrite/,
    );
    expect(snapshotTree(out)).toEqual(before);
    expect(
      (
        await reshoot([
          'deliver',
          'depth',
          projectDir,
          'room',
          '--format',
          'exr',
          '--out',
          out,
          '--overwrite',
        ])
      ).code,
    ).toBe(0);
  });

  it("the project's own folder", async () => {
    const r = await reshoot([
      'deliver',
      'depth',
      projectDir,
      'room',
      '--format',
      'exr',
      '--out',
      join(projectDir, 'cache'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/never writes an export over a project's own files/);
  });

  it('bad options, naming them', async () => {
    const base = ['deliver', 'depth', projectDir, 'room', '--out', join(tmp.dir, 'bad')];
    const fmt = await reshoot([...base, '--format', 'tiff']);
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/--format 'tiff' is not one of exr, raw/);
    const size = await reshoot([...base, '--format', 'raw', '--size', 'shot']);
    expect(size.code).toBe(2);
    expect(size.err).toMatch(/--format exr only/);
    expect((await reshoot([...base, '--format', 'exr', '--units', 'feet'])).err).toMatch(/--units 'feet'/);
    expect(existsSync(join(tmp.dir, 'bad'))).toBe(false);
  });

  it('metric units for a solved camera (its scale is arbitrary), and a missing shot', async () => {
    const { Project } = await import('../../../src-main/store');
    const p = Project.open(projectDir);
    p.db
      .prepare("UPDATE shot_cameras SET origin = 'solved', status = 'solved' WHERE shot_id = ?")
      .run(shotId);
    p.close();
    const r = await reshoot([
      'deliver',
      'depth',
      projectDir,
      'room',
      '--format',
      'exr',
      '--units',
      'metric',
      '--out',
      join(tmp.dir, 'm2'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/metric depth is not known: .*solved from the footage, so its scale is arbitrary/);
    expect(existsSync(join(tmp.dir, 'm2'))).toBe(false);
    const none = await reshoot([
      'deliver',
      'depth',
      projectDir,
      'nope',
      '--format',
      'exr',
      '--out',
      join(tmp.dir, 'm3'),
    ]);
    expect(none.code).toBe(3);
  });
});
