/**
 * Camera import checks which frames a file gives: every bad file (frames repeated, missing, past the shot,
 * before it, not whole) is refused through the API and the CLI with the file and the frames named, and the
 * project database is left exactly as it was; `interpolate` fills in a file that gives only some frames.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { sourceCameraTrack } from '../../../src-main/shots/source-camera';
import { runCli } from '../../../src-main/app/cli/main';
import {
  documentToTrack,
  parseCamerasJson,
  quatAngle,
  writeChan,
  writeColmap,
  writeUsda,
  type CameraTrack,
} from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt/orbit_a');
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId: number;
let projectDir: string;

type GtDoc = { frames: { index: number; file: string }[] } & Record<string, unknown>;
const gtText = () => readFileSync(join(GT, 'cameras.json'), 'utf8');
const gtTrack = (): CameraTrack => documentToTrack(parseCamerasJson(gtText()));

/** Every row of every table, hashed: the database's content, whatever SQLite does with its pages. */
function contentHash(db: Database.Database): string {
  const h = createHash('sha256');
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
    name: string;
  }[];
  for (const { name } of tables) {
    h.update(name);
    for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all())
      h.update(JSON.stringify(row));
  }
  return h.digest('hex');
}
const liveHash = () => contentHash(core.require().project.db);

function write(name: string, text: string): string {
  const file = join(tmp.dir, 'files', name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A cameras.json like the gt's, its frames changed by `edit`. */
function json(name: string, edit: (frames: GtDoc['frames']) => GtDoc['frames']): string {
  const doc = JSON.parse(gtText()) as GtDoc;
  return write(name, JSON.stringify({ ...doc, frames: edit(doc.frames) }));
}

/** The gt track with its frames renumbered (indices as the readers give them: the shot's). */
function renumbered(index: (i: number) => number, keep: (i: number) => boolean = () => true): CameraTrack {
  const t = gtTrack();
  return {
    ...t,
    frames: t.frames.filter((f) => keep(f.index)).map((f) => ({ ...f, index: index(f.index) })),
  };
}

/** The gt track's `frames` and, after them, its frame `index` again `times` times. */
function withFrames(frames: CameraTrack['frames'], index: number, times: number): CameraTrack {
  const t = gtTrack();
  return { ...t, frames: [...frames, ...Array.from({ length: times }, () => t.frames[index]!)] };
}

function colmap(name: string, track: CameraTrack): string {
  const dir = join(tmp.dir, 'files', name);
  mkdirSync(dir, { recursive: true });
  const c = writeColmap(track);
  writeFileSync(join(dir, 'cameras.txt'), c.camerasTxt);
  writeFileSync(join(dir, 'images.txt'), c.imagesTxt);
  writeFileSync(join(dir, 'points3D.txt'), c.points3DTxt);
  return dir;
}

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  projectDir = (await api['project.create']({ parentDir: tmp.dir, name: 'Frames' })).path;
  shotId = (await api['shots.import']({ paths: [join(GT, 'shot.mp4')], skipBad: false })).imported[0]!.id;
  await core.require().runner.whenIdle();
  // A camera to keep: a refused import must not touch it.
  await api['shots.importCamera']({ shotId, path: join(GT, 'cameras.json'), worldUp: 'z' });
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

/** Bad files for the 48-frame shot, and what the refusal must say. */
function badFiles(): { file: string; says: RegExp; interpolate?: boolean }[] {
  const shot = "for the 48 frames of shot 'shot'";
  return [
    {
      // 47 cameras, index 12 twice: the old check counted 48 and shifted every frame after 12.
      file: json('repeated.json', (f) => f.map((x) => (x.index === 13 ? { ...x, index: 12 } : x))),
      says: /repeated\.json: frames\[13\]\.index: frame 12 appears twice \(also at frames\[12\]\)/,
    },
    {
      file: json('short.json', (f) => f.slice(0, 40)),
      says: new RegExp(
        `short\\.json: 40 cameras ${shot}: frames 40–47 missing\\. .*import it with interpolation`,
      ),
    },
    {
      // As many cameras as frames, but one skips past the end: it was silently taken as frame 47.
      file: json('skips.json', (f) => f.map((x) => (x.index === 47 ? { ...x, index: 48 } : x))),
      says: new RegExp(
        `skips\\.json: 48 cameras ${shot}: frame 47 missing; frame 48 is past the shot's last frame 47\\.$`,
      ),
    },
    {
      // Many problems: the first few are named, then how many more.
      file: write(
        'gaps.chan',
        writeChan(
          withFrames(
            gtTrack().frames.filter((f) => f.index % 5 !== 0),
            1,
            2,
          ),
        ),
      ),
      says: new RegExp(
        `gaps\\.chan: 40 cameras ${shot}: frame 1 missing; frame 2 appears 3 times; frame 6 missing; frame 11 missing; and 7 more\\.`,
      ),
    },
    {
      // .chan numbers frames from 1; this one from 0.
      file: write('from-zero.chan', writeChan(gtTrack(), { firstFrame: 0 })),
      says: new RegExp(
        `from-zero\\.chan: 48 cameras ${shot}: frame 0 is before the shot's first frame 1; frame 48 missing\\. Frame numbers are the file's own: its frame 1 is the shot's first frame\\.`,
      ),
    },
    {
      file: write('past.chan', writeChan(renumbered((i) => i + 250))),
      says: new RegExp(`past\\.chan: 48 cameras ${shot}: frames 1–48 missing; frames 251–298 are past`),
    },
    {
      file: colmap(
        'colmap-repeat',
        renumbered((i) => (i === 5 ? 4 : i)),
      ),
      says: new RegExp(`colmap-repeat: 48 cameras ${shot}: frame 5 appears twice; frame 6 missing\\.`),
    },
    {
      file: write('late.usda', writeUsda(renumbered((i) => i + 1001))),
      says: new RegExp(`late\\.usda: 48 cameras ${shot}: frames 0–47 missing; frames 1001–1048 are past`),
    },
    {
      // Interpolation fills gaps; it does not make repeated or outside frames acceptable.
      file: colmap(
        'colmap-sparse-repeat',
        renumbered(
          (i) => (i === 10 ? 8 : i),
          (i) => i % 2 === 0,
        ),
      ),
      says: /colmap-sparse-repeat: 24 cameras .*: frame 9 appears twice\. Frame numbers are the file's own/,
      interpolate: true,
    },
    {
      file: write(
        'sparse-past.chan',
        writeChan(
          renumbered(
            (i) => i / 2 + 30,
            (i) => i % 2 === 0,
          ),
        ),
      ),
      says: /sparse-past\.chan: 24 cameras .*: frames 49–54 are past the shot's last frame 48\. Frame numbers/,
      interpolate: true,
    },
  ];
}

describe('importing a camera checks which frames the file gives', () => {
  it('refuses each bad file through the API, naming the file and frames; the project is unchanged', async () => {
    const before = liveHash();
    for (const { file, says, interpolate } of badFiles()) {
      await expect(
        api['shots.importCamera']({ shotId, path: file, worldUp: 'z', interpolate: interpolate ?? false }),
        file,
      ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(says) });
      expect(liveHash(), file).toBe(before);
    }
    expect((await api['edit.state']()).undoLabel).toBe('Import camera for shot');
  });

  it('takes a complete file in any order, sorted onto the shot’s frames', async () => {
    const shuffled = json('shuffled.json', (f) => [...f].reverse());
    await api['shots.importCamera']({ shotId, path: shuffled, worldUp: 'z' });
    const got = sourceCameraTrack(core.require().project, shotId)!;
    const gt = gtTrack();
    expect(got.frames.map((f) => f.index)).toEqual([...Array(48).keys()]);
    got.frames.forEach((f, i) => {
      expect(f.camera.C).toEqual(gt.frames[i]!.camera.C);
      expect(quatAngle(f.camera.q, gt.frames[i]!.camera.q)).toBeLessThan(1e-12);
    });
  });

  it('maps 1-based frame numbers explicitly: .chan frame 1 and COLMAP IMAGE_ID 1 are frame_0001 = index 0', async () => {
    const gt = gtTrack();
    expect(gt.frames[0]!.file).toBe('frames/frame_0001.png');
    const chan = write('orbit.chan', writeChan(gt));
    expect(readFileSync(chan, 'utf8').split('\n')[0]!.split('\t')[0]).toBe('1');
    const dir = colmap('colmap-orbit', gt);
    const firstImage = readFileSync(join(dir, 'images.txt'), 'utf8')
      .split('\n')
      .find((l) => l && !l.startsWith('#'))!
      .split(' ');
    expect([firstImage[0], firstImage.at(-1)]).toEqual(['1', 'frames/frame_0001.png']);
    for (const path of [chan, dir]) {
      await api['shots.importCamera']({ shotId, path, worldUp: 'z' });
      const got = sourceCameraTrack(core.require().project, shotId)!;
      for (const i of [0, 1, 47]) {
        const C = got.frames[i]!.camera.C;
        const want = gt.frames[i]!.camera.C;
        expect(Math.hypot(C[0] - want[0], C[1] - want[1], C[2] - want[2]), `${path} frame ${i}`).toBeLessThan(
          1e-6,
        );
      }
    }
  });

  it('with interpolate, fills in the frames a file leaves out: known ones exact, holding at the ends', async () => {
    const gt = gtTrack();
    const known = (i: number) => i % 4 === 1; // 1, 5, …, 45: frame 0 and 46–47 are outside them
    const sparse = json('every-4th.json', (f) => f.filter((x) => known(x.index)).reverse());
    const shot = await api['shots.importCamera']({ shotId, path: sparse, worldUp: 'z', interpolate: true });
    expect(shot.camera).toMatchObject({
      frames: 48,
      message: 'Imported from a json file with cameras for 12 of 48 frames, the others interpolated',
    });
    // the report says which frames the file gave and which were interpolated, all in the file's one gauge
    const report = shot.camera!.report!;
    expect(report.frames).toHaveLength(48);
    for (const f of report.frames)
      expect(f, `frame ${f.index}`).toEqual({
        index: f.index,
        status: known(f.index) ? 'solved' : 'interpolated',
        segment: 0,
      });
    expect(report.segments).toMatchObject([{ index: 0, first: 0, last: 47, gauge: 0, joinedTo: null }]);
    expect(report).toMatchObject({ tracker: null, movingTracks: 0 });
    expect(report.summary).toMatch(
      /^frames 0 interpolated; 1 solved; 2–4 interpolated; 5 solved; .*; 45 solved; 46–47 interpolated$/,
    );
    const got = sourceCameraTrack(core.require().project, shotId)!;
    expect(got.frames.map((f) => f.index)).toEqual([...Array(48).keys()]);
    for (let i = 0; i < 48; i++) {
      const c = got.frames[i]!.camera;
      const ref = gt.frames[Math.min(45, Math.max(1, i))]!.camera;
      const dist = Math.hypot(c.C[0] - ref.C[0], c.C[1] - ref.C[1], c.C[2] - ref.C[2]);
      if (known(i) || i < 1 || i > 45) {
        expect(dist, `frame ${i}`).toBeLessThan(1e-9);
        expect(quatAngle(c.q, ref.q), `frame ${i}`).toBeLessThan(1e-9);
      } else {
        // The orbit is smooth: a chord of 4 frames is close to it.
        const truth = gt.frames[i]!.camera;
        expect(Math.hypot(c.C[0] - truth.C[0], c.C[1] - truth.C[1], c.C[2] - truth.C[2])).toBeLessThan(0.02);
        expect(quatAngle(c.q, truth.q)).toBeLessThan(0.01);
      }
    }
    // A complete file with interpolate is simply a complete file.
    await api['shots.importCamera']({
      shotId,
      path: join(GT, 'cameras.json'),
      worldUp: 'z',
      interpolate: true,
    });
    const complete = (await api['shots.list']())[0]!.camera!;
    expect(complete.message).toBe('Imported from a json file');
    expect(complete.report!.summary).toBe('frames 0–47 solved');
  });

  it('reshoot camera import refuses bad files (exit 2, the project unchanged) and takes --interpolate', async () => {
    await core.closeProject();
    const dbHash = () => {
      const db = new Database(join(projectDir, 'project.db'), { readonly: true });
      try {
        return contentHash(db);
      } finally {
        db.close();
      }
    };
    let err = '';
    let out = '';
    const io = {
      out: (t: string) => (out += t),
      err: (t: string) => (err += t),
      cwd: tmp.dir,
      env: process.env,
    };
    const before = dbHash();
    for (const { file, says, interpolate } of badFiles()) {
      err = '';
      const args = ['camera', 'import', projectDir, 'shot', file, ...(interpolate ? ['--interpolate'] : [])];
      expect(await runCli(args, io), file).toBe(2);
      expect(err, file).toMatch(new RegExp(says.source.replace(/\$$/, '')));
      expect(dbHash(), file).toBe(before);
    }
    const sparse = write(
      'sparse.chan',
      writeChan(
        renumbered(
          (i) => i,
          (i) => i % 3 === 0,
        ),
      ),
    );
    expect(await runCli(['camera', 'import', projectDir, 'shot', sparse], io)).toBe(2);
    expect(err).toMatch(
      /sparse\.chan: 16 cameras .*: frames 2–3 missing; frames 5–6 missing; .*; and \d+ more\./,
    );
    expect(dbHash()).toBe(before);
    out = '';
    expect(await runCli(['camera', 'import', projectDir, 'shot', sparse, '--interpolate'], io)).toBe(0);
    expect(out).toMatch(
      /source camera imported \(48 frames, chan\)\.\nImported from a chan file with cameras for 16 of 48 frames, the others interpolated\./,
    );
    expect(dbHash()).not.toBe(before);
    await api['project.open']({ path: projectDir });
  });
});
