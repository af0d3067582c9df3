import { closeSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ProjectError } from './errors';

/**
 * One process at a time may open a project for writing. The lock is a file created with O_EXCL that
 * names its owner; a lock left by a crashed process on this host (its pid is gone) is taken over.
 * Inside one process, the same project cannot be opened twice either (two windows).
 */
const heldHere = new Set<string>();

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ProjectLock {
  release(): void;
}

export function acquireProjectLock(projectDir: string): ProjectLock {
  const file = join(projectDir, 'project.lock');
  if (heldHere.has(file)) {
    throw new ProjectError('project-locked', `${projectDir}: the project is already open in another window.`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      fsyncSync(fd);
      closeSync(fd);
      heldHere.add(file);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          try {
            unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner: LockInfo | null;
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        owner = null; // Half-written by a process that died while creating it: stale.
      }
      const stale = !owner || (owner.host === hostname() && !alive(owner.pid));
      if (stale && attempt === 0) {
        unlinkSync(file);
        continue;
      }
      const who = owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : 'another process';
      throw new ProjectError(
        'project-locked',
        `${projectDir}: the project is open in another window or process (${who}). Close it there first.`,
      );
    }
  }
  throw new ProjectError('project-locked', `${projectDir}: could not lock the project.`);
}
