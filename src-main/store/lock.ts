import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ProjectError } from './errors';
import { processAlive } from '../util/process-alive';
import { PROJECT_LOCK } from '../../src-shared/project-layout';

/**
 * One process at a time may open a project for writing. The lock is the file `project.lock`, naming its
 * owner (pid, host, since, and a random token that makes each lock's content unique).
 *
 * - Taking it: the content is written to a temporary file first, then published with `link()` under
 *   the lock's name. link() is atomic and fails if the name exists, so exactly one of any number of
 *   racers wins, and the lock is complete from the first instant anyone can see it.
 * - A lock left by a process that died on this host is taken over, never deleted: a racer that judged
 *   it stale first takes a takeover file named after that very lock (`project.lock.takeover-<id>`,
 *   also with link()), checks under it that `project.lock` is still the lock it judged, and then
 *   renames its own lock over it (atomic, so there is no moment without a lock for another racer to
 *   slip into). A takeover file whose own owner died is taken over the same way, one level further.
 * - A lock on another host is never judged (its pid means nothing here). A lock whose content cannot be
 *   read (written by a filesystem without hard links, or damaged) is stale only once it is a few
 *   seconds old.
 * - Releasing removes the lock only while it still holds our own content.
 *
 * Why not SQLite's own locking on project.db: an exclusive locking mode in WAL keeps every other
 * connection out, readers included, and `reshoot info`/`reshoot jobs` must read while the app has the
 * project open; holding SQLite's write lock on another connection as the lock would block the app's own
 * writes (WAL has one writer at a time).
 * A lock file also says who holds it, which the message names, and link() works on network shares
 * where byte-range locks are unreliable.
 *
 * Inside one process, the same project cannot be opened twice either (two windows).
 */
const heldHere = new Set<string>();

const LOCK_NAME = PROJECT_LOCK;
/** A lock file whose content cannot be parsed is only judged stale when older than this. */
const UNREADABLE_GRACE_MS = 5_000;
/** How long to wait for another process that is taking over a stale lock before giving up. */
const TAKEOVER_WAIT_MS = 3_000;
/** Left-over temporary and takeover files older than this belong to processes that died. */
const DEBRIS_AGE_MS = 10 * 60_000;

interface LockInfo {
  pid: number;
  host: string;
  since: string;
  token?: string;
}

/** One look at a lock (or takeover) file: its text and identity (inode + content). */
interface LockFile {
  text: string;
  info: LockInfo | null;
  id: string;
  mtimeMs: number;
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

function locked(projectDir: string, why: string): ProjectError {
  return new ProjectError('project-locked', `${projectDir}: ${why}`);
}

function fsFailure(projectDir: string, e: unknown): ProjectError {
  return locked(
    projectDir,
    `could not lock the project (${code(e) ?? 'error'}: ${(e as Error).message}). Check that the folder is writable.`,
  );
}

function parse(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string') {
      return {
        pid: v.pid,
        host: v.host,
        since: String(v.since ?? ''),
        ...(v.token ? { token: v.token } : {}),
      };
    }
  } catch {
    // Not JSON: see below.
  }
  return null;
}

/** Reads a lock file; null when there is none. Inode and content come from the same open file. */
function readLockFile(path: string): LockFile | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (code(e) === 'ENOENT') return null;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const text = readFileSync(fd, 'utf8');
    const hash = createHash('sha256').update(text).digest('hex');
    return { text, info: parse(text), id: `${st.ino}:${st.size}:${st.mtimeMs}:${hash}`, mtimeMs: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

interface Verdict {
  stale: boolean;
  /** Only judged on this host: a lock from another host is never stale. */
  otherHost: boolean;
  who: string;
}

function judge(lockPath: string, f: LockFile): Verdict {
  const info = f.info;
  if (!info) {
    return {
      stale: Date.now() - f.mtimeMs > UNREADABLE_GRACE_MS,
      otherHost: false,
      who: 'another process; its lock file cannot be read',
    };
  }
  const who = `process ${info.pid} on ${info.host}, since ${info.since}`;
  if (info.host !== hostname()) return { stale: false, otherHost: true, who };
  if (info.pid === process.pid) {
    // Our own pid: held by this process (another window, another copy of this module), or left by an
    // earlier process that had the same pid (containers reuse pids), which started before this one.
    if (heldHere.has(lockPath)) return { stale: false, otherHost: false, who };
    const since = Date.parse(info.since);
    const startedAt = Date.now() - process.uptime() * 1000;
    return { stale: !(since >= startedAt - 1000), otherHost: false, who };
  }
  return { stale: !processAlive(info.pid), otherHost: false, who };
}

/**
 * Puts `content` (already written to `tmp`) at `target` only if nothing is there. link() where the
 * filesystem has hard links; otherwise an O_EXCL create (its content then arrives a moment later,
 * which readers tolerate: an unreadable lock is not stale while it is young).
 */
function publish(tmp: string, target: string, content: string): boolean {
  try {
    linkSync(tmp, target);
    return true;
  } catch (e) {
    const c = code(e);
    if (c === 'EEXIST') return false;
    if (c !== 'EPERM' && c !== 'ENOTSUP' && c !== 'EOPNOTSUPP' && c !== 'ENOSYS' && c !== 'EMLINK') throw e;
  }
  let fd: number;
  try {
    fd = openSync(target, 'wx');
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function shortId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

type TakeoverOutcome = 'taken' | 'changed' | 'busy';

/**
 * Replaces the stale lock `stale` by ours (already in `tmp`), if it is still there. Racers that judged
 * the same stale lock compete for the same takeover file, so at most one of them replaces it.
 */
function takeOver(
  dir: string,
  lockPath: string,
  stale: LockFile,
  tmp: string,
  content: string,
): TakeoverOutcome {
  const chain = [shortId(stale.id)];
  const spent: string[] = [];
  let mine: string | null = null;
  let outcome: TakeoverOutcome = 'busy';
  try {
    for (let tries = 0; tries < 16 && chain.length <= 8; tries++) {
      const name = join(dir, `${LOCK_NAME}.takeover-${chain.join('-')}`);
      if (publish(tmp, name, content)) {
        mine = name;
        const now = readLockFile(lockPath);
        if (!now || now.id !== stale.id) return (outcome = 'changed');
        renameSync(tmp, lockPath);
        return (outcome = 'taken');
      }
      const holder = readLockFile(name);
      if (!holder) continue; // Its owner just finished; try for it again (and find the lock changed).
      if (!judge(name, holder).stale) return 'busy';
      // Its owner died during a takeover: take over the takeover, one level further.
      spent.push(name);
      chain.push(shortId(holder.id));
    }
    return 'busy';
  } finally {
    if (mine) tryUnlink(mine);
    // Once the stale lock is gone for good, every takeover file named after it is spent: whoever takes
    // one of them later finds the lock changed. Before that, a dead owner's file must stay, or a new
    // racer could start a second takeover of the same lock beside the one under way.
    if (outcome !== 'busy') for (const f of spent) tryUnlink(f);
  }
}

/** Removes temporary and takeover files that processes which died long ago left beside the lock. */
function sweepDebris(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(`${LOCK_NAME}.`)) continue;
      if (!name.endsWith('.tmp') && !name.startsWith(`${LOCK_NAME}.takeover-`)) continue;
      const p = join(dir, name);
      try {
        if (Date.now() - statSync(p).mtimeMs > DEBRIS_AGE_MS) unlinkSync(p);
      } catch {
        // Someone else removed it.
      }
    }
  } catch {
    // Tidying is optional.
  }
}

export interface ProjectLock {
  release(): void;
}

export function acquireProjectLock(projectDirArg: string): ProjectLock {
  const projectDir = resolve(projectDirArg);
  const lockPath = join(projectDir, LOCK_NAME);
  if (heldHere.has(lockPath)) {
    throw locked(projectDir, 'the project is already open in another window.');
  }
  const token = randomBytes(12).toString('hex');
  const content = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token,
  } satisfies LockInfo);
  const tmp = join(projectDir, `${LOCK_NAME}.${process.pid}.${token}.tmp`);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    tryUnlink(tmp);
    throw fsFailure(projectDir, e);
  }

  const won = (): ProjectLock => {
    heldHere.add(lockPath);
    sweepDebris(projectDir);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        heldHere.delete(lockPath);
        try {
          // Only our own lock: never one that someone else holds now.
          if (readFileSync(lockPath, 'utf8') === content) unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      },
    };
  };

  try {
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    for (;;) {
      if (publish(tmp, lockPath, content)) return won();
      const current = readLockFile(lockPath);
      if (current) {
        const verdict = judge(lockPath, current);
        if (!verdict.stale) {
          throw locked(
            projectDir,
            `the project is open in another window or process (${verdict.who}). Close it there first.`,
          );
        }
        let outcome: TakeoverOutcome;
        try {
          outcome = takeOver(projectDir, lockPath, current, tmp, content);
        } catch (e) {
          if (e instanceof ProjectError) throw e;
          outcome = 'busy'; // e.g. the rename refused while another process reads the file (Windows)
        }
        if (outcome === 'taken') return won();
        if (outcome === 'busy') sleepSync(10 + Math.random() * 20);
      }
      // No lock any more (released a moment ago) or a changed one: look again.
      if (Date.now() > deadline) {
        throw locked(
          projectDir,
          'the project is being opened by another process right now (it is taking over a lock left by a process that stopped). Try again in a moment.',
        );
      }
    }
  } catch (e) {
    if (e instanceof ProjectError) throw e;
    throw fsFailure(projectDir, e);
  } finally {
    // After link() the lock has its own name; after rename() the temporary name is already gone.
    tryUnlink(tmp);
  }
}

/**
 * Whether process `pid` (null: whichever process holds the lock) holds the project's write lock and is
 * alive, for read-only views: 'no' when no process holds it, another process holds it, or its holder
 * died on this host; 'unknown' when the holder is on another host or the lock cannot be read.
 */
export function projectLockHolder(projectDirArg: string, pid: number | null): 'yes' | 'no' | 'unknown' {
  const lockPath = join(resolve(projectDirArg), LOCK_NAME);
  let f: LockFile | null;
  try {
    f = readLockFile(lockPath);
  } catch {
    return 'unknown';
  }
  if (!f) return 'no';
  if (!f.info) return 'unknown';
  if (pid !== null && f.info.pid !== pid) return 'no';
  const verdict = judge(lockPath, f);
  if (verdict.otherHost) return 'unknown';
  return verdict.stale ? 'no' : 'yes';
}

/**
 * The takeover file a process would take to replace the lock now in the folder (null when there is
 * none). For tests and diagnostics: a file of this name whose owner died is what a crash in the middle
 * of a takeover leaves behind.
 */
export function takeoverFileName(projectDirArg: string): string | null {
  const dir = resolve(projectDirArg);
  const f = readLockFile(join(dir, LOCK_NAME));
  return f ? join(dir, `${LOCK_NAME}.takeover-${shortId(f.id)}`) : null;
}
