/**
 * Crash and resume: runs `reshoot proxy`, `reshoot track` and `reshoot analyze` as real child processes,
 * SIGKILLs each at a seeded random moment of its work, then checks what a user would find: the project
 * database passes `PRAGMA integrity_check`, `reshoot jobs` lists the job as interrupted (or done, when the
 * kill came after it finished), `reshoot jobs resume` finishes it, and everything the job left in the
 * project (every file under the project folder, the database rows it writes) is bit-identical to an
 * uninterrupted run's.
 *
 * Material: the first 96 frames of ../shared/media/02_dashcam_highway.mp4 scaled to 640 px wide (proxy and
 * track: two committed chunks of 48 each) and the first 12 frames of ../shared/gt/orbit_a (analyze: tracks,
 * camera solve, two depth chunks, 3D tracks). No models are installed in the temporary config folder, so
 * track and analyze use KLT and analyze's depth is the plane sweep.
 *
 * Kill moments: seeded, uniform within one of m equal slices of the job's reference work time per kill
 * (m = kills of that kind), so the kills cover the whole job. Exits 1 when any check failed.
 *
 * Run from the project root: npx tsx bench/reliability/crash-resume.ts [--kills N] [--join-kills N] [--seed S] [--write]
 */
import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { DEPTH_CHUNK_FRAMES } from '../../src-main/analysis/analyze-job';
import { TRACK_CHUNK_FRAMES } from '../../src-main/analysis/track-job';
import { ffmpeg, ffmpegBin } from '../../tests/helpers/media-fixtures';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';
import { Rng } from '../../src-main/analysis/camera/random';

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------------
// Options and material

const { values: opts } = parseArgs({
  options: {
    kills: { type: 'string', default: '24' },
    'join-kills': { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    write: { type: 'boolean', default: false },
  },
  strict: true,
});
const KILLS = Number(opts.kills);
const SEED = Number(opts.seed);
/** Extra proxy kills aimed at the join: SIGKILL the moment the joined proxy's temp file appears. */
const JOIN_KILLS = Number(opts['join-kills']);
if (!Number.isInteger(JOIN_KILLS) || JOIN_KILLS < 0)
  throw new Error(`--join-kills must be a non-negative integer, not '${opts['join-kills']}'`);
if (!Number.isInteger(KILLS) || KILLS < 3)
  throw new Error(`--kills must be an integer ≥ 3, not '${opts.kills}'`);
if (!Number.isInteger(SEED) || SEED < 0)
  throw new Error(`--seed must be a non-negative integer, not '${opts.seed}'`);

const CLIP_SOURCE = '../shared/media/02_dashcam_highway.mp4';
const CLIP_FRAMES = 96;
const CLIP_WIDTH = 640;
const GT_SHOT = '../shared/gt/orbit_a';
const GT_FRAMES = 12;
const ENTRY = 'src-main/app/cli/entry.ts';
/** Shot ids in the template project: imported in this order. */
const CLIP_SHOT = 1;
const GT_SHOT_ID = 2;
if (!existsSync(ENTRY)) throw new Error(`${ENTRY} not found: run from the project root`);

const KINDS = ['proxy', 'track', 'analyze'] as const;
type Kind = (typeof KINDS)[number];

/** A child that outlives this (the whole run is bounded, but one hung job must not hang the bench). */
const CHILD_TIMEOUT_MS = 10 * 60_000;

const work = mkdtempSync(join(os.tmpdir(), 'reshoot-crash-resume-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  RESHOOT_CONFIG_DIR: join(work, 'config'),
  RESHOOT_MODELS_DIR: join(work, 'models'),
};
const live = new Set<number>();
const cleanup = () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stdout.write(s + '\n');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const secs = (ms: number) => (ms / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------------------
// Running `reshoot`

interface CliResult {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs `reshoot <args>` to the end. */
function cli(args: string[]): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, ms: performance.now() - t0, stdout, stderr });
    });
  });
}

function openDb(dir: string): Database.Database {
  return new Database(join(dir, 'project.db'), { readonly: true, fileMustExist: true });
}

interface JobRow {
  id: number;
  status: string;
  owner_pid: number | null;
  frames_done: number;
  frames_total: number;
}

function lastJob(db: Database.Database, kind: Kind, after: number): JobRow | undefined {
  return db
    .prepare(
      'SELECT id, status, owner_pid, frames_done, frames_total FROM jobs WHERE type = ? AND id > ? ORDER BY id DESC LIMIT 1',
    )
    .get(kind, after) as JobRow | undefined;
}

interface JobRun {
  jobId: number | null;
  /** Child start → the job row marked running (ms). */
  startMs: number | null;
  /** Job marked running → the child exited (ms). */
  workMs: number | null;
  /** Job marked running → SIGKILL sent (ms); null when the child had exited before. */
  killMs: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Processes of the child's process group still alive after it died (ffmpeg, …). */
  orphans: Orphans;
  stderr: string;
}

/**
 * Starts the job as a `reshoot` child in its own process group, waits until the project says the job is
 * running, then (with `killAfter`) SIGKILLs the reshoot process that many ms later, or lets it finish.
 */
/** The joined proxy's temp copy, written by ffmpeg just before its rename (`.<shot>.tmp-<pid>-<hex>.mp4`). */
function joinUnderWay(dir: string, shot: number): boolean {
  try {
    const re = new RegExp(`^\\.${shot}\\.tmp-\\d+-[0-9a-f]{8}\\.mp4$`);
    return readdirSync(join(dir, 'cache', 'proxies')).some((n) => re.test(n));
  } catch {
    return false;
  }
}

async function runJob(
  kind: Kind,
  dir: string,
  shot: number,
  killAfter: number | 'at-join' | null,
): Promise<JobRun> {
  const before = (() => {
    const db = openDb(dir);
    try {
      return (db.prepare('SELECT coalesce(max(id), 0) AS n FROM jobs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  })();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, kind, dir, String(shot)], {
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid!;
  live.add(pid);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const state: { exitedAt: number | null } = { exitedAt: null };
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => {
      state.exitedAt = performance.now();
      r({ code, signal });
    }),
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);

  let jobId: number | null = null;
  let runningAt: number | null = null;
  // One read-only connection while waiting for the job to start; closed before the kill, so nothing but
  // the killed process has the database open at that moment.
  const db = openDb(dir);
  try {
    while (state.exitedAt === null) {
      try {
        const j = lastJob(db, kind, before);
        if (j) jobId = j.id;
        if (j && j.status !== 'queued') {
          runningAt = performance.now();
          break;
        }
      } catch {
        // busy while the child opens the project: try again
      }
      await sleep(15);
    }
  } finally {
    db.close();
  }
  let killMs: number | null = null;
  if (killAfter !== null && runningAt !== null && state.exitedAt === null) {
    if (killAfter === 'at-join') {
      while (state.exitedAt === null && !joinUnderWay(dir, shot)) await sleep(2);
    } else await Promise.race([sleep(killAfter), exit]);
    if (state.exitedAt === null) {
      child.kill('SIGKILL');
      killMs = performance.now() - runningAt;
    }
  }
  const { code, signal } = await exit;
  clearTimeout(timer);
  live.delete(pid);
  // What the kill left running (the process group outlives its leader): watched until it is gone.
  const orphans = await watchOrphans(pid);
  if (jobId === null) {
    const db2 = openDb(dir);
    try {
      jobId = lastJob(db2, kind, before)?.id ?? null;
    } finally {
      db2.close();
    }
  }
  return {
    jobId,
    startMs: runningAt === null ? null : runningAt - t0,
    workMs: runningAt === null || state.exitedAt === null ? null : state.exitedAt - runningAt,
    killMs,
    code,
    signal,
    orphans,
    stderr,
  };
}

async function processGroup(pgid: number): Promise<{ pid: number; name: string }[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,pgid=,stat=,comm=']);
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && Number(f[1]) === pgid && !f[2]!.startsWith('Z'))
    .map((f) => ({ pid: Number(f[0]), name: f[3]! }));
}

/** How long an orphan may run on its own before the benchmark kills it. */
const ORPHAN_GRACE_MS = 10_000;
interface Orphans {
  names: string[];
  /** From the reshoot process's death until the last of them was gone (or killed). */
  lifetimeMs: number;
  /** Still running after ORPHAN_GRACE_MS (then killed by the benchmark). */
  killed: number;
}

/** Watches the dead child's process group until it is empty; kills what is left after the grace time. */
async function watchOrphans(pgid: number): Promise<Orphans> {
  const t0 = performance.now();
  let alive = await processGroup(pgid);
  const names = [...new Set(alive.map((o) => o.name))];
  while (alive.length && performance.now() - t0 < ORPHAN_GRACE_MS) {
    await sleep(50);
    alive = await processGroup(pgid);
  }
  const lifetimeMs = names.length ? performance.now() - t0 : 0;
  for (const o of alive) {
    try {
      process.kill(o.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  return { names, lifetimeMs, killed: alive.length };
}

// ---------------------------------------------------------------------------------------------------
// What a job leaves in the project

/** Columns that hold times or hashes of times: they differ between any two runs by design. */
const VOLATILE = new Set([
  'created_at',
  'updated_at',
  'started_at',
  'finished_at',
  'seconds',
  'input_hash',
  'owner_pid',
]);
const TABLES = ['shots', 'shot_tracks', 'shot_cameras', 'shot_depth', 'depth_frames', 'analysis_stages'];

function walk(dir: string, root = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, root, out);
    else out.push(relative(root, p));
  }
  return out;
}

/**
 * Everything the project holds apart from the database file itself and the lock: a hash per file, the
 * rows of the tables jobs write (times left out), the job's own outcome, and for a proxy the decoded
 * frames too (so a byte difference can be told from a picture difference).
 */
async function snapshot(dir: string, kind: Kind, jobId: number): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const f of walk(dir).sort()) {
    if (/^project\.(db|lock)/.test(f)) continue;
    m.set(`file ${f}`, sha(readFileSync(join(dir, f))));
  }
  const db = openDb(dir);
  try {
    for (const t of TABLES) {
      // Sorted by content, not rowid: INSERT OR REPLACE gives a rewritten row a new rowid.
      const rows = (db.prepare(`SELECT * FROM ${t}`).all() as Record<string, unknown>[])
        .map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !VOLATILE.has(k))))
        .sort();
      m.set(`table ${t}`, sha(rows.join('\n')));
    }
    const job = db
      .prepare('SELECT status, params_json, frames_done, frames_total FROM jobs WHERE id = ?')
      .get(jobId) as Record<string, unknown> | undefined;
    const chunks = db
      .prepare('SELECT chunk, frames FROM job_chunks WHERE job_id = ? ORDER BY chunk')
      .all(jobId);
    m.set('job', JSON.stringify({ ...job, chunks: chunks.length }));
  } finally {
    db.close();
  }
  if (kind === 'proxy') {
    const proxy = join(dir, 'cache', 'proxies', `${CLIP_SHOT}.mp4`);
    if (existsSync(proxy)) {
      const { stdout } = await run(ffmpegBin(), [
        '-v',
        'error',
        '-i',
        proxy,
        '-map',
        '0:v',
        '-f',
        'md5',
        '-',
      ]);
      m.set('proxy decoded frames (md5)', stdout.trim());
    }
  }
  return m;
}

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const out: string[] = [];
  for (const k of [...keys].sort()) {
    if (!a.has(k)) out.push(`${k}: not in the reference, present after the resume`);
    else if (!b.has(k)) out.push(`${k}: in the reference, missing after the resume`);
    else if (a.get(k) !== b.get(k))
      out.push(k === 'job' ? `job: ${a.get(k)} vs ${b.get(k)}` : `${k}: differs`);
  }
  return out;
}

interface DbState {
  integrity: string;
  status: string | null;
  framesDone: number;
  framesTotal: number;
  chunks: number;
}

/** The database as the kill left it (read-only: nothing is changed before the product opens it). */
function inspect(dir: string, jobId: number): DbState {
  const db = openDb(dir);
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const j = db.prepare('SELECT status, frames_done, frames_total FROM jobs WHERE id = ?').get(jobId) as
      { status: string; frames_done: number; frames_total: number } | undefined;
    const { n } = db.prepare('SELECT count(*) AS n FROM job_chunks WHERE job_id = ?').get(jobId) as {
      n: number;
    };
    return {
      integrity,
      status: j?.status ?? null,
      framesDone: j?.frames_done ?? 0,
      framesTotal: j?.frames_total ?? 0,
      chunks: n,
    };
  } finally {
    db.close();
  }
}

/** The job's status as `reshoot jobs <project> --json` lists it (the project opened by the product). */
async function listed(dir: string, jobId: number): Promise<{ ok: boolean; status: string }> {
  const r = await cli(['jobs', dir, '--json']);
  if (r.code !== 0)
    return { ok: false, status: `exit ${r.code}: ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  const jobs = JSON.parse(r.stdout) as { id: number; status: string }[];
  return { ok: true, status: jobs.find((j) => j.id === jobId)?.status ?? 'absent' };
}

// ---------------------------------------------------------------------------------------------------
// Setup: the material, a template project, and the uninterrupted reference of each job

const loadStart = os.loadavg();
const tStart = performance.now();
log(`crash-resume: ${KILLS} kills, seed ${SEED}, work folder ${work}`);
const clip = join(work, 'clip.mp4');
await ffmpeg([
  '-i',
  resolve(CLIP_SOURCE),
  '-frames:v',
  String(CLIP_FRAMES),
  '-vf',
  `scale=${CLIP_WIDTH}:-2`,
  '-an',
  '-c:v',
  'libx264',
  '-crf',
  '18',
  '-pix_fmt',
  'yuv420p',
  clip,
]);
const gtClip = join(work, 'orbit_a.mp4');
await ffmpeg([
  '-framerate',
  '24',
  '-i',
  join(resolve(GT_SHOT), 'frames', 'frame_%04d.png'),
  '-frames:v',
  String(GT_FRAMES),
  '-c:v',
  'libx264',
  '-crf',
  '12',
  '-pix_fmt',
  'yuv420p',
  gtClip,
]);
const projects = join(work, 'projects');
mkdirSync(projects);
const template = join(projects, 'template.reshoot');
for (const args of [
  ['new', template],
  ['import', template, clip, gtClip],
]) {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`reshoot ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
}
{
  // The shot ids the import gave, by name.
  const db = openDb(template);
  try {
    const ids = new Map(
      (db.prepare('SELECT id, name FROM shots').all() as { id: number; name: string }[]).map((r) => [
        r.name,
        r.id,
      ]),
    );
    if (ids.get('clip') !== CLIP_SHOT || ids.get('orbit_a') !== GT_SHOT_ID)
      throw new Error(`unexpected shots in the template: ${JSON.stringify([...ids])}`);
  } finally {
    db.close();
  }
}
const shotOf: Record<Kind, number> = { proxy: CLIP_SHOT, track: CLIP_SHOT, analyze: GT_SHOT_ID };

/**
 * The committed steps of each job, in order (what the job was doing when killed). Proxy and track: their
 * chunks, as many as the reference run committed. Analyze: its stages' steps, when they add up to that.
 */
function stepNames(kind: Kind, chunks: number): string[] {
  const numbered = (count: number, name: string) =>
    Array.from({ length: count }, (_, i) => `${name} ${i + 1}/${count}`);
  if (kind === 'proxy') return numbered(chunks, 'segment');
  if (kind === 'track') return numbered(chunks, 'chunk');
  const steps = [
    ...numbered(Math.ceil(GT_FRAMES / TRACK_CHUNK_FRAMES), 'tracks'),
    'camera',
    ...numbered(Math.ceil(GT_FRAMES / DEPTH_CHUNK_FRAMES), 'depth'),
    '3D tracks',
  ];
  return steps.length === chunks ? steps : numbered(chunks, 'step');
}

/** What a job does once every chunk is committed (its `finish`). */
const FINISHING: Record<Kind, string> = {
  proxy: 'joining the segments',
  track: 'indexing the tracks',
  analyze: 'finishing',
};

let copies = 0;
function freshProject(): string {
  const dir = join(projects, `p${++copies}.reshoot`);
  cpSync(template, dir, { recursive: true });
  return dir;
}

interface Reference {
  snapshot: Map<string, string>;
  /** Chunks the job committed. */
  chunks: number;
  /** Wall time of the whole command (process start to exit), and of the job's work (running to exit). */
  wallMs: number[];
  workMs: number[];
  deterministic: boolean;
  diffs: string[];
}
const refs = new Map<Kind, Reference>();
let setupFailed = false;
for (const kind of KINDS) {
  const snaps: Map<string, string>[] = [];
  const wallMs: number[] = [];
  const workMs: number[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = freshProject();
    const r = await runJob(kind, dir, shotOf[kind], null);
    if (r.code !== 0 || r.jobId === null || r.workMs === null || r.startMs === null) {
      throw new Error(`reference ${kind} run: exit ${r.code}, job ${r.jobId}\n${r.stderr}`);
    }
    snaps.push(await snapshot(dir, kind, r.jobId));
    wallMs.push(r.startMs + r.workMs);
    workMs.push(r.workMs);
    rmSync(dir, { recursive: true, force: true });
  }
  const diffs = differences(snaps[0]!, snaps[1]!);
  const { chunks } = JSON.parse(snaps[0]!.get('job')!) as { chunks: number };
  refs.set(kind, { snapshot: snaps[0]!, chunks, wallMs, workMs, deterministic: diffs.length === 0, diffs });
  if (diffs.length) setupFailed = true;
  log(
    `reference ${kind}: work ${workMs.map((t) => (t / 1000).toFixed(1)).join(' / ')} s, ` +
      `command ${wallMs.map((t) => (t / 1000).toFixed(1)).join(' / ')} s; ` +
      (diffs.length ? `the two uninterrupted runs DIFFER: ${diffs.join('; ')}` : 'two runs bit-identical'),
  );
}

// ---------------------------------------------------------------------------------------------------
// The kills

type Outcome = 'mid-work' | 'after done' | 'exited first' | 'unexpected';
interface Kill {
  n: number;
  kind: Kind;
  /** Aimed at the proxy join (the moment its temp copy exists) instead of a random moment. */
  atJoin: boolean;
  plannedMs: number;
  killMs: number | null;
  fraction: number;
  outcome: Outcome;
  rawStatus: string | null;
  chunksBefore: number;
  chunksTotal: number;
  framesBefore: number;
  framesTotal: number;
  during: string;
  integrityAfterKill: boolean;
  listedAs: string;
  listedOk: boolean;
  orphans: Orphans;
  resumed: boolean | null;
  resumeMs: number | null;
  resumeError: string;
  integrityAfterResume: boolean;
  identical: boolean;
  diffs: string[];
  ok: boolean;
}

// Kill moments, stratified so that a few kills still cover the whole of each job: a kind's m kills take
// one of m equal slices of its work time each, in a shuffled order, at a uniform random point within it.
// The solver's seeded generator: the same sequence on every machine.
const rng = new Rng(SEED);
const random = () => rng.next();
const strata = new Map<Kind, number[]>();
for (const [i, kind] of KINDS.entries()) {
  const m = Math.floor(KILLS / KINDS.length) + (i < KILLS % KINDS.length ? 1 : 0);
  const order = Array.from({ length: m }, (_, j) => j);
  for (let j = m - 1; j > 0; j--) {
    const r = Math.floor(random() * (j + 1));
    [order[j], order[r]] = [order[r]!, order[j]!];
  }
  strata.set(kind, order);
}
const kills: Kill[] = [];
const TOTAL = KILLS + JOIN_KILLS;

async function oneKill(
  n: number,
  kind: Kind,
  plannedMs: number,
  trigger: number | 'at-join',
  typical: number,
): Promise<void> {
  const ref = refs.get(kind)!;
  const dir = freshProject();
  const r = await runJob(kind, dir, shotOf[kind], trigger);
  const names = stepNames(kind, ref.chunks);
  const k: Kill = {
    n,
    kind,
    atJoin: trigger === 'at-join',
    plannedMs,
    killMs: r.killMs,
    fraction: (r.killMs ?? plannedMs) / typical,
    outcome: 'unexpected',
    rawStatus: null,
    chunksBefore: 0,
    chunksTotal: names.length,
    framesBefore: 0,
    framesTotal: 0,
    during: '',
    integrityAfterKill: false,
    listedAs: '',
    listedOk: false,
    orphans: r.orphans,
    resumed: null,
    resumeMs: null,
    resumeError: '',
    integrityAfterResume: false,
    identical: false,
    diffs: [],
    ok: false,
  };
  if (r.jobId === null) {
    k.diffs.push(`the job never appeared (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
  } else {
    const s = inspect(dir, r.jobId);
    k.rawStatus = s.status;
    k.integrityAfterKill = s.integrity === 'ok';
    k.chunksBefore = s.chunks;
    k.framesBefore = s.framesDone;
    k.framesTotal = s.framesTotal;
    k.during = s.status === 'done' ? 'done' : (names[s.chunks] ?? FINISHING[kind]);
    if (r.killMs === null) k.outcome = r.code === 0 && s.status === 'done' ? 'exited first' : 'unexpected';
    else k.outcome = s.status === 'running' ? 'mid-work' : s.status === 'done' ? 'after done' : 'unexpected';
    const expected = s.status === 'done' ? 'done' : 'interrupted';
    const l = await listed(dir, r.jobId);
    k.listedAs = l.status;
    k.listedOk = l.ok && l.status === expected;
    if (s.status !== 'done') {
      const res = await cli(['jobs', 'resume', dir, String(r.jobId)]);
      k.resumeMs = res.ms;
      const after = inspect(dir, r.jobId);
      k.resumed = res.code === 0 && after.status === 'done';
      if (!k.resumed)
        k.resumeError = `exit ${res.code}, ${after.status}: ${res.stderr.trim().split('\n').at(-1)}`;
    }
    k.integrityAfterResume = inspect(dir, r.jobId).integrity === 'ok';
    k.diffs = differences(ref.snapshot, await snapshot(dir, kind, r.jobId));
    k.identical = k.diffs.length === 0;
  }
  k.ok =
    k.outcome !== 'unexpected' &&
    k.integrityAfterKill &&
    k.listedOk &&
    k.resumed !== false &&
    k.integrityAfterResume &&
    k.identical;
  kills.push(k);
  if (k.ok) rmSync(dir, { recursive: true, force: true });
  const elapsed = ((performance.now() - tStart) / 60_000).toFixed(1);
  log(
    `kill ${n}/${TOTAL} ${kind}${trigger === 'at-join' ? ' (at the join)' : ''}: at ${((k.killMs ?? plannedMs) / 1000).toFixed(2)} s (${Math.round(k.fraction * 100)} %) ` +
      `${k.outcome}, during ${k.during}, committed ${k.chunksBefore}/${k.chunksTotal} chunks (${k.framesBefore}/${k.framesTotal} frames); ` +
      `integrity ${k.integrityAfterKill ? 'ok' : 'FAILED'}, listed ${k.listedAs}` +
      (k.resumeMs !== null
        ? `, resumed ${k.resumed ? 'ok' : 'FAILED'} in ${(k.resumeMs / 1000).toFixed(1)} s`
        : '') +
      `, ${k.identical ? 'identical' : `DIFFERENT (${k.diffs.join('; ')})`}` +
      (k.orphans.names.length
        ? `, left running: ${k.orphans.names.join(', ')} for ${secs(k.orphans.lifetimeMs)} s${k.orphans.killed ? ' (then killed)' : ''}`
        : '') +
      (k.ok ? '' : ` — FAILED${k.resumeError ? ` (${k.resumeError})` : ''}; project kept at ${dir}`) +
      ` [${elapsed} min]`,
  );
}

for (let n = 1; n <= KILLS; n++) {
  const kind = KINDS[(n - 1) % KINDS.length]!;
  const ref = refs.get(kind)!;
  const typical = ref.workMs.reduce((a, b) => a + b, 0) / ref.workMs.length;
  const slices = strata.get(kind)!;
  const slice = slices[Math.floor((n - 1) / KINDS.length)]!;
  const plannedMs = ((slice + random()) / slices.length) * typical;
  await oneKill(n, kind, plannedMs, plannedMs, typical);
}
for (let j = 1; j <= JOIN_KILLS; j++) {
  const ref = refs.get('proxy')!;
  const typical = ref.workMs.reduce((a, b) => a + b, 0) / ref.workMs.length;
  await oneKill(KILLS + j, 'proxy', typical, 'at-join', typical);
}

// ---------------------------------------------------------------------------------------------------
// Report

const loadEnd = os.loadavg();
const minutes = (performance.now() - tStart) / 60_000;
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const failed = kills.filter((k) => !k.ok);
const head = (
  await run('git', ['rev-parse', '--short', 'HEAD']).catch(() => ({ stdout: '?' }))
).stdout.trim();
const dirty = (
  await run('git', ['status', '--porcelain', '--', 'src-main', 'src-shared']).catch(() => ({ stdout: '' }))
).stdout
  .split('\n')
  .filter(Boolean).length;

const kindRows = [...KINDS, 'proxy at the join' as const].map((row) => {
  const kind: Kind = row === 'proxy at the join' ? 'proxy' : row;
  const ks = kills.filter((k) => k.kind === kind && k.atJoin === (row === 'proxy at the join'));
  if (!ks.length) return null;
  const ref = refs.get(kind)!;
  const count = (f: (k: Kill) => boolean) => ks.filter(f).length;
  const resumes = ks.filter((k) => k.resumeMs !== null);
  return `| ${row} | ${secs(median(ref.workMs))} s (${secs(median(ref.wallMs))} s) | ${ks.length} | ${count((k) => k.outcome === 'mid-work')} | ${count((k) => k.outcome === 'after done' || k.outcome === 'exited first')} | ${count((k) => k.integrityAfterKill && k.integrityAfterResume)}/${ks.length} | ${count((k) => k.listedOk)}/${ks.length} | ${count((k) => k.resumed === true)}/${resumes.length} | ${resumes.length ? secs(median(resumes.map((k) => k.resumeMs!))) + ' s' : '–'} | ${count((k) => k.identical)}/${ks.length} |`;
});
const killRows = kills.map(
  (k) =>
    `| ${k.n} | ${k.kind}${k.atJoin ? ' (at the join)' : ''} | ${k.killMs === null ? `(${secs(k.plannedMs)} s)` : secs(k.killMs) + ' s'} | ${Math.round(k.fraction * 100)} % | ${k.outcome} | ${k.during} | ${k.chunksBefore}/${k.chunksTotal} · ${k.framesBefore}/${k.framesTotal} | ${k.integrityAfterKill && k.integrityAfterResume ? 'ok' : 'FAILED'} | ${k.listedAs} | ${k.resumeMs === null ? '–' : `${k.resumed ? 'ok' : 'FAILED'} ${secs(k.resumeMs)} s`} | ${k.identical ? 'yes' : 'NO: ' + k.diffs.join('; ')} |`,
);
const orphanKills = kills.filter((k) => k.orphans.names.length);
const nondeterministic = KINDS.filter((k) => !refs.get(k)!.deterministic);

const section = `## Crash and resume

Each kill starts a job as a real \`reshoot\` process (\`node --import tsx ${ENTRY} <proxy|track|analyze> …\`,
a temporary config folder, a fresh copy of one template project), waits until the project marks the job
running, and SIGKILLs the process after a seeded random delay between 0 and the job's work time in the
uninterrupted reference runs (stratified: a job kind's m kills fall one in each m-th of that time, at a
uniform random point within it, so that a few kills still cover the whole job). ${JOIN_KILLS} more proxy kills
are aimed at the join: SIGKILL the moment the joined proxy's temporary copy (\`.<shot>.tmp-<pid>-<hex>.mp4\`)
appears, before its rename (a window of a few milliseconds that random kills rarely hit; such a kill used
to leave that copy in the project for good, fixed by the sweep of dead writers' temp files when a
project opens). Then: \`PRAGMA integrity_check\` on the database as the kill left it
(read-only), \`reshoot jobs <project> --json\` must list the job as interrupted (or done, when the kill
came after it finished), \`reshoot jobs resume <project> <id>\` must finish it, the database is checked
again, and the project must be bit-identical to an uninterrupted run's: every file under the project
folder (proxy, tracks, depth maps, point clouds, 3D tracks, and no leftover scratch or temp file), the
rows of the tables the jobs write (shots, tracks, cameras, depth, analysis stages; times and the hashes
of times left out) and the job's own row (status, frames, committed chunks). Each job kind was first run
twice without a kill; both runs must agree, and the first is the reference.

Material: proxy and track on the first ${CLIP_FRAMES} frames of \`${CLIP_SOURCE}\` scaled to ${CLIP_WIDTH} px
wide (proxy: ${refs.get('proxy')!.chunks} committed segments; track: ${refs.get('track')!.chunks} committed chunks); analyze on the first ${GT_FRAMES} frames of \`${GT_SHOT}\`
(640×360): tracks, camera solve, depth in chunks of ${DEPTH_CHUNK_FRAMES} frames, 3D tracks — ${refs.get('analyze')!.chunks} committed steps
(${stepNames('analyze', refs.get('analyze')!.chunks).join(', ')}).
No models installed: KLT tracking, plane-sweep depth.

- Machine: ${os.cpus().length}-core ${os.arch()} (${os.cpus()[0]?.model ?? 'unknown CPU'}), no GPU, Node ${process.versions.node}. Date: ${new Date().toISOString().slice(0, 10)}.
- The machine was shared with other work the whole time (load average 1/5/15 min at the start ${loadStart.map((v) => v.toFixed(2)).join(' / ')}, at the end ${loadEnd.map((v) => v.toFixed(2)).join(' / ')}), so times are slow and noisy and the kill moments fall at different points of the work from run to run; the checks do not depend on speed.
- Command: \`npx tsx bench/reliability/crash-resume.ts --kills ${KILLS} --join-kills ${JOIN_KILLS} --seed ${SEED} --write\` (${minutes.toFixed(1)} min in all). Code: commit ${head}${dirty ? ` with uncommitted changes to ${dirty} file(s) under src-main/ and src-shared/ (other work in progress in the same working tree)` : ''}.
- Result: ${failed.length === 0 && !setupFailed ? `**all ${TOTAL} kills passed every check**` : `**${failed.length} of ${TOTAL} kills failed a check**${setupFailed ? '; the uninterrupted runs of ' + nondeterministic.join(', ') + ' did not agree' : ''}`}.${failed.map((k) => `\n  - kill ${k.n} (${k.kind}, ${k.outcome}, during ${k.during}): ${[...(k.integrityAfterKill && k.integrityAfterResume ? [] : ['integrity_check failed']), ...(k.listedOk ? [] : [`listed as ${k.listedAs}`]), ...(k.resumed === false ? [`resume failed: ${k.resumeError}`] : []), ...k.diffs].join('; ')}`).join('')}

| job | reference: work (command) | kills | killed mid-work | after finishing | databases intact | listed right | resumed | resume (median) | bit-identical |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${kindRows.filter(Boolean).join('\n')}

"Work" is from the job marked running to the process's exit; "command" is the whole \`reshoot\` process,
start-up included; "resume" is the whole \`reshoot jobs resume\` process. "After finishing": the job was
already done when the kill came (the process was closing) or the process had exited before the timer.
${orphanKills.length ? `\nChild processes of the killed \`reshoot\` that outlived it (the checks start once they are gone; after ${ORPHAN_GRACE_MS / 1000} s the benchmark kills them): ${orphanKills.map((k) => `kill ${k.n} (${k.kind}): ${k.orphans.names.join(', ')} for ${secs(k.orphans.lifetimeMs)} s${k.orphans.killed ? ', then killed' : ''}`).join('; ')}.\n` : '\nNo kill left a child process (ffmpeg) running.\n'}
Per kill (time = after the job was marked running; % of its reference work time; "during" = the step
under way, from the committed chunks; committed = chunks · frames of progress the database held):

| # | job | killed at | % | outcome | during | committed | database | listed as | resume | identical |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${killRows.join('\n')}
`;

log('');
log(section);
await writeBenchmarkSection('Crash and resume', section);
if (failed.length === 0 && !setupFailed) rmSync(work, { recursive: true, force: true });
else log(`Projects of the failed kills are kept under ${work}`);
process.exitCode = failed.length === 0 && !setupFailed ? 0 : 1;
