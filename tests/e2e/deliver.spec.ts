import { expect, test, type Locator, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysedOrbitWithTarget, cli, openProject } from './gt-project';
import { screenshot, watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 15 item 5: the Deliver tab. The project is prepared with the CLI (an 8-frame cut of orbit_a with
// its true camera, analysed, orbit_a_target's cameras as the path "target", rendered once as v001). In
// the app: a plate of the render as ProRes 422 HQ (its exact file name shown first, written by a job,
// read back with ffprobe), a camera as a Nuke .chan and a timeline as an EDL; a second delivery to the
// same names is refused with the existing files marked; a bad name template is refused with the reason.

const FRAMES = 8;

let app: WebApp;
let work: string;
let project: string;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  work = mkdtempSync(join(tmpdir(), 'reshoot-e2e-deliver-'));
  project = analysedOrbitWithTarget(work, 'Deliver', FRAMES);
  cli('render', project, '1', '--path', 'target', '--frames', `0-${FRAMES - 1}`);
  app = await startWebApp();
});

test.afterAll(async () => {
  await app?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The names the preview lists, in order, and which of them exist. */
async function listed(panel: Locator): Promise<{ name: string; exists: boolean }[]> {
  const rows = panel.getByTestId('deliver-file');
  const out: { name: string; exists: boolean }[] = [];
  for (const row of await rows.all())
    out.push({
      name: (await row.evaluate((e) => e.firstChild?.textContent ?? '')).trim(),
      exists: (await row.getAttribute('data-exists')) === 'true',
    });
  return out;
}

function ffprobe(file: string): { codec_name: string; profile: string; nb_frames: string } {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,profile,nb_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { streams: { codec_name: string; profile: string; nb_frames: string }[] })
    .streams[0]!;
}

async function deliverAndWait(page: Page, panel: Locator): Promise<void> {
  await expect(panel.getByTestId('deliver-start')).toBeEnabled();
  await panel.getByTestId('deliver-start').click();
  await expect(panel.getByTestId('deliver-result')).toHaveAttribute('data-status', 'done', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('notices')).toContainText('Delivered');
}

test('deliver a plate, a camera and a timeline from the Deliver tab; never over existing files', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const pageErrors = watchPageErrors(page);
  const folder = join(project, 'delivery');
  await openProject(page, app.url, project);
  await page.getByTestId('shot-row').first().click();
  await page.getByTestId('tab-deliver').click();
  const panel = page.getByTestId('deliver-panel');

  await test.step('the project’s delivery folder is where it starts', async () => {
    await expect(panel.getByTestId('deliver-folder')).toHaveValue(folder);
    await expect(panel.getByTestId('deliver-folder-state')).toContainText('The project’s delivery folder');
    // the shot as it is, ProRes 422 HQ, until something else is chosen
    await expect(panel.getByTestId('deliver-plate-format')).toHaveValue('prores-hq');
    await expect(panel.getByTestId('deliver-format-about')).toContainText('finishing');
    await expect(panel.getByTestId('deliver-file')).toHaveCount(1);
    expect((await listed(panel))[0]!.name).toMatch(/_source\.mov$/);
  });

  let plate = '';
  await test.step('a plate of the render as ProRes 422 HQ: its exact file name first', async () => {
    await panel.getByTestId('deliver-plate-source').selectOption({ label: 'Render of target' });
    await expect(panel.getByTestId('deliver-plate-version')).toContainText('v001');
    await expect
      .poll(async () => (await listed(panel)).map((f) => f.name))
      .toEqual([expect.stringMatching(/^.+_target_v001\.mov$/)]);
    const [file] = await listed(panel);
    plate = join(folder, file!.name);
    expect(file!.exists).toBe(false);
    await expect(panel.getByTestId('deliver-count')).toContainText('Writes 1 file');
    await screenshot(page, '01-deliver-plate');
    await panel.screenshot({ path: test.info().outputPath('02-deliver-panel.png') });

    await deliverAndWait(page, panel);
    const row = page.locator('[data-testid="job-row"][data-type="deliver"]').first();
    await expect(row).toHaveAttribute('data-status', 'done');
    await expect(row).toContainText('Deliver');
    const s = ffprobe(plate);
    expect(s.codec_name).toBe('prores');
    expect(s.profile).toBe('HQ');
    expect(Number(s.nb_frames)).toBe(FRAMES);
    // web mode: no file manager to open, so the path is offered instead, saying why
    await expect(panel.getByTestId('deliver-reveal')).toHaveCount(0);
    await expect(panel.getByTestId('deliver-copy-path')).toHaveAttribute('title', /web mode/i);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await panel.getByTestId('deliver-copy-path').click();
    await expect(page.getByTestId('notices')).toContainText(`Copied ${folder}`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(folder);
    // the first delivery made the project's delivery folder
    await expect(panel.getByTestId('deliver-folder-state')).toHaveText('The project’s delivery folder');
    await screenshot(page, '03-deliver-done');
  });

  await test.step('the same delivery again is refused: the file exists and is marked', async () => {
    await expect.poll(() => listed(panel)).toEqual([{ name: plate.slice(folder.length + 1), exists: true }]);
    await expect(panel.getByTestId('deliver-existing')).toContainText('never overwrites');
    await expect(panel.getByTestId('deliver-start')).toBeDisabled();
    await panel.screenshot({ path: test.info().outputPath('04-deliver-existing.png') });
  });

  await test.step('a sequence lists its first files and how many more', async () => {
    await panel.getByTestId('deliver-plate-format').selectOption('exr');
    await expect(panel.getByTestId('deliver-files-more')).toHaveText(`… and ${FRAMES - 3} more`);
    expect((await listed(panel)).map((f) => f.name)).toEqual([
      expect.stringMatching(/_target_v001\.0001\.exr$/),
      expect.stringMatching(/_target_v001\.0002\.exr$/),
      expect.stringMatching(/_target_v001\.0003\.exr$/),
    ]);
    await panel.getByTestId('deliver-files-more').click();
    await expect(panel.getByTestId('deliver-file')).toHaveCount(FRAMES);
    // handles past the shot's ends: what could be added is said first
    await panel.getByTestId('deliver-handles').fill('2');
    await expect(panel.getByTestId('deliver-notes')).toContainText('Handles');
    await expect(panel.getByTestId('deliver-file')).toHaveCount(FRAMES);
    await panel.getByTestId('deliver-handles').fill('0');
    await expect(panel.getByTestId('deliver-notes')).toHaveCount(0);
  });

  await test.step('a name template the core refuses is stopped with the reason', async () => {
    await pageErrors.expectRefusal('deliver.preview', async () => {
      await panel.getByTestId('deliver-template').fill('{shot}_{take}.{frame}');
      await expect(panel.getByTestId('deliver-preview-error')).toContainText('{take}');
      await expect(panel.getByTestId('deliver-start')).toBeDisabled();
    });
    await panel.getByTestId('deliver-template').fill('');
    await panel.getByTestId('deliver-plate-format').selectOption('prores-hq');
    await expect(panel.getByTestId('deliver-existing')).toBeVisible();
  });

  await test.step('depth: the files listed before anything is written', async () => {
    await panel.getByTestId('deliver-what-depth').click();
    await panel.getByTestId('deliver-depth-format').selectOption('exr');
    await expect(panel.getByTestId('deliver-count')).toBeVisible();
    await expect(panel.getByTestId('deliver-preview-error')).toHaveCount(0);
    expect((await listed(panel)).length).toBeGreaterThan(0);
    for (const f of await listed(panel))
      expect(f).toMatchObject({ name: expect.stringMatching(/\.exr$/), exists: false });
    await expect(panel.getByTestId('deliver-start')).toBeEnabled();
  });

  await test.step('the source camera as a Nuke .chan', async () => {
    await panel.getByTestId('deliver-what-camera').click();
    await panel.getByTestId('deliver-camera-format').selectOption('chan');
    await expect
      .poll(async () => (await listed(panel)).map((f) => f.name))
      .toEqual([expect.stringMatching(/\.chan$/)]);
    const chan = join(folder, (await listed(panel))[0]!.name);
    await deliverAndWait(page, panel);
    expect(existsSync(chan)).toBe(true);
    const lines = readFileSync(chan, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(FRAMES);
    // frame, tx ty tz, rx ry rz, focal-ish: at least 7 numbers per line
    for (const line of lines) expect(line.trim().split(/\s+/).length).toBeGreaterThanOrEqual(7);
    await expect.poll(() => listed(panel)).toEqual([{ name: chan.slice(folder.length + 1), exists: true }]);
    await expect(panel.getByTestId('deliver-start')).toBeDisabled();
  });

  await test.step('the shot’s timeline as a CMX3600 EDL', async () => {
    await panel.getByTestId('deliver-what-timeline').click();
    await panel.getByTestId('deliver-timeline-format').selectOption('edl');
    await expect
      .poll(async () => (await listed(panel)).map((f) => f.name))
      .toEqual([expect.stringMatching(/\.edl$/)]);
    const edl = join(folder, (await listed(panel))[0]!.name);
    await deliverAndWait(page, panel);
    const text = readFileSync(edl, 'utf8');
    expect(text).toMatch(/^TITLE: /);
    // an event line: number, reel, track, transition, four timecodes
    expect(text).toMatch(/^\d{3,}\s+\S+\s+V\s+C\s+(\d\d:\d\d:\d\d[:;]\d\d\s+){3}\d\d:\d\d:\d\d[:;]\d\d/m);
    await expect(panel.getByTestId('deliver-existing')).toBeVisible();
    await screenshot(page, '05-deliver-timeline');
  });

  await test.step('another folder as the project’s delivery folder: kept for the next delivery', async () => {
    const other = join(work, 'deliveries');
    await panel.getByTestId('deliver-folder').fill(other);
    await expect(panel.getByTestId('deliver-existing')).toHaveCount(0);
    await expect(panel.getByTestId('deliver-folder-back')).toBeVisible();
    await panel.getByTestId('deliver-set-folder').click();
    await expect(panel.getByTestId('deliver-folder-state')).toContainText('The project’s delivery folder');
    // the tab opened again starts there
    await page.getByTestId('tab-render').click();
    await page.getByTestId('tab-deliver').click();
    await expect(panel.getByTestId('deliver-folder')).toHaveValue(other);
    await expect(panel.getByTestId('deliver-start')).toBeEnabled();
  });

  expect(pageErrors.list).toEqual([]);
});
