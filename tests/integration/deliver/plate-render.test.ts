/**
 * Plates of a render version (issue 15): the alpha of ProRes 4444 and 16-bit PNG is the render's mask
 * (seen or filled opaque, empty transparent), decoded back with ffmpeg; the pictures are the rendered
 * frames; the EXR carries A, mask and a float Z; handles stop at the frames the render has.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plateRender, startPlateDelivery, type PlateDeliveryRequest } from '../../../src-main/deliver';
import { frameFiles, renderDir } from '../../../src-main/render';
import { tempDir } from '../../helpers/temp';
import { analysedRoom, type RenderFixture } from '../render/render-fixture';
import { blenderSequence, exrheader, hasBlender, hasCv2, hasExrheader, opencvRead } from './exr-tools';

const tmp = tempDir('reshoot-plate-render-');
const W = 160,
  H = 90;
let fx: RenderFixture;
let renderId: number;
let dir: string;

beforeAll(async () => {
  fx = await analysedRoom(tmp.dir, 12, W, H);
  // a wide pan: the target camera looks past what the shot saw, so part of each frame is empty
  const pan = await fx.api['paths.preset']({ shotId: fx.shotId, name: 'pan', kind: 'pan', amount: 30 });
  await fx.api['renders.start']({ pathId: pan.id, first: 2, last: 9 });
  await fx.core.require().runner.whenIdle();
  const project = fx.core.require().project;
  const shot = project.shots.get(fx.shotId)!;
  const r = plateRender(project, shot, pan.id, null);
  expect(r.status).toBe('done');
  renderId = r.id;
  dir = renderDir(project, fx.shotId, pan.id, r.version);
}, 240_000);
afterAll(async () => {
  await fx.core.closeProject();
  tmp.cleanup();
});

async function deliver(req: Omit<PlateDeliveryRequest, 'out' | 'shotId' | 'renderId'>, out: string) {
  const { project, runner } = fx.core.require();
  const started = startPlateDelivery(project, runner, { shotId: fx.shotId, renderId, ...req, out }, '/');
  await runner.whenIdle();
  const job = project.jobs.get(started.job.id)!;
  expect(job.error).toBeNull();
  expect(job.status).toBe('done');
  return started;
}

const decode = (file: string, pixFmt: string, vf?: string, index = 0): Buffer =>
  execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', file, '-vf', [`select=eq(n\\,${index})`, ...(vf ? [vf] : [])].join(',')],
      ...['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-'],
    ],
    { maxBuffer: 64 << 20 },
  );

/** The render's mask of shot frame `f` (one byte a pixel: 255 seen, 128 filled, 0 empty). */
const maskOf = (f: number) => decode(frameFiles(dir, f).mask, 'gray');

describe('plates of a render', () => {
  it('the render has seen and empty pixels (else the alpha checks below prove nothing)', () => {
    const m = maskOf(4);
    expect(m.length).toBe(W * H);
    expect(m.filter((v) => v === 0).length).toBeGreaterThan(W * H * 0.02);
    expect(m.filter((v) => v === 255).length).toBeGreaterThan(W * H * 0.3);
  });

  it('prores-4444: alpha is opaque where the mask is seen or filled, transparent where empty', async () => {
    const out = join(tmp.dir, 'p4444');
    // frames 3–8 with 4 handles: the render has 2–9, so 1 before and 1 after
    const { plan } = await deliver({ format: 'prores-4444', frames: { first: 3, last: 8 }, handles: 4 }, out);
    expect([plan.first, plan.last]).toEqual([2, 9]);
    expect(plan.notes.join(' ')).toMatch(/4 asked, 1 before and 1 after \(render pan v001 has frames 2–9\)/);
    expect(plan.files).toEqual(['room_pan_v001.mov']);
    const file = join(out, plan.files[0]!);
    for (const k of [0, 4, 7]) {
      const alpha = decode(file, 'gray', 'alphaextract', k);
      const mask = maskOf(2 + k);
      let wrong = 0;
      for (let i = 0; i < W * H; i++) if (alpha[i] !== (mask[i]! > 0 ? 255 : 0)) wrong++;
      expect(wrong, `frame ${k}`).toBe(0);
      // the colour is the rendered frame's
      const a = decode(file, 'rgb24', undefined, k),
        b = decode(frameFiles(dir, 2 + k).colour, 'rgb24');
      let err = 0;
      for (let i = 0; i < a.length; i++) err += Math.abs(a[i]! - b[i]!);
      expect(err / a.length, `frame ${k}`).toBeLessThan(1.5);
    }
  }, 120_000);

  it('png16: RGBA, 16 bits, the rendered colour exactly and the mask as alpha', async () => {
    const out = join(tmp.dir, 'png');
    const { plan } = await deliver({ format: 'png16', frames: { first: 5, last: 6 } }, out);
    expect(plan.files).toEqual(['room_pan_v001.0006.png', 'room_pan_v001.0007.png']);
    expect(readdirSync(out).sort()).toEqual(plan.files);
    const rgba = decode(join(out, plan.files[0]!), 'rgba64le');
    const rgb = decode(frameFiles(dir, 5).colour, 'rgb48le');
    const mask = maskOf(5);
    for (let i = 0; i < W * H; i++) {
      for (let c = 0; c < 3; c++)
        expect(rgba.readUInt16LE(8 * i + 2 * c)).toBe(rgb.readUInt16LE(6 * i + 2 * c));
      expect(rgba.readUInt16LE(8 * i + 6)).toBe(mask[i]! > 0 ? 0xffff : 0);
    }
  }, 60_000);

  it.runIf(hasExrheader)(
    'exr: half R G B A and mask, float Z, timeCode per frame',
    async () => {
      const out = join(tmp.dir, 'exr');
      const { plan } = await deliver({ format: 'exr', frames: { first: 4, last: 4 } }, out);
      const file = join(out, plan.files[0]!);
      const h = await exrheader(file);
      for (const c of ['A', 'B', 'G', 'R', 'mask'])
        expect(h).toMatch(new RegExp(`^\\s+${c}, 16-bit floating-point`, 'm'));
      expect(h).toMatch(/^\s+Z, 32-bit floating-point/m);
      expect(h).toMatch(/framesPerSecond \(type rational\)/);
      expect(h).toMatch(/time 00:00:00:04/);
      if (hasCv2) {
        const im = await opencvRead(file);
        expect(im.shape).toEqual([H, W, 4]);
        const mask = maskOf(4);
        for (let i = 0; i < W * H; i++) expect(im.data[4 * i + 3]).toBe(mask[i]! > 0 ? 1 : 0);
      }
    },
    60_000,
  );

  it.runIf(hasBlender)(
    'Blender takes the PNG and EXR sequences in: every frame in one image strip, the size, the mask as alpha',
    async () => {
      for (const format of ['png16', 'exr'] as const) {
        const out = join(tmp.dir, `blender-${format}`);
        const { plan } = await deliver({ format, frames: { first: 3, last: 6 } }, out);
        const seq = await blenderSequence(out, plan.files);
        expect(seq.duration, format).toBe(4);
        expect(seq.names, format).toEqual(plan.files);
        seq.frames.forEach((f, k) => {
          expect(f.size, `${format} frame ${k}`).toEqual([W, H]);
          const empty = maskOf(3 + k).filter((v) => v === 0).length;
          expect(empty).toBeGreaterThan(0);
          expect(f.transparent, `${format} frame ${k}`).toBe(empty);
        });
      }
    },
    180_000,
  );
});
