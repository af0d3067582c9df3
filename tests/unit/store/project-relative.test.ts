import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromProjectPath, toProjectPath } from '../../../src-main/store/project-relative';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('paths a project keeps to its own files', () => {
  const dir = join(tmp.dir, 'Now.reshoot');

  it('are stored relative to the project folder with / separators; outside it they stay absolute', () => {
    expect(toProjectPath(dir, join(dir, 'cache', 'proxies', '1.segments', 'segment_00000.mp4'))).toBe(
      'cache/proxies/1.segments/segment_00000.mp4',
    );
    expect(toProjectPath(dir, join(tmp.dir, 'elsewhere', 'a.mp4'))).toBe(join(tmp.dir, 'elsewhere', 'a.mp4'));
    expect(toProjectPath(dir, join(tmp.dir, 'Now.reshoot.old', 'x'))).toBe(
      join(tmp.dir, 'Now.reshoot.old', 'x'),
    );
    expect(toProjectPath(dir, dir)).toBe(dir);
  });

  it('resolve against where the project is now, and round-trip', () => {
    const file = join(dir, 'cache', 'jobs', '3', 'state-00001.bin');
    expect(fromProjectPath(dir, toProjectPath(dir, file))).toBe(file);
    expect(fromProjectPath(join(tmp.dir, 'Moved.reshoot'), 'cache/jobs/3/state-00001.bin')).toBe(
      join(tmp.dir, 'Moved.reshoot', 'cache', 'jobs', '3', 'state-00001.bin'),
    );
    // An absolute path inside the project (an earlier Reshoot, project not moved) is used as it is.
    expect(fromProjectPath(dir, file)).toBe(file);
  });

  it('map an absolute path an earlier Reshoot wrote at the old place into the project, from cache/ on', () => {
    const old = '/mnt/old-drive/cache/Spot.reshoot/cache/proxies/1.segments/segment_00002.mp4';
    expect(fromProjectPath(dir, old)).toBe(join(dir, 'cache', 'proxies', '1.segments', 'segment_00002.mp4'));
    const windows = 'D:\\Projects\\Spot.reshoot\\cache\\jobs\\7\\state-00000.bin';
    expect(fromProjectPath(dir, windows)).toBe(join(dir, 'cache', 'jobs', '7', 'state-00000.bin'));
    // No cache/ in it: nothing to map it to.
    expect(fromProjectPath(dir, '/mnt/old/Spot.reshoot/renders/a.exr')).toBe(
      '/mnt/old/Spot.reshoot/renders/a.exr',
    );
  });

  it('keep an old absolute path that still exists when this project has no such file, prefer this project’s', () => {
    const original = join(tmp.dir, 'Original.reshoot');
    const copy = join(tmp.dir, 'Copy.reshoot');
    const rel = join('cache', 'proxies', '2.segments');
    mkdirSync(join(original, rel), { recursive: true });
    const old = join(original, rel, 'segment_00000.mp4');
    writeFileSync(old, 'x');
    expect(fromProjectPath(copy, old)).toBe(old);
    mkdirSync(join(copy, rel), { recursive: true });
    writeFileSync(join(copy, rel, 'segment_00000.mp4'), 'x');
    expect(fromProjectPath(copy, old)).toBe(join(copy, rel, 'segment_00000.mp4'));
  });
});
