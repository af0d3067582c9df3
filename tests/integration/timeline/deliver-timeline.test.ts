import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/app/cli/main';
import { Project } from '../../../src-main/store';
import { previewTimeline } from '../../../src-main/deliver';
import { pathOfFileUrl } from '../../../src-shared/timeline';
import { makeClip } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';
import { analysedRoom } from '../render/render-fixture';
import { readCmx3600, tcFrames } from '../../unit/timeline/cmx3600-reader';
import { checkOtio } from '../../unit/timeline/otio-schema-checker';
import { checkFcpxml } from '../../unit/timeline/fcpxml-dtd-rules';
import { readXml, type XmlElement } from '../../unit/timeline/xml-reader';

// `reshoot deliver timeline` on a project with two shots at 24 fps: a rendered room (a real render of a
// dolly path, no timecode: 00:00:00:00) and a clip with timecode 01:00:00:00 and a long reel name (no
// render). Each format is read back by the tests' independent readers and its media paths exist.

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tmp = tempDir('reshoot-deliver-timeline-');
const FRAMES = 12;
let projectDir = '';
let roomId = 0;
let clipId = 0;

beforeAll(async () => {
  const fx = await analysedRoom(tmp.dir, FRAMES);
  projectDir = fx.projectDir;
  roomId = fx.shotId;
  const path = await fx.api['paths.preset']({
    shotId: roomId,
    name: 'push',
    kind: 'dolly',
    amount: 0.1,
    relative: true,
  });
  await fx.api['renders.start']({ pathId: path.id });
  await fx.core.require().runner.whenIdle();
  const clip = await makeClip(tmp.dir, {
    name: 'a002.mov',
    fps: '24',
    frames: 48,
    timecode: '01:00:00:00',
    reel: 'A002C007_LONGREEL',
  });
  clipId = (await fx.api['shots.import']({ paths: [clip], skipBad: false })).imported[0]!.id;
  await fx.core.require().runner.whenIdle();
  await fx.core.closeProject();
}, 240_000);
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

const deliver = (format: string, out: string, ...more: string[]) =>
  reshoot(['deliver', 'timeline', projectDir, '--format', format, '--out', out, ...more]);

describe('reshoot deliver timeline', () => {
  it('the project holds what the test expects: one finished render, the clip with its timecode and reel', () => {
    const p = Project.open(projectDir, { readonly: true });
    try {
      const [render] = p.renders.list(roomId);
      expect(render?.status).toBe('done');
      const clip = p.shots.get(clipId)!;
      expect(clip.startTimecode).toBe('01:00:00:00');
      expect(clip.reelName).toBe('A002C007_LONGREEL');
      const preview = previewTimeline(p, { format: 'edl' });
      expect(preview.clips).toBe(1);
      expect(preview.warnings.join('\n')).toMatch(/a002' has no finished render/);
    } finally {
      p.close();
    }
  });

  it('EDL: the rendered plate at its source timecode, read back by a CMX3600 reader', async () => {
    const out = join(tmp.dir, 'all.edl');
    const r = await deliver('edl', out);
    expect(r.err).toMatch(/warning: .*no finished render/);
    expect(r.code).toBe(0);
    const edl = readCmx3600(readFileSync(out, 'utf8'));
    expect(edl.dropFrame).toBe(false);
    expect(edl.title).toBe('Room');
    expect(edl.events).toHaveLength(1);
    const e = edl.events[0]!;
    expect(e.reel).toBe('room');
    expect([e.sourceIn, e.sourceOut, e.recordIn, e.recordOut]).toEqual([
      '00:00:00:00',
      '00:00:00:12',
      '00:00:00:00',
      '00:00:00:12',
    ]);
    const file = e.comments.find((c) => c.startsWith('SOURCE FILE: '))!.slice('SOURCE FILE: '.length);
    expect(file).toMatch(/renders\/\d+\/\d+\/v001\/frame_0001\.png$/);
    expect(existsSync(file)).toBe(true);
  });

  it('OTIO: schema-valid, plates and sources at their timecodes, every referenced frame on disk', async () => {
    const out = join(tmp.dir, 'all.otio');
    expect((await deliver('otio', out)).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Obj;
    expect(checkOtio(doc)).toEqual([]);
    expect(doc.global_start_time.value).toBe(0);
    const [plates, sources] = doc.tracks.children as Obj[];
    const plate = plates!.children[0];
    expect(plate.OTIO_SCHEMA).toBe('Clip.2');
    const ref = plate.media_references.DEFAULT_MEDIA;
    expect(ref.OTIO_SCHEMA).toBe('ImageSequenceReference.1');
    for (let i = 0; i < plate.source_range.duration.value; i++) {
      const n = ref.start_frame + i;
      const f = `${pathOfFileUrl(ref.target_url_base)}${ref.name_prefix}${String(n).padStart(ref.frame_zero_padding, '0')}${ref.name_suffix}`;
      expect(existsSync(f), f).toBe(true);
    }
    // Sources: the room at 0, a gap to 01:00:00:00 (86400 frames at 24), the clip there.
    const kids = sources!.children as Obj[];
    expect(kids.map((k) => k.OTIO_SCHEMA)).toEqual(['Clip.2', 'Gap.1', 'Clip.2']);
    expect(kids[0]!.source_range.duration.value + kids[1]!.source_range.duration.value).toBe(86400);
    const clip = kids[2]!;
    expect(clip.source_range.start_time.value).toBe(tcFrames('01:00:00:00', 24));
    expect(clip.metadata.cmx_3600.reel).toBe('A002C007_LONGREEL');
    expect(existsSync(pathOfFileUrl(clip.media_references.DEFAULT_MEDIA.target_url))).toBe(true);
  });

  it('FCPXML: well-formed for xmllint, follows the 1.10 DTD rules, media on disk', async () => {
    const out = join(tmp.dir, 'all.fcpxml');
    expect((await deliver('fcpxml', out)).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const lint = spawnSync('xmllint', ['--noout', out], { encoding: 'utf8' });
    expect(lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    const { root } = readXml(text);
    expect(checkFcpxml(root)).toEqual([]);
    const walk = (e: XmlElement): XmlElement[] => [e, ...e.children.flatMap(walk)];
    const reps = walk(root).filter((e) => e.name === 'media-rep');
    expect(reps.length).toBe(3);
    for (const r of reps) expect(existsSync(pathOfFileUrl(r.attrs.src!))).toBe(true);
    const seq = walk(root).find((e) => e.name === 'sequence')!;
    expect([seq.attrs.tcStart, seq.attrs.tcFormat]).toEqual(['0s', 'NDF']);
  });

  it('--shots picks shots by id or name; the timeline then starts at that shot’s timecode', async () => {
    const out = join(tmp.dir, 'clip.otio');
    expect((await deliver('otio', out, '--shots', 'a002')).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Obj;
    expect(doc.global_start_time.value).toBe(86400);
    // No render: the plates track is empty, the source sits at the timeline's start.
    expect(doc.tracks.children[0].children).toEqual([]);
    const only = (doc.tracks.children[1].children as Obj[])[0]!;
    expect([only.OTIO_SCHEMA, only.source_range.start_time.value]).toEqual(['Clip.2', 86400]);
    const edl = await deliver('edl', join(tmp.dir, 'clip.edl'), '--shots', String(clipId));
    expect(edl.code).toBe(2);
    expect(edl.err).toMatch(/EDL lists only the rendered plates/);
    expect(existsSync(join(tmp.dir, 'clip.edl'))).toBe(false);
    const unknown = await deliver('otio', join(tmp.dir, 'x.otio'), '--shots', `${roomId},nope`);
    expect(unknown.code).toBe(3);
    expect(unknown.err).toMatch(/no shot 'nope'/);
  });

  it('--plate SHOT=FILE refers to a delivered plate movie instead of the render frames', async () => {
    const plate = await makeClip(tmp.dir, { name: 'room_push_v001.mov', fps: '24', frames: FRAMES });
    const out = join(tmp.dir, 'delivered.otio');
    expect((await deliver('otio', out, '--plate', `room=${plate}`)).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Obj;
    expect(checkOtio(doc)).toEqual([]);
    const ref = doc.tracks.children[0].children[0].media_references.DEFAULT_MEDIA;
    expect(ref.OTIO_SCHEMA).toBe('ExternalReference.1');
    expect(pathOfFileUrl(ref.target_url)).toBe(plate);
    const edlOut = join(tmp.dir, 'delivered.edl');
    expect((await deliver('edl', edlOut, '--plate', `${roomId}=room_push_v001.mov`)).code).toBe(0);
    expect(readCmx3600(readFileSync(edlOut, 'utf8')).events[0]!.comments).toContain(`SOURCE FILE: ${plate}`);

    const noRender = await deliver('otio', join(tmp.dir, 'n.otio'), '--plate', `a002=${plate}`);
    expect(noRender.code).toBe(2);
    expect(noRender.err).toMatch(/'a002' has 0 rendered plates/);
    const missing = await deliver(
      'otio',
      join(tmp.dir, 'm.otio'),
      '--plate',
      `room=${join(tmp.dir, 'nope.mov')}`,
    );
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/nope\.mov does not exist/);
    expect((await deliver('otio', join(tmp.dir, 'b.otio'), '--plate', 'room')).code).toBe(2);
    // Even with --overwrite, the timeline never replaces media it refers to.
    const before = readFileSync(plate);
    const self = await deliver('edl', plate, '--plate', `room=${plate}`, '--overwrite');
    expect(self.code).toBe(2);
    expect(self.err).toMatch(/is media this timeline refers to/);
    expect(readFileSync(plate).equals(before)).toBe(true);
  });

  it('never overwrites without --overwrite, never writes into the project, rejects bad options', async () => {
    const out = join(tmp.dir, 'keep.edl');
    writeFileSync(out, 'mine\n');
    const r = await deliver('edl', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists; pass --overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    expect((await deliver('edl', out, '--overwrite')).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^TITLE: Room\n/);

    const inside = await deliver('otio', join(projectDir, 'renders', 'x.otio'));
    expect(inside.code).toBe(2);
    expect(inside.err).toMatch(/project's own files/);
    expect(existsSync(join(projectDir, 'renders', 'x.otio'))).toBe(false);

    const fmt = await deliver('aaf', join(tmp.dir, 'x.aaf'));
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/--format 'aaf' is not one of otio, fcpxml, edl/);
    expect((await reshoot(['deliver', 'timeline', projectDir, '--format', 'otio'])).code).toBe(2);
    const help = await reshoot(['deliver', 'timeline', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: reshoot deliver timeline/);
  });
});
