/**
 * Solve-only timing on the ../shared/gt shots: KLT tracks of the PNG frames (cached in the OS temp folder
 * between runs), then solveCamera with the stage timings and the accuracy against the ground truth.
 * Run from the project root: npx tsx bench/camera/solve-profile.ts [shot …] [--max-tracks N]
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { poseFromRotation, trajectoryMetrics, type Pose } from '../../src-shared/geometry';
import { probeMedia } from '../../src-main/media';
import { grayFrames, KltTracker, type TrackSet } from '../../src-main/analysis/tracking';
import { solveCamera } from '../../src-main/analysis/camera';

const GT = '../shared/gt';
const TRUE_F = (28 / 36) * 640;
const args = process.argv.slice(2);
const mi = args.indexOf('--max-tracks');
const maxTracks = mi >= 0 ? Number(args[mi + 1]) : undefined;
const shots = args.filter((a, i) => !a.startsWith('--') && (mi < 0 || i !== mi + 1));

async function tracksOf(shot: string): Promise<{ set: TrackSet; ms: number }> {
  const cache = path.join(os.tmpdir(), `reshoot-klt-${shot}.json`);
  try {
    const j = JSON.parse(await readFile(cache, 'utf8')) as Omit<TrackSet, 'xy' | 'visible' | 'confidence'> & {
      xy: number[];
      visible: number[];
      confidence: number[];
      ms: number;
    };
    return {
      set: {
        ...j,
        xy: Float32Array.from(j.xy),
        visible: Uint8Array.from(j.visible),
        confidence: Float32Array.from(j.confidence),
      },
      ms: j.ms,
    };
  } catch {
    const t0 = performance.now();
    const facts = await probeMedia(path.join(GT, shot, 'frames', 'frame_0001.png'));
    const trk = new KltTracker(facts.width, facts.height, {});
    for await (const f of grayFrames(facts)) trk.push(f.image);
    const set = trk.result();
    const ms = performance.now() - t0;
    await writeFile(
      cache,
      JSON.stringify({
        ...set,
        xy: Array.from(set.xy),
        visible: Array.from(set.visible),
        confidence: Array.from(set.confidence),
        ms,
      }),
    );
    return { set, ms };
  }
}

for (const shot of shots.length ? shots : ['orbit_a', 'dolly_a']) {
  const doc = JSON.parse(await readFile(path.join(GT, shot, 'cameras.json'), 'utf8')) as {
    frames: { C: [number, number, number]; R_wc: number[][] }[];
  };
  const truth: Pose[] = doc.frames.map((f) =>
    poseFromRotation(f.C, f.R_wc.flat() as Parameters<typeof poseFromRotation>[1]),
  );
  const { set, ms } = await tracksOf(shot);
  const t0 = performance.now();
  const solve = await solveCamera(set, maxTracks ? { maxTracks } : {});
  const sec = (performance.now() - t0) / 1000;
  const est = solve.poses.map((p, i) => p ?? truth[i]!);
  const m = trajectoryMetrics(est, truth);
  const t = solve.diagnostics.timingsMs;
  console.log(
    `${shot}: ${solve.status}, ${set.numTracks} tracks (tracking ${(ms / 1000).toFixed(1)} s), solve ${sec.toFixed(2)} s ` +
      `[${Object.entries(t)
        .map(([k, v]) => `${k} ${((v ?? 0) / 1000).toFixed(2)}`)
        .join(', ')}], ATE ${(100 * m.ateRelative).toFixed(3)} %, RPE rot ${m.rpeRotMeanDeg.toFixed(4)}°, ` +
      `focal ${solve.intrinsics.fx.toFixed(1)} (${(100 * (solve.intrinsics.fx / TRUE_F - 1)).toFixed(2)} %), ` +
      `reproj ${solve.diagnostics.reprojectionRmsPx.toFixed(3)} px; load ${os.loadavg()[0]!.toFixed(1)}; ${solve.diagnostics.notes.filter((n) => n.startsWith('focal')).join('; ')}`,
  );
}
