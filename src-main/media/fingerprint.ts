/**
 * Content fingerprints, to recognise a moved or renamed source when relinking (not a full checksum: fast
 * on multi-gigabyte files).
 *
 * Video file: sha256 of "reshoot-fp1\0", the file size in bytes as decimal text, "\0", the first 1 MiB and
 * the last 1 MiB (the whole file once when it is ≤ 2 MiB). The head holds the container header and first
 * frames, the tail the index (or last frames) — edits anywhere in a typical file change one of them or the size.
 * Image sequence: sha256 of "reshoot-fp1-seq\0", then per frame in order "name\0size\n", then "\0" and the
 * first frame's fingerprint as above. Result: 64 lowercase hex digits.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { sequenceFrameName } from './sequence';
import type { MediaFacts } from './types';

export const FINGERPRINT_CHUNK = 1024 * 1024;

export async function fingerprintFile(filePath: string): Promise<string> {
  const h = await open(filePath, 'r');
  try {
    const size = (await h.stat()).size;
    const hash = createHash('sha256');
    hash.update(`reshoot-fp1\0${size}\0`);
    const readAt = async (pos: number, len: number) => {
      const buf = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await h.read(buf, got, len - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    };
    if (size <= 2 * FINGERPRINT_CHUNK) {
      hash.update(await readAt(0, size));
    } else {
      hash.update(await readAt(0, FINGERPRINT_CHUNK));
      hash.update(await readAt(size - FINGERPRINT_CHUNK, FINGERPRINT_CHUNK));
    }
    return hash.digest('hex');
  } finally {
    await h.close();
  }
}

/** Fingerprint of probed media: the file, or for a sequence its frame names, sizes and first frame. */
export async function fingerprintMedia(facts: MediaFacts): Promise<string> {
  if (facts.kind !== 'sequence' || !facts.sequence) return fingerprintFile(facts.path);
  const seq = facts.sequence;
  const hash = createHash('sha256');
  hash.update('reshoot-fp1-seq\0');
  const names = Array.from({ length: seq.count }, (_, i) => sequenceFrameName(seq, seq.startNumber + i));
  const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(seq.dir, n))).size));
  names.forEach((n, i) => hash.update(`${n}\0${sizes[i]}\n`));
  hash.update('\0');
  hash.update(await fingerprintFile(path.join(seq.dir, names[0] ?? '')));
  return hash.digest('hex');
}
