import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTimeline, pathOfFileUrl, writeOtio, type ShotInput } from '../../../src-shared/timeline';
import { checkOtio } from './otio-schema-checker';
import { tcFrames } from './cmx3600-reader';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RATES = [
  { label: '23.976', num: 24000, den: 1001, nominal: 24, sep: ':' },
  { label: '24', num: 24, den: 1, nominal: 24, sep: ':' },
  { label: '25', num: 25, den: 1, nominal: 25, sep: ':' },
  { label: '29.97 DF', num: 30000, den: 1001, nominal: 30, sep: ';' },
  { label: '59.94', num: 60000, den: 1001, nominal: 60, sep: ':' },
];

function shot(
  rate: (typeof RATES)[number],
  id: number,
  tc: string,
  count: number,
  plates: [number, number][],
): ShotInput {
  return {
    id,
    name: `Shot ${id}`,
    reel: `A00${id}`,
    fps: { num: rate.num, den: rate.den },
    startTimecode: tc,
    frameCount: count,
    width: 1920,
    height: 1080,
    media: { kind: 'file', path: `/media/take #${id} é.mov` },
    plates: plates.map(([a, b], i) => ({
      path: `p${i}`,
      version: 3,
      firstFrame: a,
      lastFrame: b,
      media: {
        kind: 'sequence',
        folder: `/proj/renders/${id}/${i}/v003`,
        prefix: 'frame_',
        suffix: '.png',
        firstNumber: a + 1,
        padding: 4,
      },
    })),
  };
}

/** Reads a track the way OTIO lays it out: each child starts where the previous one ended. */
function readTrack(track: Obj, globalStart: number) {
  let at = globalStart;
  const clips: { record: [number, number]; clip: Obj }[] = [];
  for (const c of track.children as Obj[]) {
    const d = c.source_range.duration.value as number;
    if (c.OTIO_SCHEMA === 'Clip.2') clips.push({ record: [at, at + d], clip: c });
    at += d;
  }
  return clips;
}

describe('OTIO against the published schema', () => {
  for (const rate of RATES) {
    it(`${rate.label}: every object has exactly its schema's fields and types`, () => {
      const t = buildTimeline({
        name: 'Check',
        shots: [
          shot(rate, 1, `01:00:00${rate.sep}00`, 100, [[10, 59]]),
          shot(rate, 2, `01:00:10${rate.sep}00`, 40, []),
        ],
      });
      const doc = JSON.parse(writeOtio(t)) as Obj;
      expect(checkOtio(doc)).toEqual([]);
      expect(doc.tracks.children.map((k: Obj) => [k.name, k.kind, k.enabled])).toEqual([
        ['Plates', 'Video', true],
        ['Source shots', 'Video', false],
      ]);
    });
  }

  it('the checker finds a missing field, an extra one, a wrong type and a child in the wrong place', () => {
    const doc = JSON.parse(
      writeOtio(buildTimeline({ name: 'x', shots: [shot(RATES[1]!, 1, '01:00:00:00', 10, [[0, 9]])] })),
    ) as Obj;
    const clip = doc.tracks.children[0].children[0];
    delete clip.active_media_reference_key;
    clip.media_reference = null;
    doc.tracks.children[0].enabled = 'yes';
    doc.tracks.children[1].children.push({ ...doc.tracks.children[0] });
    const problems = checkOtio(doc);
    expect(problems.some((p) => p.includes("lacks field 'active_media_reference_key'"))).toBe(true);
    expect(problems.some((p) => p.includes("has no field 'media_reference'"))).toBe(true);
    expect(problems.some((p) => p.includes('enabled: must be true or false'))).toBe(true);
    expect(problems.some((p) => p.includes('"Track.1" is not one of'))).toBe(true);
  });
});

describe('OTIO rational times round trip', () => {
  for (const rate of RATES) {
    it(`${rate.label}: clips read back at their record and source frames, media frames line up`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              min: fc.integer({ min: 0, max: 59 }),
              sec: fc.integer({ min: 1, max: 59 }),
              count: fc.integer({ min: 1, max: 300 }),
              a: fc.nat(),
              b: fc.nat(),
              plate: fc.boolean(),
            }),
            { minLength: 1, maxLength: 5 },
          ),
          (arbs) => {
            const shots = arbs.map((r, i) => {
              const lo = Math.min(r.a, r.b) % r.count;
              const hi = Math.max(Math.max(r.a, r.b) % r.count, lo);
              const tc = `01:${String(r.min).padStart(2, '0')}:${String(r.sec).padStart(2, '0')}${rate.sep}00`;
              return shot(rate, i + 1, tc, r.count, r.plate ? [[lo, hi]] : []);
            });
            const t = buildTimeline({ name: 'RT', shots });
            const doc = JSON.parse(writeOtio(t)) as Obj;
            expect(checkOtio(doc)).toEqual([]);
            const rateValue = doc.global_start_time.rate as number;
            expect(rateValue).toBe(rate.num / rate.den);
            const start = doc.global_start_time.value as number;
            const [plates, sources] = (doc.tracks.children as Obj[]).map((k) => readTrack(k, start));
            const withPlate = t.events.filter((e) => e.plate);
            expect(plates).toHaveLength(withPlate.length);
            expect(sources).toHaveLength(t.events.length);
            sources!.forEach((s, i) => {
              const e = t.events[i]!;
              const shotIn = shots.find((x) => x.id === e.shotId)!;
              const tcStart = tcFrames(shotIn.startTimecode!, rate.nominal);
              expect(s.record).toEqual([e.recordIn, e.recordOut]);
              expect(s.clip.source_range.start_time.value).toBe(e.sourceIn);
              expect(s.clip.source_range.start_time.rate).toBe(rateValue);
              const ref = s.clip.media_references[s.clip.active_media_reference_key];
              expect(ref.available_range.start_time.value).toBe(tcStart);
              expect(ref.available_range.duration.value).toBe(shotIn.frameCount);
              expect(pathOfFileUrl(ref.target_url)).toBe(
                shotIn.media.kind === 'file' ? shotIn.media.path : '',
              );
              expect(s.clip.metadata.cmx_3600.reel).toBe(shotIn.reel);
            });
            plates!.forEach((p, i) => {
              const e = withPlate[i]!;
              expect(p.record).toEqual([e.recordIn, e.recordOut]);
              const ref = p.clip.media_references.DEFAULT_MEDIA;
              expect(ref.OTIO_SCHEMA).toBe('ImageSequenceReference.1');
              const tcStart = tcFrames(shots.find((x) => x.id === e.shotId)!.startTimecode!, rate.nominal);
              // The file OTIO maps the clip's first frame to: start_frame + (source start − available start).
              const firstFile =
                ref.start_frame +
                (p.clip.source_range.start_time.value - ref.available_range.start_time.value);
              expect(firstFile).toBe(e.sourceIn - tcStart + 1);
              expect(
                `${pathOfFileUrl(ref.target_url_base)}${ref.name_prefix}${String(firstFile).padStart(ref.frame_zero_padding, '0')}${ref.name_suffix}`,
              ).toBe(
                `/proj/renders/${e.shotId}/0/v003/frame_${String(e.sourceIn - tcStart + 1).padStart(4, '0')}.png`,
              );
            });
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});
