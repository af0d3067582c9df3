/**
 * "Track shot" as the app runs it: the job through the job runner, in chunks of TRACK_CHUNK_FRAMES with
 * their saved states and observation files, tracking workers from the build (like the packaged app),
 * XFeat's model in its inference worker. On ../shared/media/02_dashcam_highway.mp4 (all frames), KLT and
 * XFeat, median of RUNS jobs each. The tracker alone is measured by track-fps.ts.
 * Run from the project root after `npm run build:main`: npx tsx bench/tracking/track-job-fps.ts [--write]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { AppCore, createHandlers } from '../../src-main/api';
import { TRACK_CHUNK_FRAMES } from '../../src-main/analysis/track-job';
import { trackSessionCounts } from '../../src-main/analysis/track-session';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const CLIP = resolve('../shared/media/02_dashcam_highway.mp4');
const RUNS = 3;
const workers = resolve('dist/main/workers');
if (!existsSync(join(workers, 'track.worker.js')))
  throw new Error(`${workers}: run 'npm run build:main' first`);
process.env.RESHOOT_WORKERS_DIR = workers;
const dir = mkdtempSync(join(os.tmpdir(), 'reshoot-bench-job-'));
process.env.RESHOOT_MODELS_DIR = join(dir, 'models');
const loadAtStart = os.loadavg();
const core = new AppCore({ mode: 'web', configDir: join(dir, 'config') });
const api = createHandlers(core);
await api['models.add']({ id: 'xfeat', path: resolve('../shared/models/xfeat'), allowUnverified: false });
await api['project.create']({ parentDir: dir, name: 'bench' });
const [shot] = (await api['shots.import']({ paths: [CLIP], skipBad: false })).imported;
await core.require().runner.whenIdle();
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] ?? NaN;
const rows: string[] = [];
for (const method of ['klt', 'xfeat'] as const) {
  const fps: number[] = [];
  let detail = '';
  let chunks = 0;
  const before = trackSessionCounts().started;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const job = await api['jobs.start']({ type: 'track', shotId: shot!.id, method });
    await core.require().runner.whenIdle();
    const ms = performance.now() - t0;
    const j = (await api['jobs.list']()).find((k) => k.id === job.id)!;
    if (j.status !== 'done') throw new Error(`${method}: ${j.status} ${j.error ?? ''}`);
    detail = j.detail ?? '';
    chunks = core.require().project.jobs.chunks(job.id).length;
    fps.push((1000 * shot!.frameCount) / ms);
  }
  const started = trackSessionCounts().started - before;
  rows.push(
    `| ${method} | ${detail} | ${shot!.frameCount} | ${chunks} | ${started / RUNS} | ${median(fps).toFixed(1)} | ${fps.map((f) => f.toFixed(1)).join(', ')} |`,
  );
}
await core.closeProject();
rmSync(dir, { recursive: true, force: true });

const section = `## Track shot job

The job as the app runs it (job runner, chunks of ${TRACK_CHUNK_FRAMES} frames with their saved states and
observation files, built workers, XFeat's model in its inference worker), on
\`../shared/media/02_dashcam_highway.mp4\` (all ${shot!.frameCount} frames, tracked at the analysis size),
median of ${RUNS} jobs per method; fps = frames / the job's wall time from start to done. The tracker
alone is in "2D point tracking" above.

Machine: 2-core x86_64 (${os.cpus()[0]?.model ?? 'unknown CPU'}), no GPU, Node ${process.versions.node}. Date:
${new Date().toISOString().slice(0, 10)}. Command: \`npm run build:main && npx tsx bench/tracking/track-job-fps.ts --write\`.
Load average (1/5/15 min) at start: ${loadAtStart.map((v) => v.toFixed(2)).join(' / ')}.

| method | job | frames | chunks | workers started per job | fps (median) | runs |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

- One tracking worker serves all the chunks of a job (one decoder pass, the model loaded once, the
  tracker's code compiled once); it continues from each chunk's saved state exactly as a worker started
  there would, which is what a resumed job does.
- Before that, a new worker per chunk (a new ffmpeg seeking to the chunk, the model loaded again, the
  tracker's code compiled again). This benchmark run on that code (commit 27f6e11, in a worktree,
  2026-11-21, right before the run that wrote the table above): KLT 16.1 fps (runs 14.7, 16.1, 16.4),
  XFeat 35.3 fps (34.8, 35.3, 39.8). A chunk's start then cost about 0.5–0.8 s against 0.5 s of XFeat
  tracking.
`;
console.log(section);
await writeBenchmarkSection('Track shot job', section);
