import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildTimeline,
  fcpTime,
  pathOfFileUrl,
  writeFcpxml,
  type ShotInput,
} from '../../../src-shared/timeline';
import { tempDir } from '../../helpers/temp';
import { checkFcpxml, FCP_TIME } from './fcpxml-dtd-rules';
import { readXml, type XmlElement } from './xml-reader';
import { tcFrames } from './cmx3600-reader';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const RATES = [
  { label: '23.976', num: 24000, den: 1001, nominal: 24, sep: ':', tcFormat: 'NDF' },
  { label: '24', num: 24, den: 1, nominal: 24, sep: ':', tcFormat: 'NDF' },
  { label: '25', num: 25, den: 1, nominal: 25, sep: ':', tcFormat: 'NDF' },
  { label: '29.97 DF', num: 30000, den: 1001, nominal: 30, sep: ';', tcFormat: 'DF' },
  { label: '59.94', num: 60000, den: 1001, nominal: 60, sep: ':', tcFormat: 'NDF' },
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
    name: `Shot <${id}> & "co"`,
    reel: `R${id}`,
    fps: { num: rate.num, den: rate.den },
    startTimecode: tc,
    frameCount: count,
    width: 3840,
    height: 2160,
    media: { kind: 'file', path: `/media/shot ${id}.mov` },
    plates: plates.map(([a, b], i) => ({
      path: `p${i}`,
      version: 1,
      firstFrame: a,
      lastFrame: b,
      media: { kind: 'file', path: `/delivery/shot${id}_p${i}_v001.mov` },
    })),
  };
}

/** Frames of an FCPXML time at a rate; fails when it is not on a frame boundary. */
function frames(time: string, rate: { num: number; den: number }): number {
  const m = FCP_TIME.exec(time);
  if (!m) throw new Error(`not a time: ${time}`);
  const n = BigInt(m[1]!) * BigInt(rate.num);
  const d = BigInt(m[2] ?? '1') * BigInt(rate.den);
  if (n % d !== 0n) throw new Error(`${time} is not a whole frame at ${rate.num}/${rate.den}`);
  return Number(n / d);
}

const find = (el: XmlElement, name: string): XmlElement => {
  const f = el.children.find((c) => c.name === name);
  if (!f) throw new Error(`<${el.name}> has no <${name}>`);
  return f;
};

function xmllint(text: string): { code: number | null; err: string } {
  const file = join(tmp.dir, `t${Math.random().toString(36).slice(2)}.fcpxml`);
  writeFileSync(file, text);
  const r = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
  return { code: r.status, err: r.stderr };
}

describe('FCPXML 1.10', () => {
  it('fcpTime writes whole seconds, or frames over the rate numerator', () => {
    expect(fcpTime(1, { num: 24000, den: 1001 })).toBe('1001/24000s');
    expect(fcpTime(86400, { num: 24000, den: 1001 })).toBe('86486400/24000s');
    expect(fcpTime(90000, { num: 25, den: 1 })).toBe('3600s');
    expect(fcpTime(1, { num: 25, den: 1 })).toBe('1/25s');
  });

  for (const rate of RATES) {
    it(`${rate.label}: follows the DTD's rules and reads back at the right frames`, () => {
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
            { minLength: 1, maxLength: 4 },
          ),
          (arbs) => {
            const shots = arbs.map((r, i) => {
              const lo = Math.min(r.a, r.b) % r.count;
              const hi = Math.max(Math.max(r.a, r.b) % r.count, lo);
              const tc = `01:${String(r.min).padStart(2, '0')}:${String(r.sec).padStart(2, '0')}${rate.sep}00`;
              return shot(rate, i + 1, tc, r.count, r.plate ? [[lo, hi]] : []);
            });
            const t = buildTimeline({ name: 'Spot & <Co>', shots });
            const text = writeFcpxml(t);
            const { doctype, root } = readXml(text);
            expect(doctype).toBe('fcpxml');
            expect(checkFcpxml(root)).toEqual([]);

            const resources = find(root, 'resources');
            const format = find(resources, 'format');
            expect(format.attrs.frameDuration).toBe(fcpTime(1, rate));
            expect([format.attrs.width, format.attrs.height]).toEqual(['3840', '2160']);
            const assets = new Map(
              resources.children.filter((c) => c.name === 'asset').map((a) => [a.attrs.id!, a]),
            );
            const project = find(find(find(root, 'library'), 'event'), 'project');
            expect(project.attrs.name).toBe('Spot & <Co>');
            const sequence = find(project, 'sequence');
            expect(sequence.attrs.tcFormat).toBe(rate.tcFormat);
            const tcStart = frames(sequence.attrs.tcStart!, rate);
            expect(tcStart).toBe(t.start);

            // The primary storyline is contiguous from tcStart; its length is the sequence's duration.
            const spine = find(sequence, 'spine');
            let at = tcStart;
            const placed: { record: [number, number]; item: XmlElement }[] = [];
            for (const item of spine.children) {
              expect(frames(item.attrs.offset!, rate)).toBe(at);
              const d = frames(item.attrs.duration!, rate);
              placed.push({ record: [at, at + d], item });
              at += d;
            }
            expect(at - tcStart).toBe(frames(sequence.attrs.duration!, rate));

            for (const e of t.events) {
              const s = shots.find((x) => x.id === e.shotId)!;
              const shotStart = tcFrames(s.startTimecode!, rate.nominal);
              const slot = placed.find((p) => p.record[0] === e.recordIn && p.record[1] === e.recordOut);
              expect(slot, `event of shot ${e.shotId} at ${e.recordIn}`).toBeDefined();
              const host = slot!.item;
              if (e.plate) {
                expect(host.name).toBe('asset-clip');
                expect(frames(host.attrs.start!, rate)).toBe(e.sourceIn);
                expect(host.attrs.tcFormat).toBe(rate.tcFormat);
                const plateAsset = assets.get(host.attrs.ref!)!;
                expect(pathOfFileUrl(find(plateAsset, 'media-rep').attrs.src!)).toBe(
                  `/delivery/shot${e.shotId}_p0_v001.mov`,
                );
                expect(frames(plateAsset.attrs.start!, rate)).toBe(e.sourceIn);
              } else {
                expect(host.name).toBe('gap');
              }
              // The source shot: connected on lane 1, at the host's local time of the event's start.
              const src = host.children.find((c) => c.name === 'asset-clip')!;
              expect(src.attrs.lane).toBe('1');
              expect(src.attrs.enabled).toBe('0');
              expect(src.attrs.name).toBe(s.name);
              expect(frames(src.attrs.offset!, rate)).toBe(frames(host.attrs.start!, rate));
              expect(frames(src.attrs.start!, rate)).toBe(e.sourceIn);
              expect(frames(src.attrs.duration!, rate)).toBe(e.recordOut - e.recordIn);
              const srcAsset = assets.get(src.attrs.ref!)!;
              expect(pathOfFileUrl(find(srcAsset, 'media-rep').attrs.src!)).toBe(
                `/media/shot ${e.shotId}.mov`,
              );
              expect(frames(srcAsset.attrs.start!, rate)).toBe(shotStart);
              expect(frames(srcAsset.attrs.duration!, rate)).toBe(s.frameCount);
              const reel = find(find(srcAsset, 'metadata'), 'md');
              expect([reel.attrs.key, reel.attrs.value]).toEqual(['com.apple.proapps.studio.reel', s.reel]);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('xmllint reads the output as well-formed XML (names with markup characters escaped)', () => {
    const r = RATES[3]!;
    const text = writeFcpxml(
      buildTimeline({
        name: 'A & B <"x">',
        shots: [shot(r, 1, '00:59:59;28', 90, [[0, 89]]), shot(r, 2, '01:00:10;00', 30, [])],
      }),
    );
    const lint = xmllint(text);
    expect(lint.err).toBe('');
    expect(lint.code).toBe(0);
    expect(xmllint(text.replace('</spine>', '')).code).not.toBe(0);
  });

  it('the rules checker finds a missing required attribute, a bad enumeration, a wrong child and a bad time', () => {
    const r = RATES[1]!;
    const { root } = readXml(
      writeFcpxml(buildTimeline({ name: 'x', shots: [shot(r, 1, '01:00:00:00', 24, [[0, 23]])] })),
    );
    const seq = find(find(find(find(root, 'library'), 'event'), 'project'), 'sequence');
    const clip = find(seq, 'spine').children[0]!;
    delete clip.attrs.ref;
    clip.attrs.tcFormat = 'DROP';
    clip.attrs.start = '1.5s';
    seq.children.push({ name: 'spine', attrs: {}, children: [], text: '' });
    const problems = checkFcpxml(root);
    expect(problems.some((p) => p.includes('required attribute ref missing'))).toBe(true);
    expect(problems.some((p) => p.includes('tcFormat="DROP"'))).toBe(true);
    expect(problems.some((p) => p.includes('start="1.5s" is not a rational time'))).toBe(true);
    expect(problems.some((p) => p.includes("children 'spine spine'"))).toBe(true);
  });
});
