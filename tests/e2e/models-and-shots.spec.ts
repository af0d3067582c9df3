import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { makeClip, makeSequence } from '../helpers/media-fixtures';
import { screenshot, typePath, watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 4, item 2: the Models panel (list, licences, checksum status; install XFeat from a folder via
// the in-app browser; remove it). Also: reinterpret an image sequence's frame rate and set a reel name.

const XFEAT = resolve('../shared/models/xfeat');
const MODELS = [
  { id: 'xfeat', licence: 'Apache-2.0', checksum: 'verified', nonCommercial: false, downloadable: true },
  {
    id: 'depth-anything-v2-small',
    licence: 'Apache-2.0',
    checksum: 'published',
    nonCommercial: false,
    downloadable: true,
  },
  {
    id: 'video-depth-anything-small',
    licence: 'Apache-2.0',
    checksum: 'unknown',
    nonCommercial: false,
    downloadable: false,
  },
  {
    id: 'cotracker3',
    licence: 'CC-BY-NC-4.0',
    checksum: 'unknown',
    nonCommercial: true,
    downloadable: false,
  },
] as const;

let app: WebApp;
let work: string;
let modelsDir: string;
let mirror: Server;

/** A studio mirror on 127.0.0.1 serving the XFeat files, slowly enough that progress can be seen. */
async function startMirror(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const file = join(XFEAT, basename(decodeURIComponent(req.url ?? '')));
    if (!existsSync(file)) return void res.writeHead(404).end();
    const data = readFileSync(file);
    res.writeHead(200, { 'Content-Length': String(data.length) });
    let off = 0;
    const step = () => {
      if (off >= data.length) return void res.end();
      res.write(data.subarray(off, off + 256 * 1024));
      off += 256 * 1024;
      setTimeout(step, 40);
    };
    step();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'reshoot-e2e-models-'));
  modelsDir = join(work, 'user-models');
  const m = await startMirror();
  mirror = m.server;
  app = await startWebApp({ env: { RESHOOT_MODELS_DIR: modelsDir, RESHOOT_MODELS_MIRROR: m.url } });
});

test.afterAll(async () => {
  await app?.stop();
  mirror?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('models panel, sequence frame rate, reel name', async ({ page }) => {
  const pageErrors = watchPageErrors(page);

  const panel = page.getByTestId('models-panel');
  const row = (id: string) => panel.locator(`[data-testid="model-row"][data-model-id="${id}"]`);

  await test.step('open the Models panel from the start screen and see the four models', async () => {
    await page.goto(app.url);
    await expect(page.getByTestId('start-screen')).toBeVisible();
    await page.getByTestId('open-models').click();
    await expect(panel).toBeVisible();
    await expect(panel).toBeFocused();
    await expect(panel.getByTestId('model-row')).toHaveCount(4);
    await expect(panel.getByTestId('models-count')).toHaveText('0 of 4 installed');
    // What to know about models is in the panel itself (no source-tree path, meaningless in the app).
    await expect(panel.getByTestId('models-intro')).toContainText('reshoot models list');
    await expect(panel).not.toContainText('docs/');
    for (const m of MODELS) {
      const r = row(m.id);
      await expect(r.getByTestId('model-licence')).toContainText(m.licence);
      await expect(r.getByTestId('model-checksum')).toHaveAttribute('data-checksum', m.checksum);
      await expect(r.getByTestId('model-checksum')).toHaveText(m.checksum);
      // The tooltip says what the status means.
      await expect(r.getByTestId('model-checksum')).toHaveAttribute('title', /sha256|checksum/i);
      await expect(r.getByTestId('model-noncommercial')).toHaveCount(m.nonCommercial ? 1 : 0);
      await expect(r.getByTestId('model-state')).toContainText('Not installed');
      await expect(r.getByTestId('model-download')).toHaveCount(m.downloadable ? 1 : 0);
      await expect(r.getByTestId('model-install-file')).toBeVisible();
      if (!m.downloadable) await expect(r.getByTestId('model-note')).toContainText('No download');
    }
    await expect(row('xfeat').getByTestId('model-download-size')).toHaveText('3.6 MB');
    await screenshot(page, '10-models-panel');
  });

  await test.step('install XFeat from a copy of its folder through the in-app browser', async () => {
    const source = join(work, 'xfeat-copy');
    cpSync(XFEAT, source, { recursive: true });
    await row('xfeat').getByTestId('model-install-file').click();
    await expect(panel.getByTestId('model-install-menu')).toBeVisible();
    await screenshot(page, '11-install-menu');
    await panel.getByTestId('install-pick-folder').click();
    const browser = await typePath(page, source);
    await expect(browser.getByTestId('file-browser-path')).toHaveValue(source);
    await expect(browser.getByTestId('file-browser-choose')).toHaveText('Choose “xfeat-copy”');
    await screenshot(page, '12-install-folder-browser');
    await browser.getByTestId('file-browser-choose').click();
    await expect(browser).toBeHidden();
    const xfeat = row('xfeat');
    await expect(xfeat).toHaveAttribute('data-installed', 'true', { timeout: 90_000 });
    await expect(xfeat.getByTestId('model-state')).toContainText('Installed');
    await expect(xfeat.getByTestId('model-installed')).toContainText('3.6 MB');
    await expect(xfeat.getByTestId('model-error')).toHaveCount(0);
    await expect(panel.getByTestId('models-count')).toHaveText('1 of 4 installed');
    expect(existsSync(join(modelsDir, 'xfeat', 'xfeat_320x224.onnx'))).toBe(true);
    await page.mouse.move(0, 0);
    await screenshot(page, '13-xfeat-installed');
    // The panel alone, as in docs/img/models-panel.png.
    await panel.screenshot({ path: test.info().outputPath('models-panel.png') });
  });

  await test.step('remove XFeat, with confirmation', async () => {
    const xfeat = row('xfeat');
    await xfeat.getByTestId('model-remove').click();
    await expect(xfeat).toContainText('Remove XFeat');
    await screenshot(page, '14-remove-confirm');
    await xfeat.getByTestId('model-remove-keep').click();
    await expect(xfeat).toHaveAttribute('data-installed', 'true');
    await xfeat.getByTestId('model-remove').click();
    await xfeat.getByTestId('model-remove-confirm').click();
    await expect(xfeat).toHaveAttribute('data-installed', 'false', { timeout: 30_000 });
    await expect(panel.getByTestId('models-count')).toHaveText('0 of 4 installed');
    expect(existsSync(join(modelsDir, 'xfeat'))).toBe(false);
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(page.getByTestId('open-models')).toBeFocused();
  });

  await test.step('download XFeat (from the studio mirror): progress, verify, installed', async () => {
    await page.getByTestId('open-models').click();
    const xfeat = row('xfeat');
    await xfeat.getByTestId('model-download').click();
    await expect(xfeat.getByTestId('model-progress')).toBeVisible();
    await screenshot(page, '15-downloading');
    await expect(xfeat).toHaveAttribute('data-installed', 'true', { timeout: 90_000 });
    await expect(xfeat.getByTestId('model-error')).toHaveCount(0);
    await expect(xfeat.getByTestId('model-files')).toContainText('xfeat_320x224.onnx');
    expect(existsSync(join(modelsDir, 'xfeat', 'xfeat_320x224.onnx'))).toBe(true);
    await xfeat.getByTestId('model-remove').click();
    await xfeat.getByTestId('model-remove-confirm').click();
    await expect(xfeat).toHaveAttribute('data-installed', 'false', { timeout: 30_000 });
  });

  await test.step('a model file that does not fit is refused with its message', async () => {
    await row('cotracker3').getByTestId('model-install-file').click();
    await panel.getByTestId('install-pick-file').click();
    const browser = await typePath(page, join(work, 'xfeat-copy', 'xfeat_320x224.onnx'));
    await expect(browser.locator('[data-testid="file-row"][aria-selected="true"]')).toContainText(
      'xfeat_320x224.onnx',
    );
    const error = row('cotracker3').getByTestId('model-error');
    await pageErrors.expectRefusal('models.add', async () => {
      await browser.getByTestId('file-browser-choose').click();
      await expect(error).toBeVisible({ timeout: 60_000 });
    });
    await expect(error).toContainText('does not fit model');
    await expect(row('cotracker3')).toHaveAttribute('data-installed', 'false');
    await page.mouse.move(0, 0);
    await screenshot(page, '15-install-error');
    expect(readdirSync(modelsDir).filter((n) => !n.startsWith('.'))).toEqual([]);
    await panel.getByRole('button', { name: 'Close' }).click();
    await expect(panel).toBeHidden();
  });

  const seqDir = join(work, 'plates');
  const frames = await makeSequence(seqDir, { frames: 48 });
  const clip = await makeClip(work, { name: 'clip.mp4', frames: 24 });

  await test.step('create a project and import an image sequence and a clip', async () => {
    await page.getByTestId('new-project-name').fill('E2E Sequence');
    await page.getByTestId('new-project-parent').fill(work);
    await page.getByTestId('create-project').click();
    await expect(page.getByTestId('project-view')).toBeVisible();
    // The panel is reachable from the project's top bar too.
    await page.getByTestId('open-models').click();
    await expect(panel).toBeVisible();
    await expect(panel.getByTestId('model-row')).toHaveCount(4);
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    for (const path of [frames[0]!, clip]) {
      await page.getByTestId('import-button').click();
      const browser = await typePath(page, path);
      await expect(browser.locator('[data-testid="file-row"][aria-selected="true"]')).toHaveCount(1);
      await browser.getByTestId('file-browser-choose').click();
      await expect(browser).toBeHidden();
    }
    await expect(page.getByTestId('shot-row')).toHaveCount(2, { timeout: 60_000 });
  });

  const seq = page.getByTestId('shot-row').filter({ hasText: 'SEQ' });
  const video = page.getByTestId('shot-row').filter({ hasNotText: 'SEQ' });

  await test.step('video shots offer no frame-rate interpretation', async () => {
    await video.getByTestId('shot-menu-button').click();
    await expect(page.getByTestId('shot-menu')).toBeVisible();
    await expect(page.getByTestId('interpret-fps')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shot-menu')).toBeHidden();
  });

  await test.step('reinterpret the sequence at 23.976', async () => {
    await expect(seq.getByTestId('shot-fps')).toHaveText('24');
    await expect(seq.getByTestId('shot-duration')).toContainText('48 f · 2.000 s');
    await seq.getByTestId('shot-menu-button').click();
    const menu = page.getByTestId('shot-menu');
    await expect(menu.getByTestId('interpret-fps')).toBeVisible();
    await expect(menu.getByTestId('fps-24')).toHaveAttribute('aria-checked', 'true');
    await screenshot(page, '16-interpret-menu');
    await menu.getByTestId('fps-23.976').click();
    await expect(seq.getByTestId('shot-fps')).toHaveText('23.976 (24000/1001)');
    await expect(seq.getByTestId('shot-duration')).toContainText('48 f · 2.002 s');
    await expect(page.getByTestId('undo')).toBeEnabled();
  });

  await test.step('a custom rate', async () => {
    await seq.getByTestId('shot-menu-button').click();
    const menu = page.getByTestId('shot-menu');
    await expect(menu.getByTestId('fps-23.976')).toHaveAttribute('aria-checked', 'true');
    await expect(menu.getByTestId('fps-custom-num')).toHaveValue('24000');
    await menu.getByTestId('fps-custom-num').fill('12');
    await menu.getByTestId('fps-custom-den').fill('1');
    await menu.getByTestId('fps-custom-den').press('Enter');
    await expect(seq.getByTestId('shot-fps')).toHaveText('12');
    await expect(seq.getByTestId('shot-duration')).toContainText('48 f · 4.000 s');
    // And back to 23.976 for the screenshots.
    await seq.getByTestId('shot-menu-button').click();
    await page.getByTestId('fps-23.976').click();
    await expect(seq.getByTestId('shot-fps')).toHaveText('23.976 (24000/1001)');
  });

  await test.step('set a reel name, then clear it', async () => {
    await seq.getByTestId('shot-reel').dblclick();
    const input = seq.getByTestId('reel-input');
    await expect(input).toBeFocused();
    await input.fill('A001C003');
    await screenshot(page, '17-reel-editing');
    await input.press('Enter');
    await expect(seq.getByTestId('shot-reel')).toHaveText('A001C003');
    // From the menu as well; empty clears it.
    await seq.getByTestId('shot-menu-button').click();
    await page.getByTestId('edit-reel').click();
    await expect(seq.getByTestId('reel-input')).toHaveValue('A001C003');
    await seq.getByTestId('reel-input').fill('');
    await seq.getByTestId('reel-input').press('Enter');
    await expect(seq.getByTestId('shot-reel')).toHaveText('—');
    await seq.getByTestId('shot-reel').dblclick();
    await seq.getByTestId('reel-input').fill('A001C003');
    await seq.getByTestId('reel-input').press('Enter');
    await expect(seq.getByTestId('shot-reel')).toHaveText('A001C003');
    await seq.click();
    await screenshot(page, '18-sequence-reinterpreted');
  });

  expect(pageErrors.list, 'no errors in the page console').toEqual([]);
});
