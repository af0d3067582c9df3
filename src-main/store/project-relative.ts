import { existsSync } from 'node:fs';
import { isAbsolute, join, posix, relative, sep, win32 } from 'node:path';

/**
 * Paths of a project's own files that the project keeps (e.g. what a job chunk committed) are stored
 * relative to the project folder, with '/' separators, so the folder can be moved or copied
 * (docs/projects.md) and a job resumed from wherever it is now. Paths outside the project stay absolute.
 */
export function toProjectPath(projectDir: string, file: string): string {
  const rel = relative(projectDir, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}

/**
 * Where a stored path is now. A relative path is taken from the project folder. An absolute one inside
 * the project folder is used as it is. An absolute one outside it was written by an earlier Reshoot at the
 * project's old place: its part from the last `cache` folder on is the same file in this project, used when
 * that file exists or the old one is gone (a copied project must not read the original's files).
 */
export function fromProjectPath(projectDir: string, stored: string): string {
  if (!posix.isAbsolute(stored) && !win32.isAbsolute(stored)) return join(projectDir, stored);
  const rel = relative(projectDir, stored);
  if (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return stored;
  const parts = stored.split(/[\\/]+/);
  const at = parts.lastIndexOf('cache');
  if (at < 0) return stored;
  const here = join(projectDir, ...parts.slice(at));
  return existsSync(here) || !existsSync(stored) ? here : stored;
}
