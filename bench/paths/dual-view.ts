/// <reference lib="dom" />
/**
 * The dual view's paired tracks (issue 13 item 6: "5,000 tracks with 12-frame trails at ≥ 50 fps in
 * headless Chromium"). The app's own drawing code (src-renderer/src/lib/paired-draw.ts drawPaired),
 * bundled with esbuild, draws a synthetic window of 5,000 tracks (random walks over 60 frames; a third of
 * them occluded, some out of frame or behind the camera) on both sides of the dual view — two canvases of
 * a 1440×900 window's viewer panes — frame after frame in Debian's Chromium, headless, as the E2E tests run
 * it. Timed: the draw of one frame on both sides (median over 240 frames after a warm-up), and the frame
 * rate of an animation that draws both sides on every requestAnimationFrame for 3 s (at most the display
 * rate: 60 Hz headless). The baseline in the same run: the same animation drawing nothing.
 *
 *   npx tsx bench/paths/dual-view.ts [--tracks 5000] [--write]
 */
import { build } from 'esbuild';
import os from 'node:os';
import { chromium } from '@playwright/test';
import type { drawPaired } from '../../src-renderer/src/lib/paired-draw';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const argv = process.argv.slice(2);
const TRACKS = Number(argv[argv.indexOf('--tracks') + 1] ?? 5000) || 5000;

const bundle = await build({
  stdin: {
    contents: `import { drawPaired } from './src-renderer/src/lib/paired-draw'; (globalThis as any).drawPaired = drawPaired;`,
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  format: 'iife',
  write: false,
  logLevel: 'error',
});
const code = bundle.outputFiles[0]!.text;

const browser = await chromium.launch({
  executablePath: process.env.RESHOOT_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.setContent('<canvas id="a"></canvas><canvas id="b"></canvas>');
  await page.addScriptTag({ content: code });
  // tsx compiles the function below with esbuild's name helper; the page needs it defined
  await page.addScriptTag({ content: 'window.__name = (f) => f;' });
  const r = await page.evaluate(async (N) => {
    const T = 60;
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const W = 1920,
      H = 1080;
    const sourceXY = new Float32Array(2 * N * T);
    const targetXY = new Float32Array(2 * N * T);
    const flags = new Uint8Array(N * T);
    for (let k = 0; k < N; k++) {
      let x = rnd() * W,
        y = rnd() * H;
      const state = rnd();
      for (let t = 0; t < T; t++) {
        x += rnd() * 6 - 3;
        y += rnd() * 6 - 3;
        const i = t * N + k;
        sourceXY[2 * i] = x;
        sourceXY[2 * i + 1] = y;
        targetXY[2 * i] = x * 0.9 + 40;
        targetXY[2 * i + 1] = y * 0.9 + 20;
        flags[i] = state < 0.6 ? 15 : state < 0.9 ? 7 : state < 0.96 ? 3 : 1;
      }
    }
    const w = {
      width: W,
      height: H,
      start: 0,
      count: T,
      trackIds: Array.from({ length: N }, (_, k) => k),
      dynamic: new Array(N).fill(0),
      sourceXY,
      targetXY,
      flags,
    };
    // the viewer's panes at 1440×900: about 560×315 of picture each
    const canvases = ['a', 'b'].map((id) => {
      const c = document.getElementById(id) as HTMLCanvasElement;
      c.width = 560;
      c.height = 315;
      return c.getContext('2d', { willReadFrequently: true })!;
    });
    const rect = { x: 0, y: 0, w: 560, h: 315 };
    const draw = (f: number, settle: boolean) => {
      canvases.forEach((ctx, i) => {
        ctx.clearRect(0, 0, 560, 315);
        (globalThis as unknown as { drawPaired: typeof drawPaired }).drawPaired(
          ctx,
          w,
          f,
          i === 0 ? 'source' : 'target',
          rect,
          1,
          17,
        );
      });
      // for the timed draws: make the raster happen inside the timing (the animation, like the app, does not)
      if (settle) canvases[1]!.getImageData(0, 0, 1, 1);
    };
    for (let f = 12; f < 40; f++) draw(f, true);
    const times: number[] = [];
    for (let k = 0; k < 240; k++) {
      const t0 = performance.now();
      draw(12 + (k % 48), true);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const rate = (withDraw: boolean) =>
      new Promise<number>((resolve) => {
        let n = 0;
        const start = performance.now();
        const tick = () => {
          if (withDraw) draw(12 + (n % 48), false);
          n++;
          if (performance.now() - start < 3000) requestAnimationFrame(tick);
          else resolve((n / (performance.now() - start)) * 1000);
        };
        requestAnimationFrame(tick);
      });
    const idle = await rate(false);
    const drawing = await rate(true);
    return { median: times[120]!, p90: times[216]!, idle, drawing };
  }, TRACKS);
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `${TRACKS} tracks, both sides: draw median ${r.median.toFixed(2)} ms (p90 ${r.p90.toFixed(2)}), animation ${r.drawing.toFixed(1)} fps (idle ${r.idle.toFixed(1)} fps)`,
  );
  const version = browser.version();
  await writeBenchmarkSection(
    'Dual view: paired tracks',
    `## Dual view: paired tracks

Machine: ${os.cpus().length}-core ${os.arch()} (${os.cpus()[0]?.model ?? 'unknown CPU'}), no GPU; Chromium ${version} headless (\`--use-angle=swiftshader\`), as the E2E tests run it. Date ${new Date().toISOString().slice(0, 10)}. 1-minute load average at the end: ${load}.
Command: \`npx tsx bench/paths/dual-view.ts --tracks ${TRACKS} --write\`. The app's drawing code (src-renderer/src/lib/paired-draw.ts \`drawPaired\`) draws ${TRACKS.toLocaleString('en-US')} tracks with 12-frame trails (a synthetic window: random walks, 60 % visible, 30 % occluded, the rest out of frame or behind the camera) on both sides of the dual view (two 560×315 canvases, the panes of a 1440×900 window), one track highlighted.

| what | figure |
| --- | ---: |
| draw of one frame, both sides (median of 240 frames; p90) | ${r.median.toFixed(2)} ms (${r.p90.toFixed(2)} ms) |
| frames per second, drawing both sides on every animation frame for 3 s | ${r.drawing.toFixed(1)} |
| frames per second of the same animation drawing nothing (the display rate: the baseline) | ${r.idle.toFixed(1)} |

- Goal (issue 13: 5,000 tracks with 12-frame trails at ≥ 50 fps in headless Chromium): ${TRACKS >= 5000 && r.drawing >= 50 ? '**met**' : '**not met**'} — ${r.drawing.toFixed(1)} fps, ${((100 * r.drawing) / r.idle).toFixed(0)} % of the display rate; the draw alone would allow ${(1000 / r.median).toFixed(0)} fps.
`,
  );
} finally {
  await browser.close();
}
