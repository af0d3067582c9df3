import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomicSync } from '../../../src-main/util/atomic-write';
import {
  OutputPathError,
  guardOutputFile,
  guardOutputFolder,
  protectedReason,
  resolveOutputPath,
  writeOutputFile,
} from '../../../src-main/util/output-guard';
import { snapshotTree, tempDir } from '../../helpers/temp';

const tmp = tempDir('reshoot-guard-');
afterAll(() => tmp.cleanup());
// The temp folder itself may sit behind a symlink (macOS /var → /private/var): compare real paths.
const root = realpathSync(tmp.dir);

/** A fake project: a folder with project.db (the guard needs nothing more to recognise one). */
function makeProject(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'cache', 'depth'), { recursive: true });
  mkdirSync(join(dir, 'renders'));
  writeFileSync(join(dir, 'project.db'), 'SQLite format 3\0 the project');
  writeFileSync(join(dir, 'cache', 'depth', 'frame_00000.f16'), 'depth');
  return dir;
}

function refusal(f: () => unknown): OutputPathError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OutputPathError);
    return e as OutputPathError;
  }
  throw new Error('expected the guard to refuse');
}

const proj = makeProject('Spot.reshoot');

describe('resolveOutputPath', () => {
  const base = join(root, 'resolve');
  mkdirSync(join(base, 'a', 'b'), { recursive: true });
  mkdirSync(join(base, 'elsewhere', 'deep'), { recursive: true });
  symlinkSync(join(base, 'elsewhere', 'deep'), join(base, 'a', 'toDeep'));
  symlinkSync('missing-target.json', join(base, 'a', 'dangling'));
  symlinkSync('loop2', join(base, 'loop1'));
  symlinkSync('loop1', join(base, 'loop2'));

  it('takes relative paths from cwd and `..` lexically where no symlink is involved', () => {
    expect(resolveOutputPath('b/../x.json', join(base, 'a'))).toBe(join(base, 'a', 'x.json'));
    expect(resolveOutputPath('./new/dir/x.json', base)).toBe(join(base, 'new', 'dir', 'x.json'));
  });

  it('follows a symlink before `..`, as the kernel does', () => {
    // toDeep → elsewhere/deep, so toDeep/.. is elsewhere, not a.
    expect(resolveOutputPath(`${base}/a/toDeep/../x.json`, '/')).toBe(join(base, 'elsewhere', 'x.json'));
  });

  it('follows a dangling symlink at the leaf to where it would create the file', () => {
    expect(resolveOutputPath('a/dangling', base)).toBe(join(base, 'a', 'missing-target.json'));
  });

  it('refuses a loop of symlinks', () => {
    expect(refusal(() => resolveOutputPath('loop1', base)).message).toMatch(/symbolic links/);
  });

  it('agrees with the kernel (realpath) on every existing path (property)', () => {
    const prop = join(root, 'prop');
    mkdirSync(join(prop, 'd1', 'd2'), { recursive: true });
    writeFileSync(join(prop, 'd1', 'f'), '');
    symlinkSync('d1/d2', join(prop, 'l1'));
    symlinkSync('..', join(prop, 'd1', 'd2', 'up'));
    symlinkSync(join(prop, 'd1'), join(prop, 'd1', 'd2', 'abs'));
    symlinkSync('l1', join(prop, 'chain'));
    const names = ['d1', 'd2', 'f', 'l1', 'up', 'abs', 'chain', '..', '.'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 8 }), (parts) => {
        let real: string;
        try {
          real = realpathSync.native(`${prop}/${parts.join('/')}`);
        } catch {
          return; // the kernel cannot reach it: nothing to compare
        }
        expect(resolveOutputPath(parts.join('/'), prop), parts.join('/')).toBe(real);
      }),
      { numRuns: 400 },
    );
  });
});

describe("a project's own files", () => {
  it.each([
    ['project.db', /^the database of the Reshoot project/],
    ['project.db-wal', /write-ahead log/],
    ['project.db-shm', /shared-memory index/],
    ['project.db-journal', /rollback journal/],
    ['project.lock', /lock file/],
    ['project.v3.backup.db', /database backup/],
    ['project.v3.backup.db-journal', /database backup/],
    ['project.db-mj1A2B3C4D', /a file of the database/],
    ['project.lock.4242.abcd.tmp', /a file of the project lock/],
    ['project.lock.takeover-1-2', /a file of the project lock/],
    ['cache', /^the cache\/ folder/],
    ['cache/depth/frame_00000.f16', /inside the cache\/ folder/],
    ['cache/new/thing.json', /inside the cache\/ folder/],
    ['renders/plate.exr', /inside the renders\/ folder/],
    ['media/clip.mov', /inside the media\/ folder/],
    ['PROJECT.DB', /database/],
    ['', /^the folder of the Reshoot project/],
  ])('%s is protected', (rel, why) => {
    const reason = protectedReason(join(proj, rel));
    expect(reason).toMatch(why);
    expect(reason).toContain(proj);
  });

  it('a new ordinary file in the top folder, a nested ordinary folder, and non-projects are not', () => {
    expect(protectedReason(join(proj, 'cameras.json'))).toBeNull();
    expect(protectedReason(join(proj, 'exports', 'cameras.json'))).toBeNull();
    mkdirSync(join(root, 'NotYet.reshoot'));
    expect(protectedReason(join(root, 'NotYet.reshoot', 'project.db'))).toBeNull();
    expect(protectedReason(join(root, 'free', 'cache', 'x'))).toBeNull();
  });

  it('a project inside another project is protected too (every ancestor is checked)', () => {
    const inner = join(proj, 'exports', 'Inner.reshoot');
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(inner, 'project.db'), '');
    expect(protectedReason(join(inner, 'cache', 'x'))).toContain(inner);
    expect(protectedReason(join(proj, 'cache', 'x'))).toContain(proj);
  });
});

describe('guardOutputFile', () => {
  it('refuses the database however it is named, naming the given and the real path', () => {
    const before = snapshotTree(proj);
    const outside = join(root, 'work');
    mkdirSync(outside);
    symlinkSync(join(proj, 'project.db'), join(outside, 'db-link.json'));
    symlinkSync(join(proj, 'cache'), join(outside, 'cache-link'));
    symlinkSync(join(proj, 'project.db-wal'), join(outside, 'dangling-wal'));
    symlinkSync(join(proj, 'gone', '..', 'project.db'), join(outside, 'dangling-db'));
    const cases: [string, string][] = [
      [join(proj, 'project.db'), root],
      ['../Spot.reshoot/project.db', outside],
      ['project.db-shm', proj],
      ['./cache/../project.lock', proj],
      ['db-link.json', outside],
      ['cache-link/tracks.json', outside],
      ['dangling-wal', outside],
      ['dangling-db', outside],
    ];
    for (const [given, cwd] of cases) {
      const e = refusal(() => guardOutputFile(given, { cwd }));
      expect(e.code).toBe('invalid-argument');
      expect(e.refusal).toBe('protected');
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(`'${given}'`);
      expect(e.message).toContain(proj);
    }
    expect(refusal(() => guardOutputFile('db-link.json', { cwd: outside })).message).toMatch(
      /'db-link\.json' \(which resolves to .*Spot\.reshoot\/project\.db\) is the database of the Reshoot project/,
    );
    expect(snapshotTree(proj)).toEqual(before);
  });

  it('refuses a folder where a file goes, and a path under a file', () => {
    mkdirSync(join(root, 'adir'));
    writeFileSync(join(root, 'afile'), 'x');
    expect(refusal(() => guardOutputFile('adir', { cwd: root })).message).toMatch(/is a folder/);
    expect(refusal(() => guardOutputFile('afile/x.json', { cwd: root })).message).toMatch(
      /is a file, not a folder/,
    );
  });

  it('allows a new file in the top folder of a project and a file that exists (replaced)', () => {
    expect(guardOutputFile('cameras.json', { cwd: proj })).toBe(join(proj, 'cameras.json'));
    writeFileSync(join(root, 'old.json'), 'old');
    const p = guardOutputFile('old.json', { cwd: root });
    writeOutputFile(p, 'new');
    expect(readFileSync(join(root, 'old.json'), 'utf8')).toBe('new');
  });
});

describe('guardOutputFolder', () => {
  const names = ['depth/frame_0001.f32', 'depth/frame_0002.f32', 'cameras.json'];

  it('refuses before writing anything when files exist, listing the first few, unless overwrite', () => {
    const out = join(root, 'exported');
    mkdirSync(join(out, 'depth'), { recursive: true });
    writeFileSync(join(out, 'cameras.json'), 'mine');
    writeFileSync(join(out, 'depth', 'frame_0002.f32'), 'mine');
    const e = refusal(() => guardOutputFolder('exported', names, { cwd: root, overwrite: false }));
    expect(e.refusal).toBe('exists');
    expect(e.message).toContain('depth/frame_0002.f32, cameras.json');
    expect(e.message).not.toContain('frame_0001');
    const many = Array.from({ length: 6 }, (_, i) => `f${i}.txt`);
    for (const n of many) writeFileSync(join(out, n), '');
    const e2 = refusal(() =>
      guardOutputFolder('exported', many, { cwd: root, overwrite: false, overwriteHint: 'pass --overwrite' }),
    );
    expect(e2.message).toMatch(/f0\.txt, f1\.txt, f2\.txt and 3 more\. .*pass --overwrite/);
    const ok = guardOutputFolder('exported', names, { cwd: root, overwrite: true });
    expect(ok.dir).toBe(out);
    expect(ok.file('cameras.json')).toBe(join(out, 'cameras.json'));
    expect(() => ok.file('other')).toThrow();
  });

  it('a symlinked file in the folder counts as existing (even dangling) and is written through', () => {
    const out = join(root, 'linked');
    mkdirSync(out);
    writeFileSync(join(root, 'target.json'), 'old');
    symlinkSync(join(root, 'target.json'), join(out, 'cameras.json'));
    symlinkSync(join(root, 'not-yet.txt'), join(out, 'images.txt'));
    const e = refusal(() =>
      guardOutputFolder('linked', ['cameras.json', 'images.txt'], { cwd: root, overwrite: false }),
    );
    expect(e.message).toContain('cameras.json, images.txt');
    const ok = guardOutputFolder('linked', ['cameras.json', 'images.txt'], { cwd: root, overwrite: true });
    writeOutputFile(ok.file('cameras.json'), 'new');
    expect(readFileSync(join(root, 'target.json'), 'utf8')).toBe('new');
    expect(lstatSync(join(out, 'cameras.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, 'cameras.json'))).toBe(join(root, 'target.json'));
  });

  it("refuses a folder that is (or leads into) a project's own files, and a file where the folder goes", () => {
    const out = join(root, 'sneaky');
    mkdirSync(out);
    symlinkSync(join(proj, 'cache'), join(out, 'depth'));
    const before = snapshotTree(proj);
    const e = refusal(() => guardOutputFolder('sneaky', names, { cwd: root, overwrite: true }));
    expect(e.refusal).toBe('protected');
    expect(e.message).toMatch(/inside the cache\/ folder/);
    expect(refusal(() => guardOutputFolder(proj, names, { cwd: root, overwrite: true })).message).toMatch(
      /folder of the Reshoot project/,
    );
    expect(
      refusal(() => guardOutputFolder(join(proj, 'renders'), names, { cwd: root, overwrite: true })).refusal,
    ).toBe('protected');
    writeFileSync(join(root, 'plain'), 'x');
    expect(refusal(() => guardOutputFolder('plain', names, { cwd: root, overwrite: true })).message).toMatch(
      /is a file/,
    );
    mkdirSync(join(root, 'withdir', 'cameras.json'), { recursive: true });
    expect(
      refusal(() => guardOutputFolder('withdir', names, { cwd: root, overwrite: true })).message,
    ).toMatch(/is a folder/);
    expect(snapshotTree(proj)).toEqual(before);
  });
});

describe('atomic writes', () => {
  it('replace the directory entry, so a hard link to project.db elsewhere never changes the database', () => {
    const dir = join(root, 'hard');
    mkdirSync(dir);
    linkSync(join(proj, 'project.db'), join(dir, 'out.json'));
    const db = readFileSync(join(proj, 'project.db'));
    writeOutputFile(guardOutputFile('out.json', { cwd: dir }), 'export');
    expect(readFileSync(join(proj, 'project.db'))).toEqual(db);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('export');
  });

  it('leave no temp file behind, and create folders as needed', () => {
    const dir = join(root, 'atomic');
    writeOutputFile(guardOutputFile('atomic/sub/x.bin', { cwd: root }), new Uint8Array([1, 2, 3]));
    writeFileAtomicSync(join(dir, 'sub', 'x.bin'), 'again');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['x.bin']);
    expect(readFileSync(join(dir, 'sub', 'x.bin'), 'utf8')).toBe('again');
  });
});
