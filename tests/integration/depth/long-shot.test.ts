/**
 * Issue 12, long shots: dense depth costs memory that does not grow with the number of frames (a
 * 1,000-frame shot never holds every frame's sweep) and time that grows linearly with it.
 *
 * The shot is made here (long-shot-scene.ts): a room of textured planes with exact depth, seen by a camera
 * circling in front of it, 1,000 frames at 256×144 (the depth grid is the video's own width below
 * DEPTH_WIDTH, so stereo runs at 256×144: a coarse level of 128×72 and the full grid, the same two-step
 * path as at 640, where there is one level more). The path repeats every 4 chunks, so chunk c and chunk
 * c + 12 do the same work: early and late chunks are compared like for like. 256 px wide
 * keeps the whole file near 3 minutes on the 2-core reference machine; at 640 a frame costs 0.4–0.7 s
 * there, so 1,000 frames would take 7–12 minutes (bench/depth/long-shot.ts measures chunks of a
 * 1,000-frame shot at 640×360).
 *
 * 1. The depth stage, chunk by chunk exactly as "Analyze shot" plans it (DEPTH_CHUNK_FRAMES, each with its
 *    DEPTH_NEIGHBOUR_MARGIN frames decoded either side and a helper thread), all in this process so that
 *    anything one chunk leaves behind adds up: per chunk the wall and CPU time, the JS heap + ArrayBuffers
 *    after a full GC before and after it and the most seen while it ran. Also one chunk of a short shot
 *    of the same scene, whose cost per frame must match (a per-chunk cost that grew with the shot's
 *    length would not show between chunks of one shot).
 * 2. ShotDepthEstimator on its own, walking 1,000 frames with forget() as the stage does: its memo stays
 *    a handful of frames (read from its private maps; a walk without forget() shows they do fill up).
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depthGrid } from '../../../src-main/analysis/analysis-protocol';
import { DEPTH_CHUNK_FRAMES } from '../../../src-main/analysis/analyze-job';
import { readPoints } from '../../../src-main/analysis/point-file';
import {
  grayFromRgb,
  NoBaselineError,
  ShotDepthEstimator,
  type StereoView,
} from '../../../src-main/analysis/depth';
import { probeMedia } from '../../../src-main/media/probe';
import type { MediaFacts } from '../../../src-main/media/types';
import type { CamerasDocument } from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';
import {
  camerasDocument,
  depthError,
  encodeShot,
  forcedGc,
  longShot,
  readDepthFile,
  renderFrame,
  runDepthChunks,
  truthDepth,
  writeSparsePoints,
  type ChunkStats,
  type LongShot,
} from './long-shot-scene';

const W = 256;
const H = 144;
const FRAMES = 1000;
/** The camera path repeats every PERIOD frames: four chunks (a whole number of chunks per lap). */
const PERIOD = 4 * DEPTH_CHUNK_FRAMES;
/** Chunks per lap of the path: chunk c and c + LAP see the same frames. */
const LAP = PERIOD / DEPTH_CHUNK_FRAMES;
/** Early chunks (the first is left out: a one-sided margin, and the JIT warming up) and their twins a lap×3 later. */
const EARLY = [1, 2, 3, 4];
const LATE = EARLY.map((c) => c + 3 * LAP);
const MB = 1024 * 1024;

const tmp = tempDir('reshoot-long-shot-');
afterAll(() => tmp.cleanup());

interface Fixture {
  shot: LongShot;
  facts: MediaFacts;
  cameras: CamerasDocument;
  pointsFile: string;
  points: number;
}

async function fixture(name: string, frames: number): Promise<Fixture> {
  const dir = join(tmp.dir, name);
  const shot = longShot(W, H, frames, PERIOD);
  mkdirSync(dir, { recursive: true });
  await encodeShot(shot, join(dir, 'shot.mp4'));
  const facts = await probeMedia(join(dir, 'shot.mp4'));
  const pointsFile = join(dir, 'sparse-points.bin');
  const points = await writeSparsePoints(shot, pointsFile);
  return { shot, facts, cameras: camerasDocument(shot), pointsFile, points };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const of = (stats: readonly ChunkStats[], chunks: readonly number[]) =>
  chunks.map((c) => stats.find((s) => s.index === c)!);
/** The median over chunks of their time per frame (robust to a chunk or two that met a load spike). */
const perFrame = (stats: readonly ChunkStats[], key: 'wallMs' | 'cpuMs') =>
  median(stats.map((s) => s[key] / s.count));

describe('dense depth on a long shot (issue 12): memory flat, time linear', () => {
  let long: Fixture;
  beforeAll(async () => {
    long = await fixture('long', FRAMES);
  }, 120_000);

  it('the depth stage over 1,000 frames, a chunk at a time: same memory and time per frame late as early, depth sane', async () => {
    expect(long.facts.frameCount).toBe(FRAMES);
    expect(depthGrid(long.facts.width, long.facts.height)).toEqual({ width: W, height: H });
    const depthDir = join(tmp.dir, 'long', 'depth');
    let err = { valid: 0, sumRel: 0, pixels: 0 };
    const lines: string[] = [];
    const stats = await runDepthChunks({
      facts: long.facts,
      cameras: long.cameras,
      pointsFile: long.pointsFile,
      depthDir,
      scratch: join(tmp.dir, 'long', 'scratch'),
      async onChunk(s) {
        // the chunk's frames, as the job gives them
        expect(s.frames.map((f) => f.frame)).toEqual(Array.from({ length: s.count }, (_, i) => s.start + i));
        // every 8th frame against the truth, read back from the files written
        for (let f = s.start; f < s.start + s.count; f += 8) {
          const e = depthError(await readDepthFile(depthDir, f), truthDepth(long.shot, f));
          err = { valid: err.valid + e.valid, sumRel: err.sumRel + e.sumRel, pixels: err.pixels + W * H };
        }
        lines.push(
          `chunk ${String(s.index).padStart(2)} (frames ${s.start}–${s.start + s.count - 1}): ` +
            `${(s.wallMs / s.count).toFixed(0)} ms/frame wall, ${(s.cpuMs / s.count).toFixed(0)} ms/frame CPU, ` +
            `heap+buffers ${(s.beforeBytes / MB).toFixed(1)} MB before, peak +${((s.peakBytes - s.beforeBytes) / MB).toFixed(1)} MB, ` +
            `after ${((s.retainedBytes - s.beforeBytes) / MB).toFixed(1)} MB, ` +
            `peak RSS ${(s.peakRss / MB).toFixed(0)} MB, valid ${(100 * mean(s.frames.map((f) => f.validFraction))).toFixed(1)} %, ` +
            `load ${os.loadavg()[0]!.toFixed(1)}`,
        );
      },
    });

    // every frame was processed once and written: depth and state, at the depth grid
    expect(stats.map((s) => s.index)).toEqual(
      Array.from({ length: Math.ceil(FRAMES / DEPTH_CHUNK_FRAMES) }, (_, i) => i),
    );
    expect(sum(stats.map((s) => s.count))).toBe(FRAMES);
    const files = readdirSync(depthDir);
    const f16 = files.filter((f) => f.endsWith('.f16'));
    const state = files.filter((f) => f.endsWith('.state'));
    expect(f16).toHaveLength(FRAMES);
    expect(state).toHaveLength(FRAMES);
    for (const f of f16) expect(statSync(join(depthDir, f)).size).toBe(2 * W * H);
    for (const f of state) expect(statSync(join(depthDir, f)).size).toBe(W * H);

    // depth is sane all along: mostly valid, AbsRel against the analytic truth under 0.1
    const validShare = err.valid / err.pixels;
    const absRel = err.sumRel / err.valid;
    const frameValid = stats.flatMap((s) => s.frames.map((f) => f.validFraction));
    const early = of(stats, EARLY);
    const late = of(stats, LATE);
    // what a chunk needs at its peak, above where it started; and what is held between chunks
    const working = (ss: ChunkStats[]) => Math.max(...ss.map((c) => c.peakBytes - c.beforeBytes));
    const held = (ss: ChunkStats[]) => Math.max(...ss.map((c) => c.beforeBytes));
    const ratio = {
      cpu: perFrame(late, 'cpuMs') / perFrame(early, 'cpuMs'),
      wall: perFrame(late, 'wallMs') / perFrame(early, 'wallMs'),
      peak: working(late) / working(early),
    };
    lines.push(
      `${FRAMES} frames at ${W}×${H}, ${long.points} sparse points: every 8th frame scored: valid ${(100 * validShare).toFixed(1)} %, ` +
        `AbsRel ${absRel.toFixed(4)}; frames with < 50 % valid: ${frameValid.filter((v) => v < 0.5).length}`,
      `chunks ${EARLY.join(',')} vs ${LATE.join(',')} (the same frames of the path), median of the chunks: per frame CPU ` +
        `${perFrame(early, 'cpuMs').toFixed(0)} → ${perFrame(late, 'cpuMs').toFixed(0)} ms (×${ratio.cpu.toFixed(2)}), wall ` +
        `${perFrame(early, 'wallMs').toFixed(0)} → ${perFrame(late, 'wallMs').toFixed(0)} ms (×${ratio.wall.toFixed(2)}); ` +
        `peak heap+buffers above the chunk's start ${(working(early) / MB).toFixed(1)} → ${(working(late) / MB).toFixed(1)} MB ` +
        `(×${ratio.peak.toFixed(2)}); held between chunks ${(held(early) / MB).toFixed(1)} → ${(held(late) / MB).toFixed(1)} MB, ` +
        `after the last ${(stats.at(-1)!.retainedBytes / MB).toFixed(1)} MB; total ${(sum(stats.map((s) => s.wallMs)) / 1000).toFixed(0)} s wall`,
    );
    console.log(lines.join('\n'));

    expect(validShare).toBeGreaterThan(0.85);
    expect(absRel).toBeLessThan(0.1);
    expect(frameValid.filter((v) => v < 0.5)).toHaveLength(0);

    // Time: linear in frames = the same cost per frame at frame 900 as at frame 100 (medians over six
    // chunks each). CPU time is the bar (this process, both threads): other work on a shared 2-core
    // machine moves the wall clock by 2× from one minute to the next, which says nothing about the code,
    // so the wall-clock ratio is printed, not asserted. (The next test compares chunks interleaved.)
    expect(ratio.cpu).toBeLessThan(1.5);

    // Memory: what a chunk needs at its peak does not grow with the frames done before it, and a chunk
    // leaves nothing behind. One chunk's decoded frames alone are 72 × 147 kB = 10.6 MB and one frame's
    // sweep ~1 MB here, so keeping either from chunk to chunk would show many times over by chunk 25.
    expect(ratio.peak).toBeLessThan(1.3);
    expect(held(late) - held(early)).toBeLessThan(3 * MB);
    expect(stats.at(-1)!.retainedBytes - held(early)).toBeLessThan(3 * MB);
  }, 600_000);

  it('a chunk costs the same per frame in a 3-chunk shot as in the 1,000-frame one (no per-chunk cost that grows with the shot)', async () => {
    const short = await fixture('short', 3 * DEPTH_CHUNK_FRAMES);
    // the long shot's chunk 25 is frames 800–831: the same stretch of the path as frames 32–63; the two
    // are run in turn, twice, and each one's better run is compared (a load spike hits one run, not both)
    const runs: ChunkStats[] = [];
    for (const f of [long, short, long, short]) {
      runs.push(
        ...(await runDepthChunks({
          facts: f.facts,
          cameras: f.cameras,
          pointsFile: f.pointsFile,
          depthDir: join(tmp.dir, 'again', String(runs.length)),
          scratch: join(tmp.dir, 'again', `scratch-${runs.length}`),
          chunks: [f === long ? 1 + 3 * LAP : 1],
        })),
      );
    }
    const [l1, s1, l2, s2] = runs as [ChunkStats, ChunkStats, ChunkStats, ChunkStats];
    const shortCpu = Math.min(s1.cpuMs, s2.cpuMs);
    const longCpu = Math.min(l1.cpuMs, l2.cpuMs);
    expect((await readPoints(long.pointsFile)).xyz.length / 3).toBeGreaterThan(5 * short.points);
    console.log(
      `chunk 1 of a ${3 * DEPTH_CHUNK_FRAMES}-frame shot (${short.points} sparse points): ${(s1.cpuMs / DEPTH_CHUNK_FRAMES).toFixed(0)}, ${(s2.cpuMs / DEPTH_CHUNK_FRAMES).toFixed(0)} ms/frame CPU; ` +
        `chunk ${1 + 3 * LAP} of the 1,000-frame shot, the same stretch of the path (${long.points} points): ${(l1.cpuMs / DEPTH_CHUNK_FRAMES).toFixed(0)}, ${(l2.cpuMs / DEPTH_CHUNK_FRAMES).toFixed(0)} ms/frame CPU ` +
        `(load ${os.loadavg()[0]!.toFixed(1)})`,
    );
    expect(longCpu).toBeLessThan(1.5 * shortCpu);
  }, 300_000);
});

describe('ShotDepthEstimator walking a long shot (issue 12)', () => {
  it('with forget() as the depth stage calls it, holds a handful of sweeps however many frames it walked', async () => {
    // smaller frames: this is about what the estimator keeps, not about depth quality
    const shot = longShot(64, 36, FRAMES, PERIOD);
    const lap = Array.from({ length: PERIOD }, (_, f) => grayFromRgb(renderFrame(shot, f), 64, 36, 3));
    const views: StereoView[] = Array.from({ length: FRAMES }, (_, f) => ({
      image: lap[f % PERIOD]!,
      camera: shot.camera(f),
    }));
    const pointsFile = join(tmp.dir, 'walk-points.bin');
    await writeSparsePoints(shot, pointsFile);
    const sparsePoints = (await readPoints(pointsFile)).xyz;
    type Memo = { sweeps: Map<number, unknown>; checked: Map<number, unknown> };
    const memo = (e: ShotDepthEstimator) => e as unknown as Memo;

    const gc = forcedGc();
    const heldNow = () => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    // the control: without forget() the memo keeps every frame it swept, and this is what a frame costs
    let perFrameBytes: number;
    {
      const before = heldNow();
      const keepAll = new ShotDepthEstimator(views.slice(0, 40), { sparsePoints, fill: false });
      for (let i = 0; i < 40; i++) keepAll.frame(i);
      perFrameBytes = (heldNow() - before) / 40;
      expect(memo(keepAll).sweeps).toBeInstanceOf(Map);
      expect(memo(keepAll).sweeps.size).toBe(40);
      expect(memo(keepAll).checked.size).toBe(40);
    }

    const est = new ShotDepthEstimator(views, { sparsePoints, fill: false });
    let maxSweeps = 0;
    let maxChecked = 0;
    let depthFrames = 0;
    const cpu: number[] = [];
    const heldAt = new Map<number, number>();
    for (let i = 0; i < FRAMES; i++) {
      const c0 = process.cpuUsage();
      try {
        const fd = est.frame(i);
        if (fd.valid.some((v) => v === 1)) depthFrames++;
      } catch (e) {
        if (!(e instanceof NoBaselineError)) throw e;
      }
      // what depthStage does after each frame
      est.forget(i - 4, FRAMES);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      maxSweeps = Math.max(maxSweeps, memo(est).sweeps.size);
      maxChecked = Math.max(maxChecked, memo(est).checked.size);
      if (i === 99 || i === FRAMES - 1) heldAt.set(i, heldNow());
    }
    const early = sum(cpu.slice(32, 32 + 192));
    const late = sum(cpu.slice(32 + 3 * PERIOD, 32 + 3 * PERIOD + 192));
    const grew = heldAt.get(FRAMES - 1)! - heldAt.get(99)!;
    console.log(
      `estimator walk of ${FRAMES} frames at 64×36: at most ${maxSweeps} sweeps and ${maxChecked} checked frames held; ` +
        `${depthFrames} frames with depth; CPU per frame ${(early / 192).toFixed(1)} → ${(late / 192).toFixed(1)} ms; ` +
        `heap+buffers frame 99 → ${FRAMES - 1}: ${grew >= 0 ? '+' : ''}${(grew / MB).toFixed(1)} MB ` +
        `(a frame kept without forget() holds ${(perFrameBytes / 1024).toFixed(0)} kB: 900 of them ${((900 * perFrameBytes) / MB).toFixed(0)} MB)`,
    );
    expect(depthFrames).toBe(FRAMES);
    // frame i reads sweeps i−4…i+4 (partners of partners); forget keeps i−4 onwards
    expect(maxSweeps).toBeLessThanOrEqual(12);
    expect(maxChecked).toBeLessThanOrEqual(12);
    expect(memo(est).sweeps.size).toBeLessThanOrEqual(12);
    // 900 more frames kept would be 900 × perFrameBytes (~75 MB at this size)
    expect(900 * perFrameBytes).toBeGreaterThan(10 * 2 * MB);
    expect(grew).toBeLessThan(2 * MB);
    expect(late).toBeLessThan(1.5 * early);
  }, 300_000);
});

function mean(xs: readonly number[]): number {
  return xs.length ? sum(xs) / xs.length : 0;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
