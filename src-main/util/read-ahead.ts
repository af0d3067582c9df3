/**
 * Reads an async source ahead of its consumer: up to `ahead` items are pulled and kept (each through
 * `keep`, e.g. a copy when the source reuses its buffers) while the consumer is still busy with the one
 * before, so a producer that stalls until it is read (ffmpeg writing into a pipe) keeps working whenever
 * the consumer awaits something. Items come out in order; the source's error comes out after the items
 * read before it; stopping early (break, a throw in the consumer) ends the source too.
 */
export async function* readAhead<T, U = T>(
  source: AsyncIterable<T>,
  ahead: number,
  keep: (item: T) => U = (item) => item as unknown as U,
): AsyncGenerator<U> {
  const it = source[Symbol.asyncIterator]();
  const ready: U[] = [];
  let finished = false;
  let failed = false;
  let failure: unknown;
  let stop = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeReader: (() => void) | null = null;
  const nudge = (w: (() => void) | null) => w?.();
  const reader = (async () => {
    try {
      while (!stop) {
        if (ready.length >= ahead) {
          await new Promise<void>((r) => (wakeReader = r));
          continue;
        }
        const r = await it.next();
        if (r.done || stop) break;
        ready.push(keep(r.value));
        const w = wakeConsumer;
        wakeConsumer = null;
        nudge(w);
      }
    } catch (e) {
      failed = true;
      failure = e;
    } finally {
      finished = true;
      const w = wakeConsumer;
      wakeConsumer = null;
      nudge(w);
    }
  })();
  try {
    for (;;) {
      if (ready.length) {
        const item = ready.shift() as U;
        const w = wakeReader;
        wakeReader = null;
        nudge(w);
        yield item;
        continue;
      }
      if (finished) {
        if (failed) throw failure;
        return;
      }
      await new Promise<void>((r) => (wakeConsumer = r));
    }
  } finally {
    stop = true;
    nudge(wakeReader);
    await reader;
    if (!failed) await it.return?.();
  }
}
