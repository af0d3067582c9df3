import { describe, expect, it } from 'vitest';
import { readAhead } from '../../../src-main/util/read-ahead';

const tick = () => new Promise((r) => setTimeout(r, 1));

/** A source that records how far it has been read and whether it was ended. */
function counting(n: number, failAt = -1) {
  const log = { produced: 0, ended: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        await tick();
        if (i === failAt) throw new Error(`source failed at ${i}`);
        log.produced++;
        yield i;
      }
    } finally {
      log.ended = true;
    }
  }
  return { log, source: gen() };
}

describe('readAhead', () => {
  it('gives every item in order, reading ahead while the consumer is busy, but no further than asked', async () => {
    const { log, source } = counting(20);
    const seen: number[] = [];
    let mostAhead = 0;
    for await (const v of readAhead(source, 3)) {
      seen.push(v);
      // The consumer is busy until the reader has gone 3 ahead (it never would without reading ahead),
      // and a little longer, to see that it stops there.
      while (log.produced < Math.min(20, seen.length + 3)) await tick();
      for (let i = 0; i < 5; i++) await tick();
      mostAhead = Math.max(mostAhead, log.produced - seen.length);
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // 3 kept; the reader waits for room before it asks the source for more.
    expect(mostAhead).toBe(3);
    expect(log.ended).toBe(true);
  });

  it('keeps each item through `keep` as it arrives (a copy of a reused buffer stays intact)', async () => {
    const buf = new Uint8Array(1);
    async function* reused() {
      for (let i = 0; i < 5; i++) {
        buf[0] = i;
        yield buf;
        await tick();
      }
    }
    const out: number[] = [];
    for await (const b of readAhead(reused(), 3, (x) => new Uint8Array(x))) {
      await new Promise((r) => setTimeout(r, 5));
      out.push(b[0]!);
    }
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('passes on the source’s error after the items before it', async () => {
    const { source } = counting(10, 4);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const v of readAhead(source, 2)) seen.push(v);
      })(),
    ).rejects.toThrow('source failed at 4');
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('ends the source when the consumer stops early', async () => {
    const { log, source } = counting(100);
    for await (const v of readAhead(source, 3)) if (v === 5) break;
    expect(log.ended).toBe(true);
    expect(log.produced).toBeLessThan(12);
    const again = counting(100);
    await expect(
      (async () => {
        for await (const v of readAhead(again.source, 3)) if (v === 2) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    expect(again.log.ended).toBe(true);
  });
});
