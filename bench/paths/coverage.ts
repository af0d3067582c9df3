/**
 * Coverage of a target path (issue 13 item 7: "a 240-frame 1080p shot's strip in under 2 s"), through the
 * API the app and `reshoot path coverage` call. The shot: 240 frames at 1920×1080 (ffmpeg's test pattern:
 * coverage reads cameras and depth, not pixels) with the camera of the synthetic room of
 * tests/integration/depth/long-shot-scene.ts, its exact depth at the analysis grid (640×360) written as
 * the analysis writes it (float16 + states), and the room's sparse points. Timed: `paths.coverage` of a
 * dolly preset and of a relative arc (medians of --runs), and, as the floor in the same run, reading and
 * decoding the 240 depth maps alone.
 *
 *   npx tsx bench/paths/coverage.ts [--runs 5] [--write]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppCore, createHandlers } from '../../src-main/api';
import {
  decodeFloat16,
  encodeFloat16,
  float16FromBytesLE,
  float16ToBytesLE,
} from '../../src-main/analysis/depth/float16';
import { serializeCamerasJson } from '../../src-shared/geometry';
import { DepthState, encodeDepthState } from '../../src-shared/depth-layout';
import {
  camerasDocument,
  longShot,
  truthDepth,
  writeSparsePoints,
} from '../../tests/integration/depth/long-shot-scene';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 5) || 5;
const FRAMES = 240;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const work = mkdtempSync(path.join(os.tmpdir(), 'reshoot-bench-coverage-'));
try {
  const video = path.join(work, 'shot.mp4');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=24'],
    ...['-frames:v', String(FRAMES), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video],
  ]);
  const shot = longShot(1920, 1080, FRAMES);
  const grid = longShot(640, 360, FRAMES);
  writeFileSync(path.join(work, 'cameras.json'), serializeCamerasJson(camerasDocument(shot)));

  const core = new AppCore({ mode: 'web', configDir: path.join(work, 'config') });
  const api = createHandlers(core);
  await api['project.create']({ parentDir: work, name: 'Coverage' });
  const shotId = (await api['shots.import']({ paths: [video], skipBad: false })).imported[0]!.id;
  await core.require().runner.whenIdle();
  await api['shots.importCamera']({ shotId, path: path.join(work, 'cameras.json'), worldUp: 'z' });
  const project = core.require().project;
  mkdirSync(path.dirname(project.paths.depthFrame(shotId, 0)), { recursive: true });
  mkdirSync(path.dirname(project.paths.sparsePoints(shotId)), { recursive: true });
  await writeSparsePoints(shot, project.paths.sparsePoints(shotId));
  const t0 = performance.now();
  for (let f = 0; f < FRAMES; f++) {
    const z = truthDepth(grid, f);
    writeFileSync(project.paths.depthFrame(shotId, f), float16ToBytesLE(encodeFloat16(z)));
    writeFileSync(
      project.paths.depthState(shotId, f),
      Uint8Array.from(z, (v) => encodeDepthState(v > 0 ? DepthState.measured : DepthState.infinity, 1)),
    );
    const valid = [...z].filter((v) => v > 0).sort((a, b) => a - b);
    project.analysis.putDepthFrame(shotId, {
      frame: f,
      median: valid[valid.length >> 1] ?? 0,
      p5: valid[0] ?? 0,
      p95: valid.at(-1) ?? 0,
      validFraction: valid.length / z.length,
    });
  }
  project.analysis.putDepth(
    shotId,
    { method: 'exact', width: 640, height: 360, frames: FRAMES, near: 1, far: 20, validFraction: 1 },
    new Date().toISOString(),
  );
  console.log(`set up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const dolly = await api['paths.preset']({ shotId, name: 'dolly', kind: 'dolly', amount: 0.3 });
  const arc = await api['paths.preset']({ shotId, name: 'arc', kind: 'arc', amount: 25, relative: true });
  const times: Record<string, number[]> = { decode: [], dolly: [], arc: [] };
  let means: Record<string, number> = {};
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    for (let f = 0; f < FRAMES; f++) {
      decodeFloat16(float16FromBytesLE(new Uint8Array(await readFile(project.paths.depthFrame(shotId, f)))));
      readFileSync(project.paths.depthState(shotId, f));
    }
    times.decode!.push(performance.now() - t);
    for (const [name, p] of [
      ['dolly', dolly],
      ['arc', arc],
    ] as const) {
      t = performance.now();
      const c = await api['paths.coverage']({ pathId: p.id });
      times[name]!.push(performance.now() - t);
      means = { ...means, [name]: c.frames.reduce((a, f) => a + f.coverage, 0) / c.frames.length };
    }
  }
  await core.closeProject();
  const load = os.loadavg()[0]!.toFixed(1);
  const ms = (k: string) => median(times[k]!);
  for (const k of Object.keys(times))
    console.log(`${k}: median ${ms(k).toFixed(0)} ms (${times[k]!.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`mean coverage: dolly ${means.dolly!.toFixed(3)}, arc ${means.arc!.toFixed(3)}`);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  await writeBenchmarkSection(
    'Coverage of a target path',
    `## Coverage of a target path

Machine: ${os.cpus().length}-core ${os.arch()} (${cpu}), no GPU, Node ${process.versions.node}. Date ${new Date().toISOString().slice(0, 10)}. 1-minute load average at the end: ${load}.
Command: \`npx tsx bench/paths/coverage.ts --runs ${runs} --write\`. A 240-frame 1920×1080 shot (ffmpeg test pattern; the camera of the synthetic room of tests/integration/depth/long-shot-scene.ts imported as its source camera), its exact depth at the 640×360 analysis grid stored as the analysis stores it, and the room's sparse points. \`paths.coverage\` (what the app's Coverage button and \`reshoot path coverage\` call) on two paths; for scale, reading and fully decoding the 240 depth maps and state files (coverage itself decodes only the samples it reprojects: every 4th pixel in x and y). Medians of ${runs} runs.

| what | median | runs | mean coverage |
| --- | ---: | --- | ---: |
| read + decode all 240 depth maps and states in full (for scale) | ${ms('decode').toFixed(0)} ms | ${times.decode!.map((x) => x.toFixed(0)).join(', ')} | — |
| coverage of a dolly preset (0.3 Z̄) | ${ms('dolly').toFixed(0)} ms | ${times.dolly!.map((x) => x.toFixed(0)).join(', ')} | ${(100 * means.dolly!).toFixed(1)} % |
| coverage of a relative arc (25°) | ${ms('arc').toFixed(0)} ms | ${times.arc!.map((x) => x.toFixed(0)).join(', ')} | ${(100 * means.arc!).toFixed(1)} % |

- Goal (issue 13: a 240-frame 1080p shot's strip in under 2 s): ${Math.max(ms('dolly'), ms('arc')) < 2000 ? '**met**' : '**not met**'} — ${(Math.max(ms('dolly'), ms('arc')) / 1000).toFixed(2)} s for the slower path.
`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
