/**
 * Source camera vs COLMAP 3.8 (CPU), issue 5's peer comparison and issue 11's on real clips.
 * COLMAP: feature_extractor (SIFT on CPU, one SIMPLE_PINHOLE camera, focal unknown) → sequential_matcher
 * (CPU) → mapper → model_converter (TXT). Reshoot: decode the same PNG frames → KLT tracks → solveCamera
 * (focal unknown). Both timed end to end (wall clock, same machine, one after the other, the two tools
 * alternating run by run).
 *
 * - Ground-truth shots (../shared/gt orbit_a, dolly_a; any other gt shot by name): ATE of both against the
 *   truth after Sim(3) alignment, RPE rotation, estimated focal. Each shot runs --runs times (default 3);
 *   the table gives each tool's median time and the median, worst and best ATE over the runs (COLMAP's
 *   multi-threaded mapper does not give the same result every run). The speed ratio is the ratio of the medians.
 * - Real clips (../shared/media, see bench/camera/peer-clips.ts): the first frames of each clip (--frames,
 *   or each clip's default) decoded as the app decodes for analysis (long side 640 px) into PNG files both
 *   tools read. No ground truth: registered frames, Reshoot's status, report summary and moving tracks,
 *   camera travel over median scene depth (the static clips should show ~0), and the agreement of the two
 *   paths: Reshoot's centres Sim(3)-aligned onto COLMAP's on the frames both registered, RMS and median
 *   centre disagreement as % of COLMAP's path length, median rotation disagreement (after the Sim(3)'s
 *   rotation, and after the orientations' own best fit). COLMAP failing (no model, a step's error, the
 *   --colmap-timeout limit, default 1800 s) is a result. --clip-runs times each (default 1). Default frames:
 *   the moving clips whole (dashcam 233, bedroom 200, cat 120), robot whole (121), dog and camel the first
 *   120 (of 289 and 372); --frames N caps every clip, --frames all takes every clip whole.
 *
 * COLMAP runs at niceness --nice (default 10) as the machine is shared: the bench renices itself to it
 * at start, so COLMAP (its child) and Reshoot (in this process, and its ffmpeg decoders) run at the same
 * priority and the comparison stays fair under load.
 *
 * - Full analysis on the gt shots (issue 12): "Analyze shot" end to end — tracks → camera → depth → 3D
 *   tracks — through the real CLI on a fresh project per run (`reshoot new`, `reshoot import <shot.mp4>`,
 *   then `reshoot analyze <project> 1`, timed), with no depth model installed (RESHOOT_MODELS_DIR is an
 *   empty folder: KLT tracks and stereo depth at 640 px, the no-model path) and a scratch config folder.
 *   Per-stage seconds are the ones `reshoot analyze` prints (the app's own stage timings); the total is
 *   the analyze command's wall clock (process start to exit; the import's decode check is not counted).
 *   Compared against COLMAP's sparse reconstruction of the same frames (its end-to-end time above: the
 *   same 48 or 60 frames, PNG, focal unknown). The CLI is the bundled one: the bench runs
 *   `npm run build:main` first when dist/main/cli.js is older than the sources (--no-build: never).
 *   --full-only runs only these rows (no camera-only Reshoot run, no COLMAP run): the COLMAP column
 *   then comes from --colmap-from FILE, a previous run's --json output, or is blank.
 *
 * COLMAP 3.8 is Debian 12's package (`apt-get install colmap`); --no-colmap runs Reshoot alone.
 * Run from the project root:
 *   npx tsx bench/camera/colmap-peer.ts [--clips LIST] [--runs N] [--clip-runs N] [--frames N|all]
 *     [--no-colmap] [--colmap-camera MODEL] [--colmap-timeout S] [--nice N] [--write]
 *     [--full-only] [--no-full] [--colmap-from FILE] [--json FILE] [--no-build]
 * --json FILE: the gt shots' results (every run of every tool, COLMAP's step times, the full analyses)
 *   written as JSON. --colmap-from FILE: COLMAP is not run for the gt shots FILE has COLMAP runs of;
 *   their figures are taken from it (and said so). --no-full: no full-analysis rows (the bench as it
 *   was before issue 12).
 * --clips: comma-separated clip keys (dashcam, bedroom, cat, dog, camel, robot), gt shot names
 *   (orbit_a, dolly_a, handheld_a, …), or the groups gt (orbit_a, dolly_a), real (the six clips), all
 *   (default: gt and real). --frames applies to real clips only (gt shots always use all their frames).
 * With --write, replaces the "## Source camera vs COLMAP" section of docs/BENCHMARKS.md (when gt shots ran,
 * not with --full-only), the "## Full analysis vs COLMAP sparse" section (when full analyses ran) and the
 * "## Source camera vs COLMAP on real clips" section (when clips ran); not with --no-colmap.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { trajectoryMetrics, poseFromRotation, type Pose } from '../../src-shared/geometry';
import { probeMedia } from '../../src-main/media';
import { grayFrames, KltTracker, type TrackSet } from '../../src-main/analysis/tracking';
import { solveCamera, TRACK_DYNAMIC, type CameraSolve } from '../../src-main/analysis/camera';
import { analysisSize } from '../../src-main/analysis/track-job';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';
import {
  agreement,
  CLIPS,
  extractFrames,
  MEDIA,
  median,
  runColmap,
  travel,
  type Agreement,
  type Clip,
  type ColmapRun,
  type ExtractedFrames,
} from './peer-clips';

const GT = '../shared/gt';
const GT_SHOTS = ['orbit_a', 'dolly_a'];
const TRUE_F = (28 / 36) * 640;
const THREADS = String(os.cpus().length);

// ---------------------------------------------------------------------------------------------- options

const argv = process.argv.slice(2);
const VALUED = [
  '--runs',
  '--clip-runs',
  '--clips',
  '--frames',
  '--colmap-camera',
  '--colmap-timeout',
  '--nice',
  '--colmap-from',
  '--json',
];
const FLAGS = ['--no-colmap', '--write', '--full-only', '--no-full', '--no-build'];
function usage(problem: string): never {
  console.error(
    `${problem}\nusage: npx tsx bench/camera/colmap-peer.ts [--clips LIST] [--runs N] [--clip-runs N] [--frames N|all] [--no-colmap] [--colmap-camera MODEL] [--colmap-timeout S] [--nice N] [--write] [--full-only] [--no-full] [--colmap-from FILE] [--json FILE] [--no-build]`,
  );
  process.exit(2);
}
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (VALUED.includes(a)) {
    if (argv[i + 1] === undefined) usage(`${a} needs a value`);
    i++;
  } else if (!FLAGS.includes(a)) usage(`unknown argument '${a}'`);
}
const value = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const positive = (name: string, fallback: number): number => {
  const v = value(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${name} takes a positive integer, not '${v}'`);
  return n;
};
const RUNS = positive('--runs', 3);
const CLIP_RUNS = positive('--clip-runs', 1);
const framesArg = value('--frames');
const FRAMES: number | 'all' | undefined =
  framesArg === undefined || framesArg === 'all' ? framesArg : positive('--frames', 0);
const NO_COLMAP = argv.includes('--no-colmap');
const CAMERA_MODEL = value('--colmap-camera') ?? 'SIMPLE_PINHOLE';
const COLMAP_TIMEOUT_S = positive('--colmap-timeout', 1800);
const NICE = Number(value('--nice') ?? 10);
if (!Number.isInteger(NICE) || NICE < 0 || NICE > 19) usage('--nice takes 0…19');
if (NO_COLMAP && argv.includes('--write'))
  usage('--write with --no-colmap would drop the COLMAP rows from docs/BENCHMARKS.md');
const FULL_ONLY = argv.includes('--full-only');
const FULL = !argv.includes('--no-full');
if (FULL_ONLY && !FULL) usage('--full-only and --no-full contradict each other');
const JSON_OUT = value('--json');
const COLMAP_FROM = value('--colmap-from');

const selected = (value('--clips') ?? (FULL_ONLY ? 'gt' : 'all')).split(',').flatMap((name) => {
  const n = name.trim();
  if (n === 'all') return [...GT_SHOTS, ...CLIPS.map((c) => c.key)];
  if (n === 'gt') return GT_SHOTS;
  if (n === 'real') return CLIPS.map((c) => c.key);
  return n ? [n] : [];
});
const gtShots: string[] = [];
const clips: Clip[] = [];
for (const name of new Set(selected)) {
  const clip = CLIPS.find((c) => c.key === name || c.file === name);
  if (clip) clips.push(clip);
  else {
    try {
      await readFile(path.join(GT, name, 'cameras.json'));
      gtShots.push(name);
    } catch {
      usage(
        `'${name}' is neither a clip (${CLIPS.map((c) => c.key).join(', ')}) nor a shot of ${GT} (with cameras.json)`,
      );
    }
  }
}

if (FULL_ONLY && clips.length)
  usage(`--full-only is for the gt shots; not for the real clips (${clips.map((c) => c.key).join(', ')})`);

/** COLMAP runs of gt shots from a previous --json output (--colmap-from), by shot. */
const reusedColmap = new Map<string, Row[]>();
if (COLMAP_FROM) {
  let doc: BenchJson;
  try {
    doc = JSON.parse(await readFile(COLMAP_FROM, 'utf8')) as BenchJson;
  } catch (e) {
    usage(`--colmap-from ${COLMAP_FROM}: ${(e as Error).message}`);
  }
  if (doc.version !== 1 || typeof doc.gt !== 'object')
    usage(`--colmap-from ${COLMAP_FROM}: not the --json output of this bench`);
  for (const [shot, r] of Object.entries(doc.gt))
    if (r.colmap?.length)
      reusedColmap.set(
        shot,
        r.colmap.map((c) => ({
          ...c,
          ate: c.ate ?? NaN,
          rpeRot: c.rpeRot ?? NaN,
          focal: c.focal ?? NaN,
          note: `${c.note ? c.note + '; ' : ''}from ${COLMAP_FROM}${doc.date ? ` (${doc.date})` : ''}`,
        })),
      );
}
/** COLMAP runs here: not --no-colmap, not --full-only, and some gt shot or clip without reused figures. */
const RUN_COLMAP =
  !NO_COLMAP && !FULL_ONLY && (clips.length > 0 || gtShots.some((s) => !reusedColmap.has(s)));

// The same priority for both tools (COLMAP inherits it); never raised (that would need privileges).
try {
  if (os.getPriority() < NICE) os.setPriority(NICE);
} catch {
  // keep the priority we have
}
const NICENESS = os.getPriority();

if (RUN_COLMAP) {
  try {
    execFileSync('colmap', ['help'], {
      stdio: 'ignore',
      env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' },
    });
  } catch {
    usage(
      'COLMAP is not installed (or not on PATH): `apt-get install colmap` (Debian 12 has 3.8), or run with --no-colmap.',
    );
  }
}

// ---------------------------------------------------------------------------------------------- Reshoot

interface ReshootRun {
  solve: CameraSolve;
  set: TrackSet;
  seconds: number;
  trackSeconds: number;
  width: number;
  height: number;
}

/**
 * Reshoot end to end on a folder of frame_NNNN.png: the app's tracking settings (track-job analysisSize:
 * KLT, default options, long side at most 640 px), then solveCamera with the focal unknown.
 */
async function reshootOn(framesDir: string): Promise<ReshootRun> {
  const t0 = performance.now();
  const facts = await probeMedia(path.join(framesDir, 'frame_0001.png'));
  const { width, height } = analysisSize(facts.width, facts.height);
  const trk = new KltTracker(width, height);
  for await (const f of grayFrames(facts, { width, height })) trk.push(f.image);
  const set = trk.result();
  const trackSeconds = (performance.now() - t0) / 1000;
  const solve = await solveCamera(set);
  return { solve, set, seconds: (performance.now() - t0) / 1000, trackSeconds, width, height };
}

/**
 * The solve's report (issue 11): its one-line summary and the tracks it flagged as moving. Read with
 * optional chaining: a solver that does not fill it yet gives '—' and the count of TRACK_DYNAMIC flags.
 */
const summaryOf = (s: CameraSolve): string => s.report?.summary ?? '—';
const movingOf = (s: CameraSolve): number =>
  s.report?.movingTracks ?? s.trackFlags.reduce((n, f) => n + (f === TRACK_DYNAMIC ? 1 : 0), 0);
const registeredOf = (s: CameraSolve): number => s.poses.filter((p) => p).length;

// ---------------------------------------------------------------------------------------------- full analysis

const STAGES = ['tracks', 'camera', 'depth', 'tracks3d'] as const;
type Stage = (typeof STAGES)[number];

interface FullRun {
  shot: string;
  /** Wall clock of `reshoot analyze` (process start to exit). */
  seconds: number;
  /** Each stage's seconds as `reshoot analyze` prints them (the app's own timings); NaN when not printed. */
  stages: Record<Stage, number>;
  /** The job's closing message ("Analysed in 93.1 s") and the summary lines about the camera and depth. */
  message: string;
  camera: string;
  depth: string;
  /** Set when a CLI step failed: which, its exit and last words. */
  failure: string | null;
}

const CLI = path.resolve('bin/reshoot.js');

/** The newest modification time of the files under `dir` (recursively), ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The bundled CLI, built from the working tree's sources when it is older than they are (--no-build: never). */
function ensureBuilt(): string {
  const bundle = path.resolve('dist/main/cli.js');
  const sources = Math.max(newest('src-main'), newest('src-shared'));
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  if (built >= sources) return 'dist/main as built';
  if (argv.includes('--no-build')) {
    if (!built) usage("the CLI is not built: run 'npm run build:main' (or leave out --no-build)");
    return 'dist/main as built (older than the sources: --no-build)';
  }
  console.log("dist/main/cli.js is older than the sources: running 'npm run build:main' first");
  execFileSync('npm', ['run', 'build:main'], { stdio: 'inherit' });
  return "dist/main built by the bench ('npm run build:main')";
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, maxBuffer: 64 << 20 }, (e, out, err) => {
      const code = e
        ? typeof (e as { code?: unknown }).code === 'number'
          ? (e as { code: number }).code
          : 1
        : 0;
      resolve({ code, out: String(out), err: String(err) });
    });
  });
}

/** `reshoot analyze`'s stage lines: "  depth     done       80.9 s  plane sweep at 640×360 · …". */
function parseAnalyzeOutput(out: string): Pick<FullRun, 'stages' | 'message' | 'camera' | 'depth'> {
  const stages = Object.fromEntries(STAGES.map((k) => [k, NaN])) as Record<Stage, number>;
  let message = '';
  let camera = '';
  let depth = '';
  for (const line of out.split(/\r?\n/)) {
    const m = /^\s+(tracks3d|tracks|camera|depth)\s+(done|reused|failed)\s+(?:([\d.]+) s|reused)/.exec(line);
    if (m) stages[m[1] as Stage] = m[2] === 'reused' ? 0 : Number(m[3]);
    else if (/: Analysed in /.test(line)) message = line.slice(line.indexOf('Analysed in')).trim();
    else if (/^\s+source camera: /.test(line)) camera = line.trim().replace(/^source camera: /, '');
    else if (/^\s+depth: /.test(line)) depth = line.trim().replace(/^depth: /, '');
  }
  return { stages, message, camera, depth };
}

/**
 * "Analyze shot" on a gt shot through the CLI, on a fresh project in a scratch folder: no depth model
 * (an empty models folder), a scratch config folder (the user's recent projects are left alone).
 */
async function fullAnalysis(shot: string): Promise<FullRun> {
  const work = await mkdtemp(path.join(os.tmpdir(), `reshoot-full-${shot}-`));
  const env = {
    ...process.env,
    RESHOOT_MODELS_DIR: path.join(work, 'models'),
    RESHOOT_CONFIG_DIR: path.join(work, 'config'),
  };
  await mkdir(env.RESHOOT_MODELS_DIR, { recursive: true });
  const project = path.join(work, 'bench.reshoot');
  const none = { stages: Object.fromEntries(STAGES.map((k) => [k, NaN])) as Record<Stage, number> };
  const failed = (step: string, r: { code: number; out: string; err: string }): FullRun => ({
    shot,
    seconds: NaN,
    ...none,
    message: '',
    camera: '',
    depth: '',
    failure: `reshoot ${step} exited ${r.code}: ${(r.err.trim() || r.out.trim()).split('\n').slice(-2).join(' / ')}`,
  });
  try {
    let r = await cli(['new', project], env);
    if (r.code !== 0) return failed('new', r);
    r = await cli(['import', project, path.resolve(GT, shot, 'shot.mp4'), '--no-thumbnails'], env);
    if (r.code !== 0) return failed('import', r);
    const t0 = performance.now();
    r = await cli(['analyze', project, '1'], env);
    const seconds = (performance.now() - t0) / 1000;
    if (r.code !== 0) return { ...failed('analyze', r), seconds };
    return { shot, seconds, ...parseAnalyzeOutput(r.out), failure: null };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------- gt shots

interface Row {
  shot: string;
  method: string;
  seconds: number;
  registered: string;
  ate: number;
  rpeRot: number;
  focal: number;
  note: string;
  /** COLMAP: wall seconds of each of its steps. */
  steps?: Record<string, number>;
}

/** What --json writes (and --colmap-from reads): the gt shots' runs, every run of every tool. */
interface BenchJson {
  version: 1;
  date: string;
  command: string;
  machine: string;
  loads: number[];
  gt: Record<string, { reshootCamera: Row[]; colmap: Row[]; full: FullRun[] }>;
}

function gtPoses(doc: { frames: { C: [number, number, number]; R_wc: number[][] }[] }): Pose[] {
  return doc.frames.map((f) =>
    poseFromRotation(f.C, f.R_wc.flat() as Parameters<typeof poseFromRotation>[1]),
  );
}

function scored(est: Pose[], ref: Pose[]): { ate: number; rpeRot: number } {
  if (est.length < 2) return { ate: NaN, rpeRot: NaN };
  const met = trajectoryMetrics(est, ref);
  return { ate: met.ateRelative, rpeRot: met.rpeRotMeanDeg };
}

async function colmapGt(shot: string, truth: Pose[]): Promise<Row> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `colmap-${shot}-`));
  const run = await runColmap(path.resolve(GT, shot, 'frames'), dir, {
    threads: THREADS,
    cameraModel: CAMERA_MODEL,
    timeoutS: COLMAP_TIMEOUT_S,
  });
  await rm(dir, { recursive: true, force: true });
  // model 0 (the mapper's first) is scored, as this bench always has
  const model = run.models.find((m) => m.name === '0') ?? run.models[0];
  const est: Pose[] = [];
  const ref: Pose[] = [];
  for (const [i, p] of [...(model?.poses ?? new Map<number, Pose>())].sort((a, b) => a[0] - b[0])) {
    if (!truth[i]) continue;
    est.push(p);
    ref.push(truth[i]);
  }
  const models = run.models.length;
  return {
    shot,
    method: 'COLMAP 3.8 CPU (SIFT, sequential, mapper)',
    seconds: run.seconds,
    registered: `${est.length}/${truth.length}`,
    ...scored(est, ref),
    focal: model?.focal ?? NaN,
    note: run.failure ?? (models > 1 ? `${models} models; model 0 scored (COLMAP split the shot)` : ''),
    steps: run.steps,
  };
}

async function reshootGt(shot: string, truth: Pose[]): Promise<Row> {
  const r = await reshootOn(path.join(GT, shot, 'frames'));
  const est: Pose[] = [];
  const ref: Pose[] = [];
  r.solve.poses.forEach((p, i) => {
    if (p && truth[i]) {
      est.push(p);
      ref.push(truth[i]!);
    }
  });
  const summary = summaryOf(r.solve);
  return {
    shot,
    method: 'Reshoot (KLT + solveCamera, TypeScript)',
    seconds: r.seconds,
    registered: `${registeredOf(r.solve)}/${truth.length}`,
    ...scored(est, ref),
    focal: r.solve.intrinsics.fx,
    note: `${r.solve.status}${summary === '—' ? '' : ` (${summary})`}; tracking ${r.trackSeconds.toFixed(1)} s (KLT ${r.width}×${r.height}) + solve ${(r.seconds - r.trackSeconds).toFixed(1)} s; ${r.set.numTracks} tracks`,
  };
}

/** One row per tool and shot: median seconds, ATE median [best–worst], the median-time run's details. */
function summarise(runs: Row[]): Row & { ates: number[]; times: number[]; regs: string[] } {
  const times = runs.map((r) => r.seconds);
  const ates = runs.map((r) => r.ate);
  const mid = [...runs].sort((a, b) => a.seconds - b.seconds)[runs.length >> 1]!;
  return {
    ...mid,
    seconds: median(times),
    ate: median(ates),
    rpeRot: median(runs.map((r) => r.rpeRot)),
    focal: median(runs.map((r) => r.focal)),
    ates,
    times,
    regs: runs.map((r) => r.registered),
  };
}

const machine = `Machine: ${os.cpus().length}-core ${os.arch()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), no GPU, Node ${process.versions.node}; COLMAP 3.8 (Debian, CPU, ${THREADS} threads${NO_COLMAP ? ', not run (--no-colmap)' : RUN_COLMAP ? '' : `, not run here${COLMAP_FROM ? `: figures from ${COLMAP_FROM}` : ''}`}); both tools at niceness ${NICENESS}.`;
const command = `npx tsx bench/camera/colmap-peer.ts${argv.length ? ' ' + argv.join(' ') : ''}`;
const today = new Date().toISOString().slice(0, 10);
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(3)} %` : '—');
const loadsText = (loads: number[]) => loads.map((l) => l.toFixed(1)).join(', ');

if (gtShots.length) {
  const built = FULL ? ensureBuilt() : null;
  const rows: ReturnType<typeof summarise>[] = [];
  const loads: number[] = [];
  const json: BenchJson = { version: 1, date: today, command, machine, loads, gt: {} };
  const fullShots: { shot: string; frames: number; colmap: Row[]; reused: boolean; full: FullRun[] }[] = [];
  for (const shot of gtShots) {
    const doc = JSON.parse(await readFile(path.join(GT, shot, 'cameras.json'), 'utf8')) as Parameters<
      typeof gtPoses
    >[0];
    const truth = gtPoses(doc);
    const ours: Row[] = [];
    const theirs: Row[] = [];
    const full: FullRun[] = [];
    const reused = reusedColmap.get(shot);
    for (let i = 0; i < RUNS; i++) {
      if (!FULL_ONLY) {
        loads.push(os.loadavg()[0]!);
        const r = await reshootGt(shot, truth);
        console.log(r);
        ours.push(r);
      }
      if (!NO_COLMAP && !FULL_ONLY && !reused) {
        loads.push(os.loadavg()[0]!);
        const c = await colmapGt(shot, truth);
        console.log(c);
        theirs.push(c);
      }
      if (FULL) {
        loads.push(os.loadavg()[0]!);
        const f = await fullAnalysis(shot);
        console.log(f);
        full.push(f);
      }
    }
    loads.push(os.loadavg()[0]!);
    const colmap = reused ?? theirs;
    if (ours.length) rows.push(summarise(ours));
    if (ours.length && colmap.length) rows.push(summarise(colmap));
    json.gt[shot] = { reshootCamera: ours, colmap, full };
    if (FULL) fullShots.push({ shot, frames: truth.length, colmap, reused: !!reused, full });
  }
  if (JSON_OUT) {
    await writeFile(JSON_OUT, JSON.stringify(json, null, 1) + '\n');
    console.log(`wrote ${JSON_OUT}`);
  }
  if (rows.length) await cameraTable(rows, loads);
  if (fullShots.length) await fullTable(fullShots, loads, built!);
}

async function cameraTable(rows: ReturnType<typeof summarise>[], loads: number[]): Promise<void> {
  const reused = gtShots.filter((s) => reusedColmap.has(s));
  const frameCounts = [...new Set(rows.map((r) => r.registered.split('/')[1]))].join(' or ');
  const lines = [
    '## Source camera vs COLMAP',
    '',
    machine,
    `Date: ${today}. Command: \`${command}\`. 1-minute load average during the run: ${loadsText(loads)} (the machine is shared with other engineers' work; both tools ran one after the other under that load, so times are noisy and ratios are within this run${reused.length ? `; except COLMAP on ${reused.join(', ')}, not run here: its figures are from ${COLMAP_FROM}` : ''}).`,
    `Input: the ${frameCounts} PNG frames (640×360) of each ../shared/gt shot; focal unknown to both (true 497.8 px). End to end = frames on disk → camera poses (Reshoot: decode + KLT tracking + solve; COLMAP: feature extraction + sequential matching + mapping + text export).`,
    'ATE = RMSE of camera centres after Sim(3) alignment, as % of the true path length (src-shared/geometry trajectoryMetrics); RPE rot = mean per-frame relative rotation error.',
    '',
    `${RUNS} run${RUNS > 1 ? 's' : ''} per tool and shot, alternating; median end-to-end time (all runs in brackets), median ATE (best–worst), median RPE and focal; registered frames per run; notes from the run with the median time.`,
    '',
    '| shot | method | end-to-end s, median (runs) | registered | ATE (% of path), median (best–worst) | RPE rot (°/frame) | focal px (err) | notes |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.shot} | ${r.method} | ${r.seconds.toFixed(1)} (${r.times.map((t) => t.toFixed(1)).join(', ')}) | ${r.regs.join(', ')} | ${pct(r.ate)} (${pct(Math.min(...r.ates))}–${pct(Math.max(...r.ates))}) | ${r.rpeRot.toFixed(4)} | ${r.focal.toFixed(1)} (${(100 * (r.focal / TRUE_F - 1)).toFixed(1)} %) | ${r.note} |`,
    ),
    '',
  ];
  for (const shot of gtShots) {
    const a = rows.find((r) => r.shot === shot && r.method.startsWith('Reshoot'))!;
    const b = rows.find((r) => r.shot === shot && r.method.startsWith('COLMAP'));
    if (!b) continue;
    const speed = b.seconds / a.seconds;
    const met = speed >= 5 && a.ate <= b.ate;
    lines.push(
      `- ${shot}: Reshoot is ${speed.toFixed(1)}× ${speed >= 1 ? 'faster' : 'slower'} than COLMAP (medians); median ATE ${pct(a.ate)} vs ${pct(b.ate)} (Reshoot's worst ${pct(Math.max(...a.ates))}, COLMAP's best ${pct(Math.min(...b.ates))}). Goal (≥ 5× faster at equal or better ATE): ${met ? 'met' : 'NOT met'}.`,
    );
  }
  lines.push('');
  const table = lines.join('\n');
  console.log(table);
  await writeBenchmarkSection('Source camera vs COLMAP', table);
}

/** The full-analysis table: per gt shot, COLMAP's sparse time against "Analyze shot" stage by stage. */
async function fullTable(
  shots: { shot: string; frames: number; colmap: Row[]; reused: boolean; full: FullRun[] }[],
  loads: number[],
  built: string,
): Promise<void> {
  const fix = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const runsText = (xs: number[]) => `${fix(median(xs))} (${xs.map((x) => fix(x)).join(', ')})`;
  const rowsOut: string[] = [];
  const bullets: string[] = [];
  for (const { shot, frames, colmap, reused, full } of shots) {
    const ok = full.filter((f) => !f.failure);
    const stage = (k: Stage) => median(ok.map((f) => f.stages[k]));
    const total = median(ok.map((f) => f.seconds));
    const colmapS = colmap.length ? median(colmap.map((c) => c.seconds)) : NaN;
    const ratio = total / colmapS;
    const mid = [...ok].sort((a, b) => a.seconds - b.seconds)[ok.length >> 1];
    const notes = [
      ...full.filter((f) => f.failure).map((f) => `failed: ${f.failure}`),
      ...(mid
        ? [
            `stages sum ${fix(STAGES.reduce((a, k) => a + mid.stages[k], 0))} s (${mid.message})`,
            `camera: ${mid.camera}`,
            `depth: ${mid.depth}`,
          ]
        : []),
      ...(reused ? [`COLMAP from ${COLMAP_FROM}`] : []),
    ]
      .join('; ')
      .replace(/\|/g, '\\|');
    rowsOut.push(
      `| ${shot} | ${frames} | ${colmap.length ? runsText(colmap.map((c) => c.seconds)) : '—'} | ${STAGES.map((k) => fix(stage(k))).join(' | ')} | ${ok.length ? runsText(ok.map((f) => f.seconds)) : '—'} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—'} | ${notes} |`,
    );
    if (Number.isFinite(ratio))
      bullets.push(
        `- ${shot}: the full analysis takes ${ratio.toFixed(2)}× COLMAP's sparse reconstruction time (${fix(total)} s vs ${fix(colmapS)} s, medians); depth is ${fix((100 * stage('depth')) / total, 0)} % of it, tracks + camera ${fix(stage('tracks') + stage('camera'))} s.`,
      );
  }
  const lines = [
    '## Full analysis vs COLMAP sparse',
    '',
    machine,
    `Date: ${today}. Command: \`${command}\`. CLI: ${built}. 1-minute load average during the run: ${loadsText(loads)} (the machine is shared: times are noisy).`,
    `Reshoot: "Analyze shot" end to end through the CLI on a fresh project per run (\`reshoot new\`, \`reshoot import <gt shot.mp4>\`, then \`reshoot analyze <project> 1\`, timed): KLT tracks → camera solve (focal unknown) → stereo depth at 640 px (no depth model installed) → 3D tracks. Stage seconds are the ones \`reshoot analyze\` prints; total = the analyze command's wall clock (process start to exit; importing and its decode check not counted). COLMAP: its sparse reconstruction of the same frames (PNG) as in "Source camera vs COLMAP" (feature extraction + sequential matching + mapping + text export), end to end; it makes no dense depth.`,
    '',
    `${RUNS} run${RUNS > 1 ? 's' : ''} per shot; medians (all runs in brackets); notes from the run with the median time.`,
    '',
    '| shot | frames | COLMAP sparse s, median (runs) | Reshoot tracks s | camera s | depth s | 3D tracks s | Reshoot total s, median (runs) | Reshoot ÷ COLMAP | notes |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rowsOut,
    '',
    ...bullets,
    '',
  ];
  const table = lines.join('\n');
  console.log(table);
  if (!NO_COLMAP) await writeBenchmarkSection('Full analysis vs COLMAP sparse', table);
}

// ---------------------------------------------------------------------------------------------- real clips

interface ClipResult {
  clip: Clip;
  input: ExtractedFrames;
  ours: ReshootRun[];
  theirs: ColmapRun[];
  agreements: (Agreement | null)[];
}

/** The per-run line printed as the bench goes (the solve itself is too big to print). */
function reshootLine(key: string, r: ReshootRun): object {
  return {
    clip: key,
    method: 'Reshoot',
    seconds: +r.seconds.toFixed(2),
    trackSeconds: +r.trackSeconds.toFixed(2),
    status: r.solve.status,
    message: r.solve.message,
    registered: `${registeredOf(r.solve)}/${r.solve.numFrames}`,
    summary: summaryOf(r.solve),
    tracks: r.set.numTracks,
    moving: movingOf(r.solve),
    focal: +r.solve.intrinsics.fx.toFixed(1),
    travel: travel(r.solve.poses, r.solve.points.xyz),
  };
}

const STEP_NAMES: Record<string, string> = {
  feature_extractor: 'features',
  sequential_matcher: 'matching',
  mapper: 'mapping',
  model_converter: 'export',
};
/** "features 12.3 s + matching 20.1 s + mapping 40.2 s + export 0.1 s" */
const stepsText = (c: ColmapRun): string =>
  Object.entries(c.steps)
    .map(([k, v]) => `${STEP_NAMES[k] ?? k} ${v.toFixed(1)} s`)
    .join(' + ');

function colmapLine(key: string, c: ColmapRun, frames: number): object {
  const m = c.models[0];
  return {
    clip: key,
    method: 'COLMAP',
    seconds: +c.seconds.toFixed(2),
    steps: stepsText(c),
    failure: c.failure,
    models: c.models.map((x) => `${x.name}: ${x.poses.size}/${frames} frames, ${x.points.length / 3} points`),
    focal: m ? +m.focal.toFixed(1) : null,
    travel: m
      ? travel(
          [...m.poses].sort((a, b) => a[0] - b[0]).map((e) => e[1]),
          m.points,
        )
      : null,
  };
}

const clipResults: ClipResult[] = [];
const clipLoads: number[] = [];
for (const clip of clips) {
  const work = await mkdtemp(path.join(os.tmpdir(), `reshoot-peer-${clip.key}-`));
  try {
    const want = FRAMES === 'all' ? null : (FRAMES ?? clip.defaultFrames);
    const input = await extractFrames(path.join(MEDIA, clip.file), want, path.join(work, 'frames'));
    console.log({
      clip: clip.key,
      decoded: `${input.frames}/${input.clipFrames} frames, ${input.sourceWidth}×${input.sourceHeight} → ${input.width}×${input.height} PNG`,
      seconds: +input.seconds.toFixed(2),
    });
    const res: ClipResult = { clip, input, ours: [], theirs: [], agreements: [] };
    for (let i = 0; i < CLIP_RUNS; i++) {
      clipLoads.push(os.loadavg()[0]!);
      const r = await reshootOn(input.dir);
      console.log(reshootLine(clip.key, r));
      res.ours.push(r);
      if (NO_COLMAP) continue;
      clipLoads.push(os.loadavg()[0]!);
      const c = await runColmap(input.dir, path.join(work, `colmap-${i}`), {
        threads: THREADS,
        cameraModel: CAMERA_MODEL,
        timeoutS: COLMAP_TIMEOUT_S,
      });
      console.log(colmapLine(clip.key, c, input.frames));
      res.theirs.push(c);
      res.agreements.push(c.models[0] ? agreement(r.solve.poses, c.models[0].poses) : null);
    }
    clipLoads.push(os.loadavg()[0]!);
    clipResults.push(res);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (clipResults.length) {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const fix = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const times = (xs: number[]) => `${fix(median(xs))} (${xs.map((x) => fix(x)).join(', ')})`;
  /** The run with the median time (its details go in the table). */
  const midOf = <T extends { seconds: number }>(runs: T[]): T =>
    [...runs].sort((a, b) => a.seconds - b.seconds)[runs.length >> 1]!;
  const travelText = (t: number, isStatic: boolean) =>
    t === 0 ? (isStatic ? '0 (static)' : '0') : Number.isFinite(t) ? t.toFixed(3) : '—';
  const colmapTravel = (c: ColmapRun) => {
    const m = c.models[0];
    return m
      ? travel(
          [...m.poses].sort((a, b) => a[0] - b[0]).map((e) => e[1]),
          m.points,
        )
      : NaN;
  };
  const modelsText = (c: ColmapRun, n: number) =>
    c.failure ??
    `${c.models.length} model${c.models.length > 1 ? 's' : ''} (${c.models.map((m) => `${m.poses.size}/${n}`).join(', ')}); the largest scored`;

  const rows: string[] = [];
  for (const { clip, input, ours, theirs } of clipResults) {
    const n = input.frames;
    const frames = `${n} of ${input.clipFrames} (${input.width}×${input.height}, ${fix(input.fps, 2)} fps)`;
    const a = midOf(ours);
    rows.push(
      `| ${clip.key} | ${clip.camera} | ${frames} | Reshoot (KLT + solveCamera) | ${times(ours.map((r) => r.seconds))} | ${ours.map((r) => `${registeredOf(r.solve)}/${n}`).join(', ')} | ${a.solve.status}: ${cell(summaryOf(a.solve))} | ${movingOf(a.solve)} of ${a.set.numTracks} | ${travelText(travel(a.solve.poses, a.solve.points.xyz), a.solve.status === 'static')} | ${fix(a.solve.intrinsics.fx)} | ${cell(a.solve.status === 'failed' ? a.solve.message + '; ' : '')}tracking ${fix(a.trackSeconds)} s + solve ${fix(a.seconds - a.trackSeconds)} s |`,
    );
    if (!theirs.length) continue;
    const b = midOf(theirs);
    rows.push(
      `| ${clip.key} | ${clip.camera} | ${frames} | COLMAP 3.8 CPU (SIFT, sequential, mapper) | ${times(theirs.map((c) => c.seconds))} | ${theirs.map((c) => `${c.models[0]?.poses.size ?? 0}/${n}`).join(', ')} | ${cell(modelsText(b, n))} | — | ${travelText(colmapTravel(b), false)} | ${fix(b.models[0]?.focal ?? NaN)} | ${stepsText(b)} |`,
    );
  }

  const lines = [
    '## Source camera vs COLMAP on real clips',
    '',
    machine,
    `Date: ${today}. Command: \`${command}\`. 1-minute load average during the run: ${loadsText(clipLoads)} (shared machine: times are noisy, ratios are within this run).`,
    `Input: the first frames of the real clips of ../shared/media (frames column), decoded as the app decodes for analysis (src-main/media decodeFrames, scaled by ffmpeg to track-job's analysisSize, long side 640 px) into PNG files that both tools read; that decode is not timed. Focal unknown to both. End to end as for the gt shots (Reshoot: PNG decode + KLT tracking + solve; COLMAP: feature extraction + sequential matching + mapping + text export; COLMAP ${CAMERA_MODEL}, stopped after ${COLMAP_TIMEOUT_S} s).`,
    `No ground truth. Registered = frames with a pose (per run). Reshoot's status with its report summary (— before the solver has a report); moving tracks = tracks the solve flagged as moving (inconsistent with the camera). Travel = camera path length over the registered frames ÷ the median depth of the sparse points seen from the middle registered frame (scale-free; a static camera should give ~0). COLMAP's largest model is scored when the mapper split the clip.`,
    '',
    `${CLIP_RUNS} run${CLIP_RUNS > 1 ? 's' : ''} per tool and clip${CLIP_RUNS > 1 ? ', alternating; median end-to-end time (all runs in brackets); details from the run with the median time' : ''}.`,
    '',
    '| clip | camera (README) | frames | method | end-to-end s, median (runs) | registered | status: summary / result | moving tracks | travel ÷ median depth | focal px | notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
  if (!NO_COLMAP) {
    lines.push(
      'Agreement (no ground truth): Reshoot’s camera centres Sim(3)-aligned onto COLMAP’s on the frames both registered (src-shared/geometry alignTrajectories, as for ATE); centre disagreement as % of COLMAP’s path length over those frames; rotations compared after the alignment’s rotation, and (last column) after the rotation that best aligns the orientations alone (the centres barely fix the roll about a near-straight path such as the dashcam’s, which inflates the first). Medians over the runs; speed = COLMAP’s median time ÷ Reshoot’s.',
      '',
      "| clip | frames both registered | speed (COLMAP ÷ Reshoot) | centre disagreement RMS (% of COLMAP path) | centre disagreement median (%) | rotation disagreement median (°), after the Sim(3)'s rotation | rotation, after the orientations' own best fit (°) |",
      '|---|---|---|---|---|---|---|',
    );
    for (const { clip, ours, theirs, agreements } of clipResults) {
      const speed = median(theirs.map((c) => c.seconds)) / median(ours.map((r) => r.seconds));
      const ok = agreements.filter((g): g is Agreement => !!g);
      const m = (f: (g: Agreement) => number) => median(ok.map(f));
      const cells = ok.length
        ? [
            pct(m((g) => g.rmsRelative)),
            pct(m((g) => g.medianRelative)),
            fix(
              m((g) => g.rotationMedianDeg),
              3,
            ),
            fix(
              m((g) => g.rotationOwnMedianDeg),
              3,
            ),
          ]
        : ['—', '—', '—', '—'];
      const common = agreements.map((g) => g?.frames ?? 0).join(', ');
      lines.push(`| ${clip.key} | ${common} | ${fix(speed)}× | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  for (const { clip, input, ours, theirs } of clipResults.filter((r) => r.clip.isStatic)) {
    const a = midOf(ours);
    const says =
      a.solve.status === 'static'
        ? 'says static'
        : `says ${a.solve.status} (travel ${travelText(travel(a.solve.poses, a.solve.points.xyz), false)})`;
    const b = theirs.length ? midOf(theirs) : null;
    const colmapSays = !b
      ? 'not run'
      : b.failure
        ? `no model: ${b.failure}`
        : `a model of ${b.models[0]!.poses.size}/${input.frames} frames (${b.models.length} model${b.models.length > 1 ? 's' : ''}), travel ${travelText(colmapTravel(b), false)}: it does not say static`;
    lines.push(`- ${clip.key} (static camera): Reshoot ${says}; COLMAP ${cell(colmapSays)}.`);
  }
  lines.push('');
  const table = lines.join('\n');
  console.log(table);
  await writeBenchmarkSection('Source camera vs COLMAP on real clips', table);
}
