/**
 * The one gate for every file Reshoot writes to a path a user named (`--out` on the command line, the
 * export path in the app). It resolves the path the way the kernel will — `..`, relative paths and
 * symbolic links included — and refuses it when it is, or is inside, a Reshoot project's own files, or
 * when it is a folder where a file is expected (or the other way round). Outputs made of several files
 * refuse to replace any file that already exists unless the caller says `overwrite`.
 *
 * Writes then go to the resolved real path (a symlink the user named keeps pointing where it did), each
 * one atomic: an exclusively created temp file beside it, fsync, rename, fsync of the folder.
 *
 * What a project protects (any project, found by its `project.db`, not only the one that is open):
 * `project.db` and every file beside it whose name starts with `project.db` (`-wal`, `-shm`, `-journal`,
 * super-journals), `project.lock` and its temporary and takeover files, the `project.v<N>.backup.db`
 * copies kept on upgrade, the project folder itself, and everything under its `cache/`, `renders/` and
 * `media/` folders. A new ordinary file in the project's top folder (`Spot_030.reshoot/cameras.json`)
 * is allowed: Reshoot never reads or replaces such files.
 *
 * The checks run just before writing; a path swapped for a symlink between check and write (a race with
 * another program) is not detected.
 */
import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, parse, relative, sep } from 'node:path';
import { ApiError } from '../../src-shared/api/contract';
import { writeFileAtomicSync } from './atomic-write';
import {
  isProjectBackupName,
  PROJECT_DB,
  PROJECT_FOLDERS,
  PROJECT_LOCK,
} from '../../src-shared/project-layout';

/** Symbolic links followed while resolving one path before it is refused as a loop (Linux allows 40). */
const MAX_LINKS = 40;

/**
 * Why an output path was refused: it is a project's own file, it already exists (an output of several
 * files without `overwrite`), or it is the wrong kind (a folder where a file goes, a loop of symlinks…).
 */
export type OutputRefusal = 'protected' | 'exists' | 'kind';

/** A refused output path. Through the API it is an 'invalid-argument'; `reshoot` exits with 2 (usage). */
export class OutputPathError extends ApiError {
  readonly exitCode = 2;
  constructor(
    readonly refusal: OutputRefusal,
    message: string,
  ) {
    super('invalid-argument', message);
    this.name = 'OutputPathError';
  }
}

/** A path that went through the guard: only these can be written with `writeOutputFile`. */
export type CheckedOutputPath = string & { readonly __checkedOutput: true };

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Also a folder this process may not look into: it cannot write there either (the write says so).
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return null;
    throw e;
  }
}

/**
 * The real path a write to `given` would reach: relative paths are taken from `cwd`, and the path is
 * walked one name at a time as the kernel does — a symbolic link (also one whose target does not exist
 * yet, and also the last name) is replaced by its target, and `..` goes to the parent of the real folder
 * reached so far. Names that do not exist are kept as they are. No symlink remains in the existing part
 * of the result.
 */
export function resolveOutputPath(given: string, cwd: string): string {
  // Not path.resolve: it would fold `link/..` lexically, where the kernel follows `link` first.
  const start = isAbsolute(given) ? given : `${cwd}${sep}${given}`;
  let current = parse(start).root;
  const pending = start.slice(current.length).split(/[\\/]+/);
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    const st = lstatOrNull(next);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) {
        throw new OutputPathError(
          'kind',
          `'${given}': more than ${MAX_LINKS} symbolic links while resolving it (a loop?). Choose another path.`,
        );
      }
      const target = readlinkSync(next);
      if (isAbsolute(target)) current = parse(target).root;
      pending.unshift(...target.slice(isAbsolute(target) ? parse(target).root.length : 0).split(/[\\/]+/));
      continue;
    }
    current = next;
  }
  return current;
}

/**
 * What a name at the top of a project folder is, when it is one of the project's own files. Compared
 * without case: on macOS and Windows `Project.DB` is the same file.
 */
export function topLevelRole(name: string): string | null {
  const n = name.toLowerCase();
  if (n === PROJECT_DB) return 'the database';
  if (n === `${PROJECT_DB}-wal`) return "the database's write-ahead log";
  if (n === `${PROJECT_DB}-shm`) return "the database's shared-memory index";
  if (n === `${PROJECT_DB}-journal`) return "the database's rollback journal";
  if (n === PROJECT_LOCK) return 'the lock file';
  // The lock's temporary and takeover files (project.lock.<pid>.<token>.tmp, project.lock.takeover-…).
  if (n.startsWith(PROJECT_LOCK)) return 'a file of the project lock';
  // SQLite's other files beside the database (e.g. a super-journal, project.db-mj…).
  if (n.startsWith(PROJECT_DB)) return 'a file of the database';
  if (isProjectBackupName(n)) {
    return 'the database backup (kept when the project was upgraded)';
  }
  for (const folder of Object.values(PROJECT_FOLDERS)) {
    if (n === folder) return `the ${folder}/ folder`;
  }
  return null;
}

/** Whether `dir` is a Reshoot project folder: a folder holding a `project.db` (of any kind). */
export function isProjectFolder(dir: string): boolean {
  return lstatOrNull(join(dir, PROJECT_DB)) !== null;
}

/**
 * Why a real path must not be written, naming the project; null when it may be. Every ancestor of the
 * path is checked, so any project is protected, open or not.
 */
export function protectedReason(real: string): string | null {
  for (let dir = real; ; dir = dirname(dir)) {
    if (isProjectFolder(dir)) {
      const rel = relative(dir, real);
      if (rel === '') return `the folder of the Reshoot project ${dir}`;
      const parts = rel.split(/[\\/]+/);
      const role = topLevelRole(parts[0]!);
      if (role) return `${parts.length > 1 ? 'inside ' : ''}${role} of the Reshoot project ${dir}`;
    }
    if (dirname(dir) === dir) return null;
  }
}

function describe(given: string, real: string): string {
  return given === real ? `'${given}'` : `'${given}' (which resolves to ${real})`;
}

/** Refuses a resolved output path inside a project's own files. */
export function refuseProjectFiles(given: string, real: string): void {
  const reason = protectedReason(real);
  if (reason) {
    throw new OutputPathError(
      'protected',
      `${describe(given, real)} is ${reason}. Reshoot never writes an export over a project's own files; choose another path.`,
    );
  }
}

/** The nearest existing ancestor must be a folder, or the output could not be created. */
function refuseFileAncestor(given: string, real: string): void {
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    const st = lstatOrNull(dir);
    if (st) {
      if (!st.isDirectory()) {
        throw new OutputPathError(
          'kind',
          `${describe(given, real)} cannot be written: ${dir} is a file, not a folder.`,
        );
      }
      return;
    }
    if (dirname(dir) === dir) return;
  }
}

export interface OutputFileOptions {
  /** Where a relative path starts. */
  cwd: string;
}

/**
 * A single file the user named. Returns the real path to write (an existing file there is replaced
 * atomically: the user named it). Refused when it is a project's own file or an existing folder.
 */
export function guardOutputFile(given: string, opts: OutputFileOptions): CheckedOutputPath {
  const real = resolveOutputPath(given, opts.cwd);
  refuseProjectFiles(given, real);
  const st = lstatOrNull(real);
  if (st?.isDirectory()) {
    throw new OutputPathError(
      'kind',
      `${describe(given, real)} is a folder; give the name of the file to write.`,
    );
  }
  if (st && !st.isFile()) {
    throw new OutputPathError('kind', `${describe(given, real)} is not a regular file; choose another path.`);
  }
  refuseFileAncestor(given, real);
  return real as CheckedOutputPath;
}

export interface OutputFolderOptions extends OutputFileOptions {
  /** Replace files of this output that already exist. Without it, any existing one refuses the whole output. */
  overwrite: boolean;
  /** How the user asks for `overwrite` where they are, e.g. "pass --overwrite to replace them". */
  overwriteHint?: string;
}

export interface CheckedOutputFolder {
  /** The real path of the folder. */
  dir: string;
  /** The real path to write for one of the names that were checked (relative to the folder). */
  file(name: string): CheckedOutputPath;
}

/**
 * An output made of several files in a folder the user named (`names` relative to it, e.g.
 * `depth/frame_0001.f32`). Everything is checked before anything is written: the folder and each file
 * must be outside any project's own files, the folder must not be a file, no file may be a folder, and
 * no file may exist already unless `overwrite` (then an existing file — or the file a symlink there
 * points to — is replaced atomically). Files in the folder that are not in `names` are never touched.
 */
export function guardOutputFolder(
  given: string,
  names: readonly string[],
  opts: OutputFolderOptions,
): CheckedOutputFolder {
  const dir = resolveOutputPath(given, opts.cwd);
  refuseProjectFiles(given, dir);
  const st = lstatOrNull(dir);
  if (st && !st.isDirectory()) {
    throw new OutputPathError(
      'kind',
      `${describe(given, dir)} is a file; this export writes a folder of files.`,
    );
  }
  refuseFileAncestor(given, dir);
  const files = new Map<string, CheckedOutputPath>();
  const existing: string[] = [];
  for (const name of names) {
    const shown = join(given, name);
    const real = resolveOutputPath(name, dir);
    refuseProjectFiles(shown, real);
    const fst = lstatOrNull(real);
    if (fst?.isDirectory()) {
      throw new OutputPathError(
        'kind',
        `${describe(shown, real)} is a folder; this export would write a file there.`,
      );
    }
    if (fst && !fst.isFile()) {
      throw new OutputPathError(
        'kind',
        `${describe(shown, real)} is not a regular file; choose another folder.`,
      );
    }
    // A symlink there counts as an existing file even when its target does not exist yet.
    if (fst || lstatOrNull(join(dir, name))) existing.push(name);
    refuseFileAncestor(shown, real);
    files.set(name, real as CheckedOutputPath);
  }
  if (existing.length > 0 && !opts.overwrite) {
    const first = existing.slice(0, 3).join(', ');
    const more = existing.length > 3 ? ` and ${existing.length - 3} more` : '';
    const hint = opts.overwriteHint ? `, or ${opts.overwriteHint}` : '';
    throw new OutputPathError(
      'exists',
      `${describe(given, dir)} already holds files this export would replace: ${first}${more}. Choose a new or empty folder${hint}.`,
    );
  }
  return {
    dir,
    file(name) {
      const f = files.get(name);
      if (f === undefined) throw new Error(`output-guard: '${name}' was not checked for ${dir}`);
      return f;
    },
  };
}

/** Writes one checked output file: creates its folder, then writes atomically (exclusive temp, fsync, rename). */
export function writeOutputFile(file: CheckedOutputPath, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomicSync(file, data);
}
