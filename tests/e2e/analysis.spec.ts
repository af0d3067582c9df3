import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { screenshot, typePath, watchPageErrors } from './support';
import { startWebApp, type WebApp } from './web-server';

// Issue 5, items 4 and 5: import a camera solve through the UI, run "Analyze shot", read the stage
// timings, see the depth as a false-colour overlay with its legend, see the camera path and the point
// cloud in the 3D view, and export the camera as a Nuke .chan. A 16-frame cut of orbit_a keeps it short.

const GT = resolve('../shared/gt/orbit_a');
const FRAMES = 16;

let app: WebApp;
let work: string;
let clip: string;
let cameras: string;

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'reshoot-e2e-analysis-'));
  clip = join(work, 'orbit_short.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-framerate',
    '24',
    '-i',
    join(GT, 'frames/frame_%04d.png'),
    '-frames:v',
    String(FRAMES),
    '-c:v',
    'libx264',
    '-crf',
    '12',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  const doc = JSON.parse(readFileSync(join(GT, 'cameras.json'), 'utf8')) as { frames: unknown[] };
  doc.frames = doc.frames.slice(0, FRAMES);
  cameras = join(work, 'cameras.json');
  writeFileSync(cameras, JSON.stringify(doc, null, 1));
  const modelsDir = join(work, 'user-models');
  mkdirSync(modelsDir);
  app = await startWebApp({ env: { RESHOOT_MODELS_DIR: modelsDir } });
});

test.afterAll(async () => {
  await app?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Picks a path in the in-app file browser by typing it, and chooses it. */
async function browseTo(page: Page, path: string, selectedName?: string): Promise<void> {
  const browser = await typePath(page, path, selectedName);
  await browser.getByTestId('file-browser-choose').click();
  await expect(browser).toBeHidden();
}

interface DepthReadback {
  picture: { x0: number; y0: number; x1: number; y1: number };
  painted: { x0: number; y0: number; x1: number; y1: number };
  /** Pixels of the picture's rectangle painted in colour (not the black of invalid depth). */
  coloured: number;
  area: number;
  hues: number;
  /** Near / far depth samples checked against the colour at their place: warm near, cool far. */
  nearChecked: number;
  nearWarm: number;
  farChecked: number;
  farCool: number;
}

/** Reads the picture and depth canvases back and checks colours against the depth route's values. */
function readDepth(page: Page, shotId: number, frame: number): Promise<DepthReadback> {
  return page.evaluate(
    async ({ shotId, frame }) => {
      const overlay = document.querySelector<HTMLCanvasElement>('[data-testid="depth-canvas"]')!;
      const picture = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]')!;
      const W = overlay.width;
      const H = overlay.height;
      const o = overlay.getContext('2d')!.getImageData(0, 0, W, H).data;
      const p = picture.getContext('2d')!.getImageData(0, 0, W, H).data;
      const bbox = (test: (i: number) => boolean) => {
        let x0 = W;
        let y0 = H;
        let x1 = -1;
        let y1 = -1;
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            if (test(4 * (y * W + x))) {
              x0 = Math.min(x0, x);
              x1 = Math.max(x1, x);
              y0 = Math.min(y0, y);
              y1 = Math.max(y1, y);
            }
        return { x0, y0, x1, y1 };
      };
      const pic = bbox((i) => Math.abs(p[i]! - 11) + Math.abs(p[i + 1]! - 11) + Math.abs(p[i + 2]! - 12) > 6);
      const painted = bbox((i) => o[i + 3]! > 0);
      let coloured = 0;
      const hues = new Set<number>();
      for (let y = pic.y0; y <= pic.y1; y++)
        for (let x = pic.x0; x <= pic.x1; x++) {
          const i = 4 * (y * W + x);
          const r = o[i]!;
          const g = o[i + 1]!;
          const b = o[i + 2]!;
          const max = Math.max(r, g, b);
          const min = Math.min(r, g, b);
          if (o[i + 3]! === 255 && max > 40) coloured++;
          if (max - min > 60) {
            const h =
              max === r
                ? ((g - b) / (max - min) + 6) % 6
                : max === g
                  ? (b - r) / (max - min) + 2
                  : (r - g) / (max - min) + 4;
            hues.add(Math.floor(h * 2));
          }
        }
      // The frame's depth from the media route: a 4-byte header length, a JSON header, float32 z.
      const res = await fetch(`${new URL('/media', location.origin).href}/depth/${shotId}/${frame}.bin`);
      const buf = await res.arrayBuffer();
      const n = new DataView(buf).getUint32(0, true);
      const h = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n))) as {
        width: number;
        height: number;
        near: number;
        far: number;
      };
      const z = new Float32Array(buf.slice(4 + n, 4 + n + 4 * h.width * h.height));
      const sx = (pic.x1 + 1 - pic.x0) / h.width;
      const sy = (pic.y1 + 1 - pic.y0) / h.height;
      let nearChecked = 0;
      let nearWarm = 0;
      let farChecked = 0;
      let farCool = 0;
      for (let v = 1; v < h.height - 1; v += 2)
        for (let u = 1; u < h.width - 1; u += 2) {
          const d = z[v * h.width + u]!;
          if (!(d > 0)) continue;
          const i = 4 * (Math.floor(pic.y0 + (v + 0.5) * sy) * W + Math.floor(pic.x0 + (u + 0.5) * sx));
          if (d <= h.near * 1.1) {
            nearChecked++;
            if (o[i]! > 2 * o[i + 2]! && o[i]! > o[i + 1]!) nearWarm++;
          } else if (d >= h.far * 0.9) {
            farChecked++;
            if (o[i + 2]! > o[i]!) farCool++;
          }
        }
      return {
        picture: pic,
        painted,
        coloured,
        area: (pic.x1 + 1 - pic.x0) * (pic.y1 + 1 - pic.y0),
        hues: hues.size,
        nearChecked,
        nearWarm,
        farChecked,
        farCool,
      };
    },
    { shotId, frame },
  );
}

interface SceneReadback {
  width: number;
  height: number;
  /** Pixels that are not the background. */
  drawn: number;
  /** Pixels in the highlight colour of the playhead's camera. */
  current: number;
  /** Mean position of the highlight pixels. */
  currentAt: [number, number];
  /** Distinct coarse colours among drawn pixels (the cloud is coloured by the frames). */
  colours: number;
}

/** Reads the WebGL canvas back through a 2D canvas (the view keeps its drawing buffer). */
function readScene(page: Page): Promise<SceneReadback> {
  return page.evaluate(() => {
    const gl = document.querySelector<HTMLCanvasElement>('[data-testid="scene-canvas"]')!;
    const c = document.createElement('canvas');
    c.width = gl.width;
    c.height = gl.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(gl, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    let current = 0;
    let cx = 0;
    let cy = 0;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i]!;
      const g = d[i + 1]!;
      const b = d[i + 2]!;
      if (Math.abs(r - 11) + Math.abs(g - 11) + Math.abs(b - 12) <= 6) continue;
      drawn++;
      colours.add(((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5));
      // The highlight is #e8912d (232, 145, 45).
      if (Math.abs(r - 232) < 30 && Math.abs(g - 145) < 30 && Math.abs(b - 45) < 30) {
        current++;
        const px = (i / 4) % c.width;
        cx += px;
        cy += (i / 4 - px) / c.width;
      }
    }
    return {
      width: c.width,
      height: c.height,
      drawn,
      current,
      currentAt: [current ? cx / current : -1, current ? cy / current : -1] as [number, number],
      colours: colours.size,
    };
  });
}

test('import a camera, analyze the shot, see timings, depth and the 3D view, export a .chan', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const pageErrors = watchPageErrors(page);

  await test.step('create a project and import the 16-frame clip', async () => {
    await page.goto(app.url);
    await page.getByTestId('new-project-name').fill('E2E Analysis');
    await page.getByTestId('new-project-parent').fill(work);
    await page.getByTestId('create-project').click();
    await expect(page.getByTestId('project-view')).toBeVisible();
    await page.getByTestId('import-button').click();
    await browseTo(page, clip, 'orbit_short.mp4');
    await expect(page.getByTestId('shot-row')).toHaveCount(1, { timeout: 60_000 });
    await expect(page.getByTestId('viewer-canvas')).toHaveAttribute('data-shown-frame', '0', {
      timeout: 60_000,
    });
    await expect(page.getByTestId('camera-badge')).toHaveCount(0);
    await expect(page.getByTestId('stage-timings')).toHaveCount(0);
  });

  const row = page.getByTestId('shot-row').first();
  const shotId = Number(await row.getAttribute('data-shot-id'));

  await test.step('Lens: unknown at first, set in the Analysis panel, checked, undone by Forget', async () => {
    const lens = page.getByTestId('analysis-lens');
    await expect(lens).toContainText('Unknown: the camera solve estimates the focal');
    await lens.getByTestId('lens-edit').click();
    await lens.getByTestId('lens-focal').fill('wide');
    await lens.getByTestId('lens-save').click();
    await expect(lens.getByRole('alert')).toContainText('Focal length: a number of mm');
    await lens.getByTestId('lens-focal').fill('28');
    await lens.getByTestId('lens-sensor').fill('36');
    await lens.getByTestId('lens-save').click();
    await expect(lens.getByTestId('lens-value')).toHaveText(/28 mm on 36 mm · 65\.5° horizontal/);
    await expect(lens).toContainText('you');
    await lens.screenshot({ path: test.info().outputPath('lens.png') });
    await lens.getByTestId('lens-clear').click();
    await expect(lens).toContainText('Unknown: the camera solve estimates the focal');
  });

  await test.step('Import camera… from cameras.json through the file browser', async () => {
    await row.getByTestId('shot-menu-button').click();
    const menu = page.getByTestId('shot-menu');
    await expect(menu.getByTestId('export-camera')).toBeDisabled();
    await expect(menu.getByTestId('analyze-klt')).toBeEnabled();
    await expect(menu.getByTestId('analyze-xfeat')).toBeDisabled();
    await menu.getByTestId('import-camera').click();
    const dialog = page.getByTestId('camera-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('camera-up-z')).toHaveAttribute('aria-checked', 'true');
    // A solve that does not fit the shot is refused in the dialog, naming the file.
    const wrong = join(work, 'cameras_8.json');
    const doc = JSON.parse(readFileSync(cameras, 'utf8')) as { frames: unknown[] };
    doc.frames = doc.frames.slice(0, 8);
    writeFileSync(wrong, JSON.stringify(doc));
    await dialog.getByTestId('camera-path').fill(wrong);
    await pageErrors.expectRefusal('shots.importCamera', async () => {
      await dialog.getByTestId('camera-submit').click();
      await expect(dialog.getByTestId('camera-error')).toContainText('cameras_8.json');
    });
    await expect(dialog.getByTestId('camera-error')).toContainText('8 cameras');
    await expect(row.getByTestId('camera-badge')).toHaveCount(0);
    // Asked for, a file with cameras for some frames is taken and the others are interpolated; undone.
    await dialog.getByTestId('camera-interpolate').check();
    await dialog.getByTestId('camera-submit').click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId('camera-badge')).toHaveText('CAM');
    await expect(page.getByTestId('analysis-camera')).toContainText(
      'with cameras for 8 of 16 frames, the others interpolated',
    );
    // the per-frame report says which frames the file gave and which were interpolated
    const report = page.getByTestId('camera-report');
    await expect(report.getByTestId('camera-report-legend-solved')).toContainText('8');
    await expect(report.getByTestId('camera-report-legend-interpolated')).toContainText('8');
    await expect(
      report.getByTestId('camera-report-strip').locator('[data-status="interpolated"]'),
    ).not.toHaveCount(0);
    await expect(report.getByTestId('camera-report-summary')).toContainText('interpolated');
    await screenshot(page, '01a-camera-interpolated');
    await page.getByTestId('undo').click();
    await expect(row.getByTestId('camera-badge')).toHaveCount(0);
    await row.getByTestId('shot-menu-button').click();
    await page.getByTestId('shot-menu').getByTestId('import-camera').click();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('camera-interpolate')).not.toBeChecked();
    await dialog.getByTestId('camera-browse').click();
    await browseTo(page, cameras, 'cameras.json');
    await expect(dialog.getByTestId('camera-path')).toHaveValue(cameras);
    // The file browser opened over the dialog gave the focus back to the button that opened it.
    await expect(dialog.getByTestId('camera-browse')).toBeFocused();
    await screenshot(page, '01-import-camera');
    await dialog.getByTestId('camera-submit').click();
    await expect(dialog).toBeHidden();
    const badge = row.getByTestId('camera-badge');
    await expect(badge).toHaveText('CAM');
    await expect(badge).toHaveAttribute('data-origin', 'imported');
    await expect(badge).toHaveAttribute('title', /imported · 16 f · json/);
    await expect(page.getByTestId('analysis-camera')).toContainText('imported');
    await expect(page.getByTestId('lens-unused')).toBeVisible();
  });

  await test.step('Analyze shot · KLT runs tracks → camera → depth → 3D tracks', async () => {
    await row.getByTestId('shot-menu-button').click();
    await page.getByTestId('analyze-klt').click();
    const job = page.locator('[data-testid="job-row"][data-type="analyze"]').first();
    await expect(job).toBeVisible();
    await expect(job.getByTestId('job-detail')).toContainText('tracks (KLT)');
    await screenshot(page, '02-analyze-running');
    await expect(job).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
    await expect(row.getByTestId('depth-badge')).toHaveText('DEP');
    await expect(row.getByTestId('tracks-badge')).toHaveText('TRK');
  });

  await test.step('the stage timings show all four stages with their messages and a total', async () => {
    const stages = page.getByTestId('stage-row');
    await expect(stages).toHaveCount(4);
    for (const [i, stage] of ['tracks', 'camera', 'depth', 'tracks3d'].entries()) {
      await expect(stages.nth(i)).toHaveAttribute('data-stage', stage);
      await expect(stages.nth(i)).toHaveAttribute('data-status', 'done');
      await expect(stages.nth(i).getByTestId('stage-seconds')).toHaveText(/^\d+(\.\d+)? s$/);
    }
    await expect(stages.nth(0).getByTestId('stage-message')).toContainText(/[\d,]+ tracks · KLT/);
    await expect(stages.nth(1).getByTestId('stage-message')).toContainText('imported camera');
    await expect(stages.nth(2).getByTestId('stage-message')).toHaveText(
      /plane sweep at 640×360 · \d+ % valid/,
    );
    await expect(stages.nth(3).getByTestId('stage-message')).toContainText('3D tracks');
    await expect(page.getByTestId('stage-total')).toContainText(/Total\s*\d+(\.\d+)? s/);
    await page
      .getByTestId('analysis-panel')
      .screenshot({ path: test.info().outputPath('stage-timings.png') });
  });

  await test.step('the depth overlay (D): false colour in the picture, with its legend', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('d');
    await expect(page.getByTestId('toggle-depth')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('depth-canvas')).toHaveAttribute('data-drawn-frame', '0', {
      timeout: 30_000,
    });
    const near = Number(await page.getByTestId('depth-near').textContent());
    const far = Number(await page.getByTestId('depth-far').textContent());
    expect(near).toBeGreaterThan(0);
    expect(far).toBeGreaterThan(near);
    await expect(page.getByTestId('depth-valid')).toHaveText(/^valid \d+ % · shot \d+ %$/);
    const r = await readDepth(page, shotId, 0);
    console.log(`depth readback at frame 0: ${JSON.stringify(r)}`);
    // Painted exactly over the picture's rectangle (±1 px of rounding), nowhere else.
    expect(Math.abs(r.painted.x0 - r.picture.x0)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.painted.x1 - r.picture.x1)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.painted.y0 - r.picture.y0)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.painted.y1 - r.picture.y1)).toBeLessThanOrEqual(1);
    expect(r.coloured / r.area).toBeGreaterThan(0.5);
    expect(r.hues).toBeGreaterThanOrEqual(4);
    // Near is warm and far is cool, at the places the depth route gives.
    expect(r.nearChecked).toBeGreaterThan(20);
    expect(r.nearWarm / r.nearChecked).toBeGreaterThan(0.9);
    expect(r.farChecked).toBeGreaterThan(20);
    expect(r.farCool / r.farChecked).toBeGreaterThan(0.9);
    await page.mouse.move(0, 0);
    await screenshot(page, '03-depth-overlay');
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('depth-overlay.png') });
    // With the depth blend slider focused, Home and End still move the playhead; the arrows nudge the blend.
    const blend = page.getByTestId('depth-opacity');
    const frameNumber = page.getByTestId('frame-number');
    await blend.focus();
    await page.keyboard.press('End');
    await expect(frameNumber).toHaveText(String(FRAMES - 1));
    await expect(blend).toHaveValue('1');
    await page.keyboard.press('ArrowLeft');
    await expect(blend).toHaveValue('0.95');
    await expect(frameNumber).toHaveText(String(FRAMES - 1));
    await page.keyboard.press('Home');
    await expect(frameNumber).toHaveText('0');
    await page.keyboard.press('ArrowRight');
    await expect(blend).toHaveValue('1');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    // It follows the playhead.
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('depth-canvas')).toHaveAttribute('data-drawn-frame', '1');
    await page.keyboard.press('d');
    await expect(page.getByTestId('depth-canvas')).toHaveCount(0);
    await page.keyboard.press('ArrowLeft');
  });

  await test.step('the depth overlay’s State view: measured / propagated / infinity / invalid, with shares', async () => {
    await page.keyboard.press('d');
    const canvas = page.getByTestId('depth-canvas');
    await expect(canvas).toHaveAttribute('data-mode', 'depth');
    await expect(canvas).toHaveAttribute('data-drawn-frame', '0');
    await page.getByTestId('depth-mode-state').click();
    await expect(page.getByTestId('depth-mode-state')).toHaveAttribute('aria-checked', 'true');
    await expect(canvas).toHaveAttribute('data-mode', 'state');
    const legend = page.getByTestId('depth-state-legend');
    for (const label of ['measured', 'propagated', 'infinity', 'invalid'])
      await expect(legend.getByTestId(`depth-state-${label}`)).toHaveText(new RegExp(`^${label}\\s*\\d+ %$`));
    await expect(legend).toHaveAttribute(
      'data-shares',
      /^measured \d+ % · propagated \d+ % · infinity \d+ % · invalid \d+ %$/,
    );
    const shares = Object.fromEntries(
      [...((await legend.getAttribute('data-shares')) ?? '').matchAll(/(\w+) (\d+) %/g)].map((m) => [
        m[1]!,
        Number(m[2]),
      ]),
    );
    console.log(`depth states at frame 0: ${JSON.stringify(shares)}`);
    const sum = Object.values(shares).reduce((a, v) => a + v, 0);
    expect(sum).toBeGreaterThanOrEqual(98);
    expect(sum).toBeLessThanOrEqual(102);
    // the first frame of the clip: its partner frames lie on one side only, so less is confirmed there
    expect(shares.measured).toBeGreaterThan(40);
    expect(shares.measured! + shares.propagated!).toBeGreaterThan(60);
    // This depth was made with states: no note that they were read off the depth.
    await expect(page.getByTestId('depth-state-derived')).toHaveCount(0);
    // The picture's rectangle in the states' colours (brightness aside: confidence sets the opacity over
    // black), in the shares the legend gives.
    const seen = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="depth-canvas"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours: Record<string, [number, number, number]> = {
        measured: [0, 158, 115],
        propagated: [240, 228, 66],
        infinity: [86, 180, 233],
        invalid: [213, 94, 0],
      };
      const n: Record<string, number> = { measured: 0, propagated: 0, infinity: 0, invalid: 0, other: 0 };
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3]! === 0) continue;
        const max = Math.max(d[i]!, d[i + 1]!, d[i + 2]!);
        if (max < 24) continue;
        let best = 'other';
        let bestErr = 0.12;
        for (const [k, [r, g, b]] of Object.entries(colours)) {
          const m = Math.max(r, g, b);
          const err =
            Math.abs(d[i]! / max - r / m) +
            Math.abs(d[i + 1]! / max - g / m) +
            Math.abs(d[i + 2]! / max - b / m);
          if (err < bestErr) {
            bestErr = err;
            best = k;
          }
        }
        n[best]!++;
      }
      return n;
    });
    console.log(`depth state colours read back: ${JSON.stringify(seen)}`);
    const painted = Object.values(seen).reduce((a, v) => a + v, 0);
    expect(seen.other! / painted).toBeLessThan(0.02);
    expect(Math.abs((100 * seen.measured!) / painted - shares.measured!)).toBeLessThan(5);
    expect(seen.invalid).toBeGreaterThan(0);
    await page.mouse.move(0, 0);
    await screenshot(page, '03b-depth-state');
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('depth-state.png') });
    // The State view follows the playhead too; back to Depth, the valid share shows again.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await expect(canvas).toHaveAttribute('data-drawn-frame', '1');
    await page.getByTestId('depth-mode-depth').click();
    await expect(canvas).toHaveAttribute('data-mode', 'depth');
    await expect(page.getByTestId('depth-valid')).toHaveText(/^valid \d+ % · shot \d+ %$/);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('d');
    await expect(canvas).toHaveCount(0);
    await page.keyboard.press('ArrowLeft');
  });

  await test.step('the 3D view: camera path, frusta and point cloud, rendered on demand', async () => {
    await page.getByTestId('view-3d').click();
    const canvas = page.getByTestId('scene-canvas');
    await expect(canvas).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
    await expect(canvas).toHaveAttribute('data-cameras', String(FRAMES));
    const points = Number(await canvas.getAttribute('data-points'));
    expect(points).toBeGreaterThan(1000);
    await expect(page.getByTestId('scene-info')).toContainText(
      /16 cameras · [\d,]+ points \([\d,]+ sparse\)\s*up \+Z/,
    );
    await page.waitForTimeout(300);
    const a = await readScene(page);
    console.log(`3D readback at frame 0: ${JSON.stringify(a)}`);
    expect(a.drawn).toBeGreaterThan(5000);
    expect(a.colours).toBeGreaterThan(20);
    expect(a.current).toBeGreaterThan(20);
    // On demand: an idle view draws nothing more.
    const idle = Number(await canvas.getAttribute('data-renders'));
    await page.waitForTimeout(600);
    expect(Number(await canvas.getAttribute('data-renders'))).toBe(idle);
    await page.mouse.move(0, 0);
    await screenshot(page, '04-3d-view');
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('analysis-3d.png') });
    // Closer, zoomed towards the playhead's camera: the path and its frusta.
    const view = await canvas.boundingBox();
    if (!view) throw new Error('the 3D canvas has no box');
    await page.mouse.move(view.x + a.currentAt[0], view.y + a.currentAt[1]);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -250);
    await page.waitForTimeout(300);
    await page.mouse.move(0, 0);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('analysis-3d-close.png') });
    await page.getByTestId('scene-frame-all').click();
    await page.waitForTimeout(200);
    // The highlighted camera follows the playhead along the arc.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('End');
    await expect(page.getByTestId('frame-number')).toHaveText(String(FRAMES - 1));
    await expect.poll(async () => Number(await canvas.getAttribute('data-renders'))).toBeGreaterThan(idle);
    await page.waitForTimeout(200);
    const b = await readScene(page);
    console.log(`3D readback at frame ${FRAMES - 1}: ${JSON.stringify(b)}`);
    expect(b.current).toBeGreaterThan(20);
    expect(Math.hypot(b.currentAt[0] - a.currentAt[0], b.currentAt[1] - a.currentAt[1])).toBeGreaterThan(3);
    // Orbiting redraws.
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the 3D canvas has no box');
    const before = Number(await canvas.getAttribute('data-renders'));
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 40, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => Number(await canvas.getAttribute('data-renders'))).toBeGreaterThan(before);
    await page.getByTestId('scene-frame-all').click();
    // Through the source camera: the cloud seen from where the frame was shot.
    await page.getByTestId('scene-look-through').click();
    await expect(canvas).toHaveAttribute('data-look-through', 'source');
    await page.waitForTimeout(300);
    const c = await readScene(page);
    console.log(`3D readback through camera ${FRAMES - 1}: ${JSON.stringify(c)}`);
    expect(c.drawn).toBeGreaterThan(a.drawn);
    await page.mouse.move(0, 0);
    await page.getByTestId('viewer').screenshot({ path: test.info().outputPath('look-through.png') });
    await page.getByTestId('scene-look-through').click();
    await page.getByTestId('view-picture').click();
    await expect(page.getByTestId('scene-canvas')).toHaveCount(0);
  });

  await test.step('Export camera… as a Nuke .chan through the dialog', async () => {
    await row.getByTestId('shot-menu-button').click();
    await page.getByTestId('export-camera').click();
    const dialog = page.getByTestId('camera-dialog');
    // It starts in the project's delivery folder, with the world up of the solved world (Blender's +Z).
    await expect(dialog.getByTestId('camera-folder')).toHaveValue(
      join(work, 'E2E Analysis.reshoot', 'delivery'),
    );
    await expect(dialog.getByTestId('camera-up-z')).toHaveAttribute('aria-checked', 'true');
    await dialog.getByTestId('camera-format-chan').click();
    await dialog.getByTestId('camera-browse').click();
    await browseTo(page, work);
    await expect(dialog.getByTestId('camera-folder')).toHaveValue(work);
    await dialog.getByTestId('camera-name').fill('orbit_short.chan');
    const target = join(work, 'orbit_short.chan');
    await expect(dialog.getByTestId('camera-target')).toHaveText(target);
    await screenshot(page, '05-export-camera');
    await dialog.getByTestId('camera-submit').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('notice-info').last()).toContainText(`Exported ${FRAMES} cameras`);
    expect(existsSync(target)).toBe(true);
    const lines = readFileSync(target, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(FRAMES);
    // `frame tx ty tz rx ry rz vfov`, Nuke's Y-up world: Blender's (x, y, z) is written as (x, z, −y).
    const rows = lines.map((l) => l.trim().split(/\s+/).map(Number));
    rows.forEach((r, i) => {
      expect(r).toHaveLength(8);
      expect(r[0]).toBe(i + 1);
    });
    const first = (JSON.parse(readFileSync(cameras, 'utf8')) as { frames: { C: number[] }[] }).frames[0]!.C;
    expect(rows[0]![1]).toBeCloseTo(first[0]!, 4);
    expect(rows[0]![2]).toBeCloseTo(first[2]!, 4);
    expect(rows[0]![3]).toBeCloseTo(-first[1]!, 4);
  });

  expect(pageErrors.list, 'no errors in the page console').toEqual([]);
});
