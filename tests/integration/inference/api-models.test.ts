import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../src-shared/api/contract';
import { AppCore } from '../../../src-main/api/core';
import { dispatch } from '../../../src-main/api/dispatch';
import { createHandlers } from '../../../src-main/api/handlers';
import { tempDir } from '../../helpers/temp';

const SHARED = join(import.meta.dirname, '../../../../shared/models/xfeat');
const tmp = tempDir('reshoot-api-models-');
afterAll(() => tmp.cleanup());

describe('models.* API', () => {
  it('lists, installs from a folder, reports a failed pull as an event, and removes', async () => {
    const core = new AppCore({ mode: 'web', configDir: tmp.dir });
    const h = createHandlers(core);
    const events: AppEvent[] = [];
    core.bus.subscribe((e) => events.push(e));
    const list = (await dispatch(h, 'models.list', undefined)) as { id: string; installed: boolean }[];
    expect(list.map((m) => m.id)).toContain('xfeat');
    const added = (await dispatch(h, 'models.add', { id: 'xfeat', path: SHARED })) as {
      installed: boolean;
      verified: boolean;
    };
    expect(added).toMatchObject({ installed: true, verified: true });
    await expect(dispatch(h, 'models.add', { id: 'xfeat', path: SHARED, extra: 1 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(dispatch(h, 'models.add', { id: 'Bad Id', path: SHARED })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(dispatch(h, 'models.pull', { id: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    // cotracker3 has no download: the pull starts, then fails with a clear event.
    expect(await dispatch(h, 'models.pull', { id: 'cotracker3' })).toEqual({
      id: 'cotracker3',
      started: true,
    });
    await new Promise((r) => setTimeout(r, 50));
    const dl = events.filter((e) => e.type === 'model-download');
    expect(dl.at(-1)).toMatchObject({ download: { id: 'cotracker3', status: 'failed' } });
    expect(await dispatch(h, 'models.remove', { id: 'xfeat' })).toEqual({ ok: true });
    const after = (await dispatch(h, 'models.list', undefined)) as { id: string; installed: boolean }[];
    expect(after.find((m) => m.id === 'xfeat')!.installed).toBe(false);
  });
});
