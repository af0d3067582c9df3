/**
 * Render memory at 4K (issue 14 item 5: "memory bounded for 4K frames"): a 3840×2160 target rendered from a
 * 5-frame window of 3840×2160 sources (synthetic: a textured wall at a known depth, its depth on the
 * analysis grid of a 4K shot, 640×360), through the render job's worker pool, writing every frame's files.
 * Reports the process's peak resident memory (workers included: they are threads of this process) before
 * and after rendering `--frames` frames, so a leak per frame would show as growth with the frame count.
 *
 *   node --expose-gc --import tsx bench/render/memory.ts [--frames 12] [--write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quatIdentity, type Camera } from '../../src-shared/geometry';
import { RenderWorkers } from '../../src-main/render/render-workers';
import { REPROJECTION_SETTINGS } from '../../src-main/render/renders';
import type { PlateSource } from '../../src-main/render/reproject';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const argv = process.argv.slice(2);
const frames = Number(argv[argv.indexOf('--frames') + 1] ?? 12) || 12;
const W = 3840,
  H = 2160,
  DW = 640,
  DH = 360;
const K = { width: W, height: H, fx: 3000, fy: 3000, cx: W / 2, cy: H / 2 };
const cam = (x: number): Camera => ({ C: [x, 0, 0], q: quatIdentity(), intrinsics: K });
const mb = (b: number) => (b / 2 ** 20).toFixed(0);

function source(x: number): PlateSource {
  const colour = new Uint16Array(new SharedArrayBuffer(W * H * 6));
  for (let p = 0, n = W * H; p < n; p++) {
    const px = p % W,
      py = (p / W) | 0;
    colour[3 * p] = (px * 17) & 0xffff;
    colour[3 * p + 1] = (py * 29) & 0xffff;
    colour[3 * p + 2] = ((px ^ py) * 13) & 0xffff;
  }
  return {
    camera: cam(x),
    width: W,
    height: H,
    colour,
    depthWidth: DW,
    depthHeight: DH,
    depth: new Float32Array(DW * DH).fill(6),
    infinity: null,
  };
}

const sources = [0, -0.05, 0.05, -0.1, 0.1].map(source);
const out = mkdtempSync(path.join(os.tmpdir(), 'reshoot-bench-render-memory-'));
const workers = new RenderWorkers();
const settings = { ...REPROJECTION_SETTINGS, window: 5, fill: 'none' as const, primary: true };
const gc = (globalThis as { gc?: () => void }).gc;
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const rssAfter: number[] = [];
const t0 = performance.now();
try {
  for (let i = 0; i < frames; i++) {
    await workers.render(i, cam(0.02 + 0.001 * i), sources, settings, out);
    gc?.();
    rssAfter.push(process.memoryUsage().rss);
  }
} finally {
  clearInterval(sample);
  await workers.close();
  rmSync(out, { recursive: true, force: true });
}
const seconds = (performance.now() - t0) / 1000;
const maxRss = process.resourceUsage().maxRSS * 1024;
const sourcesBytes = sources.length * W * H * 6;
console.log(
  `${frames} 4K frames in ${seconds.toFixed(1)} s; sources ${mb(sourcesBytes)} MB; peak RSS ${mb(maxRss)} MB; ` +
    `RSS after frame 1 ${mb(rssAfter[0]!)} MB, after frame ${frames} ${mb(rssAfter.at(-1)!)} MB`,
);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
await writeBenchmarkSection(
  'Render memory at 4K',
  `## Render memory at 4K

Machine: ${os.cpus().length}-core ${os.arch()} (${cpu}), no GPU, Node ${process.versions.node}. Date ${new Date().toISOString().slice(0, 10)}.
Command: \`node --expose-gc --import tsx bench/render/memory.ts --frames ${frames} --write\`. A 3840×2160 target rendered from a 5-frame window of synthetic 3840×2160 sources (16-bit colour in shared memory, as the render job holds it; depth at a 4K shot's 640×360 analysis grid) by the render job's worker pool (${workers.size} threads), each frame's 16-bit PNG, mask and depth written. Peak resident memory of the whole process (the workers are its threads).

| what | MB |
| --- | ---: |
| the window's five source frames (16-bit RGB) | ${mb(sourcesBytes)} |
| peak resident memory while rendering ${frames} frames | ${mb(maxRss)} |
| resident memory after frame 1 / after frame ${frames} (no growth per frame) | ${mb(rssAfter[0]!)} / ${mb(rssAfter.at(-1)!)} |

${frames} frames in ${seconds.toFixed(1)} s. In a project the render job also keeps decoded source frames for the next windows, at most 768 MB of them (src-main/render/plate-sources.ts), and at most 16 depth maps; nothing it holds grows with the length of the shot.
`,
);
