/**
 * Render quality on ground truth (issue 14 item 6). For orbit_a → orbit_a_target and dolly_a →
 * dolly_a_target (../shared/gt: the same scene rendered by Blender along another camera path, with the true
 * frames): a project imports the shot, its *true* source camera and the target path, analyses the shot
 * (Reshoot's own depth), renders the path through the render job (window 5, no fill), and every rendered
 * frame is scored against the true target frame: masked PSNR and SSIM over the pixels the mask calls seen
 * (fill none: nothing is filled), and the share of the frame seen. As the upper bound in the same run, the
 * same reprojection with the *true* source depth and the true source frames (PNG). The README of each target
 * shot gives what the true *target* depth allows (its own figure, quoted, not measured here).
 *
 *   npx tsx bench/render/gt-quality.ts [--shots orbit_a,dolly_a] [--keep DIR] [--write]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppCore, createHandlers } from '../../src-main/api';
import { frameFiles, renderDir } from '../../src-main/render';
import { reprojectFrame } from '../../src-main/render/reproject';
import { scaleIntrinsics, type CoverageSource } from '../../src-shared/geometry';
import { chooseWindow } from '../../src-main/render/render-window';
import { REPROJECTION_SETTINGS } from '../../src-main/render/renders';
import { maskedPsnr, maskedSsim } from '../../src-shared/image';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';
import { GT_DIR, gtSource, loadGtShot, type GtShot } from './gt-inputs';

const argv = process.argv.slice(2);
const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const shots = (opt('--shots') ?? 'orbit_a,dolly_a').split(',');
const keep = opt('--keep');
const WINDOW = 5;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Score {
  psnr: number;
  ssim: number;
  seen: number;
  worstSeen: number;
}

function score(frames: { colour: Uint16Array; mask: Uint8Array }[], truth: GtShot): Score {
  const layout = { width: truth.width, height: truth.height, channels: 3 as const, peak: 65535 };
  const ps: number[] = [],
    ss: number[] = [],
    seen: number[] = [];
  frames.forEach((f, i) => {
    ps.push(maskedPsnr(f.colour, truth.frames[i]!, f.mask, layout).psnr);
    ss.push(maskedSsim(f.colour, truth.frames[i]!, f.mask, layout).ssim);
    let n = 0;
    for (let p = 0; p < f.mask.length; p++) if (f.mask[p] !== 0) n++;
    seen.push(n / f.mask.length);
  });
  return { psnr: mean(ps), ssim: mean(ss), seen: mean(seen), worstSeen: Math.min(...seen) };
}

/** Reshoot end to end: a project, its analysis (own depth) and a render job. */
async function ownDepth(
  name: string,
  work: string,
): Promise<{ score: Score; seconds: number; analysis: number; reused: number }> {
  const dir = path.join(work, name);
  const fresh = !existsSync(path.join(dir, `${name}.reshoot`));
  mkdirSync(dir, { recursive: true });
  const core = new AppCore({ mode: 'web', configDir: path.join(dir, 'config') });
  const api = createHandlers(core);
  let analysis = NaN;
  if (fresh) {
    await api['project.create']({ parentDir: dir, name });
    const shotId = (
      await api['shots.import']({ paths: [path.join(GT_DIR, name, 'shot.mp4')], skipBad: false })
    ).imported[0]!.id;
    await core.require().runner.whenIdle();
    await api['shots.importCamera']({ shotId, path: path.join(GT_DIR, name, 'cameras.json'), worldUp: 'z' });
    const t = performance.now();
    await api['jobs.start']({ type: 'analyze', shotId });
    await core.require().runner.whenIdle();
    analysis = (performance.now() - t) / 1000;
    await api['paths.import']({
      shotId,
      name: 'target',
      path: path.join(GT_DIR, `${name}_target`, 'cameras.json'),
      worldUp: 'z',
    });
  } else await api['project.open']({ path: path.join(dir, `${name}.reshoot`) });
  const project = core.require().project;
  const shot = project.shots.list()[0]!;
  const target = (await api['paths.list']({ shotId: shot.id })).find((p) => p.name === 'target')!;
  const t = performance.now();
  const { render } = await api['renders.start']({ pathId: target.id, window: WINDOW });
  await core.require().runner.whenIdle();
  const seconds = (performance.now() - t) / 1000;
  const done = (await api['renders.list']({ shotId: shot.id })).find((r) => r.id === render.id)!;
  if (done.status !== 'done') throw new Error(`${name}: the render ended ${done.status}: ${done.message}`);
  const vdir = renderDir(project, shot.id, target.id, render.version);
  const truth = loadGtShot(`${name}_target`);
  const frames = truth.cameras.map((_, f) => {
    const files = frameFiles(vdir, f);
    const rgb = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', files.colour, '-f', 'rawvideo', '-pix_fmt', 'rgb48le', '-'],
      { maxBuffer: 1 << 30 },
    );
    const mask = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', files.mask, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
      { maxBuffer: 1 << 30 },
    );
    return {
      colour: new Uint16Array(rgb.buffer, rgb.byteOffset, rgb.length / 2),
      mask: new Uint8Array(mask),
    };
  });
  await core.closeProject();
  return { score: score(frames, truth), seconds, analysis, reused: done.reused };
}

/** The same reprojection and window choice with the true source depth and frames. */
async function trueDepth(name: string): Promise<Score> {
  const source = loadGtShot(name);
  const truth = loadGtShot(`${name}_target`);
  const sources = source.cameras.map((_, i) => gtSource(source, i));
  const coarse: CoverageSource[] = sources.map((s) => ({
    camera: { ...s.camera, intrinsics: scaleIntrinsics(s.camera.intrinsics, s.depthWidth / s.width) },
    width: s.depthWidth,
    height: s.depthHeight,
    depth: s.depth,
    infinity: s.infinity!,
  }));
  const medians = source.depths.map((d) => {
    const v = [...d].filter((z) => z > 0).sort((a, b) => a - b);
    return v[v.length >> 1] ?? 0;
  });
  const frames = [];
  for (let f = 0; f < truth.cameras.length; f++) {
    const cam = truth.cameras[f]!;
    // the product's window choice (render-window.ts) on the true depth
    const w = await chooseWindow(cam, WINDOW, f, {
      cameras: source.cameras,
      sceneDepths: medians,
      coarse: (i) => Promise.resolve(coarse[i]!),
      stride: 1,
    });
    frames.push(
      reprojectFrame(
        cam,
        w.frames.map((i) => sources[i]!),
        { ...REPROJECTION_SETTINGS, primary: w.primary },
      ),
    );
  }
  return score(frames, truth);
}

const work = keep ?? mkdtempSync(path.join(os.tmpdir(), 'reshoot-bench-render-'));
const rows: string[] = [];
try {
  for (const name of shots) {
    const own = await ownDepth(name, work);
    const upper = await trueDepth(name);
    const readme = readFileSync(path.join(GT_DIR, `${name}_target`, 'README.md'), 'utf8');
    const ref = /gives ([\d.]+) dB masked PSNR with ([\d.]+) % (?:of the frame )?covered/.exec(readme);
    const line = (what: string, s: Score) =>
      `| ${name} | ${what} | ${s.psnr.toFixed(2)} dB | ${s.ssim.toFixed(3)} | ${(100 * s.seen).toFixed(1)} % | ${(100 * s.worstSeen).toFixed(1)} % |`;
    rows.push(line("Reshoot's own depth (analysis → render job)", own.score));
    rows.push(line('true source depth and frames (upper bound of this renderer)', upper));
    rows.push(
      `| ${name} | README: true *target* depth looked up in the true source frames (±3) | ${ref?.[1] ?? '?'} dB | — | ${ref?.[2] ?? '?'} % | — |`,
    );
    console.log(rows.slice(-3).join('\n'));
    console.log(
      `${name}: render job ${own.seconds.toFixed(1)} s for 48 frames` +
        (own.reused > 0
          ? ` (${own.reused} reused from an earlier run of this benchmark)`
          : ` (${(48 / own.seconds).toFixed(1)} frames/s, 640×360, files written)`) +
        (Number.isFinite(own.analysis) ? `, analysis ${own.analysis.toFixed(1)} s` : ''),
    );
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
await writeBenchmarkSection(
  'Render quality on ground truth',
  `## Render quality on ground truth

Machine: ${os.cpus().length}-core ${os.arch()} (${cpu}), no GPU, Node ${process.versions.node}. Date ${new Date().toISOString().slice(0, 10)}.
Command: \`npx tsx bench/render/gt-quality.ts --write\`. Each source shot (640×360, 48 frames) is imported with its true camera, analysed by Reshoot (its own depth: plane sweep, no depth model) and rendered along the \`_target\` shot's path by the render job (window ${WINDOW}, fill none); every frame is scored against the true target frame over the pixels the mask calls seen (PSNR over RGB, SSIM on BT.709 luma, src-shared/image/metrics.ts). "Seen" is the share of the frame the mask calls seen (sky included), mean and worst frame. The upper bound runs the same reprojection and window choice with the true source depth (320×180) and the true PNG frames. The last row per shot is the README's own figure for what the true target geometry allows (quoted).

| shot | depth | masked PSNR | masked SSIM | seen (mean) | seen (worst frame) |
| --- | --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`,
);
