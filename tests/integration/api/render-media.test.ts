import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrameBatch } from '../../../src-shared/api/media-routes';
import { AppCore, createHandlers, createMediaHandler, type Handlers } from '../../../src-main/api';
import type { MediaHandler } from '../../../src-main/api/media-handler';
import { encodePng } from '../../../src-main/media/png';
import { frameFiles, renderDir } from '../../../src-main/render';
import type { RenderRecord } from '../../../src-main/store';
import { ffmpegBin, makeClip } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

// The media routes of a render version: colour as JPEG (one frame or a run), the mask as it is, and
// nothing else — not frames outside the render, not unfinished ones, not files a link leads to.

const W = 160;
const H = 90;
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let media: MediaHandler;
let shotId: number;
let otherShotId: number;
let render: RenderRecord;
let dir: string;

/** The colour a test frame is painted (16-bit), different for every frame. */
const colourOf = (frame: number): [number, number, number] => [
  (frame * 9000 + 4000) % 65536,
  30000,
  65535 - frame * 5000,
];

function png16(frame: number): Buffer {
  const data = new Uint16Array(W * H * 3);
  const c = colourOf(frame);
  for (let i = 0; i < W * H; i++) data.set(c, 3 * i);
  return encodePng({ width: W, height: H, channels: 3, bitDepth: 16, data });
}

function mask(frame: number): Buffer {
  const data = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) data[i] = [255, 128, 0][(i + frame) % 3]!;
  return encodePng({ width: W, height: H, channels: 1, bitDepth: 8, data });
}

/** An encoded image's pixels as 8-bit RGB, and its size, through ffmpeg. */
function rgbOf(image: Uint8Array): { width: number; height: number; rgb: Buffer } {
  const file = join(tmp.dir, 'probe-image');
  writeFileSync(file, image);
  const size = execFileSync('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height'],
    ...['-of', 'csv=p=0', file],
  ])
    .toString()
    .trim()
    .split(',')
    .map(Number);
  const rgb = execFileSync(
    ffmpegBin(),
    ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    {
      maxBuffer: 1 << 26,
    },
  );
  return { width: size[0]!, height: size[1]!, rgb };
}

function meanRgb(rgb: Buffer): number[] {
  const sum = [0, 0, 0];
  for (let i = 0; i < rgb.length; i++) sum[i % 3]! += rgb[i]!;
  return sum.map((s) => s / (rgb.length / 3));
}

/** GET `route` (path and query) from the media handler. */
const get = (route: string) => media(new Request(`http://127.0.0.1/media/${route}`), route.split('?')[0]!);

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  media = createMediaHandler(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Renders' });
  const clips = [
    await makeClip(tmp.dir, { width: W, height: H, frames: 12 }),
    await makeClip(tmp.dir, { name: 'other.mp4', width: W, height: H, frames: 12 }),
  ];
  const shots = (await api['shots.import']({ paths: clips, skipBad: false })).imported;
  shotId = shots[0]!.id;
  otherShotId = shots[1]!.id;
  await core.require().runner.whenIdle();
  const path = await api['paths.create']({
    shotId,
    name: 'target',
    content: {
      kind: 'keyframes',
      keyframes: [{ frame: 0, position: [0, 0, 0], orientation: [1, 0, 0, 0], focalPx: 150 }],
    },
  });
  const { project } = core.require();
  // frames 2–5 of the shot; 2, 3 and 4 are finished, 5 is not
  render = project.renders.create({
    shotId,
    pathId: path.id,
    pathName: 'target',
    status: 'rendering',
    method: 'reprojection',
    firstFrame: 2,
    lastFrame: 5,
    provenanceJson: '{}',
    jobId: null,
    createdAt: new Date().toISOString(),
  });
  dir = renderDir(project, shotId, path.id, render.version);
  mkdirSync(dir, { recursive: true });
  for (const f of [2, 3, 4]) {
    writeFileSync(frameFiles(dir, f).colour, png16(f));
    writeFileSync(frameFiles(dir, f).mask, mask(f));
  }
  writeFileSync(frameFiles(dir, 5).mask, mask(5));
}, 60_000);

afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

describe('render media routes', () => {
  it('serve a rendered frame as an 8-bit JPEG of that frame, at the shot size or a given width', async () => {
    for (const f of [2, 4]) {
      const res = await get(`render/${shotId}/${render.id}/${f}.jpg`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const img = rgbOf(new Uint8Array(await res.arrayBuffer()));
      expect([img.width, img.height]).toEqual([W, H]);
      const mean = meanRgb(img.rgb);
      colourOf(f).forEach((c, k) => expect(Math.abs(mean[k]! - c / 257)).toBeLessThan(3));
    }
    const res = await get(`render/${shotId}/${render.id}/3.jpg?w=80`);
    expect(res.status).toBe(200);
    const img = rgbOf(new Uint8Array(await res.arrayBuffer()));
    expect([img.width, img.height]).toEqual([80, 46]); // 4:2:0 JPEG: even sides
  });

  it('serve a run of frames as a batch that stops at the first frame not rendered yet', async () => {
    const res = await get(`render/${shotId}/${render.id}?start=2&count=48`);
    expect(res.status).toBe(200);
    const { header, body } = decodeFrameBatch(await res.arrayBuffer());
    expect(header.start).toBe(2);
    expect(header.frames.map((f) => f.index)).toEqual([2, 3, 4]);
    for (const f of header.frames) {
      const mean = meanRgb(rgbOf(body.slice(f.offset, f.offset + f.length)).rgb);
      colourOf(f.index).forEach((c, k) => expect(Math.abs(mean[k]! - c / 257)).toBeLessThan(3));
    }
  });

  it('serve the mask PNG byte for byte', async () => {
    const res = await get(`render/${shotId}/${render.id}/3.mask.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(frameFiles(dir, 3).mask))).toBe(true);
  });

  it('answer 404 outside the render, for unfinished frames, other shots and unknown renders', async () => {
    const r = render.id;
    const missing = [
      `render/${shotId}/${r}/1.jpg`, // before the render's first frame
      `render/${shotId}/${r}/5.jpg`, // in the render, not finished (its mask alone is there)
      `render/${shotId}/${r}/5.mask.png`,
      `render/${shotId}/${r}/6.jpg`, // after its last frame
      `render/${shotId}/${r}/11.mask.png`,
      `render/${shotId}/${r}/12.jpg`, // past the shot
      `render/${otherShotId}/${r}/2.jpg`, // another shot's route
      `render/${shotId}/${r + 100}/2.jpg`, // no such render
      `render/999/${r}/2.jpg`, // no such shot
    ];
    for (const p of missing) expect((await get(p)).status, p).toBe(404);
    expect((await get(`render/${shotId}/${r}?start=5&count=4`)).status).toBe(404);
    expect((await get(`render/${shotId}/${r}?start=1&count=4`)).status).toBe(404);
  });

  it('refuse malformed routes', async () => {
    const r = render.id;
    const bad = [
      `render/${shotId}/${r}/2.png`,
      `render/${shotId}/${r}/-1.jpg`,
      `render/${shotId}/${r}/2.mask.jpg`,
      `render/${shotId}/${r}/..%2F2.jpg`,
      `render/${shotId}/0/2.jpg`,
      `render/${shotId}/x/2.jpg`,
      `render/${shotId}/${r}/2.jpg/extra`,
      `render/${shotId}/${r}/2.mask.png?w=80`,
      `render/${shotId}/${r}?start=2&count=49`,
      `render/${shotId}/${r}?start=2`,
      `render/${shotId}/${r}/2.jpg?w=8`,
    ];
    for (const p of bad) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(await res.text()).toBe('no such media route');
    }
    expect(
      (await media(new Request('http://127.0.0.1/x', { method: 'POST' }), 'render/1/1/2.jpg')).status,
    ).toBe(405);
  });

  it('never follow a link out of the render folder', async () => {
    const outside = join(tmp.dir, 'outside.png');
    writeFileSync(outside, png16(0));
    const outsideMask = join(tmp.dir, 'outside-mask.png');
    writeFileSync(outsideMask, mask(0));
    const colour = frameFiles(dir, 4).colour;
    const m = frameFiles(dir, 4).mask;
    rmSync(colour);
    rmSync(m);
    symlinkSync(outside, colour);
    symlinkSync(outsideMask, m);
    try {
      expect((await get(`render/${shotId}/${render.id}/4.jpg?w=64`)).status).toBe(404);
      expect((await get(`render/${shotId}/${render.id}/4.mask.png`)).status).toBe(404);
      // a link to a file elsewhere inside the project is not the render's either
      const sibling = join(core.require().project.dir, 'cache', 'sibling.png');
      writeFileSync(sibling, png16(0));
      rmSync(colour);
      symlinkSync(sibling, colour);
      expect((await get(`render/${shotId}/${render.id}/4.jpg?w=48`)).status).toBe(404);
    } finally {
      rmSync(colour);
      rmSync(m);
      writeFileSync(colour, png16(4));
      writeFileSync(m, mask(4));
    }
  });
});
