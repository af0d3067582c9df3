import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Render } from '../../../src-shared/api/contract';
import {
  MASK_RGBA,
  colouriseMask,
  doneVersions,
  maskClass,
  pathVersions,
  percent,
  renderRequest,
  shownRender,
  wipeAt,
} from '../../../src-renderer/src/lib/render-view';

let nextId = 1;
function render(pathId: number, version: number, status: Render['status']): Render {
  return {
    id: nextId++,
    shotId: 1,
    pathId,
    pathName: `path ${pathId}`,
    version,
    name: `v${String(version).padStart(3, '0')}`,
    status,
    method: 'reprojection',
    firstFrame: 0,
    lastFrame: 7,
    framesDone: status === 'done' ? 8 : 3,
    seenMean: 0.9,
    seenWorst: 0.85,
    filledMean: 0,
    reused: 0,
    settings: { window: 5, fill: 'none' },
    inputs: { shot: 'a', sourceCamera: 'b', depth: 'c', targetPath: 'd' },
    reshootVersion: '0.1.0',
    message: null,
    jobId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: status === 'done' ? '2026-01-01T00:01:00.000Z' : null,
    verification: null,
  };
}

describe('which render version the dual view shows', () => {
  const v1 = render(1, 1, 'done');
  const v2 = render(1, 2, 'done');
  const v3 = render(1, 3, 'rendering');
  const v4 = render(1, 4, 'failed');
  const other = render(2, 5, 'done');
  const list = [v3, other, v1, v4, v2];

  it('lists a path’s versions newest first, the finished ones apart', () => {
    expect(pathVersions(list, 1).map((r) => r.version)).toEqual([4, 3, 2, 1]);
    expect(doneVersions(list, 1).map((r) => r.version)).toEqual([2, 1]);
    expect(doneVersions(list, 3)).toEqual([]);
  });

  it('shows the newest finished version unless another is chosen; the cloud when asked', () => {
    expect(shownRender(list, 1, undefined)).toBe(v2);
    expect(shownRender(list, 1, v1.id)).toBe(v1);
    expect(shownRender(list, 1, 'cloud')).toBeNull();
    expect(shownRender(list, 2, undefined)).toBe(other);
    expect(shownRender(list, 3, undefined)).toBeNull();
  });

  it('never shows an unfinished version or another path’s, even when chosen', () => {
    expect(shownRender(list, 1, v3.id)).toBe(v2);
    expect(shownRender(list, 1, v4.id)).toBe(v2);
    expect(shownRender(list, 1, other.id)).toBe(v2);
    expect(shownRender(list, 1, 99_999)).toBe(v2);
  });
});

describe('the Render form', () => {
  it('makes a request of a valid form', () => {
    expect(renderRequest({ first: 0, last: 7, window: 5, fill: 'none' }, 48)).toEqual({
      request: { first: 0, last: 7, window: 5, fill: 'none' },
    });
    expect(renderRequest({ first: 47, last: 47, window: 16, fill: 'inpaint' }, 48)).toEqual({
      request: { first: 47, last: 47, window: 16, fill: 'inpaint' },
    });
  });

  it('refuses what the core would refuse, saying why', () => {
    const bad: [Parameters<typeof renderRequest>[0], RegExp][] = [
      [{ first: 5, last: 4, window: 5, fill: 'none' }, /range within 0–47/],
      [{ first: -1, last: 4, window: 5, fill: 'none' }, /range/],
      [{ first: 0, last: 48, window: 5, fill: 'none' }, /range/],
      [{ first: 0.5, last: 4, window: 5, fill: 'none' }, /range/],
      [{ first: Number.NaN, last: 4, window: 5, fill: 'none' }, /range/],
      [{ first: 0, last: 4, window: 0, fill: 'none' }, /window is 1–16/],
      [{ first: 0, last: 4, window: 17, fill: 'none' }, /window/],
      [{ first: 0, last: 4, window: 2.5, fill: 'none' }, /window/],
      [{ first: 0, last: 4, window: 5, fill: 'generate' }, /none or inpaint/],
    ];
    for (const [form, why] of bad) {
      const r = renderRequest(form, 48);
      expect('error' in r && r.error, JSON.stringify(form)).toMatch(why);
    }
  });

  it('writes shares as percentages', () => {
    expect(percent(0.9021)).toBe('90.2 %');
    expect(percent(1)).toBe('100.0 %');
    expect(percent(null)).toBe('—');
  });
});

describe('the mask overlay', () => {
  it('reads the render’s mask values (255 seen, 128 filled, 0 empty), with margins', () => {
    expect([255, 128, 0].map(maskClass)).toEqual(['seen', 'filled', 'empty']);
    expect([200, 191, 64, 63].map(maskClass)).toEqual(['seen', 'filled', 'filled', 'empty']);
  });

  it('gives the three classes distinct, semi-transparent colours', () => {
    const cs = Object.values(MASK_RGBA);
    expect(new Set(cs.map((c) => c.slice(0, 3).join())).size).toBe(3);
    for (const c of cs) {
      expect(c[3]).toBeGreaterThan(0);
      expect(c[3]).toBeLessThan(255);
    }
  });

  it('colours every pixel by its class and counts the shares', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 128, 255), { minLength: 1, maxLength: 200 }), (values) => {
        const rgba = new Uint8ClampedArray(values.flatMap((v) => [v, v, v, 255]));
        const shares = colouriseMask(rgba);
        values.forEach((v, i) => {
          expect(Array.from(rgba.slice(4 * i, 4 * i + 4))).toEqual([...MASK_RGBA[maskClass(v)]]);
        });
        const n = values.length;
        expect(shares.seen).toBeCloseTo(values.filter((v) => v === 255).length / n, 12);
        expect(shares.filled).toBeCloseTo(values.filter((v) => v === 128).length / n, 12);
        expect(shares.empty).toBeCloseTo(values.filter((v) => v === 0).length / n, 12);
      }),
    );
  });
});

describe('the A/B wipe', () => {
  it('follows the pointer across the picture and stops at its edges', () => {
    expect(wipeAt(150, 100, 200)).toBe(0.25);
    expect(wipeAt(100, 100, 200)).toBe(0);
    expect(wipeAt(20, 100, 200)).toBe(0);
    expect(wipeAt(400, 100, 200)).toBe(1);
    expect(wipeAt(150, 100, 0)).toBe(0.5);
  });
});
