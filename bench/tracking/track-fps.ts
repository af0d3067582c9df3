/**
 * Tracking throughput on ../shared/media/02_dashcam_highway.mp4 (first FRAMES frames), decode included,
 * for KLT and XFeat at 640×360 and 1280×720; XFeat pipeline overhead vs bare session.run; peak memory.
 * Run from the project root: npx tsx bench/tracking/track-fps.ts [--write]
 * With --write, replaces the "## 2D point tracking" section of docs/BENCHMARKS.md.
 */
import os from 'node:os';
import { probeMedia } from '../../src-main/media';
import { grayFrames, rgbFrames, KltTracker, XFeatTracker } from '../../src-main/analysis/tracking';
import { openXFeatSession } from '../../tests/integration/tracking/xfeat-session';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const CLIP = '../shared/media/02_dashcam_highway.mp4';
const FRAMES = Number(process.env.FRAMES ?? 100);
const SIZES = [
  [640, 360],
  [1280, 720],
] as const;

let peakRss = 0;
let peakHeap = 0;
const sampleMem = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const timer = setInterval(sampleMem, 50);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] ?? NaN;

const loadAtStart = os.loadavg();
const facts = await probeMedia(CLIP);
const rows: string[] = [];
const results: Record<string, { fps: number; msPerFrame: number; tracks: number; extra?: string }> = {};

// Decode-only baseline per size (the floor both trackers sit on).
for (const [w, h] of SIZES) {
  const t0 = performance.now();
  for await (const f of grayFrames(facts, { count: FRAMES, width: w, height: h })) void f;
  const ms = performance.now() - t0;
  results[`decode-gray ${w}x${h}`] = { fps: (1000 * FRAMES) / ms, msPerFrame: ms / FRAMES, tracks: 0 };
}

for (const [w, h] of SIZES) {
  const per: number[] = [];
  const trk = new KltTracker(w, h);
  const t0 = performance.now();
  let last = t0;
  for await (const f of grayFrames(facts, { count: FRAMES, width: w, height: h })) {
    trk.push(f.image);
    const now = performance.now();
    per.push(now - last);
    last = now;
    sampleMem();
  }
  const ms = performance.now() - t0;
  results[`klt ${w}x${h}`] = {
    fps: (1000 * FRAMES) / ms,
    msPerFrame: median(per),
    tracks: trk.result().numTracks,
  };
}

const session = await openXFeatSession();
// Bare session.run on the model's fixed input, same number of calls.
{
  const input = new Float32Array(3 * 224 * 320).fill(0.5);
  await session.run(input, [1, 3, 224, 320]);
  session.timing.ms = 0;
  session.timing.calls = 0;
  const per: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await session.run(input, [1, 3, 224, 320]);
    per.push(performance.now() - t);
  }
  results['xfeat bare session.run 320x224'] = { fps: 1000 / median(per), msPerFrame: median(per), tracks: 0 };
}
for (const [w, h] of SIZES) {
  const trk = new XFeatTracker(w, h, session.run);
  const per: number[] = [];
  const t0 = performance.now();
  let last = t0;
  for await (const f of rgbFrames(facts, { count: FRAMES, width: w, height: h })) {
    await trk.push(f.rgb, f.gray);
    const now = performance.now();
    per.push(now - last);
    last = now;
    sampleMem();
  }
  const ms = performance.now() - t0;
  const s = trk.stats;
  const f = s.frames;
  const overhead = (s.adapterMs + s.matchMs) / s.modelMs;
  const bare = results['xfeat bare session.run 320x224']!.msPerFrame;
  results[`xfeat ${w}x${h}`] = {
    fps: (1000 * FRAMES) / ms,
    msPerFrame: median(per),
    tracks: trk.result().numTracks,
    extra: `per frame: model ${(s.modelMs / f).toFixed(1)} ms; resize+decode ${(s.adapterMs / f).toFixed(1)} ms + matching ${(s.matchMs / f).toFixed(1)} ms = ${(100 * overhead).toFixed(0)} % on top of inference (${((100 * (s.adapterMs + s.matchMs)) / f / bare).toFixed(0)} % of the bare session.run median); subpixel refinement + track management ${(s.otherMs / f).toFixed(1)} ms (${((100 * (s.adapterMs + s.matchMs + s.otherMs)) / s.modelMs).toFixed(0)} % all in)`,
  };
}
await session.release();
clearInterval(timer);
sampleMem();

for (const [k, r] of Object.entries(results)) {
  rows.push(
    `| ${k} | ${r.fps.toFixed(1)} | ${r.msPerFrame.toFixed(1)} | ${r.tracks || '–'} | ${r.extra ?? ''} |`,
  );
}
const base = results['decode-gray 640x360'];
const section = `## 2D point tracking

Machine: 2-core x86_64 (${os.cpus()[0]?.model ?? 'unknown CPU'}), no GPU, Node ${process.versions.node}, onnxruntime-node 1.30 CPU
(1 intra-op thread). Date: ${new Date().toISOString().slice(0, 10)}. Command: \`npx tsx bench/tracking/track-fps.ts --write\`.
Clip: \`../shared/media/02_dashcam_highway.mp4\`, first ${FRAMES} frames, decoded by ffmpeg to the size shown
(decode included in every fps). ms/frame is the median per-frame time; fps = frames / total wall time.
The machine is shared with other work, so absolute figures are noisy; ratios are within this one run.
Load average (1/5/15 min) at start: ${loadAtStart.map((v) => v.toFixed(2)).join(' / ')}; at the end: ${os
  .loadavg()
  .map((v) => v.toFixed(2))
  .join(' / ')}.

| run | fps | median ms/frame | tracks | notes |
|---|---|---|---|---|
${rows.join('\n')}

- KLT at 640×360 runs at ${((results['klt 640x360']!.fps / base!.fps) * 100).toFixed(0)} % of the decode-only rate measured in the same run.
- XFeat overhead goal (pre/post-processing + matching ≤ 50 % on top of inference): notes column. The
  full-resolution subpixel refinement (pyramid, LK forward+backward, anchored affine re-alignment) is
  reported separately; it is the same work KLT does and dominates the XFeat pipeline's time.
- Overhead = (resize+decode + matching) / model time, both measured inside the pipeline around the same
  calls; the same numerator over the bare \`session.run\` median is given in brackets.
- The adapter (resize with precomputed tables, one exponential per logit and none for cells that cannot
  reach the keypoint threshold, comparator-free top-k ordering, position-major descriptor map, reused
  buffers) and matching (unrolled dot products) give bit-identical output to the previous code
  (\`tests/unit/tracking/fast-paths.test.ts\`); the previous section gave 85 % / 121 % overhead at
  640×360 / 1280×720 under a similar load.
- Bare \`session.run\` is timed on a constant input right after the tracking runs' warm-up; the model
  time inside the pipeline is measured around the injected runner (same session).
- No baseline path is kept in the code, so earlier figures (previous section, measured at a different
  load) are not comparable run-to-run; see docs/tracking.md for what changed.
- Peak memory over the run: rss ${(peakRss / 2 ** 20).toFixed(0)} MiB, heap used ${(peakHeap / 2 ** 20).toFixed(0)} MiB.
`;
console.log(section);
await writeBenchmarkSection('2D point tracking', section);
