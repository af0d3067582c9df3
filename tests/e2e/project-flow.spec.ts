import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { shotFrameTimecode } from '../../src-shared/timecode';
import { makeSequence } from '../helpers/media-fixtures';
import { screenshot, typePath, watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 2, item 10: create a project, import a real clip through the in-app browser, see its
// thumbnail, scrub to frame 100 and read the timecode, run a proxy job, cancel another.

const CLIP = resolve('../shared/media/02_dashcam_highway.mp4');
const TARGET_FRAME = 100;

let app: WebApp;
let projectsDir: string;
/** An image sequence whose 6th frame was cut short (a copy interrupted, a full disk). */
let damagedFrames: string[];

test.beforeAll(async () => {
  app = await startWebApp();
  projectsDir = mkdtempSync(join(tmpdir(), 'reshoot-e2e-projects-'));
  damagedFrames = await makeSequence(join(projectsDir, 'damaged-sequence'), { frames: 8 });
  truncateSync(damagedFrames[5]!, Math.floor(statSync(damagedFrames[5]!).size / 2));
});

test.afterAll(async () => {
  await app?.stop();
  if (projectsDir) rmSync(projectsDir, { recursive: true, force: true });
});

test('create a project, import, scrub, proxy, cancel', async ({ page }) => {
  const pageErrors = watchPageErrors(page);

  await test.step('start screen', async () => {
    await page.goto(app.url);
    await expect(page.getByTestId('start-screen')).toBeVisible();
    await screenshot(page, '01-start-screen');
  });

  await test.step('create a project, choosing its folder in the in-app browser', async () => {
    await page.getByTestId('new-project-name').fill('E2E Dashcam');
    await page.getByTestId('new-project-browse').click();
    const browser = await typePath(page, projectsDir);
    await expect(browser.getByTestId('file-browser-path')).toHaveValue(projectsDir);
    await screenshot(page, '02-folder-browser');
    await browser.getByTestId('file-browser-choose').click();
    await expect(page.getByTestId('new-project-parent')).toHaveValue(projectsDir);
    await page.getByTestId('create-project').click();
    await expect(page.getByTestId('project-view')).toBeVisible();
    await expect(page.getByTestId('project-name')).toHaveText('E2E Dashcam');
  });

  await test.step('a damaged image sequence is refused, naming the file, the frame and the reason', async () => {
    await page.getByTestId('import-button').click();
    const browser = await typePath(page, damagedFrames[0]!, 'plate.####.png');
    await browser.getByTestId('file-browser-choose').click();
    const errors = page.getByTestId('import-errors');
    await expect(errors).toContainText('1 file was not imported', { timeout: 60_000 });
    await expect(errors).toContainText(/frame 6 \(plate\.0006\.png\): truncated/);
    await expect(page.getByTestId('shot-row')).toHaveCount(0);
    await screenshot(page, '03a-damaged-sequence-refused');
    await errors.getByRole('button', { name: 'Dismiss' }).click();
    await expect(errors).toHaveCount(0);
  });

  await test.step('import the clip by typing its path', async () => {
    await page.getByTestId('import-button').click();
    const browser = await typePath(page, CLIP, '02_dashcam_highway.mp4');
    await screenshot(page, '03-import-browser');
    await browser.getByTestId('file-browser-choose').click();
    await expect(page.getByTestId('shot-row')).toHaveCount(1, { timeout: 60_000 });
  });

  const row = page.getByTestId('shot-row').first();

  await test.step('the shot shows its facts and thumbnail', async () => {
    await expect(row.getByTestId('shot-name')).toContainText('02_dashcam_highway');
    await expect(row.getByTestId('shot-fps')).toHaveText('24');
    await expect(row.getByTestId('shot-duration')).toContainText('233 f');
    const thumb = row.getByTestId('shot-thumbnail');
    await expect(thumb).toBeVisible({ timeout: 60_000 });
    await expect
      .poll(
        () =>
          thumb.evaluate((el) => {
            const img = el as unknown as { complete: boolean; naturalWidth: number };
            return img.complete ? img.naturalWidth : 0;
          }),
        { timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    await expect(page.getByTestId('viewer-canvas')).toHaveAttribute('data-shown-frame', '0', {
      timeout: 60_000,
    });
    await screenshot(page, '04-imported');
  });

  await test.step('scrub to frame 100 and read the timecode', async () => {
    const startText = (await row.getByTestId('shot-start-tc').textContent())?.trim() ?? '';
    const ruler = page.getByTestId('ruler');
    const box = await ruler.boundingBox();
    if (!box) throw new Error('the ruler has no box');
    const y = box.y + box.height / 2;
    const xOf = (frame: number) => box.x + ((frame + 0.5) / 233) * box.width;
    await page.mouse.move(xOf(10), y);
    await page.mouse.down();
    for (const f of [30, 60, 90, TARGET_FRAME]) await page.mouse.move(xOf(f), y, { steps: 4 });
    await page.mouse.up();
    // Frame-accurate: the drag lands on the frame under the pointer; arrow keys fix any rounding.
    for (let i = 0; i < 5; i++) {
      const now = Number(await page.getByTestId('frame-number').textContent());
      if (now === TARGET_FRAME) break;
      await page.keyboard.press(now < TARGET_FRAME ? 'ArrowRight' : 'ArrowLeft');
    }
    await expect(page.getByTestId('frame-number')).toHaveText(String(TARGET_FRAME));
    // The clip carries no timecode track: counted from 00:00:00:00 at 24 fps.
    const start = /^\d\d:\d\d:\d\d[:;]\d\d$/.test(startText) ? startText : null;
    const expected = shotFrameTimecode(TARGET_FRAME, { num: 24, den: 1 }, start);
    if (start === null || start === '00:00:00:00') expect(expected).toBe('00:00:04:04');
    await expect(page.getByTestId('timecode')).toHaveText(expected);
    await expect(page.getByTestId('viewer-canvas')).toHaveAttribute(
      'data-shown-frame',
      String(TARGET_FRAME),
      { timeout: 30_000 },
    );
    // Keys: shift+← steps 10, → steps 1, Home/End jump.
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(page.getByTestId('frame-number')).toHaveText('90');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByTestId('frame-number')).toHaveText(String(TARGET_FRAME));
    await expect(page.getByTestId('viewer-canvas')).toHaveAttribute(
      'data-shown-frame',
      String(TARGET_FRAME),
      { timeout: 30_000 },
    );
    await screenshot(page, '05-frame-100');
  });

  await test.step('make a proxy and wait for it', async () => {
    await row.getByTestId('shot-menu-button').click();
    await page.getByTestId('make-proxy').click();
    const job = page.locator('[data-testid="job-row"][data-type="proxy"]').first();
    await expect(job).toBeVisible();
    await screenshot(page, '06-proxy-running');
    await expect(job).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
    await expect(job.getByTestId('job-progress')).toContainText('100%');
    await screenshot(page, '07-proxy-done');
  });

  await test.step('start another proxy and cancel it', async () => {
    const before = await page.getByTestId('job-row').count();
    await row.getByTestId('shot-menu-button').click();
    await page.getByTestId('make-proxy').click();
    await expect(page.getByTestId('job-row')).toHaveCount(before + 1);
    const job = page.getByTestId('job-row').first();
    await job.getByTestId('job-cancel').click();
    await expect(job).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
    await expect(job.getByTestId('job-resume')).toBeVisible();
    await screenshot(page, '08-proxy-cancelled');
  });

  expect(pageErrors.list, 'no errors in the page console').toEqual([]);
});
