/**
 * Helpers of the COLMAP peer comparison (bench/camera/colmap-peer.ts): the real clips of ../shared/media
 * decoded at the app's analysis size into the PNG frames both tools read, one COLMAP run (its text models,
 * cameras and points, or what stopped it), and the measures that need no ground truth: how far two camera
 * paths agree after a Sim(3) alignment, and how far a camera travelled relative to its scene's depth.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import {
  alignTrajectories,
  applySim3ToPose,
  distance,
  nearestRotationQuat,
  pathLength,
  quatAngle,
  quatConjugate,
  quatMultiply,
  quatToMat3,
  readColmap,
  worldToCamera,
  type Mat3,
  type Pose,
} from '../../src-shared/geometry';
import { decodeFrames, probeMedia } from '../../src-main/media';
import { analysisSize } from '../../src-main/analysis/track-job';

export const MEDIA = '../shared/media';

export interface Clip {
  /** The name --clips takes. */
  key: string;
  file: string;
  /** What ../shared/media/README.md says the camera does. */
  camera: string;
  /** A static-camera control: the right answer is "no camera motion". */
  isStatic: boolean;
  /**
   * Frames the full bench uses (from the start; null = the whole clip), to keep it near an hour on 2 cores:
   * the moving clips whole; the long static controls (289, 372 frames) their first 4 s, which is all a
   * "no camera motion" verdict needs, and where COLMAP's matching costs most per frame (every pair overlaps).
   */
  defaultFrames: number | null;
}

export const CLIPS: Clip[] = [
  {
    key: 'dashcam',
    file: '02_dashcam_highway.mp4',
    camera: 'forward translation (driving)',
    isStatic: false,
    defaultFrames: null,
  },
  {
    key: 'bedroom',
    file: '03_bedroom_handheld.mp4',
    camera: 'small handheld drift',
    isStatic: false,
    defaultFrames: null,
  },
  {
    key: 'cat',
    file: '10_cat_leash_portrait_60fps.mp4',
    camera: 'handheld, slight',
    isStatic: false,
    defaultFrames: null,
  },
  {
    key: 'dog',
    file: '12_dog_courtyard_static_cam.mp4',
    camera: 'static (tripod)',
    isStatic: true,
    defaultFrames: 120,
  },
  { key: 'camel', file: '13_camel_static_cam.mp4', camera: 'static', isStatic: true, defaultFrames: 120 },
  {
    key: 'robot',
    file: '14_robot_egocentric_hevc_480p.mp4',
    camera: 'static head camera (HEVC)',
    isStatic: true,
    defaultFrames: null,
  },
];

// ---------------------------------------------------------------------------------------------- frames

/** An 8-bit RGB PNG (no filtering; COLMAP and ffmpeg read it). */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method choice, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 3 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface ExtractedFrames {
  /** Folder of frame_0001.png … (frame_0001 = the clip's frame 0). */
  dir: string;
  frames: number;
  clipFrames: number;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
  fps: number;
  seconds: number;
}

/**
 * Frames 0…n−1 of a clip as the app decodes them for analysis (src-main/media decodeFrames, frame-accurate,
 * scaled by ffmpeg to track-job's analysisSize: long side 640 px), written as PNG files into `dir`.
 */
export async function extractFrames(
  file: string,
  maxFrames: number | null,
  dir: string,
): Promise<ExtractedFrames> {
  const t0 = performance.now();
  const facts = await probeMedia(file);
  const size = analysisSize(facts.width, facts.height);
  const count = Math.min(facts.frameCount, maxFrames ?? facts.frameCount);
  await mkdir(dir, { recursive: true });
  let n = 0;
  for await (const f of decodeFrames(facts, { start: 0, count, ...size, pixelFormat: 'rgb24' })) {
    const name = `frame_${String(f.index + 1).padStart(4, '0')}.png`;
    await writeFile(path.join(dir, name), encodePng(f.data, f.width, f.height));
    n++;
  }
  return {
    dir,
    frames: n,
    clipFrames: facts.frameCount,
    ...size,
    sourceWidth: facts.width,
    sourceHeight: facts.height,
    fps: facts.fps.num / facts.fps.den,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** frame_0001.png → 0 (the frame index both tools' results are keyed by). */
export function frameIndexOfName(name: string): number | null {
  const m = /frame_(\d+)/.exec(name);
  return m ? Number(m[1]) - 1 : null;
}

// ---------------------------------------------------------------------------------------------- COLMAP

export interface ColmapModel {
  /** The sparse/N folder's name. */
  name: string;
  /** Registered frames by frame index (mapped from the image file name). */
  poses: Map<number, Pose>;
  focal: number;
  /** 3D points, xyz interleaved. */
  points: Float64Array;
}

export interface ColmapRun {
  seconds: number;
  /** Wall seconds of each step that ran (feature_extractor, sequential_matcher, mapper, model_converter). */
  steps: Record<string, number>;
  /** Models the mapper wrote, largest (most registered frames) first. */
  models: ColmapModel[];
  /** Set when COLMAP stopped before a model came out: which step, and its last words. */
  failure: string | null;
}

export interface ColmapOptions {
  threads: string;
  /** COLMAP camera model for the single shared camera (the bench's default: SIMPLE_PINHOLE). */
  cameraModel: string;
  /** Wall-clock limit for the whole run, seconds (a step still running then is killed; a result). */
  timeoutS: number;
}

function points3D(txt: string): Float64Array {
  const xyz: number[] = [];
  for (const raw of txt.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const p = line.split(/\s+/);
    const x = Number(p[1]);
    const y = Number(p[2]);
    const z = Number(p[3]);
    if ([x, y, z].every(Number.isFinite)) xyz.push(x, y, z);
  }
  return Float64Array.from(xyz);
}

/** The last log lines that say something (COLMAP logs through glog on stderr, progress on stdout). */
function lastWords(out: string, lines = 2): string {
  const said = out
    .split(/\r?\n/)
    .map((l) => l.replace(/^[IWEF]\d{8} [\d:.]+\s+\d+\s+\S+\]\s*/, '').trim())
    .filter((l) => l && !/^=+$/.test(l) && !/^Elapsed time/.test(l));
  return said.slice(-lines).join(' / ');
}

/**
 * COLMAP 3.8 on a folder of frames: feature_extractor (SIFT on CPU, one shared camera, focal unknown) →
 * sequential_matcher (CPU) → mapper → model_converter (TXT) of every model it wrote. Timed end to end.
 * It runs at the bench process's niceness (the bench renices itself: see colmap-peer.ts). A step that
 * fails, or a mapper that writes no model, is recorded in `failure`, not thrown.
 */
export async function runColmap(frames: string, work: string, opt: ColmapOptions): Promise<ColmapRun> {
  const db = path.join(work, 'db.db');
  const sparse = path.join(work, 'sparse');
  await mkdir(sparse, { recursive: true });
  const t0 = performance.now();
  const left = () => Math.max(1, Math.round(opt.timeoutS * 1000 - (performance.now() - t0)));
  const steps: Record<string, number> = {};
  const step = (args: string[]) =>
    new Promise<{ ok: boolean; out: string }>((resolve) => {
      const started = performance.now();
      const done = (r: { ok: boolean; out: string }) => {
        steps[args[0]!] = (steps[args[0]!] ?? 0) + (performance.now() - started) / 1000;
        resolve(r);
      };
      execFile(
        'colmap',
        args,
        {
          maxBuffer: 256 << 20,
          timeout: left(),
          killSignal: 'SIGKILL',
          env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' },
        },
        (err, stdout, stderr) => {
          const out = `${stdout}\n${stderr}`;
          if (!err) return done({ ok: true, out });
          const e = err as Error & { killed?: boolean; code?: unknown; signal?: unknown };
          const why =
            e.killed || e.signal === 'SIGKILL'
              ? `killed at the ${opt.timeoutS} s limit`
              : typeof e.code === 'string'
                ? e.code // ENOENT: not installed
                : `exit ${String(e.code ?? e.signal)}`;
          done({ ok: false, out: `${why}: ${lastWords(out)}` });
        },
      );
    });
  const fail = async (what: string, r: { out: string }): Promise<ColmapRun> => ({
    seconds: (performance.now() - t0) / 1000,
    steps,
    models: [],
    failure: `${what} failed (${r.out})`,
  });
  let r = await step([
    'feature_extractor',
    '--database_path',
    db,
    '--image_path',
    frames,
    '--ImageReader.single_camera',
    '1',
    '--ImageReader.camera_model',
    opt.cameraModel,
    '--SiftExtraction.use_gpu',
    '0',
    '--SiftExtraction.num_threads',
    opt.threads,
  ]);
  if (!r.ok) return fail('feature_extractor', r);
  r = await step([
    'sequential_matcher',
    '--database_path',
    db,
    '--SiftMatching.use_gpu',
    '0',
    '--SiftMatching.num_threads',
    opt.threads,
  ]);
  if (!r.ok) return fail('sequential_matcher', r);
  r = await step([
    'mapper',
    '--database_path',
    db,
    '--image_path',
    frames,
    '--output_path',
    sparse,
    '--Mapper.num_threads',
    opt.threads,
  ]);
  if (!r.ok) return fail('mapper', r);
  const mapperSaid = lastWords(r.out, 3);
  const names = (await readdir(sparse)).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  const texts: { name: string; dir: string }[] = [];
  for (const name of names) {
    const dir = path.join(work, `txt-${name}`);
    await mkdir(dir);
    const c = await step([
      'model_converter',
      '--input_path',
      path.join(sparse, name),
      '--output_path',
      dir,
      '--output_type',
      'TXT',
    ]);
    if (!c.ok) return fail(`model_converter (model ${name})`, c);
    texts.push({ name, dir });
  }
  const seconds = (performance.now() - t0) / 1000;
  const models: ColmapModel[] = [];
  for (const { name, dir } of texts) {
    const track = readColmap({
      camerasTxt: await readFile(path.join(dir, 'cameras.txt'), 'utf8'),
      imagesTxt: await readFile(path.join(dir, 'images.txt'), 'utf8'),
    });
    const poses = new Map<number, Pose>();
    for (const f of track.frames) poses.set(frameIndexOfName(f.file ?? '') ?? f.index, f.camera);
    models.push({
      name,
      poses,
      focal: track.frames[0]?.camera.intrinsics.fx ?? NaN,
      points: points3D(await readFile(path.join(dir, 'points3D.txt'), 'utf8')),
    });
  }
  models.sort((a, b) => b.poses.size - a.poses.size);
  return {
    seconds,
    steps,
    models,
    failure: models.length ? null : `mapper wrote no model (${mapperSaid || 'no reason given'})`,
  };
}

// ---------------------------------------------------------------------------------------------- measures

export const median = (a: readonly number[]): number => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const DEG = 180 / Math.PI;

export interface Agreement {
  /** Frames both registered (the ones compared). */
  frames: number;
  /** Centre disagreement after Sim(3)-aligning ours onto theirs, as a fraction of their path length. */
  rmsRelative: number;
  medianRelative: number;
  /** Median angle between the aligned rotations and theirs, degrees (rotation of the Sim(3) above). */
  rotationMedianDeg: number;
  /**
   * The same after the rotation that best aligns the orientations themselves (chordal mean of
   * R_theirs·R_oursᵀ): free of the centre alignment, whose rotation about a near-straight path (a dolly,
   * a dashcam) the centres barely fix.
   */
  rotationOwnMedianDeg: number;
  /** Their path length over the frames compared (in their units). */
  pathLength: number;
}

/**
 * How far our camera path agrees with theirs where there is no ground truth: ours is Sim(3)-aligned onto
 * theirs on the frames both registered (src-shared/geometry alignTrajectories: Umeyama on the centres,
 * the rotation prior the benches' ATE uses), then centres and rotations (after the alignment's rotation)
 * are compared frame by frame. Null with fewer than 3 common frames.
 */
export function agreement(
  ours: readonly (Pose | null)[],
  theirs: ReadonlyMap<number, Pose>,
): Agreement | null {
  const est: Pose[] = [];
  const ref: Pose[] = [];
  [...theirs.keys()]
    .sort((a, b) => a - b)
    .forEach((i) => {
      const p = ours[i];
      if (p) {
        est.push(p);
        ref.push(theirs.get(i)!);
      }
    });
  if (est.length < 3) return null;
  const T = alignTrajectories(est, ref);
  const aligned = est.map((p) => applySim3ToPose(T, p));
  const d = aligned.map((p, k) => distance(p.C, ref[k]!.C));
  const L = pathLength(ref);
  const M: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  est.forEach((p, k) => {
    const d = quatToMat3(quatMultiply(ref[k]!.q, quatConjugate(p.q)));
    for (let j = 0; j < 9; j++) M[j] = M[j]! + d[j]!;
  });
  const own = nearestRotationQuat(M);
  return {
    frames: est.length,
    rmsRelative: Math.sqrt(d.reduce((s, x) => s + x * x, 0) / d.length) / L,
    medianRelative: median(d) / L,
    rotationMedianDeg: median(aligned.map((p, k) => quatAngle(p.q, ref[k]!.q) * DEG)),
    rotationOwnMedianDeg: median(est.map((p, k) => quatAngle(quatMultiply(own, p.q), ref[k]!.q) * DEG)),
    pathLength: L,
  };
}

/**
 * How far the camera travelled, scale-free: the path length over the registered frames (in frame order)
 * divided by the median depth of the sparse points seen from the middle registered frame. 0 for a camera
 * that stayed put; NaN when there are no points in front of it to give a scale.
 */
export function travel(poses: readonly (Pose | null | undefined)[], xyz: ArrayLike<number>): number {
  const reg = poses.filter((p): p is Pose => !!p);
  if (reg.length < 2) return NaN;
  const L = pathLength(reg);
  if (L === 0) return 0;
  const mid = reg[reg.length >> 1]!;
  const depths: number[] = [];
  for (let k = 0; k + 2 < xyz.length; k += 3) {
    const z = worldToCamera(mid, [xyz[k]!, xyz[k + 1]!, xyz[k + 2]!])[2];
    if (z > 0) depths.push(z);
  }
  return depths.length ? L / median(depths) : NaN;
}
