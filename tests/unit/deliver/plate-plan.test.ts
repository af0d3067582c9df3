/**
 * The plate plan: frames with handles clamped to what exists, the start timecode, and file names that
 * every OS accepts, worked out before anything is written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  planPlate,
  sanitizeFileName,
  type PlateRequest,
  type PlateShot,
} from '../../../src-main/deliver/plate-plan';
import { PLATE_FORMATS } from '../../../src-main/deliver/plate-formats';
import { frameToTimecode, timecodeToFrame } from '../../../src-shared/timecode';

const NTSC = { num: 30000, den: 1001 };
const shot = (over: Partial<PlateShot> = {}): PlateShot => ({
  name: 'A001_C003',
  frameCount: 100,
  fps: { num: 24000, den: 1001 },
  startTimecode: '01:00:00:00',
  reelName: 'A001',
  ...over,
});
const render = { kind: 'render' as const, pathName: 'push in', version: 3, firstFrame: 10, lastFrame: 59 };

describe('planPlate', () => {
  it('names a movie and a sequence by the default templates', () => {
    const movie = planPlate({ shot: shot(), source: render, format: 'prores-hq' });
    expect(movie.files).toEqual(['A001_C003_push in_v003.mov']);
    expect([movie.first, movie.last]).toEqual([10, 59]);
    const seq = planPlate({ shot: shot(), source: render, format: 'exr', frames: { first: 20, last: 22 } });
    expect(seq.files).toEqual([
      'A001_C003_push in_v003.0021.exr',
      'A001_C003_push in_v003.0022.exr',
      'A001_C003_push in_v003.0023.exr',
    ]);
    const source = planPlate({ shot: shot(), source: { kind: 'shot' }, format: 'png16', padding: 6 });
    expect(source.files[0]).toBe('A001_C003_source.000001.png');
    expect(source.files).toHaveLength(100);
  });

  it('starts the timecode at the first frame written, handles included, drop-frame kept', () => {
    const p = planPlate({
      shot: shot({ fps: NTSC, startTimecode: '00:59:59;28' }),
      source: { kind: 'shot' },
      format: 'prores-hq',
      frames: { first: 10, last: 20 },
      handles: 8,
    });
    expect(p.first).toBe(2);
    // 00:59:59;28 + 2 frames crosses into minute 60 (a tenth minute: no frames dropped)
    expect(p.startTimecode).toBe('01:00:00;00');
    expect(
      planPlate({ shot: shot({ startTimecode: null }), source: render, format: 'h264' }).startTimecode,
    ).toBe('00:00:00:10');
  });

  it('clamps handles to the frames that exist and says so', () => {
    const p = planPlate({
      shot: shot(),
      source: render,
      format: 'h264',
      frames: { first: 12, last: 55 },
      handles: 5,
    });
    expect([p.first, p.last, p.handles.before, p.handles.after]).toEqual([10, 59, 2, 4]);
    expect(p.notes.join(' ')).toMatch(/5 asked, 2 before and 4 after/);
    const full = planPlate({
      shot: shot(),
      source: render,
      format: 'h264',
      frames: { first: 20, last: 30 },
      handles: 5,
    });
    expect(full.notes).toEqual([]);
  });

  it('property: frames, handles and names stay within what exists, one name per frame', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 299 }),
        fc.integer({ min: 0, max: 299 }),
        fc.integer({ min: 0, max: 50 }),
        fc.constantFrom(...PLATE_FORMATS),
        fc.integer({ min: 1, max: 9 }),
        (count, a, b, handles, format, padding) => {
          const first = Math.min(a, b) % count,
            last = Math.min(count - 1, Math.max(a, b));
          fc.pre(first <= last);
          const p = planPlate({
            shot: shot({ frameCount: count }),
            source: { kind: 'shot' },
            format,
            frames: { first, last },
            handles,
            padding,
          });
          expect(p.first).toBe(Math.max(0, first - handles));
          expect(p.last).toBe(Math.min(count - 1, last + handles));
          const n = PLATE_FORMATS.indexOf(format) >= 7 ? p.last - p.first + 1 : 1;
          expect(p.files).toHaveLength(n);
          expect(new Set(p.files).size).toBe(n);
          expect(timecodeToFrame(p.startTimecode, shot().fps)).toBe(
            timecodeToFrame('01:00:00:00', shot().fps) + p.first,
          );
        },
      ),
    );
  });

  it('property: a name from any shot, path, reel or template is one safe file name', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (name, pathName, reel) => {
        fc.pre(name.trim() !== '');
        let files: string[];
        try {
          files = planPlate({
            shot: shot({ name, reelName: reel }),
            source: { ...render, pathName },
            format: 'png16',
            template: '{reel}-{shot}-{path}.{frame}',
            frames: { first: 10, last: 11 },
          }).files;
        } catch (e) {
          // the only refusal: a name too long for a file system
          expect((e as Error).message).toMatch(/longer than 255 bytes/);
          return;
        }
        for (const f of files) {
          // eslint-disable-next-line no-control-regex
          expect(f).not.toMatch(/[<>:"/\\|?*\u0000-\u001f]/);
          expect(f).not.toMatch(/^[\s.]|[\s.]$/);
          expect(f).toMatch(/\.png$/);
        }
      }),
    );
  });

  it('refuses hostile requests, naming what is wrong', () => {
    const base: PlateRequest = { shot: shot(), source: render, format: 'exr' };
    const bad: [Partial<PlateRequest>, RegExp][] = [
      [{ frames: { first: 0, last: 20 } }, /render push in v003 has frames 10–59/],
      [{ frames: { first: 30, last: 20 } }, /not a range/],
      [{ handles: -1 }, /Handles/],
      [{ handles: 1.5 }, /Handles/],
      [{ padding: 0 }, /Padding/],
      [{ padding: 12 }, /Padding/],
      [{ template: '{shot}' }, /needs \{frame\}/],
      [{ template: '{shot}.{frame}.{colour}' }, /unknown token \{colour\}/],
      [{ template: '{shot.{frame}' }, /unmatched brace/],
      [{ template: '   ' }, /empty/],
      [{ format: 'prores-hq', template: '{shot}.{frame}' }, /cannot hold \{frame\}/],
      [{ format: 'dpx' as never }, /not a plate format/],
      [{ shot: shot({ startTimecode: '01:00:00;00' }) }, /start timecode cannot be used/],
    ];
    for (const [over, why] of bad) expect(() => planPlate({ ...base, ...over }), why.source).toThrow(why);
  });

  it('never puts a file into another folder or on a reserved Windows name', () => {
    const p = planPlate({
      shot: shot({ name: '../../etc/passwd' }),
      source: { ...render, pathName: 'a\\b:c' },
      format: 'prores-hq',
    });
    expect(p.files).toEqual(['_.._etc_passwd_a_b_c_v003.mov']);
    expect(sanitizeFileName('CON.mov')).toBe('_CON.mov');
    expect(sanitizeFileName('lpt1')).toBe('_lpt1');
    expect(sanitizeFileName('.hidden. ')).toBe('hidden');
    expect(
      planPlate({ shot: shot({ name: 'nul' }), source: { kind: 'shot' }, format: 'h264', template: '{shot}' })
        .files,
    ).toEqual(['_nul.mov']);
  });

  it('timecode round trip at every NTSC drop-frame boundary the plan can reach', () => {
    for (const first of [0, 1, 1798, 1799, 1800, 17981, 17982]) {
      const p = planPlate({
        shot: shot({ fps: NTSC, startTimecode: '00:00:00;00', frameCount: 20000 }),
        source: { kind: 'shot' },
        format: 'prores-hq',
        frames: { first, last: first },
      });
      expect(p.startTimecode).toBe(frameToTimecode(first, NTSC, true));
      expect(p.startTimecode).toContain(';');
    }
  });
});
