import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers } from '../../../src-main/api';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('the in-app file browser (files.list)', () => {
  it('opens beside the open project, never inside it, then where the user last was', async () => {
    const core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
    const api = createHandlers(core);
    try {
      const shows = join(tmp.dir, 'shows');
      mkdirSync(shows);
      const { path } = await api['project.create']({ parentDir: shows, name: 'Spot' });
      const first = await api['files.list']({});
      expect(first.dir).toBe(shows);
      expect(first.entries.map((e) => [e.name, e.kind])).toEqual([['Spot.reshoot', 'project']]);

      // Inside a project folder: what a user may pick (uploads in media/, their own files), not its own files.
      mkdirSync(join(path, 'media'), { recursive: true });
      writeFileSync(join(path, 'notes.txt'), 'mine');
      writeFileSync(join(path, 'project.db-wal'), '');
      const inside = await api['files.list']({ dir: path });
      expect(inside.entries.map((e) => e.name).sort()).toEqual(['media', 'notes.txt']);

      const plates = join(tmp.dir, 'plates');
      mkdirSync(plates);
      writeFileSync(join(plates, 'plate.0001.exr'), '');
      writeFileSync(join(plates, 'take.mov'), '');
      const listed = await api['files.list']({ dir: plates });
      expect(listed.entries.map((e) => [e.name, e.kind])).toEqual([
        ['plate.0001.exr', 'sequence-frame'],
        ['take.mov', 'media'],
      ]);
      expect((await api['files.list']({})).dir).toBe(plates);
    } finally {
      await core.closeProject();
    }
  });
});
