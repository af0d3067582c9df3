import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, GT_ORBIT, openProject, orbitClip } from './gt-project';
import { screenshot, watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 13: make a preset target path on an analysed shot, see it in the 3D view and look through it,
// edit a keyframe numerically, undo/redo, reload and find it as left, transfer from another shot and read
// the PCE, read the coverage strip. The project is prepared with the CLI (a 16-frame cut of orbit_a,
// the gt camera imported, analysed; a second shot: the same cut with its world scaled by 2).

const GT = GT_ORBIT;
const FRAMES = 16;

let app: WebApp;
let work: string;
let project: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  work = mkdtempSync(join(tmpdir(), 'reshoot-e2e-paths-'));
  const clip = orbitClip(work, FRAMES);
  const doc = JSON.parse(readFileSync(join(GT, 'cameras.json'), 'utf8')) as {
    frames: { C: number[]; t_cw: number[] }[];
  };
  doc.frames = doc.frames.slice(0, FRAMES);
  writeFileSync(join(work, 'cams.json'), JSON.stringify(doc));
  const scaled = {
    ...doc,
    frames: doc.frames.map((f) => ({ ...f, C: f.C.map((x) => 2 * x), t_cw: f.t_cw.map((x) => 2 * x) })),
  };
  writeFileSync(join(work, 'cams2.json'), JSON.stringify(scaled));
  cli('new', join(work, 'Paths'));
  project = join(work, 'Paths.reshoot');
  cli('import', project, clip);
  cli('import', project, clip);
  cli('camera', 'import', project, '1', join(work, 'cams.json'));
  cli('camera', 'import', project, '2', join(work, 'cams2.json'));
  cli('analyze', project, '1');
  cli('analyze', project, '2');
  app = await startWebApp();
});

test.afterAll(async () => {
  await app?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('make, see, shape, undo and transfer a target path; read its coverage', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await openProject(page, app.url, project);
  await page.getByTestId('shot-row').first().click();
  await page.getByTestId('tab-paths').click();
  const panel = page.getByTestId('paths-panel');
  await expect(panel.getByTestId('paths-empty')).toBeVisible();

  await test.step('a dolly preset in gauge-free units', async () => {
    await panel.getByTestId('path-kind').selectOption('dolly');
    await panel.getByTestId('path-amount').fill('0.3');
    await panel.getByTestId('path-create').click();
    await expect(panel.getByTestId('path-row')).toHaveCount(1);
    await expect(panel.getByTestId('path-row').first()).toHaveAttribute('data-name', 'dolly');
    await expect(panel.getByTestId('path-keys').locator('tbody tr')).toHaveCount(2);
    await screenshot(page, '01-dolly-preset');
  });

  await test.step('the path in the 3D view, and through its camera', async () => {
    await page.getByTestId('view-3d').click();
    const canvas = page.getByTestId('scene-canvas');
    await expect(canvas).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
    await expect(canvas).toHaveAttribute('data-target-path', String(FRAMES));
    await page.waitForTimeout(300);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('02-path-in-3d.png') });
    await page.getByTestId('scene-look-through-target').click();
    await expect(canvas).toHaveAttribute('data-look-through', 'target');
    await page.waitForTimeout(300);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('03-through-target.png') });
    await page.getByTestId('scene-look-through-target').click();
    // orbit about a point of the cloud (double-click), then key the path at the playhead from the view
    const box = (await canvas.boundingBox())!;
    for (let i = 0; i < 30 && !(await canvas.getAttribute('data-pivot')); i++)
      await page.mouse.dblclick(
        box.x + box.width * (0.3 + (0.4 * ((i * 7) % 10)) / 10),
        box.y + box.height * (0.4 + (0.4 * ((i * 3) % 10)) / 10),
      );
    await expect(canvas).not.toHaveAttribute('data-pivot', '');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const before = await panel.getByTestId('key-x').first().inputValue();
    await page.getByTestId('scene-key-from-view').click();
    await expect(page.getByTestId('undo')).toContainText('Undo Edit dolly');
    await expect(panel.getByTestId('key-x').first()).not.toHaveValue(before);
    await page.getByTestId('undo').click();
    await expect(panel.getByTestId('key-x').first()).toHaveValue(before);
    // F frames everything again
    await page.keyboard.press('f');
    // move the second keyframe with the gizmo: drag its centre handle
    await panel.getByTestId('key-row').nth(1).click();
    await page.getByTestId('scene-gizmo-move').click();
    await expect(canvas).not.toHaveAttribute('data-gizmo-at', '');
    const [gx, gy] = (await canvas.getAttribute('data-gizmo-at'))!.split(',').map(Number);
    const x1 = await panel.getByTestId('key-x').nth(1).inputValue();
    await page.mouse.move(box.x + gx!, box.y + gy!);
    await page.mouse.down();
    await page.mouse.move(box.x + gx! + 40, box.y + gy! - 25, { steps: 6 });
    await page.mouse.up();
    await expect(page.getByTestId('undo')).toContainText('Undo Edit dolly');
    await expect(panel.getByTestId('key-x').nth(1)).not.toHaveValue(x1);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('02b-gizmo.png') });
    await page.getByTestId('undo').click();
    await expect(panel.getByTestId('key-x').nth(1)).toHaveValue(x1);
    await page.getByTestId('scene-gizmo-move').click();
  });

  await test.step('orient the scene: the floor fitted to the cloud, then picked from three points', async () => {
    const canvas = page.getByTestId('scene-canvas');
    await page.getByTestId('scene-auto-floor').click();
    // the gt world is Blender's, Z-up, with the ground at z = 0
    await expect(canvas).toHaveAttribute('data-floor', /^-?0\.0\d\d,-?0\.0\d\d,(0\.99\d|1\.000)$/);
    await expect(page.getByTestId('scene-info')).toContainText('floor');
    await page.waitForTimeout(300);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('03b-floor.png') });
    await expect(page.getByTestId('undo')).toContainText('Undo Set floor');
    await page.getByTestId('scene-clear-floor').click();
    await expect(canvas).toHaveAttribute('data-floor', '');
    await page.getByTestId('undo').click();
    await expect(canvas).not.toHaveAttribute('data-floor', '');
    const autoFloor = (await canvas.getAttribute('data-floor')) ?? '';
    // three clicks on the cloud (clicks that hit no point are not counted)
    await page.getByTestId('scene-pick-floor').click();
    const box = (await canvas.boundingBox())!;
    const undoBefore = await page.getByTestId('undo').textContent();
    for (let i = 0; i < 40; i++) {
      if (!(await page.getByTestId('scene-pick-floor').textContent())?.startsWith('Pick ')) break;
      if ((await page.getByTestId('scene-pick-floor').textContent()) === 'Pick floor') break;
      const x = box.x + box.width * (0.3 + (0.4 * ((i * 7) % 10)) / 10);
      const y = box.y + box.height * (0.35 + (0.5 * ((i * 3) % 10)) / 10);
      await page.mouse.click(x, y);
    }
    await expect(page.getByTestId('scene-pick-floor')).toHaveText('Pick floor');
    await expect(page.getByTestId('undo')).toContainText('from three points');
    expect(undoBefore).not.toContain('three points');
    await page.getByTestId('undo').click();
    // the fitted floor is back (the angles below are measured against it)
    await expect(canvas).toHaveAttribute('data-floor', autoFloor);
  });

  await test.step('edit a keyframe numerically; undo and redo', async () => {
    const pan = panel.getByTestId('key-pan').nth(1);
    const before = await pan.inputValue();
    await pan.fill(String(Number(before) + 10));
    await pan.press('Enter');
    await expect(panel.getByTestId('key-pan').nth(1)).toHaveValue((Number(before) + 10).toFixed(1));
    await expect(page.getByTestId('undo')).toContainText('Undo Edit dolly');
    await page.getByTestId('undo').click();
    await expect(panel.getByTestId('key-pan').nth(1)).toHaveValue(before);
    await page.getByTestId('redo').click();
    await expect(panel.getByTestId('key-pan').nth(1)).toHaveValue((Number(before) + 10).toFixed(1));
  });

  await test.step('the curve editor: drag a key in time and value; click to move the playhead', async () => {
    const curves = panel.getByTestId('curve-editor');
    await curves.getByTestId('curve-channel-x').click();
    const key = curves.getByTestId('curve-key').nth(1);
    await expect(key).toHaveAttribute('data-frame', '15');
    const kb = (await key.boundingBox())!;
    const x0 = await panel.getByTestId('key-x').nth(1).inputValue();
    await page.mouse.move(kb.x + kb.width / 2, kb.y + kb.height / 2);
    await page.mouse.down();
    await page.mouse.move(kb.x + kb.width / 2 - 90, kb.y + kb.height / 2 + 20, { steps: 6 });
    await page.mouse.up();
    // (the undo label was already "Edit dolly": wait for the key itself)
    await expect(panel.getByTestId('key-frame').nth(1)).not.toHaveValue('15');
    await expect(page.getByTestId('undo')).toContainText('Undo Edit dolly');
    const moved = Number(await panel.getByTestId('key-frame').nth(1).inputValue());
    expect(moved).toBeLessThan(15);
    expect(moved).toBeGreaterThan(0);
    await expect(panel.getByTestId('key-x').nth(1)).not.toHaveValue(x0);
    await screenshot(page, '01b-curve-editor');
    await page.getByTestId('undo').click();
    await expect(panel.getByTestId('key-frame').nth(1)).toHaveValue('15');
    // a click on the curve's background moves the playhead
    const svg = (await curves.getByTestId('curve-svg').boundingBox())!;
    await page.mouse.click(svg.x + svg.width / 2, svg.y + 6);
    await expect(page.getByTestId('frame-number')).toHaveText(/^[78]$/);
  });

  await test.step('the curve editor: keys at the playhead, box-select, move together, Bézier handles, zoom, undo', async () => {
    const curves = panel.getByTestId('curve-editor');
    const svg = curves.getByTestId('curve-svg');
    const keys = curves.getByTestId('curve-key');
    const frames = panel.getByTestId('key-frame');
    // where a frame and a value are on the page (the plot is x 34–352, y 6–136 of the 360 × 150 drawing)
    const place = async () => {
      const b = (await svg.boundingBox())!;
      const [f0, f1, v0, v1] = ((await svg.getAttribute('data-view')) ?? '').split(',').map(Number);
      return {
        x: (f: number) => b.x + ((34 + ((f - f0!) / (f1! - f0!)) * 318) * b.width) / 360,
        y: (v: number) => b.y + ((136 - ((v - v0!) / (v1! - v0!)) * 130) * b.height) / 150,
        top: b.y + (12 * b.height) / 150,
        box: b,
      };
    };
    const centre = async (l: ReturnType<typeof page.locator>) => {
      const b = (await l.boundingBox())!;
      return [b.x + b.width / 2, b.y + b.height / 2] as const;
    };

    // I keys the path at the playhead (the editor has the keyboard once clicked)
    for (const [i, f] of [5, 10].entries()) {
      const at = await place();
      await page.mouse.click(at.x(f), at.top);
      await expect(page.getByTestId('frame-number')).toHaveText(String(f));
      await page.keyboard.press('i');
      // the table grows by a row when the edit is saved, moving the curves down: wait for it
      await expect(frames).toHaveCount(3 + i);
      await expect(keys).toHaveCount(3 + i);
    }
    expect(await frames.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
      '0',
      '5',
      '10',
      '15',
    ]);
    // Home frames the curves there; it leaves the playhead alone
    await page.keyboard.press('Home');
    await expect(page.getByTestId('frame-number')).toHaveText('10');

    // a box around the two middle keys selects them (and not the ends)
    const [ax, ay] = await centre(keys.nth(1));
    const [bx, by] = await centre(keys.nth(2));
    await page.mouse.move(ax - 14, Math.min(ay, by) - 14);
    await page.mouse.down();
    await page.mouse.move(bx + 14, Math.max(ay, by) + 14, { steps: 5 });
    await expect(curves.getByTestId('curve-box')).toBeVisible();
    await page.mouse.up();
    await expect(svg).toHaveAttribute('data-selected', '2');
    expect(await keys.evaluateAll((els) => els.map((e) => e.getAttribute('data-selected')))).toEqual([
      'false',
      'true',
      'true',
      'false',
    ]);

    // dragging one moves both by the same whole frames: one edit, undone at once
    const [x0, x1, x2] = await panel
      .getByTestId('key-x')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const p = await place();
    await page.mouse.move(ax, ay);
    await page.mouse.down();
    await page.mouse.move(ax - (p.x(2) - p.x(0)), ay - 15, { steps: 6 });
    await page.mouse.up();
    await expect(frames.nth(1)).toHaveValue('3');
    await expect(frames.nth(2)).toHaveValue('8');
    await expect(frames.nth(0)).toHaveValue('0');
    await expect(frames.nth(3)).toHaveValue('15');
    await expect(panel.getByTestId('key-x').nth(1)).not.toHaveValue(x1!);
    await expect(panel.getByTestId('key-x').nth(2)).not.toHaveValue(x2!);
    await expect(panel.getByTestId('key-x').nth(0)).toHaveValue(x0!);
    await screenshot(page, '01c-curve-box-moved');
    await page.getByTestId('undo').click();
    await expect(frames.nth(1)).toHaveValue('5');
    await expect(frames.nth(2)).toHaveValue('10');
    await expect(panel.getByTestId('key-x').nth(1)).toHaveValue(x1!);
    await expect(panel.getByTestId('key-x').nth(2)).toHaveValue(x2!);

    // Bézier easing on the segment from frame 5: its two handles show; drag the first
    await keys.nth(1).click();
    await expect(svg).toHaveAttribute('data-selected', '1');
    await expect(curves.getByTestId('curve-handle')).toHaveCount(0);
    // (a key made with I is eased as the segment it split: the preset's ease-in-out)
    const named = await panel.getByTestId('key-easing').nth(1).inputValue();
    expect(named).toBe('ease-in-out');
    await curves.getByTestId('curve-easing').selectOption('bezier');
    await expect(panel.getByTestId('key-easing').nth(1)).toHaveValue('bezier');
    await expect(keys.nth(1)).toHaveAttribute('data-easing', 'bezier');
    const handles = curves.getByTestId('curve-handle');
    await expect(handles).toHaveCount(2);
    const h1 = curves.locator('[data-testid="curve-handle"][data-which="1"]');
    // ease-in-out's handles (the same timing): a third of the way along the segment, flat
    expect(Number(await h1.getAttribute('data-x'))).toBeCloseTo(1 / 3, 6);
    expect(Number(await h1.getAttribute('data-y'))).toBe(0);
    const [hx, hy] = await centre(h1);
    const q = await place();
    await page.mouse.move(hx, hy);
    await page.mouse.down();
    await page.mouse.move(hx + (q.x(6.5) - q.x(5)), hy + 25, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => Number(await h1.getAttribute('data-x'))).toBeGreaterThan(0.5);
    const y1 = Number(await h1.getAttribute('data-y'));
    expect(Math.abs(y1)).toBeGreaterThan(0.05);
    await expect(panel.getByTestId('key-easing').nth(1)).toHaveValue('bezier');
    await screenshot(page, '01d-curve-bezier');
    // the Paths tab alone, as in docs/img/paths-curves.png
    await panel.screenshot({ path: test.info().outputPath('01e-paths-curves.png') });
    // undo: the handle goes back, then the easing
    await page.getByTestId('undo').click();
    await expect.poll(async () => Number(await h1.getAttribute('data-x'))).toBeCloseTo(1 / 3, 6);
    await page.getByTestId('undo').click();
    await expect(panel.getByTestId('key-easing').nth(1)).toHaveValue(named);
    await expect(handles).toHaveCount(0);
    await page.getByTestId('redo').click();
    await page.getByTestId('redo').click();
    await expect.poll(async () => Number(await h1.getAttribute('data-x'))).toBeGreaterThan(0.5);
    expect(Number(await h1.getAttribute('data-y'))).toBeCloseTo(y1, 9);

    // the wheel zooms time about the pointer, Ctrl + wheel the values; Alt-drag pans; Home frames all
    const view = async () => ((await svg.getAttribute('data-view')) ?? '').split(',').map(Number);
    const all = await view();
    expect(all.slice(0, 2)).toEqual([0, 15]);
    const z = await place();
    await page.mouse.move(z.x(10), z.top + 40);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await view())[1]! - (await view())[0]!).toBeLessThan(10);
    const zoomed = await view();
    expect(zoomed[0]).toBeGreaterThan(0);
    expect(zoomed[1]).toBeLessThan(15);
    expect(zoomed.slice(2)).toEqual(all.slice(2));
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, 400);
    await page.keyboard.up('Control');
    await expect.poll(async () => (await view())[3]! - (await view())[2]!).toBeGreaterThan(all[3]! - all[2]!);
    expect((await view()).slice(0, 2)).toEqual(zoomed.slice(0, 2));
    await page.keyboard.down('Alt');
    await page.mouse.down();
    await page.mouse.move(z.x(10) + 60, z.top + 40, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Alt');
    await expect.poll(async () => (await view())[0]!).toBeLessThan(zoomed[0]!);
    await expect(curves.getByTestId('curve-fit')).toBeEnabled();
    await page.keyboard.press('Home');
    await expect.poll(view).toEqual(all);
    await expect(curves.getByTestId('curve-fit')).toBeDisabled();

    // X deletes the selected key; undo brings it back
    await keys.nth(2).click();
    await page.keyboard.press('x');
    await expect(keys).toHaveCount(3);
    await expect(frames).toHaveCount(3);
    // the editor keeps the keyboard: A selects all, Escape none
    await page.keyboard.press('a');
    await expect(svg).toHaveAttribute('data-selected', '3');
    await page.keyboard.press('Escape');
    await expect(svg).toHaveAttribute('data-selected', '0');
    await page.getByTestId('undo').click();
    await expect(keys).toHaveCount(4);

    // back to the dolly's two keys: the handle, the easing, the two inserted keys
    await keys.nth(1).click();
    await expect(handles).toHaveCount(2);
    await page.getByTestId('undo').click();
    await expect.poll(async () => Number(await h1.getAttribute('data-x'))).toBeCloseTo(1 / 3, 6);
    await page.getByTestId('undo').click();
    await expect(panel.getByTestId('key-easing').nth(1)).toHaveValue(named);
    await page.getByTestId('undo').click();
    await expect(frames).toHaveCount(3);
    await page.getByTestId('undo').click();
    await expect(frames).toHaveCount(2);
    // Home goes to the first frame again once the curve editor lets go of the keyboard
    await panel.locator('h3').click();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('frame-number')).toHaveText('0');
  });

  await test.step('reload: the path is as it was left', async () => {
    const pan = await panel.getByTestId('key-pan').nth(1).inputValue();
    await page.reload();
    await expect(page.getByTestId('project-view')).toBeVisible();
    await page.getByTestId('shot-row').first().click();
    await page.getByTestId('tab-paths').click();
    await expect(page.getByTestId('paths-panel').getByTestId('key-pan').nth(1)).toHaveValue(pan);
  });

  await test.step('transfer the other shot’s move with ParaScale and read the PCE', async () => {
    const p = page.getByTestId('paths-panel');
    await p.getByTestId('path-transfer-from').selectOption({ index: 1 });
    await p.getByTestId('path-transfer').click();
    await expect(p.getByTestId('path-row')).toHaveCount(2);
    await expect(p.getByTestId('path-pce')).toContainText(/PCE ParaScale \d\.\d{3} · raw \d\.\d{3}/);
    const text = (await p.getByTestId('path-pce').textContent()) ?? '';
    const [para, raw] = [...text.matchAll(/\d\.\d{3}/g)].map((m) => Number(m[0]));
    // the reference's world is twice as large: raw copies its steps and is off by about log 2
    expect(para!).toBeLessThan(0.1);
    expect(raw!).toBeGreaterThan(0.5);
    // the Π plot: the ParaScale line lies on the reference's, raw's does not
    const plot = p.getByTestId('pi-plot');
    await expect(plot.locator('polyline[data-series="reference"]')).toHaveAttribute('points', /\d/);
    const pts = async (series: string) =>
      ((await plot.locator(`polyline[data-series="${series}"]`).getAttribute('points')) ?? '')
        .split(' ')
        .map((q) => Number(q.split(',')[1]));
    const [yRef, yPara, yRaw] = [await pts('reference'), await pts('parascale'), await pts('raw')];
    const gap = (a: number[]) => a.reduce((m, y, i) => m + Math.abs(y - yRef[i]!), 0) / a.length;
    expect(gap(yPara)).toBeLessThan(gap(yRaw));
    await screenshot(page, '04-transfer-pce');
  });

  await test.step('the dual view: source tracks beside the target view with the paired tracks', async () => {
    const p = page.getByTestId('paths-panel');
    await p.getByTestId('path-row').first().getByRole('button', { name: 'dolly' }).click();
    await page.getByTestId('view-dual').click();
    const source = page.getByTestId('paired-source');
    const target = page.getByTestId('paired-target');
    await expect
      .poll(async () => Number(await source.getAttribute('data-drawn')), { timeout: 30_000 })
      .toBeGreaterThan(50);
    await expect.poll(async () => Number(await target.getAttribute('data-drawn'))).toBeGreaterThan(20);
    await expect(page.getByTestId('paired-legend-target')).toContainText('dolly');
    // hover points of the target side until one is under the pointer: both sides highlight it
    const box = (await target.boundingBox())!;
    let hovered = '';
    for (let i = 0; i < 60 && !hovered; i++) {
      await page.mouse.move(
        box.x + box.width * (0.15 + (0.7 * ((i * 7) % 20)) / 20),
        box.y + box.height * (0.3 + (0.4 * ((i * 3) % 10)) / 10),
      );
      hovered = (await target.getAttribute('data-hover')) ?? '';
    }
    expect(hovered).not.toBe('');
    await expect(source).toHaveAttribute('data-hover', hovered);
    await expect(page.getByTestId('paired-legend-source')).toContainText(`track ${hovered}`);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('06-dual-view.png') });
    // scrubbing moves both sides
    await page.keyboard.press('End');
    await expect(page.getByTestId('frame-number')).toHaveText(String(FRAMES - 1));
    await expect.poll(async () => Number(await target.getAttribute('data-drawn'))).toBeGreaterThan(0);
    await page.getByTestId('view-picture').click();
  });

  await test.step('coverage strip', async () => {
    const p = page.getByTestId('paths-panel');
    await p.getByTestId('path-row').first().getByRole('button', { name: 'dolly' }).click();
    await p.getByTestId('path-coverage').click();
    const cells = p.getByTestId('coverage-strip').locator('button');
    await expect(cells).toHaveCount(FRAMES);
    const values = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-coverage'))));
    expect(values.every((v) => v > 0 && v <= 1)).toBe(true);
    await expect(p.getByTestId('coverage-summary')).toContainText('mean');
    await cells.nth(FRAMES - 1).click();
    await expect(page.getByTestId('frame-number')).toHaveText(String(FRAMES - 1));
    await screenshot(page, '05-coverage');
  });

  expect(pageErrors.list, 'no errors in the page console').toEqual([]);
});
