/**
 * `reshoot deliver camera` on a real project made with the CLI: orbit_a's clip with its ground-truth
 * camera imported as the source camera and orbit_a_target's as a target path. Every format is read back
 * (the Nuke node by an independent .nk reader, the others by Reshoot's readers and, for COLMAP, by the real
 * `colmap` when it is installed) and compared with the ground truth frame by frame.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/app/cli/main';
import {
  documentToTrack,
  parseCamerasJson,
  quatAngle,
  readChan,
  readColmap,
  readUsda,
  type Camera,
  type CameraTrack,
} from '../../../src-shared/geometry';
import { makeSequence } from '../../helpers/media-fixtures';
import { cameraAt, parseNode } from '../../helpers/nuke-node';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt');
const gt = (shot: string): CameraTrack =>
  documentToTrack(parseCamerasJson(readFileSync(join(GT, shot, 'cameras.json'), 'utf8')));
const tmp = tempDir('reshoot-deliver-camera-');
const project = join(tmp.dir, 'Deliver.reshoot');
afterAll(() => tmp.cleanup());

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: tmp.dir,
    env: { ...process.env, RESHOOT_CONFIG_DIR: join(tmp.dir, 'config') },
  });
  return { code, out, err };
}

function expectSame(got: Camera, want: Camera, what: string): void {
  const d = Math.hypot(got.C[0] - want.C[0], got.C[1] - want.C[1], got.C[2] - want.C[2]);
  expect(d, what).toBeLessThan(1e-6);
  expect(quatAngle(got.q, want.q), what).toBeLessThan(1e-6);
  expect(got.intrinsics.fx / want.intrinsics.fx, what).toBeCloseTo(1, 7);
}

beforeAll(async () => {
  for (const argv of [
    ['new', project],
    ['import', project, join(GT, 'orbit_a', 'shot.mp4'), '--no-thumbnails'],
    ['camera', 'import', project, 'shot', join(GT, 'orbit_a', 'cameras.json')],
    ['path', 'import', project, 'shot', join(GT, 'orbit_a_target', 'cameras.json'), '--name', 'closer'],
  ]) {
    const r = await cli(...argv);
    expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
  }
}, 120_000);

describe('reshoot deliver camera', () => {
  it('nuke: a Camera3 node at frames 1–48 that reads back as the source camera, 36 mm back by default', async () => {
    const out = join(tmp.dir, 'orbit.nk');
    const r = await cli('deliver', 'camera', project, 'shot', '--format', 'nuke', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Wrote 48 cameras of the source camera');
    expect(r.out).toContain("Frames 1–48 at 24/1 fps; world up z (the scene's up).");
    expect(r.out).toMatch(/36 mm wide film back \(full frame: the shot's lens is not known/);
    expect(r.out).toContain('Rotation order ZXY (written as rot_order).');
    const text = readFileSync(out, 'utf8');
    expect(parseNode(text).cls).toBe('Camera3');
    gt('orbit_a').frames.forEach((f) =>
      expectSame(cameraAt(text, f.index + 1, 640, 360, 'z'), f.camera, `frame ${f.index + 1}`),
    );
  });

  it('never overwrites without --overwrite, and replaces with it', async () => {
    const out = join(tmp.dir, 'taken.nk');
    writeFileSync(out, 'keep me');
    const r = await cli('deliver', 'camera', project, 'shot', '--format', 'nuke', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/taken\.nk already exists: choose another name, or pass --overwrite to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(
      (await cli('deliver', 'camera', project, 'shot', '--format', 'nuke', '--out', out, '--overwrite')).code,
    ).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^Camera3 \{/);
  });

  it("--path delivers the target path; the lens's film back gives the focal in mm", async () => {
    expect(
      (await cli('lens', project, 'shot', '--focal-mm', '19.35', '--sensor-width-mm', '24.89')).code,
    ).toBe(0);
    const out = join(tmp.dir, 'closer.nk');
    const r = await cli(
      'deliver',
      'camera',
      project,
      'shot',
      '--path',
      'closer',
      '--format',
      'nuke',
      '--out',
      out,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("of the target path 'closer'");
    expect(r.out).toContain("on the shot's 24.89 mm wide film back");
    const text = readFileSync(out, 'utf8');
    expect(parseNode(text).knobs.get('haperture')).toBe('24.89');
    const target = gt('orbit_a_target');
    // the path keeps the target's own focal: 28 mm on 36 mm = the same field of view on 24.89 mm
    expect(Number(parseNode(text).knobs.get('focal'))).toBeCloseTo((28 * 24.89) / 36, 6);
    target.frames.forEach((f) =>
      expectSame(cameraAt(text, f.index + 1, 640, 360, 'z'), f.camera, `frame ${f.index + 1}`),
    );
    expect((await cli('lens', project, 'shot', '--clear')).code).toBe(0);
    const none = await cli(
      'deliver',
      'camera',
      project,
      'shot',
      '--path',
      'wider',
      '--format',
      'nuke',
      '--out',
      join(tmp.dir, 'x.nk'),
    );
    expect(none.code).toBe(3);
    expect(none.err).toContain("no target path named 'wider' (it has 'closer')");
  });

  it('chan: frames 1–48, continuous ZXY angles, read back as the source camera', async () => {
    const out = join(tmp.dir, 'orbit.chan');
    const r = await cli('deliver', 'camera', project, 'shot', '--format', 'chan', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      "Rotation order ZXY: set it on the Nuke Camera before importing, and in Blender's .chan import dialog.",
    );
    const back = readChan(readFileSync(out, 'utf8'), {
      width: 640,
      height: 360,
      worldUp: 'z',
      rotationOrder: 'ZXY',
    });
    expect(back.frames.map((f) => f.index)).toEqual(gt('orbit_a').frames.map((f) => f.index));
    back.frames.forEach((f, i) => expectSame(f.camera, gt('orbit_a').frames[i]!.camera, `line ${i + 1}`));
  });

  it('usd: time codes 1–48 at 24 fps, Y up, metres; reads back as the source camera', async () => {
    const out = join(tmp.dir, 'orbit.usda');
    const r = await cli('deliver', 'camera', project, 'shot', '--format', 'usd', '--out', out);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/\n {4}startTimeCode = 1\n/);
    expect(text).toMatch(/\n {4}endTimeCode = 48\n/);
    expect(text).toMatch(/\n {4}timeCodesPerSecond = 24\n/);
    expect(text).toMatch(/\n {4}upAxis = "Y"\n/);
    expect(text).toMatch(/\n {4}metersPerUnit = 1\n/);
    const back = readUsda(text, { worldUp: 'z' });
    back.frames.forEach((f, i) => expectSame(f.camera, gt('orbit_a').frames[i]!.camera, `time ${i + 1}`));
  });

  it('colmap: a text model the real colmap reads, one image per frame', async () => {
    const out = join(tmp.dir, 'model');
    const r = await cli('deliver', 'camera', project, 'shot', '--format', 'colmap', '--out', out);
    expect(r.code, r.err).toBe(0);
    const back = readColmap(
      {
        camerasTxt: readFileSync(join(out, 'cameras.txt'), 'utf8'),
        imagesTxt: readFileSync(join(out, 'images.txt'), 'utf8'),
      },
      [24, 1],
    );
    back.frames.forEach((f, i) => expectSame(f.camera, gt('orbit_a').frames[i]!.camera, `image ${i + 1}`));
    const again = await cli('deliver', 'camera', project, 'shot', '--format', 'colmap', '--out', out);
    expect(again.code).toBe(2);
  });

  it.skipIf(spawnSync('colmap', ['help'], { encoding: 'utf8' }).error !== undefined)(
    'colmap model_converter and model_analyzer read the delivered model',
    async () => {
      const model = join(tmp.dir, 'model');
      if (!existsSync(join(model, 'images.txt')))
        expect(
          (await cli('deliver', 'camera', project, 'shot', '--format', 'colmap', '--out', model)).code,
        ).toBe(0);
      const bin = join(tmp.dir, 'model-bin');
      const mk = spawnSync('mkdir', ['-p', bin]);
      expect(mk.status).toBe(0);
      const conv = spawnSync(
        'colmap',
        ['model_converter', '--input_path', model, '--output_path', bin, '--output_type', 'BIN'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(conv.status, conv.stderr).toBe(0);
      expect(existsSync(join(bin, 'images.bin'))).toBe(true);
      const an = spawnSync('colmap', ['model_analyzer', '--path', bin], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(an.status, an.stderr).toBe(0);
      const said = an.stdout + an.stderr;
      expect(said).toMatch(/Cameras:\s*1\b/);
      expect(said).toMatch(/Images:\s*48\b/);
      expect(said).toMatch(/Registered images:\s*48\b/);
    },
    120_000,
  );

  it('json: cameras.json indices from 0; --world-up y is taken as given', async () => {
    const out = join(tmp.dir, 'orbit.json');
    const r = await cli(
      'deliver',
      'camera',
      project,
      'shot',
      '--format',
      'json',
      '--out',
      out,
      '--world-up',
      'y',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('world up y.');
    const doc = parseCamerasJson(readFileSync(out, 'utf8'));
    expect(doc.frames[0]!.index).toBe(0);
    documentToTrack(doc).frames.forEach((f, i) =>
      expectSame(f.camera, gt('orbit_a').frames[i]!.camera, `index ${i}`),
    );
  });

  it("export camera and path export write the Nuke node too (the app's export dialog offers it)", async () => {
    const src = join(tmp.dir, 'export.nk');
    expect((await cli('export', 'camera', project, 'shot', '--format', 'nuke', '--out', src)).code).toBe(0);
    const path = join(tmp.dir, 'path-export.nk');
    expect(
      (await cli('path', 'export', project, 'shot', '--path', 'closer', '--format', 'nuke', '--out', path))
        .code,
    ).toBe(0);
    expectSame(
      cameraAt(readFileSync(src, 'utf8'), 48, 640, 360, 'z'),
      gt('orbit_a').frames[47]!.camera,
      'export',
    );
    expectSame(
      cameraAt(readFileSync(path, 'utf8'), 1, 640, 360, 'z'),
      gt('orbit_a_target').frames[0]!.camera,
      'path',
    );
  });

  it('an image sequence plate.1001… is delivered at frames 1001–1048 (nuke, chan, usd)', async () => {
    const seqProject = join(tmp.dir, 'Seq.reshoot');
    const files = await makeSequence(join(tmp.dir, 'plates'), {
      start: 1001,
      frames: 48,
      width: 640,
      height: 360,
    });
    for (const argv of [
      ['new', seqProject],
      ['import', seqProject, files[0]!, '--no-thumbnails'],
      ['camera', 'import', seqProject, '1', join(GT, 'orbit_a', 'cameras.json')],
    ]) {
      const r = await cli(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
    }
    const nk = join(tmp.dir, 'seq.nk');
    const r = await cli('deliver', 'camera', seqProject, '1', '--format', 'nuke', '--out', nk);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Frames 1001–1048 at');
    expectSame(
      cameraAt(readFileSync(nk, 'utf8'), 1001, 640, 360, 'z'),
      gt('orbit_a').frames[0]!.camera,
      'first',
    );
    const chan = join(tmp.dir, 'seq.chan');
    expect((await cli('deliver', 'camera', seqProject, '1', '--format', 'chan', '--out', chan)).code).toBe(0);
    const lines = readFileSync(chan, 'utf8').trim().split('\n');
    expect([lines[0]!.split('\t')[0], lines[47]!.split('\t')[0]]).toEqual(['1001', '1048']);
    const usd = join(tmp.dir, 'seq.usda');
    expect((await cli('deliver', 'camera', seqProject, '1', '--format', 'usd', '--out', usd)).code).toBe(0);
    expect(readFileSync(usd, 'utf8')).toMatch(
      /startTimeCode = 1001\n[^]*endTimeCode = 1048|endTimeCode = 1048\n[^]*startTimeCode = 1001/,
    );
  }, 120_000);

  it('refuses bad options and a project file as --out, naming them', async () => {
    const fmt = await cli('deliver', 'camera', project, 'shot', '--format', 'fbx', '--out', 'x.fbx');
    expect(fmt.code).toBe(2);
    expect(fmt.err).toContain("--format 'fbx' is not one of usd, usda, chan, colmap, json, nuke");
    const ord = await cli(
      'deliver',
      'camera',
      project,
      'shot',
      '--format',
      'usd',
      '--out',
      'x.usda',
      '--rotation-order',
      'XYZ',
    );
    expect(ord.code).toBe(2);
    const own = await cli(
      'deliver',
      'camera',
      project,
      'shot',
      '--format',
      'json',
      '--out',
      join(project, 'project.db'),
    );
    expect(own.code).toBe(2);
  });
});
