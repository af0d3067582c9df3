import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES } from '../../../src-shared/api/contract';
import {
  decodeDepthStateFrame,
  decodeFrameBatch,
  encodeDepthStateFrame,
  encodeFrameBatch,
  mediaUrl,
  parseMediaRoute,
  type MediaRoute,
} from '../../../src-shared/api/media-routes';
import { dispatch } from '../../../src-main/api/dispatch';
import type { Handlers } from '../../../src-main/api/handlers';

const echo = new Proxy(
  {},
  { get: (_t, name) => async (input: unknown) => ({ method: name, input }) },
) as unknown as Handlers;

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('the API contract at the boundary', () => {
  it('every method has input and output schemas and a summary', () => {
    expect(METHOD_NAMES.length).toBeGreaterThan(10);
    for (const m of METHOD_NAMES) {
      expect(contract[m].summary.length).toBeGreaterThan(5);
    }
  });

  it('refuses methods that are not in the contract', async () => {
    const e = await errorOf(dispatch(echo, 'fs.deleteEverything', {}));
    expect(e.code).toBe('unknown-method');
    expect((await errorOf(dispatch(echo, '__proto__', {}))).code).toBe('unknown-method');
    expect((await errorOf(dispatch(echo, 'constructor', {}))).code).toBe('unknown-method');
  });

  it('refuses unknown keys, wrong types and bad paths with a message naming the argument', async () => {
    let e = await errorOf(dispatch(echo, 'project.open', { path: '/x', extra: 1 }));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toMatch(/project\.open: invalid arguments/);
    e = await errorOf(dispatch(echo, 'shots.rename', { shotId: '1', name: 'x' }));
    expect(e.message).toMatch(/shotId/);
    e = await errorOf(dispatch(echo, 'project.open', { path: 'a\0b' }));
    expect(e.message).toMatch(/NUL/);
    e = await errorOf(dispatch(echo, 'project.create', { parentDir: '/tmp', name: '../evil' }));
    expect(e.message).toMatch(/cannot contain/);
    e = await errorOf(dispatch(echo, 'shots.import', { paths: [] }));
    expect(e.message).toMatch(/nothing to import/);
    e = await errorOf(dispatch(echo, 'jobs.start', { type: 'format-disk', shotId: 1 }));
    expect(e.message).toMatch(/type/);
  });

  it('passes valid input through, with defaults applied', async () => {
    const r = (await dispatch(echo, 'shots.import', { paths: ['/a.mov'] })) as {
      input: { skipBad: boolean };
    };
    expect(r.input.skipBad).toBe(true);
    expect(await dispatch(echo, 'shots.list', undefined)).toMatchObject({ method: 'shots.list' });
    expect(await dispatch(echo, 'shots.list', {})).toMatchObject({ method: 'shots.list' });
  });
});

describe('media routes', () => {
  const route = fc.oneof(
    fc.record({ kind: fc.constant('thumbnail' as const), shotId: fc.integer({ min: 1, max: 1e6 }) }),
    fc.record({ kind: fc.constant('filmstrip' as const), shotId: fc.integer({ min: 1, max: 1e6 }) }),
    fc.record({ kind: fc.constant('proxy' as const), shotId: fc.integer({ min: 1, max: 1e6 }) }),
    fc.record({
      kind: fc.constant('frame' as const),
      shotId: fc.integer({ min: 1, max: 1e6 }),
      frame: fc.integer({ min: 0, max: 1e6 }),
      width: fc.option(fc.integer({ min: 16, max: 8192 }), { nil: null }),
    }),
    fc.record({
      kind: fc.constant('frames' as const),
      shotId: fc.integer({ min: 1, max: 1e6 }),
      start: fc.integer({ min: 0, max: 1e6 }),
      count: fc.integer({ min: 1, max: 48 }),
      width: fc.option(fc.integer({ min: 16, max: 8192 }), { nil: null }),
    }),
    fc.record({
      kind: fc.constantFrom('depth' as const, 'depth-state' as const),
      shotId: fc.integer({ min: 1, max: 1e6 }),
      frame: fc.integer({ min: 0, max: 1e6 }),
    }),
    fc.record({
      kind: fc.constant('render-frame' as const),
      shotId: fc.integer({ min: 1, max: 1e6 }),
      renderId: fc.integer({ min: 1, max: 1e6 }),
      frame: fc.integer({ min: 0, max: 1e6 }),
      width: fc.option(fc.integer({ min: 16, max: 8192 }), { nil: null }),
    }),
    fc.record({
      kind: fc.constant('render-frames' as const),
      shotId: fc.integer({ min: 1, max: 1e6 }),
      renderId: fc.integer({ min: 1, max: 1e6 }),
      start: fc.integer({ min: 0, max: 1e6 }),
      count: fc.integer({ min: 1, max: 48 }),
      width: fc.option(fc.integer({ min: 16, max: 8192 }), { nil: null }),
    }),
    fc.record({
      kind: fc.constant('render-mask' as const),
      shotId: fc.integer({ min: 1, max: 1e6 }),
      renderId: fc.integer({ min: 1, max: 1e6 }),
      frame: fc.integer({ min: 0, max: 1e6 }),
    }),
  );

  it('every route survives URL building and parsing, in Electron and web form', () => {
    fc.assert(
      fc.property(route, fc.constantFrom('reshoot-media://app', 'http://127.0.0.1:5000/media'), (r, base) => {
        const url = new URL(mediaUrl(base, r as MediaRoute));
        const path = base.startsWith('http') ? url.pathname.slice('/media'.length) : url.pathname;
        expect(parseMediaRoute(path, url.searchParams)).toEqual(r);
      }),
    );
  });

  it('rejects anything else, including path tricks', () => {
    const bad = [
      'frame/1/../../etc/passwd',
      'thumbnail/..%2F1.jpg',
      'thumbnail/0.jpg',
      'frame/1/2.png',
      'frames/1',
      'x/1.jpg',
      'thumbnail/1.jpg/extra',
      'depth/0/1.state',
      'depth/1/-1.state',
      'depth/1/1.stat',
      'depth/1/1.state.bin',
      'depth/1/1.f16',
      'depth/1/..%2F1.state',
      'depth/1/1.state/extra',
      'render/1/1/2.png',
      'render/1/1/2.mask.jpg',
      'render/1/1/2.depth.f32',
      'render/1/0/2.jpg',
      'render/0/1/2.jpg',
      'render/1/1/-2.jpg',
      'render/1/1/..%2F2.jpg',
      'render/1/1/2.jpg/extra',
      'render/1/1',
      'render/1',
    ];
    for (const p of bad) expect(parseMediaRoute(p, new URLSearchParams())).toBeNull();
    expect(parseMediaRoute('frames/1', new URLSearchParams('start=0&count=49'))).toBeNull();
    expect(parseMediaRoute('frame/1/0.jpg', new URLSearchParams('w=99999'))).toBeNull();
    expect(parseMediaRoute('render/1/1', new URLSearchParams('start=0&count=49'))).toBeNull();
    expect(parseMediaRoute('render/1/1/0.mask.png', new URLSearchParams('w=64'))).toBeNull();
  });

  it('a depth state frame round-trips; a truncated one is refused', () => {
    const state = Uint8Array.from({ length: 6 }, (_, i) => 4 * i + (i % 4));
    const enc = encodeDepthStateFrame({ width: 3, height: 2, frame: 7 }, state);
    const buf = enc.buffer.slice(enc.byteOffset, enc.byteOffset + enc.byteLength) as ArrayBuffer;
    const d = decodeDepthStateFrame(buf);
    expect(d).toMatchObject({ width: 3, height: 2, frame: 7 });
    expect(Array.from(d.state)).toEqual(Array.from(state));
    expect(() => decodeDepthStateFrame(buf.slice(0, buf.byteLength - 1))).toThrow(/truncated/);
  });

  it('frame batches round-trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        (start, datas) => {
          const frames = datas.map((data, i) => ({ index: start + i, data }));
          const enc = encodeFrameBatch(start, frames);
          const { header, body } = decodeFrameBatch(
            enc.buffer.slice(enc.byteOffset, enc.byteOffset + enc.byteLength) as ArrayBuffer,
          );
          expect(header.start).toBe(start);
          header.frames.forEach((f, i) => {
            expect(f.index).toBe(start + i);
            expect(Array.from(body.subarray(f.offset, f.offset + f.length))).toEqual(Array.from(datas[i]!));
          });
        },
      ),
    );
  });
});
