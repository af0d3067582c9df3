/**
 * Source camera on long shots: synthetic forward drives (tests/integration/camera/synthetic.ts
 * `forwardDrive`: a road 100 m per 400 frames, 150 tracks visible per frame, tracks dying and being born,
 * 0.3 px noise, focal given) of 250, 500 and 1000 frames, the same density per frame. Each solve runs in a
 * child process of its own so that its peak RSS is its own; --runs times per length (default 3), medians.
 * Prints the solve's time per frame, peak RSS and heap, and the drift (ATE after Sim(3) as % of the
 * path), and how time per frame grows with length (1000 vs 250 frames: a solve linear in time gives ≈ 1).
 * Run from the project root: npx tsx bench/camera/long-shot.ts [--frames 250,500,1000,2000] [--runs N]
 *   [--timeout-s S] [--write]
 * With --write, replaces the "## Source camera on long shots" section of docs/BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { trajectoryMetrics } from '../../src-shared/geometry';
import { solveCamera } from '../../src-main/analysis/camera';
import { forwardDrive } from '../../tests/integration/camera/synthetic';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const HEADING = 'Source camera on long shots';
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};

/** What one solve in a child process reports. */
interface Run {
  frames: number;
  tracks: number;
  /** Tracks the solve used (diagnostics.usableTracks: it keeps at most maxTracks, the longest) and its 3D points. */
  used: number;
  points: number;
  trackSetMb: number;
  solveMs: number;
  status: string;
  posed: number;
  /** ATE / path length over the posed frames (NaN when fewer than 3). */
  drift: number;
  /** Resident set before the solve (shot generated) and the process's peak, MB. */
  rssBeforeMb: number;
  peakRssMb: number;
  /** Largest heapUsed seen at the solve's progress reports and every 50 ms, MB. */
  peakHeapMb: number;
}

const MB = 1 / (1024 * 1024);

async function child(frames: number): Promise<void> {
  const shot = forwardDrive({ frames });
  const { set } = shot;
  const trackSetMb = (set.xy.byteLength + set.visible.byteLength + set.confidence.byteLength) * MB;
  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const timer = setInterval(sample, 50);
  const rssBeforeMb = process.memoryUsage().rss * MB;
  const t0 = performance.now();
  const solve = await solveCamera(set, { focalPx: shot.focal, onProgress: sample });
  const solveMs = performance.now() - t0;
  sample();
  clearInterval(timer);
  const idx = solve.poses.map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
  const drift =
    idx.length >= 3
      ? trajectoryMetrics(
          idx.map((i) => solve.poses[i]!),
          idx.map((i) => shot.poses[i]!),
        ).ateRelative
      : NaN;
  const run: Run = {
    frames,
    tracks: set.numTracks,
    used: solve.diagnostics.usableTracks,
    points: solve.diagnostics.points,
    trackSetMb,
    solveMs,
    status: solve.status,
    posed: idx.length,
    drift,
    rssBeforeMb,
    peakRssMb: process.resourceUsage().maxRSS * 1024 * MB,
    peakHeapMb: peakHeap * MB,
  };
  process.stdout.write(`RESULT ${JSON.stringify(run)}\n`);
}

function runChild(frames: number, timeoutS: number): Promise<Run | string> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(frames)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutS * 1000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice(7)) as Run);
      else resolve(signal === 'SIGKILL' ? `timed out after ${timeoutS} s` : `exited with ${code ?? signal}`);
    });
  });
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] ?? NaN;

async function main(): Promise<void> {
  const lengths = arg('--frames', '250,500,1000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const runs = Number(arg('--runs', '3'));
  const timeoutS = Number(arg('--timeout-s', '1200'));
  const loads: number[] = [];
  const rows: string[] = [];
  const perFrame = new Map<number, number>();
  for (const frames of lengths) {
    const ok: Run[] = [];
    const failures: string[] = [];
    for (let r = 0; r < runs; r++) {
      const res = await runChild(frames, timeoutS);
      loads.push(os.loadavg()[0]!);
      if (typeof res === 'string') failures.push(res);
      else ok.push(res);
      console.log(
        typeof res === 'string'
          ? `${frames} frames, run ${r + 1}: ${res}`
          : `${frames} frames, run ${r + 1}: ${res.status}, ${res.posed}/${frames} posed, ${res.used} of ${res.tracks} tracks used, solve ${(res.solveMs / 1000).toFixed(1)} s ` +
              `(${(res.solveMs / frames).toFixed(1)} ms/frame), peak RSS ${res.peakRssMb.toFixed(0)} MB ` +
              `(${res.rssBeforeMb.toFixed(0)} before the solve), peak heap ${res.peakHeapMb.toFixed(0)} MB, drift ${(100 * res.drift).toFixed(3)} %`,
      );
    }
    if (!ok.length) {
      rows.push(`| ${frames} | — | — | — | — | — | — | — | — | ${failures.join('; ')} |`);
      continue;
    }
    const ms = median(ok.map((r) => r.solveMs));
    perFrame.set(frames, ms / frames);
    const first = ok[0]!;
    rows.push(
      `| ${frames} | ${first.tracks} (${first.trackSetMb.toFixed(0)} MB) | ${first.used} / ${first.points} | ${(ms / 1000).toFixed(1)} (${ok.map((r) => (r.solveMs / 1000).toFixed(1)).join(', ')}) | ` +
        `${(ms / frames).toFixed(1)} | ${median(ok.map((r) => r.peakRssMb)).toFixed(0)} (${median(ok.map((r) => r.rssBeforeMb)).toFixed(0)}) | ` +
        `${median(ok.map((r) => r.peakHeapMb)).toFixed(0)} | ${ok.map((r) => `${r.posed}/${frames}`).join(', ')} | ` +
        `${(100 * median(ok.map((r) => r.drift))).toFixed(3)} % | ${[...new Set(ok.map((r) => r.status))].join(', ')}${failures.length ? `; ${failures.join('; ')}` : ''} |`,
    );
  }
  const a = perFrame.get(250),
    b = perFrame.get(1000);
  const growth =
    a && b
      ? `Time per frame, 1000 vs 250 frames: ${(b / a).toFixed(2)}× (a solve linear in the shot's length gives ≈ 1×): ` +
        (b / a <= 1.5
          ? 'does not grow with length (goal ≤ 1.5×: met).'
          : 'grows with length (goal ≤ 1.5×: not met).')
      : `Time per frame, 1000 vs 250 frames: not measured (${
          lengths.includes(250) && lengths.includes(1000) ? 'a length did not finish' : 'run both lengths'
        }).`;
  const table = `## ${HEADING}

Machine: ${os.cpus().length}-core ${os.arch()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), no GPU, Node ${process.versions.node}.
Date: ${new Date().toISOString().slice(0, 10)}. Command: \`npx tsx bench/camera/long-shot.ts --frames ${lengths.join(',')} --runs ${runs} --write\`. 1-minute load average after each run: ${loads.map((l) => l.toFixed(1)).join(', ')}.
Input: synthetic forward drives (tests/integration/camera/synthetic.ts \`forwardDrive\`): 0.25 m per frame down a straight road with houses and trees either side, weaving ±0.6 m, 150 tracks visible in every frame (born as others leave the view, at most 60 frames long, 1 % lost per frame), 0.3 px noise, 640×360, focal given. Each solve runs in a child process of its own; ${runs === 1 ? 'one run' : `medians of ${runs} runs`}.
Peak RSS is the child's (the dense track set, N tracks × T frames, is part of it: the RSS before the solve is in brackets); peak heap is sampled at the solve's progress reports and every 50 ms. Drift = ATE after Sim(3) alignment as % of the path length (src-shared/geometry trajectoryMetrics), over the posed frames.

| frames | tracks (track set) | tracks used / 3D points | solve s, median (runs) | ms / frame | peak RSS MB (before the solve) | peak heap MB | posed | drift | status |
| -----: | -----------------: | ----------------------: | ---------------------- | ---------: | -----------------------------: | -----------: | ----- | ----: | ------ |
${rows.join('\n')}

${growth}
`;
  console.log(`\n${table}`);
  await writeBenchmarkSection(HEADING, table);
}

if (args[0] === '--child') await child(Number(args[1]));
else await main();
