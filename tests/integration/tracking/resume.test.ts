/**
 * Resumable tracking on real material: tracking frames 0…N−1 in one go gives a bit-identical result to
 * tracking 0…k, snapshot, restore into a fresh tracker, and continuing k+1…N−1 — for several k, both
 * methods (XFeat with the real model), on a ../shared/gt shot and on a real clip. The uninterrupted run
 * takes the snapshots as it goes (snapshot() does not disturb it), so each k costs only N−1−k frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../../src-main/media';
import {
  concatTrackSets,
  grayFrames,
  KltTracker,
  lumaFrames,
  sliceTrackSet,
  XFeatTracker,
  type GrayImage,
  type TrackSet,
} from '../../../src-main/analysis/tracking';
import { gtFramePath, loadGtShot } from '../../helpers/gt-tracks';
import { openXFeatSession, type XFeatSession } from './xfeat-session';

interface Frames {
  width: number;
  height: number;
  /** ffmpeg's gray (what KLT gets in the app). */
  gray: GrayImage[];
  /** ffmpeg's gray as bytes (what XFeat gets in the app). */
  luma: Uint8Array[];
}

async function decode(file: string, count: number, width?: number): Promise<Frames> {
  const facts = await probeMedia(file);
  const w = width ?? facts.width;
  const h = width ? Math.round((width * facts.height) / facts.width / 2) * 2 : facts.height;
  const out: Frames = { width: w, height: h, gray: [], luma: [] };
  for await (const f of lumaFrames(facts, { count, width: w, height: h })) out.luma.push(f.luma.slice());
  for await (const f of grayFrames(facts, { count, width: w, height: h }))
    out.gray.push({ width: w, height: h, data: f.image.data.slice() });
  return out;
}

function same(a: TrackSet, b: TrackSet): boolean {
  const bytes = (s: TrackSet) =>
    Buffer.concat([
      Buffer.from(new Uint32Array([s.width, s.height, s.numFrames, s.numTracks]).buffer),
      Buffer.from(s.xy.buffer, s.xy.byteOffset, s.xy.byteLength),
      Buffer.from(s.visible.buffer, s.visible.byteOffset, s.visible.byteLength),
      Buffer.from(s.confidence.buffer, s.confidence.byteOffset, s.confidence.byteLength),
    ]);
  return bytes(a).equals(bytes(b));
}

const CASES = [
  { name: 'gt orbit_a', frames: 12, cuts: [0, 5, 9] },
  { name: '13_camel_static_cam.mp4', frames: 10, cuts: [2, 6] },
];

describe('resumable tracking: snapshot / restore is exact', () => {
  let xfeat: XFeatSession;
  const clips = new Map<string, Frames>();
  beforeAll(async () => {
    xfeat = await openXFeatSession();
    const shot = loadGtShot('../shared/gt/orbit_a');
    clips.set('gt orbit_a', await decode(gtFramePath(shot, 0), CASES[0]!.frames));
    clips.set(
      '13_camel_static_cam.mp4',
      await decode('../shared/media/13_camel_static_cam.mp4', CASES[1]!.frames, 640),
    );
  });
  afterAll(async () => {
    await xfeat?.release();
  });

  for (const c of CASES) {
    it(`KLT on ${c.name}, cut after frames ${c.cuts.join(', ')}`, () => {
      const f = clips.get(c.name)!;
      const full = new KltTracker(f.width, f.height);
      const snaps: Uint8Array[] = [];
      f.gray.forEach((g, t) => {
        full.push(g);
        if (c.cuts.includes(t)) snaps.push(full.snapshot());
      });
      const ref = full.result();
      expect(ref.numTracks).toBeGreaterThan(300);
      c.cuts.forEach((k, i) => {
        const trk = KltTracker.restore(snaps[i]!);
        for (let t = k + 1; t < f.gray.length; t++) trk.push(f.gray[t]!);
        expect(same(ref, trk.result())).toBe(true);
        // What a chunked job would store: the chunks' slices, joined at the end.
        expect(
          same(ref, concatTrackSets([sliceTrackSet(ref, 0, k + 1), sliceTrackSet(trk.result(), k + 1)])),
        ).toBe(true);
      });
    });

    it(`XFeat on ${c.name}, cut after frames ${c.cuts.join(', ')}`, async () => {
      const f = clips.get(c.name)!;
      const full = new XFeatTracker(f.width, f.height, xfeat.run);
      const snaps: Uint8Array[] = [];
      for (let t = 0; t < f.luma.length; t++) {
        await full.push(f.luma[t]!);
        if (c.cuts.includes(t)) snaps.push(full.snapshot());
      }
      const ref = full.result();
      expect(ref.numTracks).toBeGreaterThan(300);
      console.log(
        `${c.name}: snapshot sizes ${snaps.map((s) => (s.length / 2 ** 20).toFixed(2)).join(', ')} MiB (XFeat, ${f.width}×${f.height})`,
      );
      for (const [i, k] of c.cuts.entries()) {
        const trk = XFeatTracker.restore(snaps[i]!, xfeat.run);
        for (let t = k + 1; t < f.luma.length; t++) await trk.push(f.luma[t]!);
        expect(same(ref, trk.result())).toBe(true);
      }
    });
  }
});
