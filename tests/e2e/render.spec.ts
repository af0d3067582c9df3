import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysedOrbitWithTarget, openProject } from './gt-project';
import { screenshot, watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 14 item 3: render a target path from the Render tab and watch its progress; a second version
// cancelled and resumed; the render on the dual view's target side with its mask overlay (checked
// against the render's own per-frame figures), an A/B wipe against the source (dragged, and by keys),
// playback in step with the playhead, and the version picker. The project is prepared with the CLI: a
// 16-frame cut of orbit_a with its true camera, analysed, and orbit_a_target's cameras as the path.

const FRAMES = 16;

// larger than the default, for the pictures in docs/rendering.md
test.use({ viewport: { width: 1920, height: 1080 } });

let app: WebApp;
let work: string;
let project: string;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  work = mkdtempSync(join(tmpdir(), 'reshoot-e2e-render-'));
  project = analysedOrbitWithTarget(work, 'Render', FRAMES);
  app = await startWebApp();
});

test.afterAll(async () => {
  await app?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Leaves no control focused, so the viewer's keys reach the viewer. */
async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** The first number of a row's "k/n f" progress. */
async function framesDone(page: Page, name: string): Promise<number> {
  const text = await page
    .locator(`[data-testid="render-row"][data-name="${name}"] [data-testid="render-progress"]`)
    .textContent({ timeout: 1000 })
    .catch(() => null);
  return text ? Number(text.split('/')[0]) : -1;
}

/**
 * Mean absolute difference (0–255) between the render canvas and the source viewer's canvas over a
 * band of the picture (fractions of its width): the two panes are the same size, so the picture sits
 * at the same place in both.
 */
function bandDifference(page: Page, from: number, to: number): Promise<number> {
  return page.evaluate(
    ({ from, to }) => {
      const r = document.querySelector<HTMLCanvasElement>('[data-testid="render-canvas"]')!;
      const s = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]')!;
      const [x, y, w, h] = r.dataset.rect!.split(',').map(Number) as [number, number, number, number];
      const x0 = Math.round(x + from * w) + 2;
      const x1 = Math.round(x + to * w) - 2;
      const y0 = y + Math.round(h * 0.1);
      const y1 = y + Math.round(h * 0.9);
      const a = r.getContext('2d')!.getImageData(x0, y0, x1 - x0, y1 - y0).data;
      const b = s.getContext('2d')!.getImageData(x0, y0, x1 - x0, y1 - y0).data;
      let sum = 0;
      for (let i = 0; i < a.length; i += 4)
        sum += Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
      return sum / ((3 * a.length) / 4);
    },
    { from, to },
  );
}

test('render a target path, see it in the dual view with its mask and an A/B wipe, play it', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const pageErrors = watchPageErrors(page);
  await openProject(page, app.url, project);
  await page.getByTestId('shot-row').first().click();
  await page.getByTestId('tab-render').click();
  const panel = page.getByTestId('renders-panel');
  await expect(panel.getByTestId('render-path')).toHaveValue(/\d+/);
  await expect(panel.getByTestId('render-path').locator('option:checked')).toHaveText('target');
  await expect(panel.getByTestId('render-versions-empty')).toBeVisible();
  // the defaults: the whole shot, a 5-frame window, no fill
  await expect(panel.getByTestId('render-first')).toHaveValue('0');
  await expect(panel.getByTestId('render-last')).toHaveValue(String(FRAMES - 1));
  await expect(panel.getByTestId('render-window')).toHaveValue('5');
  await expect(panel.getByTestId('render-fill')).toHaveValue('none');

  await test.step('a form the core would refuse is stopped with the reason', async () => {
    await panel.getByTestId('render-window').fill('17');
    await panel.getByTestId('render-start').click();
    await expect(panel.getByTestId('render-form-error')).toContainText('window is 1–16');
    await panel.getByTestId('render-window').fill('5');
  });

  await test.step('render frames 0–7 and follow the progress', async () => {
    await panel.getByTestId('render-last').fill('7');
    await panel.getByTestId('render-start').click();
    const row = panel.locator('[data-testid="render-row"][data-name="v001"]');
    await expect(row).toBeVisible();
    await expect(panel.getByTestId('render-form-error')).toHaveCount(0);
    // progress while it renders, frame by frame
    await expect.poll(() => framesDone(page, 'v001'), { timeout: 60_000 }).toBeGreaterThan(0);
    const mid = await framesDone(page, 'v001');
    expect(mid).toBeLessThan(8);
    await screenshot(page, '01-rendering');
    await expect(page.locator('[data-testid="job-row"][data-type="render"]').first()).toBeVisible();
    await expect(panel.getByTestId('render-start')).toBeDisabled();
    await expect(row).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(row.getByTestId('render-figures')).toContainText(/seen \d+\.\d % \(worst \d+\.\d %\)/);
    await expect(row).toContainText('reprojection');
    await expect(row).toContainText('window 5');
    await expect(row).toContainText('fill none');
    await expect(row).toContainText('frames 0–7');
  });

  await test.step('a second version of the whole shot: cancelled mid-way, resumed, finished', async () => {
    await panel.getByRole('button', { name: 'all' }).click();
    await expect(panel.getByTestId('render-last')).toHaveValue(String(FRAMES - 1));
    await panel.getByTestId('render-start').click();
    const row = panel.locator('[data-testid="render-row"][data-name="v002"]');
    await expect(row).toBeVisible();
    // frames 0–7 are v001's again (same inputs): copied; cancel while 8–15 render
    await expect.poll(() => framesDone(page, 'v002'), { timeout: 60_000 }).toBeGreaterThanOrEqual(8);
    await row.getByTestId('render-cancel').click();
    await expect(row).toHaveAttribute('data-status', 'cancelled');
    await expect(row.getByTestId('render-resume')).toBeVisible();
    await row.getByTestId('render-resume').click();
    await expect(row).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(row).toContainText(/\d+ reused/);
    await expect(panel.getByTestId('render-row')).toHaveCount(2);
  });

  await test.step('a third version with its holes inpainted', async () => {
    await panel.getByTestId('render-last').fill('7');
    await panel.getByTestId('render-fill').selectOption('inpaint');
    await panel.getByTestId('render-start').click();
    const row = panel.locator('[data-testid="render-row"][data-name="v003"]');
    await expect(row).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(row).toContainText('fill inpaint');
    await expect(row.getByTestId('render-figures')).toContainText(/filled \d+\.\d %/);
    await expect(panel.getByTestId('render-row')).toHaveCount(3);
    // the form keeps what was typed while the shot is read again
    await expect(panel.getByTestId('render-last')).toHaveValue('7');
    await expect(panel.getByTestId('render-fill')).toHaveValue('inpaint');
    await panel.screenshot({ path: test.info().outputPath('02-render-panel.png') });
  });

  const canvas = page.getByTestId('render-canvas');
  const frameNumber = page.getByTestId('frame-number');

  await test.step('a render on the target side of the dual view', async () => {
    await panel.locator('[data-testid="render-row"][data-name="v002"]').getByTestId('render-show').click();
    await expect(page.getByTestId('view-dual')).toHaveAttribute('aria-selected', 'true');
    await expect(canvas).toHaveAttribute('data-render', 'v002');
    await expect(page.getByTestId('render-version').locator('option')).toHaveText([
      /^v003/,
      /^v002/,
      /^v001/,
      'point-cloud preview',
    ]);
    await blur(page);
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await expect(frameNumber).toHaveText('4');
    await expect(canvas).toHaveAttribute('data-shown-frame', '4');
    // a picture, not an empty pane, and not the source frame
    expect(await bandDifference(page, 0.05, 0.95)).toBeGreaterThan(8);
    await expect(page.getByTestId('paired-target')).toBeVisible();
    await page.waitForTimeout(300);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('03-dual-render.png') });
  });

  await test.step('the mask overlay says what the render’s mask says', async () => {
    await page.getByTestId('toggle-render-mask').click();
    const picker = page.getByTestId('render-version');
    for (const [name, index] of [
      ['v002', 1],
      ['v003', 0],
    ] as const) {
      await picker.selectOption({ index });
      await expect(canvas).toHaveAttribute('data-render', name);
      await expect(canvas).toHaveAttribute('data-shown-frame', '4');
      await expect(canvas).not.toHaveAttribute('data-mask', '');
      const [seen, filled, empty] = (await canvas.getAttribute('data-mask'))!.split(',').map(Number) as [
        number,
        number,
        number,
      ];
      const f4 = await page.evaluate(
        async ({ name }) => {
          const rpc = async (method: string, body: unknown) => {
            const r = await fetch(`/rpc/${method}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'X-Reshoot': '1' },
              body: JSON.stringify(body),
            });
            return ((await r.json()) as { result: unknown }).result;
          };
          const list = (await rpc('renders.list', { shotId: 1 })) as { id: number; name: string }[];
          const renderId = list.find((x) => x.name === name)!.id;
          const frames = (await rpc('renders.frames', { renderId })) as {
            frame: number;
            seen: number;
            filled: number;
          }[];
          return frames.find((f) => f.frame === 4)!;
        },
        { name },
      );
      expect(seen).toBeCloseTo(f4.seen, 3);
      expect(filled).toBeCloseTo(f4.filled, 3);
      expect(empty).toBeCloseTo(1 - f4.seen - f4.filled, 3);
      if (name === 'v002') expect(empty).toBeGreaterThan(0);
      else expect(filled).toBeGreaterThan(0);
      await expect(page.getByTestId('render-mask-legend')).toContainText(
        `filled ${(100 * filled).toFixed(1)} %`,
      );
      await page.waitForTimeout(200);
      await page.getByTestId('viewer').screenshot({ path: test.info().outputPath(`04-mask-${name}.png`) });
    }
    await picker.selectOption({ index: 1 });
    await expect(canvas).toHaveAttribute('data-render', 'v002');
    await page.getByTestId('toggle-render-mask').click();
    await expect(canvas).toHaveAttribute('data-mask', '');
  });

  await test.step('the A/B wipe: source left of the divider, render right; dragged and by keys', async () => {
    await page.getByTestId('toggle-render-wipe').click();
    const divider = page.getByTestId('render-wipe');
    await expect(divider).toHaveAttribute('data-at', '0.500');
    const box = (await divider.boundingBox())!;
    const pane = (await page.getByTestId('dual-target').boundingBox())!;
    const [, , w] = (await canvas.getAttribute('data-rect'))!.split(',').map(Number);
    const dpr = await page.evaluate(() => devicePixelRatio);
    const pictureWidth = w! / dpr;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 0.2 * pictureWidth, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => Number(await divider.getAttribute('data-at'))).toBeLessThan(0.35);
    expect(Number(await divider.getAttribute('data-at'))).toBeCloseTo(0.3, 1);
    expect((await divider.boundingBox())!.x).toBeLessThan(pane.x + pane.width / 2);
    // left of the divider the source frame itself; right of it the render
    await expect.poll(() => bandDifference(page, 0.02, 0.26)).toBeLessThan(3);
    expect(await bandDifference(page, 0.36, 0.98)).toBeGreaterThan(8);
    await page.waitForTimeout(200);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('05-wipe.png') });
    // the arrows move the focused divider, not the playhead
    const dragged = Number(await divider.getAttribute('data-at'));
    await divider.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(frameNumber).toHaveText('4');
    expect(Number(await divider.getAttribute('data-at'))).toBeCloseTo(dragged - 0.04, 3);
    await page.getByTestId('toggle-render-wipe').click();
    await expect(divider).toHaveCount(0);
  });

  await test.step('playback at the shot’s rate: the render follows the playhead', async () => {
    await blur(page);
    await page.keyboard.press('Home');
    await expect(canvas).toHaveAttribute('data-shown-frame', '0');
    // sample the playhead and the render's frame while it plays
    const samples = page.evaluate(
      () =>
        new Promise<{ t: number; playhead: number; render: number }[]>((done) => {
          const out: { t: number; playhead: number; render: number }[] = [];
          const t0 = performance.now();
          const tick = () => {
            const playhead = Number(document.querySelector('[data-testid="frame-number"]')!.textContent);
            const render = Number(
              document.querySelector<HTMLElement>('[data-testid="render-canvas"]')!.dataset.shownFrame,
            );
            out.push({ t: performance.now() - t0, playhead, render });
            if (performance.now() - t0 > 8000 || (playhead === 15 && render === 15)) done(out);
            else requestAnimationFrame(tick);
          };
          tick();
        }),
    );
    await page.getByTestId('play').click();
    const run = await samples;
    const last = run.at(-1)!;
    expect(last.playhead).toBe(FRAMES - 1);
    expect(last.render).toBe(FRAMES - 1);
    // never ahead of the playhead, and moving along with it (how many frames get drawn is not checked:
    // headless Chromium on this machine draws a few frames a second, and the playhead skips loaded frames
    // to keep the shot's rate)
    for (const s of run) expect(s.render, JSON.stringify(s)).toBeLessThanOrEqual(s.playhead);
    expect(run.some((s) => s.render > 0 && s.render < FRAMES - 1)).toBe(true);
    // 16 frames at 24 fps: 0.63 s; allow for fetching the frames the first time
    expect(last.t).toBeLessThan(6000);
  });

  await test.step('the version picker: an older version, then the point-cloud preview', async () => {
    const picker = page.getByTestId('render-version');
    await picker.selectOption({ index: 2 });
    await expect(canvas).toHaveAttribute('data-render', 'v001');
    // v001 has frames 0–7 only: at frame 15 it says so
    await expect(page.getByTestId('render-out-of-range')).toContainText('not in v001 (frames 0–7)');
    await blur(page);
    await page.keyboard.press('Home');
    await expect(canvas).toHaveAttribute('data-shown-frame', '0');
    await expect(page.getByTestId('render-out-of-range')).toHaveCount(0);
    await picker.selectOption('cloud');
    await expect(canvas).toHaveCount(0);
    await expect(page.getByTestId('scene-canvas')).toBeVisible();
    await picker.selectOption({ index: 1 });
    await expect(canvas).toHaveAttribute('data-render', 'v002');
  });

  expect(pageErrors.list).toEqual([]);
});
