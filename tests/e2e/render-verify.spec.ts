import { expect, test, type Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysedOrbitWithTarget, cli, GT_ORBIT, openProject } from './gt-project';
import { watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 14 item 4 in the app: Verify on a finished render version, its progress, and the verdict on the
// row — in words, with the key figures and, in its details, the per-frame RotErr as a sparkline. The
// project is prepared with the CLI: a 16-frame cut of orbit_a with its true camera, analysed,
// orbit_a_target's cameras as the path "target", rendered three times: v001 as rendered (it follows the
// path), v002 with orbit_a's own frames put in place of its plate (a plate turned ≈ 4° away from the
// path: it deviates), v003 of 4 frames with black frames in place of its plate (nothing to track: it
// cannot be verified).

const GT = GT_ORBIT;
const FRAMES = 16;

test.use({ viewport: { width: 1920, height: 1080 } });

let app: WebApp;
let work: string;
let project: string;

/** Replaces a render version's plate frames (shot frames `first`…`last`) with `from(frame)`. */
function replacePlate(version: string, first: number, last: number, from: (frame: number) => string): void {
  const [path] = JSON.parse(cli('path', 'list', project, '1', '--json')) as { id: number }[];
  const dir = join(project, 'renders', '1', String(path!.id), version);
  for (let f = first; f <= last; f++) {
    const file = join(dir, `frame_${String(f + 1).padStart(4, '0')}.png`);
    rmSync(file);
    copyFileSync(from(f), file);
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  work = mkdtempSync(join(tmpdir(), 'reshoot-e2e-verify-'));
  const black = join(work, 'black.png');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-i', join(GT, 'frames/frame_0001.png')],
    ...['-vf', 'drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill', black],
  ]);
  project = analysedOrbitWithTarget(work, 'Verify', FRAMES);
  cli('render', project, '1', '--path', 'target', '--frames', `0-${FRAMES - 1}`);
  cli('render', project, '1', '--path', 'target', '--frames', `0-${FRAMES - 1}`);
  cli('render', project, '1', '--path', 'target', '--frames', '0-3');
  replacePlate('v002', 0, FRAMES - 1, (f) => join(GT, `frames/frame_${String(f + 1).padStart(4, '0')}.png`));
  replacePlate('v003', 0, 3, () => black);
  app = await startWebApp();
});

test.afterAll(async () => {
  await app?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Clicks a row's Verify and waits for its verdict. */
async function verify(panel: Locator, name: string, verdict: string): Promise<Locator> {
  const row = panel.locator(`[data-testid="render-row"][data-name="${name}"]`);
  await expect(row.getByTestId('render-verify')).toBeEnabled();
  await row.getByTestId('render-verify').click();
  await expect(row.getByTestId('render-verdict')).toHaveAttribute('data-verdict', verdict, {
    timeout: 120_000,
  });
  await expect(row.getByTestId('render-verify-progress')).toHaveCount(0);
  await expect(row.getByTestId('render-verify')).toBeEnabled();
  return row.getByTestId('render-verdict');
}

test('verify render versions: progress, then the verdict in words with its figures and sparkline', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const pageErrors = watchPageErrors(page);
  await openProject(page, app.url, project);
  await page.getByTestId('shot-row').first().click();
  await page.getByTestId('tab-render').click();
  const panel = page.getByTestId('renders-panel');
  await expect(panel.getByTestId('render-row')).toHaveCount(3);
  // nothing verified yet: no verdicts, Verify on every finished version
  await expect(panel.getByTestId('render-verdict')).toHaveCount(0);
  await expect(panel.getByTestId('render-verify')).toHaveCount(3);

  await test.step('v001 as rendered follows its path; progress while it runs, other Verify buttons wait', async () => {
    const row = panel.locator('[data-testid="render-row"][data-name="v001"]');
    await row.getByTestId('render-verify').click();
    await expect(row.getByTestId('render-verify-progress')).toBeVisible();
    await expect(row.getByTestId('render-verify-percent')).toHaveText(/^\d+ %$/);
    await row.screenshot({ path: test.info().outputPath('verify-progress.png') });
    // one verify job per shot at a time: every Verify waits for it
    for (const b of await panel.getByTestId('render-verify').all()) await expect(b).toBeDisabled();
    await expect(page.locator('[data-testid="job-row"][data-type="verify"]').first()).toBeVisible();
    const verdict = row.getByTestId('render-verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'follows', { timeout: 120_000 });
    await expect(verdict.getByTestId('render-verdict-text')).toHaveText('The plate follows the path');
    const figures = verdict.getByTestId('render-verdict-figures');
    await expect(figures).toContainText(/RotErr \d+\.\d\d° mean · \d+\.\d\d° worst/);
    await expect(figures).toContainText(/position \d+\.\d+ % mean · \d+\.\d+ % worst of depth/);
    await expect(figures).toContainText(/PCE \d\.\d+/);
    await expect(figures).toContainText(`${FRAMES}/${FRAMES} frames`);
    await expect(row.getByTestId('render-verify-progress')).toHaveCount(0);
    for (const b of await panel.getByTestId('render-verify').all()) await expect(b).toBeEnabled();
    // the details: the per-frame RotErr, one point per solved frame, and the whole summary
    await verdict.locator('summary').click();
    const spark = verdict.getByTestId('render-verdict-sparkline');
    await expect(spark).toBeVisible();
    await expect(spark).toHaveAttribute('data-points', String(FRAMES));
    await expect(spark.locator('path')).toHaveCount(1);
    await expect(spark.locator('circle')).toHaveCount(0);
    await expect(verdict.getByTestId('render-verdict-summary')).toContainText(
      'the plate follows the path: RotErr mean',
    );
    await verdict.locator('summary').click();
    await expect(spark).toBeHidden();
  });

  await test.step('v002, a plate turned away from the path, deviates: the stretch in words', async () => {
    const verdict = await verify(panel, 'v002', 'deviates');
    await expect(verdict.getByTestId('render-verdict-text')).toHaveText(
      /^Deviates: frames \d+–\d+ turn away from the path: RotErr up to \d+\.\d°/,
    );
    await expect(verdict.locator('.over').first()).toBeVisible();
    await verdict.locator('summary').click();
    // every frame over the 1° threshold is marked on the line
    await expect(verdict.getByTestId('render-verdict-sparkline').locator('circle')).not.toHaveCount(0);
  });

  await test.step('v003, black frames, cannot be verified: the reason', async () => {
    const verdict = await verify(panel, 'v003', 'unverifiable');
    await expect(verdict.getByTestId('render-verdict-text')).toHaveText(/^Unverifiable: \S+/);
    await page.waitForTimeout(200);
    await panel.screenshot({ path: test.info().outputPath('render-verify.png') });
  });

  await test.step('verdicts stay after a reload (kept with the render)', async () => {
    await page.reload();
    await expect(page.getByTestId('project-view')).toBeVisible();
    await page.getByTestId('shot-row').first().click();
    await page.getByTestId('tab-render').click();
    await expect(panel.getByTestId('render-verdict')).toHaveCount(3);
    await expect(
      panel.locator('[data-testid="render-row"][data-name="v001"]').getByTestId('render-verdict-text'),
    ).toHaveText('The plate follows the path');
  });

  expect(pageErrors.list).toEqual([]);
});
