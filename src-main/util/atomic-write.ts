import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path, { dirname } from 'node:path';
import { processAlive } from './process-alive';

/** Tries to create a temp file exclusively (O_EXCL), so it can never open or clobber an existing file. */
function openExclusiveTempSync(target: string): { fd: number; tmp: string } {
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(target);
    try {
      return { fd: openSync(tmp, 'wx'), tmp };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw e;
    }
  }
}

/**
 * Writes a file so that readers see the old content or the new, never half of it: a temp file in the
 * same folder (created exclusively: never an existing file), fsync, rename over the target, fsync the
 * folder (so the rename itself is durable).
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const { fd, tmp } = openExclusiveTempSync(path);
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  // Directories can't be opened for fsync on Windows; there the rename is already durable enough.
  if (process.platform === 'win32') return;
  fsyncFile(dir);
}

/** Flushes a file (or, on POSIX, a folder) to disk. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// ---- Async variants (media, jobs): same guarantees without blocking the event loop. ----

/** A temp path beside `target` (same folder, so the final rename is atomic), keeping the extension. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const ext = path.extname(target);
  const base = path.basename(target, ext);
  return path.join(dir, `.${base}.tmp-${process.pid}-${randomBytes(4).toString('hex')}${ext}`);
}

async function fsyncPath(p: string, flags: string): Promise<void> {
  const h = await open(p, flags);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Makes a finished temp file durable and moves it over `target`. */
export async function commitTempFile(tempPath: string, target: string): Promise<void> {
  await fsyncPath(tempPath, 'r+');
  await rename(tempPath, target);
  try {
    await fsyncPath(path.dirname(target), 'r');
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  // 'wx': the random temp name is created, never an existing file opened (and, on EEXIST, not removed).
  const h = await open(tmp, 'wx');
  try {
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, target);
    try {
      await fsyncPath(path.dirname(target), 'r');
    } catch {
      /* see commitTempFile */
    }
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Runs `produce(tempPath)` and commits the temp file to `target`; removes the temp file on failure. */
export async function withAtomicOutput<T>(
  target: string,
  produce: (tempPath: string) => Promise<T>,
): Promise<T> {
  const tmp = tempPathFor(target);
  try {
    const result = await produce(tmp);
    await commitTempFile(tmp, target);
    return result;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** `.<name>.tmp-<pid>-<hex><ext>`: the temp files of tempPathFor, and the pid of the process that made one. */
const TEMP_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{8}(\.[^.]*)?$/;

export function tempFileOwner(name: string): number | null {
  const m = TEMP_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Removes, under `dir`, the temp files of writers that died before their final rename (a kill during a
 * proxy join leaves a complete hidden copy). Only files named by tempPathFor whose process is gone are
 * removed: a live writer's file is never touched. Returns how many were removed.
 */
export function sweepStaleTempFiles(dir: string): number {
  let removed = 0;
  const walk = (d: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const pid = tempFileOwner(e.name);
        if (pid !== null && pid !== process.pid && !processAlive(pid)) {
          rmSync(p, { force: true });
          removed++;
        }
      }
    }
  };
  walk(dir);
  return removed;
}
