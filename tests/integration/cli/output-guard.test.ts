/**
 * Exports never write a project's own files (issue 9): every command that writes where the user points
 * it — export tracks/camera/depth, camera convert, parascale transfer — and the app's camera export
 * (API) refuse project.db, its -wal/-shm, project.lock, cache/ … however the path is spelled (`..`,
 * relative, through symlinks, dangling symlinks), with exit code 2 / 'invalid-argument', and leave the
 * project byte-for-byte as it was. Outputs of several files never replace existing files without
 * --overwrite; a symlink named as the output is written through to its target.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers } from '../../../src-main/api';
import { encodeFloat16, float16ToBytesLE } from '../../../src-main/analysis/depth';
import { emptyTrackSet, writeTrackFile } from '../../../src-main/analysis/tracking';
import { snapshotTree, tempDir } from '../../helpers/temp';

const tmp = tempDir('reshoot-guard-cli-');
afterAll(() => tmp.cleanup());
const root = realpathSync(tmp.dir);
const GT = resolve('../shared/gt');
const ENTRY = resolve('src-main/app/cli/entry.ts');
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

/** Runs the real CLI entry (from source) as a separate process, in `cwd`, as a user would. */
function reshoot(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, ['--import', TSX, ENTRY, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, RESHOOT_CONFIG_DIR: join(root, 'config') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const P = join(root, 'Guard.reshoot');
const outside = join(root, 'outside');

/**
 * Every file of the project with its sha256 (project.db included). The -shm file is memory-mapped by
 * SQLite and rewritten by readers, so only its identity (inode) counts: a write replacing it changes that.
 */
function projectState(): Record<string, string> {
  const state = snapshotTree(P);
  for (const k of Object.keys(state)) {
    if (k.endsWith('-shm')) state[k] = `inode ${statSync(join(P, k)).ino}`;
  }
  return state;
}
const PRISTINE = join(root, 'pristine-copy');
function restoreProject(): void {
  rmSync(P, { recursive: true, force: true });
  cpSync(PRISTINE, P, { recursive: true });
}
const dbHash = () =>
  createHash('sha256')
    .update(readFileSync(join(P, 'project.db')))
    .digest('hex');

beforeAll(async () => {
  // A project with one shot (orbit_a, 48 frames) that has tracks, a source camera and depth.
  const core = new AppCore({ mode: 'web', configDir: join(root, 'config') });
  const api = createHandlers(core);
  await api['project.create']({ parentDir: root, name: 'Guard' });
  const shotId = (await api['shots.import']({ paths: [join(GT, 'orbit_a', 'shot.mp4')], skipBad: false }))
    .imported[0]!.id;
  const { project, runner } = core.require();
  await runner.whenIdle();
  await api['shots.importCamera']({ shotId, path: join(GT, 'orbit_a', 'cameras.json'), worldUp: 'z' });
  const set = emptyTrackSet(640, 360, 48, 2);
  set.xy.fill(100);
  set.visible.fill(1);
  const file = 'cache/tracks/1.klt.rstk';
  mkdirSync(join(P, 'cache', 'tracks'), { recursive: true });
  await writeTrackFile(join(P, file), set);
  project.tracks.put({
    shotId,
    method: 'klt',
    file,
    width: 640,
    height: 360,
    numFrames: 48,
    numTracks: 2,
    analysisWidth: 640,
    provider: null,
    sourceFingerprint: project.shots.get(shotId)!.fingerprint,
    stats: {},
    createdAt: new Date().toISOString(),
  });
  const [w, h, frames] = [16, 9, 48];
  const bytes = float16ToBytesLE(encodeFloat16(new Float32Array(w * h).fill(5)));
  for (let f = 0; f < frames; f++) {
    const p = project.paths.depthFrame(shotId, f);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, bytes);
  }
  project.analysis.putDepth(
    shotId,
    { method: 'test', width: w, height: h, frames, near: 5, far: 5, validFraction: 1 },
    new Date().toISOString(),
  );
  await core.closeProject();
  cpSync(P, PRISTINE, { recursive: true });

  mkdirSync(outside);
  symlinkSync(join(P, 'project.db'), join(outside, 'db-link.json'));
  symlinkSync(join(P, 'cache'), join(outside, 'cache-link'));
  // Dangling: the kernel cannot follow `gone/..`, but a write through it would land on project.db.
  symlinkSync(`${P}/gone/../project.db`, join(outside, 'dangling-db'));
  symlinkSync(join(P, 'project.db-journal'), join(outside, 'dangling-journal'));
});

/** The ways of naming a project's own files that must all be refused: [--out, cwd, what]. */
function refusedOutputs(): [string, string, string][] {
  return [
    [join(P, 'project.db'), root, 'project.db'],
    [join(P, 'project.db-wal'), root, 'project.db-wal'],
    [join(P, 'project.db-shm'), root, 'project.db-shm'],
    [join(P, 'project.lock'), root, 'project.lock'],
    [`${outside}/../Guard.reshoot/project.db`, root, '`..` into the project'],
    ['../Guard.reshoot/cache/out.json', outside, 'relative `..` into cache/'],
    ['project.db', P, 'relative, from inside the project folder'],
    ['db-link.json', outside, 'a symlink to project.db'],
    ['cache-link/out.json', outside, "a symlink to the project's cache folder"],
    ['dangling-db', outside, 'a dangling symlink whose target is project.db'],
    ['dangling-journal', outside, 'a dangling symlink to project.db-journal'],
  ];
}

const COMMANDS: Record<string, (out: string) => string[]> = {
  'export tracks': (out) => ['export', 'tracks', P, 'shot', '--out', out],
  'export camera': (out) => ['export', 'camera', P, 'shot', '--format', 'chan', '--out', out],
  'export camera (colmap)': (out) => ['export', 'camera', P, 'shot', '--format', 'colmap', '--out', out],
  'export depth': (out) => ['export', 'depth', P, 'shot', '--out', out, '--overwrite'],
  'camera convert': (out) => [
    'camera',
    'convert',
    join(GT, 'orbit_a', 'cameras.json'),
    '--to',
    'usda',
    '--out',
    out,
  ],
  'parascale transfer': (out) => [
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
  ],
};

describe("the CLI never writes a project's own files", () => {
  it.each(Object.keys(COMMANDS))('%s: every spelling is refused, exit 2, the project unchanged', (name) => {
    for (const [out, cwd, what] of refusedOutputs()) {
      const before = projectState();
      const db = dbHash();
      const r = reshoot(COMMANDS[name]!(out), cwd);
      // Soft: every spelling is reported, not only the first that fails.
      const label = `${name} --out ${out} (${what})`;
      expect.soft(r.code, `${label}: ${r.stderr}`).toBe(2);
      expect.soft(r.stderr, label).toContain(`'${out}'`);
      expect.soft(r.stderr, label).toContain(`of the Reshoot project ${P}`);
      expect.soft(r.stdout, label).toBe('');
      expect.soft(dbHash(), `${label}: project.db changed`).toBe(db);
      const after = projectState();
      expect.soft(after, `${label}: project files changed`).toEqual(before);
      // Keep each spelling independent: a damaged project would hide what the next one does.
      if (JSON.stringify(after) !== JSON.stringify(before)) restoreProject();
    }
  });

  it('the message says what the path is and where it really leads', () => {
    const r = reshoot(COMMANDS['export tracks']!('db-link.json'), outside);
    expect(r.stderr).toContain(
      `'db-link.json' (which resolves to ${P}/project.db) is the database of the Reshoot project ${P}`,
    );
  });

  it('a folder where a file goes (and a file where a folder goes) is refused too', () => {
    mkdirSync(join(outside, 'a-folder'));
    writeFileSync(join(outside, 'a-file'), 'mine');
    expect(reshoot(COMMANDS['export tracks']!('a-folder'), outside).stderr).toMatch(/is a folder/);
    const depth = reshoot(COMMANDS['export depth']!('a-file'), outside);
    expect(depth.code).toBe(2);
    expect(depth.stderr).toMatch(/is a file/);
    expect(readFileSync(join(outside, 'a-file'), 'utf8')).toBe('mine');
  });

  it('a new file in the top folder of a project is allowed, and the database stays as it was', () => {
    const db = dbHash();
    const r = reshoot(COMMANDS['export tracks']!('tracks.json'), P);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(P, 'tracks.json'), 'utf8'))).toMatchObject({ num_tracks: 2 });
    expect(dbHash()).toBe(db);
  });
});

describe('outputs of several files never replace files without --overwrite', () => {
  it('export depth: nothing is written while one of its files exists; --overwrite replaces only its files', () => {
    const out = join(outside, 'depth-export');
    mkdirSync(out);
    writeFileSync(join(out, 'cameras.json'), 'mine');
    writeFileSync(join(out, 'notes.txt'), 'unrelated');
    const before = snapshotTree(out);
    const r = reshoot(['export', 'depth', P, 'shot', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds files this export would replace: cameras\.json\..*--overwrite/);
    expect(snapshotTree(out)).toEqual(before);
    const ok = reshoot(['export', 'depth', P, 'shot', '--out', out, '--overwrite']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(out, 'depth'))).toHaveLength(48);
    expect(JSON.parse(readFileSync(join(out, 'cameras.json'), 'utf8'))).toMatchObject({ depth_width: 16 });
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('unrelated');
    // Again without --overwrite: every frame exists now; the first few are named.
    const again = reshoot(['export', 'depth', P, 'shot', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /depth\/frame_0001\.f32, depth\/frame_0002\.f32, depth\/frame_0003\.f32 and 46 more/,
    );
  });

  it('COLMAP (export camera, camera convert): an existing cameras.txt refuses the folder unless --overwrite', () => {
    for (const [name, argv] of [
      ['export camera', (out: string) => COMMANDS['export camera (colmap)']!(out)],
      [
        'camera convert',
        (out: string) => [
          'camera',
          'convert',
          join(GT, 'orbit_a', 'cameras.json'),
          '--to',
          'colmap',
          '--out',
          out,
        ],
      ],
    ] as const) {
      const out = join(outside, `colmap-${name.replace(' ', '-')}`);
      mkdirSync(out);
      writeFileSync(join(out, 'images.txt'), 'mine');
      const r = reshoot(argv(out));
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(
        /already holds files this export would replace: images\.txt.*--overwrite/,
      );
      expect(readdirSync(out), name).toEqual(['images.txt']);
      expect(readFileSync(join(out, 'images.txt'), 'utf8')).toBe('mine');
      const ok = reshoot([...argv(out), '--overwrite']);
      expect(ok.code, `${name}: ${ok.stderr}`).toBe(0);
      expect(readdirSync(out).sort(), name).toEqual(['cameras.txt', 'images.txt', 'points3D.txt']);
      expect(readFileSync(join(out, 'images.txt'), 'utf8')).toMatch(/^# Image list/);
    }
  });

  it('--help of the commands that write several files mentions --overwrite', () => {
    for (const c of [
      ['export', 'depth'],
      ['export', 'camera'],
      ['camera', 'convert'],
    ]) {
      expect(reshoot([...c, '--help']).stdout, c.join(' ')).toMatch(/--overwrite/);
    }
  });
});

describe('a symlink named as the output is written through to its target', () => {
  it.each(['export tracks', 'export camera', 'camera convert', 'parascale transfer'])('%s', (name) => {
    const target = join(outside, `target-of-${name.replace(' ', '-')}.out`);
    writeFileSync(target, 'old');
    const link = join(outside, `link-${name.replace(' ', '-')}.out`);
    symlinkSync(target, link);
    const r = reshoot(COMMANDS[name]!(link));
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).not.toBe('old');
    expect(readFileSync(target, 'utf8').length).toBeGreaterThan(100);
    expect(r.stdout).toContain(target);
  });
});

describe("the app's camera export (API) never writes a project's own files", () => {
  let core: AppCore;
  let api: ReturnType<typeof createHandlers>;
  beforeAll(async () => {
    core = new AppCore({ mode: 'web', configDir: join(root, 'config') });
    api = createHandlers(core);
    await api['project.open']({ path: P });
  });
  afterAll(() => core.closeProject());

  it('every spelling is refused as invalid-argument, with the open project unchanged', async () => {
    // While the project is open its lock, WAL and shared-memory files exist.
    expect(readdirSync(P)).toEqual(
      expect.arrayContaining(['project.lock', 'project.db-wal', 'project.db-shm']),
    );
    for (const format of ['chan', 'colmap'] as const) {
      for (const [out, cwd, what] of refusedOutputs()) {
        const path = out.startsWith('/') ? out : `${cwd}/${out}`;
        const before = projectState();
        await expect
          .soft(api['shots.exportCamera']({ shotId: 1, format, path, worldUp: 'z' }), `${format}: ${what}`)
          .rejects.toMatchObject({
            code: 'invalid-argument',
            message: expect.stringContaining(`of the Reshoot project ${P}`),
          });
        expect.soft(projectState(), `${format}: ${what}: project files changed`).toEqual(before);
      }
    }
  });

  it('a file it names is replaced; a COLMAP folder with files in it only with overwrite: true', async () => {
    const file = join(outside, 'api.chan');
    writeFileSync(file, 'old');
    const r = await api['shots.exportCamera']({ shotId: 1, format: 'chan', path: file, worldUp: 'z' });
    expect(r).toEqual({ path: file, frames: 48 });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(48);
    const folder = join(outside, 'api-colmap');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cameras.txt'), 'mine');
    await expect(
      api['shots.exportCamera']({ shotId: 1, format: 'colmap', path: folder, worldUp: 'z' }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/cameras\.txt/) });
    expect(readFileSync(join(folder, 'cameras.txt'), 'utf8')).toBe('mine');
    await api['shots.exportCamera']({
      shotId: 1,
      format: 'colmap',
      path: folder,
      worldUp: 'z',
      overwrite: true,
    });
    expect(readFileSync(join(folder, 'cameras.txt'), 'utf8')).toMatch(/^# Camera list/);
  });
});
