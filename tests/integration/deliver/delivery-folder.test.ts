import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { makeClip } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let projectDir: string;

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  projectDir = (await api['project.create']({ parentDir: tmp.dir, name: 'Spot' })).path;
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

describe("the project's delivery folder", () => {
  it('is <project>/delivery until the user chooses another, and the choice is kept with the project', async () => {
    expect(await api['deliver.folder']()).toEqual({
      folder: join(projectDir, 'delivery'),
      isDefault: true,
      exists: false,
    });
    const chosen = join(tmp.dir, 'Deliveries', 'Spot');
    mkdirSync(chosen, { recursive: true });
    expect(await api['deliver.setFolder']({ folder: chosen })).toEqual({
      folder: chosen,
      isDefault: false,
      exists: true,
    });
    await core.closeProject();
    await api['project.open']({ path: projectDir });
    expect((await api['deliver.folder']()).folder).toBe(chosen);
    expect(await api['deliver.setFolder']({ folder: null })).toMatchObject({ isDefault: true });
    expect((await api['deliver.folder']()).folder).toBe(join(projectDir, 'delivery'));
  });

  it("refuses a relative path, a file, and a project's own folders, and keeps the folder it had", async () => {
    const file = join(tmp.dir, 'notes.txt');
    writeFileSync(file, 'x');
    await expect(api['deliver.setFolder']({ folder: 'relative/out' })).rejects.toThrow(/absolute/);
    await expect(api['deliver.setFolder']({ folder: file })).rejects.toThrow(/is a file/);
    await expect(api['deliver.setFolder']({ folder: join(projectDir, 'cache') })).rejects.toThrow(
      /cannot be the delivery folder/,
    );
    await expect(api['deliver.setFolder']({ folder: projectDir })).rejects.toThrow(
      /cannot be the delivery folder/,
    );
    expect(await api['deliver.folder']()).toMatchObject({ isDefault: true });
  });

  it("gives a shot's export defaults: the delivery folder and the world up (+Z before any camera)", async () => {
    const media = join(tmp.dir, 'media');
    mkdirSync(media);
    const clip = await makeClip(media, { name: 'A001.mov', frames: 4 });
    const [shot] = (await api['shots.import']({ paths: [clip], skipBad: false })).imported;
    const d = await api['deliver.defaults']({ shotId: shot!.id });
    expect(d.folder.folder).toBe(join(projectDir, 'delivery'));
    expect(d.worldUp).toBe('z');
    await expect(api['deliver.defaults']({ shotId: 9999 })).rejects.toThrow(/no shot 9999/);
  });

  it('reveals files only in the desktop app', async () => {
    await expect(api['dialog.reveal']({ path: projectDir })).rejects.toThrow(/desktop app/);
  });
});
