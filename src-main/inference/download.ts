/**
 * HTTP(S) download to a `.part` file with resume: an existing `.part` is continued with a Range request;
 * a dropped connection is retried (resuming) a few times; a server that ignores Range restarts the file.
 * Verification (size, sha256) is the caller's: see model-manager.ts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { abortError } from './types';

export interface DownloadProgress {
  receivedBytes: number;
  totalBytes: number | null;
}

export interface DownloadOptions {
  expectedSize?: number | null;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Attempts after the first when the connection drops (default 3). */
  retries?: number;
  fetchImpl?: typeof fetch;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly code: 'network' | 'http' | 'size' | 'aborted',
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

function partSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Downloads `url` into `partPath` (appending to what is there). Resolves with the file's size. */
export async function downloadToPart(
  url: string,
  partPath: string,
  options: DownloadOptions = {},
): Promise<number> {
  const doFetch = options.fetchImpl ?? fetch;
  const retries = options.retries ?? 3;
  const expected = options.expectedSize ?? null;
  let lastError: Error | null = null;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (options.signal?.aborted) throw new DownloadError(`${url}: download cancelled`, 'aborted');
    let have = partSize(partPath);
    if (expected !== null && have > expected) {
      rmSync(partPath, { force: true });
      have = 0;
    }
    if (expected !== null && have === expected) return have;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: have > 0 ? { Range: `bytes=${have}-` } : {},
        redirect: 'follow',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (e) {
      if (options.signal?.aborted) throw new DownloadError(`${url}: download cancelled`, 'aborted');
      lastError = new DownloadError(
        `${url}: ${(e as Error).message}${(e as Error & { cause?: Error }).cause ? ` (${(e as Error & { cause: Error }).cause.message})` : ''}`,
        'network',
      );
      continue;
    }
    if (res.status === 416 && have > 0) {
      // Nothing left to send: the part file is complete (verification decides if it is right).
      await res.body?.cancel();
      return have;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new DownloadError(`${url}: HTTP ${res.status} ${res.statusText}`, 'http');
    }
    const append = res.status === 206 && have > 0;
    if (!append) have = 0;
    const len = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(len) ? have + len : expected;
    const out = createWriteStream(partPath, { flags: append ? 'a' : 'w' });
    let received = have;
    options.onProgress?.({ receivedBytes: received, totalBytes: total });
    try {
      if (!res.body) throw new Error('empty response body');
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
      for await (const chunk of body) {
        if (options.signal?.aborted) throw abortError(options.signal);
        const buf = chunk as Buffer;
        if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
        received += buf.length;
        options.onProgress?.({ receivedBytes: received, totalBytes: total });
      }
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
    } catch (e) {
      await new Promise<void>((r) => out.end(() => r()));
      if (options.signal?.aborted)
        throw new DownloadError(`${url}: download cancelled (kept ${received} bytes to resume)`, 'aborted');
      lastError = new DownloadError(
        `${url}: connection lost after ${received} bytes (${(e as Error).message})`,
        'network',
      );
      continue;
    }
    if (total !== null && received < total) {
      lastError = new DownloadError(
        `${url}: connection closed after ${received} of ${total} bytes`,
        'network',
      );
      continue;
    }
    return received;
  }
  throw lastError ?? new DownloadError(`${url}: download failed`, 'network');
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (signal?.aborted) throw abortError(signal);
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}
