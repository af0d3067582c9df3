import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/store';
import { tempFileOwner, tempPathFor } from '../../../src-main/util/atomic-write';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The pid of a process that has exited (and so can own nothing any more). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('leftovers of a killed writer', () => {
  it('temp files of dead processes in cache/ and renders/ are removed when the project opens; live ones and real files stay', async () => {
    const p = Project.create(tmp.dir, 'Leftovers');
    const dir = p.dir;
    p.close();
    const proxies = join(dir, 'cache', 'proxies');
    mkdirSync(proxies, { recursive: true });
    const dead = deadPid();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      // A proxy join killed before its rename: the hidden full copy, and its segment list.
      const leftover = join(proxies, `.1.tmp-${dead}-0ec79b3b.mp4`);
      const list = join(proxies, `.1.mp4.segments.tmp-${dead}-72a086d2.txt`);
      const deep = join(dir, 'cache', 'depth', '1', `.frame_00012.tmp-${dead}-deadbeef.f16`);
      const inRenders = join(dir, 'renders', `.frame_0001.tmp-${dead}-00c0ffee.exr`);
      const live = join(proxies, `.2.tmp-${sleeper.pid}-abcdef01.mp4`);
      const real = join(proxies, '1.mp4');
      const lookalike = join(proxies, '.notes.tmp.txt');
      mkdirSync(join(dir, 'cache', 'depth', '1'), { recursive: true });
      for (const f of [leftover, list, deep, inRenders, live, real, lookalike]) writeFileSync(f, 'x');
      expect(tempFileOwner(leftover.split('/').at(-1)!)).toBe(dead);
      expect(tempFileOwner(tempPathFor(join(proxies, '3.mp4')).split('/').at(-1)!)).toBe(process.pid);

      const opened = Project.open(dir);
      opened.close();
      expect([leftover, list, deep, inRenders].filter(existsSync)).toEqual([]);
      expect([live, real, lookalike].every(existsSync)).toBe(true);
    } finally {
      sleeper.kill();
    }
  });
});
