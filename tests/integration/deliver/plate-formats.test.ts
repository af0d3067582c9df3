/**
 * Plates of a shot as it is, read back by ffprobe and ffmpeg (issue 15): per format the codec, profile,
 * pixel format, frame count, exact rational rate, timecode (drop-frame `;` at 29.97) and reel name, and
 * the BT.709 tags; the pictures are the source's frames (right frames, right colour matrix); 16-bit PNG
 * and EXR sequences by ffprobe and exrheader; never overwriting; hostile CLI arguments refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { startPlateDelivery, type PlateDeliveryRequest } from '../../../src-main/deliver';
import type { PlateFormat } from '../../../src-main/deliver/plate-formats';
import { tempDir } from '../../helpers/temp';
import { exrheader, hasExrheader } from './exr-tools';

const tmp = tempDir('reshoot-plate-');
afterAll(() => tmp.cleanup());
let core: AppCore;
let api: Handlers;
let ntscShot: number;
let filmShot: number;

/**
 * A test clip whose frames differ plainly (red steps by 40 a frame over smooth gradients), with a start
 * timecode and a reel name in its timecode track; stored losslessly.
 */
function clip(name: string, size: string, rate: string, frames: number, tc: string, reel: string): string {
  const file = join(tmp.dir, name);
  execFileSync('ffmpeg', [
    ...[
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `nullsrc=s=${size}:r=${rate}`,
      '-vf',
      'format=gbrp,geq=r=mod(N*40\\,256):g=X*3:b=Y*5',
      '-frames:v',
      String(frames),
    ],
    ...['-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv444p', '-timecode', tc],
    ...['-metadata:s:v:0', `reel_name=${reel}`, file],
  ]);
  return file;
}

beforeAll(async () => {
  const ntsc = clip('ntsc.mov', '64x36', '30000/1001', 30, '00:00:59;29', 'A001C003');
  const film = clip('film.mov', '256x144', '24000/1001', 12, '10:00:00:00', 'B002');
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Plates' });
  const imported = (await api['shots.import']({ paths: [ntsc, film], skipBad: false })).imported;
  ntscShot = imported.find((s) => s.name === 'ntsc')!.id;
  filmShot = imported.find((s) => s.name === 'film')!.id;
  await core.require().runner.whenIdle();
}, 120_000);
afterAll(async () => core.closeProject());

async function deliver(req: Omit<PlateDeliveryRequest, 'out'>, out: string) {
  const { project, runner } = core.require();
  const started = startPlateDelivery(project, runner, { ...req, out }, tmp.dir);
  await runner.whenIdle();
  const job = project.jobs.get(started.job.id)!;
  expect(job.error).toBeNull();
  expect(job.status).toBe('done');
  return { ...started, message: job.message };
}

type Probe = { streams: Record<string, string | number | Record<string, string>>[] };
const probe = (file: string): Probe =>
  JSON.parse(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_streams',
      '-count_frames',
      '-of',
      'json',
      file,
    ]).toString(),
  ) as Probe;

/** Frame `index` of a file decoded to 8-bit RGB (ffmpeg converts by the file's own colour tags). */
const rgbFrame = (file: string, index: number): Buffer =>
  execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1'],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    ],
    { maxBuffer: 64 << 20 },
  );
const meanAbs = (a: Buffer, b: Buffer) => {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

const MOVIES: [PlateFormat, number, string, string, string][] = [
  // format, shot (0 ntsc 64×36, 1 film 256×144: DNxHR's smallest is 256×120), codec, profile, pix_fmt
  ['prores-hq', 0, 'prores', 'HQ', 'yuv422p10le'],
  // ffmpeg's ProRes decoder gives 4444 with alpha as 12-bit
  ['prores-4444', 0, 'prores', '4444', 'yuva444p12le'],
  ['dnxhr-hq', 1, 'dnxhd', 'DNXHR HQ', 'yuv422p'],
  ['dnxhr-hqx', 1, 'dnxhd', 'DNXHR HQX', 'yuv422p10le'],
  ['dnxhr-444', 1, 'dnxhd', 'DNXHR 444', 'yuv444p10le'],
  ['h264', 0, 'h264', 'High', 'yuv420p'],
  ['h265', 0, 'hevc', 'Main', 'yuv420p'],
];

describe('movie plates of a shot as it is', () => {
  it.each(MOVIES)(
    '%s: codec, profile, pixels, rate, timecode, reel and BT.709 tags',
    async (format, which, codec, profile, pix) => {
      const ntsc = which === 0;
      const shotId = ntsc ? ntscShot : filmShot;
      // NTSC: frames 3–10 with 2 handles → frames 1–12; the shot starts at 00:00:59;29, so frame 1 is
      // 00:01:00;02 (frames ;00 and ;01 of minute 1 do not exist in drop-frame)
      const req = ntsc ? { shotId, format, frames: { first: 3, last: 10 }, handles: 2 } : { shotId, format };
      const out = join(tmp.dir, `out-${format}`);
      const { plan } = await deliver(req, out);
      expect(readdirSync(out)).toEqual([ntsc ? `ntsc_source.mov` : 'film_source.mov']);
      const file = join(out, plan.files[0]!);
      const [video, tmcd] = probe(file).streams;
      expect(video).toMatchObject({
        codec_name: codec,
        profile,
        pix_fmt: pix,
        r_frame_rate: ntsc ? '30000/1001' : '24000/1001',
        avg_frame_rate: ntsc ? '30000/1001' : '24000/1001',
        nb_read_frames: ntsc ? '12' : '12',
        color_primaries: 'bt709',
        color_transfer: 'bt709',
        color_space: 'bt709',
        color_range: 'tv',
      });
      expect((video!.tags as Record<string, string>).timecode).toBe(ntsc ? '00:01:00;02' : '10:00:00:00');
      expect(tmcd).toMatchObject({ codec_type: 'data', codec_tag_string: 'tmcd' });
      expect(tmcd!.tags).toMatchObject({
        reel_name: ntsc ? 'A001C003' : 'B002',
        timecode: ntsc ? '00:01:00;02' : '10:00:00:00',
      });
      // the pictures are the source's frames 1… (a frame off, or a wrong matrix, is far off)
      const source = join(tmp.dir, ntsc ? 'ntsc.mov' : 'film.mov');
      const tolerance = 3;
      for (const k of [0, 5]) {
        const err = meanAbs(rgbFrame(file, k), rgbFrame(source, (ntsc ? 1 : 0) + k));
        expect(err, `frame ${k}`).toBeLessThan(tolerance);
        expect(meanAbs(rgbFrame(file, k), rgbFrame(source, (ntsc ? 1 : 0) + k + 1))).toBeGreaterThan(err + 8);
      }
    },
    120_000,
  );

  it('a shot as it is in ProRes 4444 is opaque', async () => {
    const file = join(tmp.dir, 'out-prores-4444', 'ntsc_source.mov');
    const alpha = execFileSync('ffmpeg', [
      ...['-v', 'error', '-i', file, '-vf', 'alphaextract', '-frames:v', '1'],
      ...['-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    ]);
    expect(alpha.length).toBe(64 * 36);
    expect(Math.min(...alpha)).toBe(255);
  });
});

describe('image sequence plates of a shot as it is', () => {
  it('png16: RGB 16-bit files named by the template, one per frame', async () => {
    const out = join(tmp.dir, 'out-png');
    const { plan } = await deliver(
      {
        shotId: ntscShot,
        format: 'png16',
        frames: { first: 0, last: 4 },
        template: '{reel}_{shot}.{frame}',
        padding: 5,
      },
      out,
    );
    const names = ['A001C003_ntsc.00001.png', 'A001C003_ntsc.00002.png', 'A001C003_ntsc.00003.png'];
    expect(plan.files.slice(0, 3)).toEqual(names);
    expect(readdirSync(out).sort()).toEqual(plan.files);
    const s = probe(join(out, names[2]!)).streams[0]!;
    expect(s).toMatchObject({ codec_name: 'png', pix_fmt: 'rgb48be', width: 64, height: 36 });
    expect(meanAbs(rgbFrame(join(out, names[2]!), 0), rgbFrame(join(tmp.dir, 'ntsc.mov'), 2))).toBeLessThan(
      1,
    );
  }, 60_000);

  it.runIf(hasExrheader)(
    'exr: half RGBA with timeCode (drop-frame) and framesPerSecond, per frame',
    async () => {
      const out = join(tmp.dir, 'out-exr');
      const { plan } = await deliver({ shotId: ntscShot, format: 'exr', frames: { first: 1, last: 3 } }, out);
      expect(plan.files).toEqual(['ntsc_source.0002.exr', 'ntsc_source.0003.exr', 'ntsc_source.0004.exr']);
      const h = await exrheader(join(out, plan.files[1]!));
      for (const c of ['R', 'G', 'B', 'A'])
        expect(h).toMatch(new RegExp(`^\\s+${c}, 16-bit floating-point`, 'm'));
      expect(h).not.toMatch(/\bZ, /);
      expect(h).toMatch(/framesPerSecond \(type rational\): 30000\/1001/);
      // frame 2 of a shot starting at 00:00:59;29
      expect(h).toMatch(/time 00:01:00:03\s+drop frame 1/);
    },
    60_000,
  );
});

describe('never overwrites', () => {
  it('refuses a delivery when any file it would write exists, and writes nothing', async () => {
    const out = join(tmp.dir, 'out-prores-hq');
    const before = readFileSync(join(out, 'ntsc_source.mov'));
    const { project, runner } = core.require();
    expect(() =>
      startPlateDelivery(
        project,
        runner,
        { shotId: ntscShot, format: 'prores-hq', frames: { first: 3, last: 10 }, handles: 2, out },
        '/',
      ),
    ).toThrow(/already holds files this export would replace: ntsc_source\.mov/);
    expect(readFileSync(join(out, 'ntsc_source.mov')).equals(before)).toBe(true);

    const seq = join(tmp.dir, 'out-seq-taken');
    mkdirSync(seq);
    writeFileSync(join(seq, 'ntsc_source.0004.png'), 'mine');
    expect(() =>
      startPlateDelivery(project, runner, { shotId: ntscShot, format: 'png16', out: seq }, '/'),
    ).toThrow(/ntsc_source\.0004\.png/);
    expect(readdirSync(seq)).toEqual(['ntsc_source.0004.png']);
    expect(readFileSync(join(seq, 'ntsc_source.0004.png'), 'utf8')).toBe('mine');
  });

  it('refuses a project\u2019s own folders as the output', () => {
    const { project, runner } = core.require();
    expect(() =>
      startPlateDelivery(
        project,
        runner,
        { shotId: ntscShot, format: 'h264', out: join(project.dir, 'cache') },
        '/',
      ),
    ).toThrow(/project's own files/);
  });
});

describe('reshoot deliver plate', () => {
  const ENTRY = resolve('src-main/app/cli/entry.ts');
  const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', TSX, ENTRY, 'deliver', 'plate', ...args], {
      encoding: 'utf8',
      cwd: tmp.dir,
      env: { ...process.env, RESHOOT_CONFIG_DIR: join(tmp.dir, 'config') },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('delivers, and refuses hostile arguments naming the problem', async () => {
    await core.closeProject();
    const P = join(tmp.dir, 'Plates.reshoot');
    const ok = cli([
      P,
      'ntsc',
      '--format',
      'h264',
      '--out',
      'cli-out',
      '--frames',
      '0-9',
      '--name',
      '{shot}_{format}',
    ]);
    expect(ok.err).toContain('Delivering frames 0–9 as h264');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/ntsc_h264\.mov: h264, 10 frames from 00:00:59;29 \(reel A001C003\)/);
    expect(statSync(join(tmp.dir, 'cli-out', 'ntsc_h264.mov')).size).toBeGreaterThan(0);
    const bad: [string[], number, RegExp][] = [
      [[P, 'ntsc', '--format', 'dpx', '--out', 'x'], 2, /--format 'dpx' is not one of prores-hq/],
      [[P, 'ntsc', '--format', 'h264'], 2, /expected <project> <shot> --format FORMAT --out DIR/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--frames', '9-2'], 2, /last frame comes before/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--frames', '0-99'], 2, /shot 'ntsc' has frames 0–29/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--handles', '-3'], 2, /--handles/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--padding', '0'], 2, /--padding '0'/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--version', '2'], 2, /--version needs --path/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--name', '{shot}.{frame}'], 2, /cannot hold \{frame\}/],
      [[P, 'ntsc', '--format', 'h264', '--out', join(P, 'renders')], 2, /project's own files/],
      [
        [P, 'ntsc', '--format', 'h264', '--out', 'cli-out', '--frames', '0-9', '--name', '{shot}_{format}'],
        2,
        /already holds files/,
      ],
      [[P, 'ntsc', '--format', 'dnxhr-hq', '--out', 'x'], 2, /at least 256×120; this plate is 64×36/],
      [[P, 'nope', '--format', 'h264', '--out', 'x'], 3, /no shot 'nope'/],
      [[P, 'ntsc', '--format', 'h264', '--out', 'x', '--path', 'orbit'], 3, /no target path named 'orbit'/],
    ];
    for (const [args, code, why] of bad) {
      const r = cli(args);
      expect(r.err, args.join(' ')).toMatch(why);
      expect(r.code, args.join(' ')).toBe(code);
    }
    expect(readdirSync(tmp.dir)).not.toContain('x');
    await api['project.open']({ path: P });
  }, 120_000);
});
