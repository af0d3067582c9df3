/**
 * Dense depth on a long shot (issue 12) at the real depth grid: the synthetic room of
 * tests/integration/depth/long-shot-scene.ts (textured planes, exact depth, a camera circling in front of
 * it; the path repeats every 256 frames = 8 chunks), encoded at --size (default 640x360, so stereo runs at
 * DEPTH_WIDTH = 640 as in the app) and --frames long (default 1000), then the depth stage run on the chosen
 * chunks (DEPTH_CHUNK_FRAMES = 32 each, with their neighbour margins and the helper thread, as "Analyze
 * shot" runs them), one after the other in this process. Default chunks 1,2,25,26: chunk c and c + 24 are
 * the same stretch of the path, so a cost that grew with the frames done before (or with the shot's
 * length) shows as a difference between them. `--chunks all` runs the whole shot (0.4–0.7 s a frame on
 * the 2-core reference machine at 640: 7–12 minutes for 1,000 frames).
 *
 * Per chunk: wall and CPU time per frame (CPU = this process, both threads; ffmpeg decoding not
 * included), the JS heap + ArrayBuffers (SharedArrayBuffers included) after a full GC before the chunk
 * and the most seen while it ran (sampled at every frame and every 20 ms), the process's peak RSS, the
 * share of valid pixels and AbsRel against the exact depth on every 8th frame.
 *
 * Run from the project root:
 *   npx tsx bench/depth/long-shot.ts [--size 640x360] [--frames 1000] [--chunks 1,2,25,26|all] [--json FILE]
 * Nothing is written to docs/BENCHMARKS.md.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEPTH_CHUNK_FRAMES } from '../../src-main/analysis/analyze-job';
import { depthGrid } from '../../src-main/analysis/analysis-protocol';
import { probeMedia } from '../../src-main/media/probe';
import {
  camerasDocument,
  depthError,
  encodeShot,
  longShot,
  readDepthFile,
  runDepthChunks,
  truthDepth,
  writeSparsePoints,
  type ChunkStats,
} from '../../tests/integration/depth/long-shot-scene';

const argv = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
function usage(problem: string): never {
  console.error(
    `${problem}\nusage: npx tsx bench/depth/long-shot.ts [--size WxH] [--frames N] [--chunks LIST|all] [--json FILE]`,
  );
  process.exit(2);
}
const size = /^(\d+)x(\d+)$/.exec(value('--size') ?? '640x360');
if (!size) usage('--size takes WxH, e.g. 640x360');
const W = Number(size[1]);
const H = Number(size[2]);
if (W % 2 || H % 2 || W < 64 || H < 36) usage('--size: even, at least 64x36');
const FRAMES = Number(value('--frames') ?? 1000);
if (!Number.isInteger(FRAMES) || FRAMES < 2 * DEPTH_CHUNK_FRAMES) usage('--frames: an integer ≥ 64');
const nChunks = Math.ceil(FRAMES / DEPTH_CHUNK_FRAMES);
const chunksArg = value('--chunks') ?? '1,2,25,26';
const CHUNKS =
  chunksArg === 'all'
    ? Array.from({ length: nChunks }, (_, i) => i)
    : chunksArg.split(',').map((c) => Number(c));
for (const c of CHUNKS)
  if (!Number.isInteger(c) || c < 0 || c >= nChunks)
    usage(`--chunks: ${c} is not a chunk of a ${FRAMES}-frame shot (0…${nChunks - 1})`);
const JSON_OUT = value('--json');

const MB = 1024 * 1024;
const grid = depthGrid(W, H);
const work = await mkdtemp(path.join(os.tmpdir(), 'reshoot-depth-long-'));
try {
  const shot = longShot(W, H, FRAMES);
  let t0 = performance.now();
  await encodeShot(shot, path.join(work, 'shot.mp4'));
  const facts = await probeMedia(path.join(work, 'shot.mp4'));
  if (facts.frameCount !== FRAMES) throw new Error(`encoded ${facts.frameCount} frames, not ${FRAMES}`);
  const pointsFile = path.join(work, 'points.bin');
  const points = await writeSparsePoints(shot, pointsFile);
  console.log(
    `${FRAMES} frames at ${W}×${H} (depth grid ${grid.width}×${grid.height}), ${points} sparse points: made in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const depthDir = path.join(work, 'depth');
  const rows: (ChunkStats & { absRel: number; scoredValid: number; load: number })[] = [];
  t0 = performance.now();
  await runDepthChunks({
    facts,
    cameras: camerasDocument(shot),
    pointsFile,
    depthDir,
    scratch: path.join(work, 'scratch'),
    chunks: CHUNKS,
    async onChunk(s) {
      let valid = 0;
      let sumRel = 0;
      let pixels = 0;
      for (let f = s.start; f < s.start + s.count; f += 8) {
        const e = depthError(await readDepthFile(depthDir, f), truthDepth(shot, f));
        valid += e.valid;
        sumRel += e.sumRel;
        pixels += W * H;
      }
      const row = { ...s, absRel: sumRel / valid, scoredValid: valid / pixels, load: os.loadavg()[0]! };
      rows.push(row);
      console.log(
        `chunk ${s.index} (frames ${s.start}–${s.start + s.count - 1}): ${(s.wallMs / s.count / 1000).toFixed(2)} s/frame wall, ` +
          `${(s.cpuMs / s.count / 1000).toFixed(2)} s/frame CPU, heap+buffers ${(s.beforeBytes / MB).toFixed(0)} MB before, ` +
          `peak +${((s.peakBytes - s.beforeBytes) / MB).toFixed(0)} MB, peak RSS ${(s.peakRss / MB).toFixed(0)} MB, ` +
          `valid ${(100 * row.scoredValid).toFixed(1)} %, AbsRel ${row.absRel.toFixed(3)}, load ${row.load.toFixed(1)}`,
      );
    },
  });
  const total = (performance.now() - t0) / 1000;
  const fix = (x: number, d = 2) => x.toFixed(d);
  const lines = [
    '',
    `Machine: ${os.cpus().length}-core ${os.arch()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.versions.node}. Command: \`npx tsx bench/depth/long-shot.ts${argv.length ? ' ' + argv.join(' ') : ''}\`. 1-minute load average after each chunk: ${rows.map((r) => r.load.toFixed(1)).join(', ')}.`,
    `Synthetic room (tests/integration/depth/long-shot-scene.ts), ${FRAMES} frames at ${W}×${H}, depth grid ${grid.width}×${grid.height}; chunks of ${DEPTH_CHUNK_FRAMES} run by the depth stage in one process, in order; ${fix(total, 0)} s for the ${CHUNKS.length} chunks.`,
    '',
    '| chunk | frames | s/frame wall | s/frame CPU | heap + buffers before a chunk, MB | peak above it, MB | peak RSS, MB | valid (every 8th frame) | AbsRel |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.index} | ${r.start}–${r.start + r.count - 1} | ${fix(r.wallMs / r.count / 1000)} | ${fix(r.cpuMs / r.count / 1000)} | ${fix(r.beforeBytes / MB, 0)} | ${fix((r.peakBytes - r.beforeBytes) / MB, 0)} | ${fix(r.peakRss / MB, 0)} | ${fix(100 * r.scoredValid, 1)} % | ${fix(r.absRel, 3)} |`,
    ),
    '',
  ];
  console.log(lines.join('\n'));
  if (JSON_OUT) {
    await writeFile(
      JSON_OUT,
      JSON.stringify({ width: W, height: H, frames: FRAMES, points, chunks: rows }, null, 1) + '\n',
    );
    console.log(`wrote ${JSON_OUT}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
