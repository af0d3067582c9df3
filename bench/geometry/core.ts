/** npx tsx bench/geometry/core.ts — medians over repeated runs (not a timed test). */
import {
  cameraToRaxels,
  projectTracks,
  quatFromAxisAngle,
  raxelsToCamera,
  TRACK_FLAGS,
  type Camera,
} from '../../src-shared/geometry';
import { cpus, loadavg } from 'node:os';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
function time(fn: () => void, reps: number): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const N = 10_000;
const T = 240;
const K = { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 };
const xyz = new Float32Array(N * T * 3);
for (let i = 0; i < N * T; i++) {
  xyz[3 * i] = Math.sin(i) * 10;
  xyz[3 * i + 1] = Math.cos(i * 1.3) * 3;
  xyz[3 * i + 2] = 5 + (i % 97) * 0.3;
}
const world = { numTracks: N, numFrames: T, xyz, valid: new Uint8Array(N * T).fill(1) };
const cams: Camera[] = Array.from({ length: T }, (_, t) => ({
  C: [0.01 * t, 0, -0.02 * t],
  q: quatFromAxisAngle([0, 1, 0], 0.001 * t),
  intrinsics: K,
}));
const depth = {
  intrinsics: { width: 320, height: 180, fx: 250, fy: 250, cx: 160, cy: 90 },
  data: new Float32Array(320 * 180).fill(20),
};
const sourceXY = new Float32Array(N * T * 2);
let visible = 0;
const tTracks = time(() => {
  const p = projectTracks(world, sourceXY, cams, () => depth);
  visible = 0;
  for (let i = 0; i < p.flags.length; i += 997) if (p.flags[i] === TRACK_FLAGS.targetVisible) visible++;
}, 9);
const cam: Camera = { C: [1, 2, 3], q: quatFromAxisAngle([0.2, 1, 0.1], 0.6), intrinsics: K };
const map = cameraToRaxels(cam, 64, 64);
const tRaxMake = time(() => cameraToRaxels(cam, 64, 64), 51);
const tRaxSolve = time(() => raxelsToCamera(map, { imageWidth: 640, imageHeight: 360 }), 51);
console.log(
  JSON.stringify(
    {
      node: process.version,
      tracksProjectZTestMs: +tTracks.toFixed(2),
      raxelMap64Ms: +tRaxMake.toFixed(3),
      raxelsToCamera64Ms: +tRaxSolve.toFixed(3),
      checksum: visible,
    },
    null,
    1,
  ),
);

const load = loadavg()[0]!.toFixed(1);
await writeBenchmarkSection(
  'Geometry core',
  `## Geometry core

Machine: 2-core x86_64 (${cpus()[0]?.model ?? 'unknown CPU'}), no GPU, Node ${process.version}. Date ${new Date().toISOString().slice(0, 10)}.
1-minute load average at the end: ${load}. Command: \`npx tsx bench/geometry/core.ts --write\` (medians of 9 / 51 runs after a warm-up).

| benchmark | median | bar |
|---|---:|---|
| 10,000 tracks × 240 frames projected through a target path with z-test (\`projectTracks\`, 2.4 M points) | ${tTracks.toFixed(1)} ms | well under 100 ms (taken as < 75 ms): ${tTracks < 75 ? 'met' : 'NOT met'} |
| Plücker map 64×64 from a camera (\`cameraToRaxels\`) | ${tRaxMake.toFixed(3)} ms | — |
| camera from a 64×64 raxel map (\`raxelsToCamera\`) | ${tRaxSolve.toFixed(3)} ms | < 1 ms: ${tRaxSolve < 1 ? 'met' : 'NOT met'} |
`,
);
