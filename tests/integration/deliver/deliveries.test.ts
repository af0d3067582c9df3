import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type MethodInput, type ParsedInput } from '../../../src-shared/api/contract';
import { tempDir } from '../../helpers/temp';
import { analysedRoom, type RenderFixture } from '../render/render-fixture';

// The Deliver panel's two calls, deliver.preview and deliver.start, for every kind of delivery: the exact
// files before writing, what exists marked, and the delivery refused while anything it would write exists.

const tmp = tempDir();
const FRAMES = 8;
let fx: RenderFixture;
let pathId: number;
let out: string;

/** The arguments as the boundary parses them (defaults applied), as the adapters pass them on. */
const parsed = (r: MethodInput<'deliver.preview'>): ParsedInput<'deliver.preview'> =>
  contract['deliver.preview'].input.parse(r);

beforeAll(async () => {
  fx = await analysedRoom(tmp.dir, FRAMES, 160, 90);
  pathId = (
    await fx.api['paths.preset']({
      shotId: fx.shotId,
      name: 'push',
      kind: 'dolly',
      amount: 0.1,
      relative: true,
    })
  ).id;
  await fx.api['renders.start']({ pathId });
  await fx.core.require().runner.whenIdle();
  out = join(tmp.dir, 'Deliveries');
  mkdirSync(out);
}, 180_000);
afterAll(async () => {
  await fx.core.closeProject();
  tmp.cleanup();
});

const probe = (file: string, entries: string) =>
  execFileSync('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'default=nw=1', file]).toString();

describe('deliver.preview and deliver.start', () => {
  it('delivers a render as ProRes 422 HQ through a job, at the file the preview named', async () => {
    const req = parsed({
      what: 'plate',
      shotId: fx.shotId,
      pathId,
      version: null,
      format: 'prores-hq',
      folder: out,
    });
    const preview = await fx.api['deliver.preview'](req);
    expect(preview.files).toEqual([join(out, 'room_push_v001.mov')]);
    expect(preview.existing).toEqual([]);
    const started = await fx.api['deliver.start'](req);
    expect(started.job?.type).toBe('deliver');
    await fx.core.require().runner.whenIdle();
    expect(probe(preview.files[0]!, 'stream=codec_name,profile,nb_frames')).toMatch(
      /codec_name=prores[\s\S]*profile=HQ[\s\S]*nb_frames=8/,
    );
    // the same delivery again: the file is marked, and Deliver refused without touching it
    const again = await fx.api['deliver.preview'](req);
    expect(again.existing).toEqual(preview.files);
    const before = readFileSync(preview.files[0]!);
    await expect(fx.api['deliver.start'](req)).rejects.toThrow(/already exists: a delivery never overwrites/);
    expect(readFileSync(preview.files[0]!).equals(before)).toBe(true);
  });

  it('puts an image sequence in a folder of its own, named like its files', async () => {
    const req = parsed({
      what: 'plate',
      shotId: fx.shotId,
      pathId,
      version: 1,
      format: 'png16',
      frames: { first: 2, last: 4 },
      folder: out,
    });
    const { files } = await fx.api['deliver.preview'](req);
    expect(files).toHaveLength(3);
    const dir = join(out, 'room_push_v001');
    expect(files[0]!.startsWith(dir)).toBe(true);
    await fx.api['deliver.start'](req);
    await fx.core.require().runner.whenIdle();
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.slice(dir.length + 1)).sort());
  });

  it('writes a camera as a Nuke Camera3 node and a .chan, named after the shot and path', async () => {
    for (const [format, name] of [
      ['nuke', 'room_push.nk'],
      ['chan', 'room_source.chan'],
    ] as const) {
      const req = parsed({
        what: 'camera',
        shotId: fx.shotId,
        pathId: format === 'nuke' ? pathId : null,
        format,
        worldUp: 'z',
        folder: out,
      });
      const { files } = await fx.api['deliver.preview'](req);
      expect(files).toEqual([join(out, name)]);
      expect((await fx.api['deliver.start'](req)).job).toBeNull();
      expect(existsSync(files[0]!)).toBe(true);
    }
    expect(readFileSync(join(out, 'room_push.nk'), 'utf8')).toMatch(/^Camera3 \{/m);
    expect(readFileSync(join(out, 'room_source.chan'), 'utf8').trim().split('\n')).toHaveLength(FRAMES);
  });

  it('writes depth as OpenEXR in a folder of its own', async () => {
    const req = parsed({ what: 'depth', shotId: fx.shotId, format: 'exr', folder: out });
    const { files, notes } = await fx.api['deliver.preview'](req);
    expect(files).toHaveLength(FRAMES);
    expect(notes.join(' ')).toMatch(/depth grid/);
    await fx.api['deliver.start'](req);
    expect(files.every((f) => existsSync(f))).toBe(true);
    expect(execFileSync('exrheader', [files[0]!]).toString()).toMatch(/Z, 32-bit floating-point/);
  });

  it('writes the project timeline as an EDL named after the project, with the delivered plate movie', async () => {
    const req = parsed({ what: 'timeline', shotIds: null, format: 'edl', folder: out });
    const { files, notes } = await fx.api['deliver.preview'](req);
    expect(files).toEqual([join(out, 'Room.edl')]);
    // the ProRes delivered above carries the source timecode and reel: the timeline conforms to it
    expect(notes.join(' ')).toMatch(/its plate is the delivered movie room_push_v001\.mov/);
    await fx.api['deliver.start'](req);
    const edl = readFileSync(files[0]!, 'utf8');
    expect(edl).toMatch(/^TITLE: /);
    expect(edl).toContain(join(out, 'room_push_v001.mov'));
    // elsewhere (no delivered movie there) the render's frames stand in, and the note says so
    const other = join(tmp.dir, 'Elsewhere');
    const o = await fx.api['deliver.preview'](parsed({ ...req, folder: other }));
    expect(o.notes.join(' ')).toMatch(/its plate is the render's PNG frames/);
  });

  it('refuses a relative folder, a project folder, a name with a folder in it, and an unknown path', async () => {
    const cam = (over: Record<string, unknown>) =>
      parsed({
        what: 'camera',
        shotId: fx.shotId,
        pathId: null,
        format: 'chan',
        worldUp: 'z',
        folder: out,
        ...over,
      } as never);
    await expect(fx.api['deliver.preview'](cam({ folder: 'relative' }))).rejects.toThrow(/absolute/);
    await expect(fx.api['deliver.preview'](cam({ folder: join(fx.projectDir, 'cache') }))).rejects.toThrow(
      /Reshoot project/,
    );
    await expect(fx.api['deliver.preview'](cam({ name: '../escape.chan' }))).rejects.toThrow(
      /not a file name/,
    );
    await expect(fx.api['deliver.preview'](cam({ pathId: 999 }))).rejects.toThrow(/no target path 999/);
    writeFileSync(join(out, 'taken.chan'), 'mine');
    await expect(fx.api['deliver.start'](cam({ name: 'taken.chan' }))).rejects.toThrow(/never overwrites/);
    expect(readFileSync(join(out, 'taken.chan'), 'utf8')).toBe('mine');
  });
});
