/**
 * "Analyze shot" with a camera solved for only part of the shot: the camera is kept as 'partial' with its
 * report (the stage is done, the job too, `reshoot analyze` exits 0), the frames without a pose get an
 * all-invalid depth map and lift no 3D points, and `reshoot camera status` shows the report. A camera
 * that only turned is kept likewise, with no depth (no parallax).
 *
 * The solve is stood in for (the worker's camera step is replaced in this process): the ground-truth
 * cameras of a 16-frame orbit with frames 6–8 left out, through the camera stage's own cameraResult, so
 * everything from the worker's answer on is the real code.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppCore, createHandlers, createMediaHandler, type Handlers } from '../../../src-main/api';
import type { AnalysisRequest } from '../../../src-main/analysis/analysis-protocol';
import type { CameraSolve } from '../../../src-main/analysis/camera';
import { cameraResult, sparseStage } from '../../../src-main/analysis/camera/stages';
import { readTracks3d } from '../../../src-main/analysis/tracks3d-file';
import { runCli } from '../../../src-main/app/cli/main';
import { CameraReportSchema, type CameraReport } from '../../../src-shared/api/contract';
import { decodeDepthFrame, mediaUrl } from '../../../src-shared/api/media-routes';
import { describeCameraReport } from '../../../src-shared/camera-report';
import { documentToTrack, parseCamerasJson, type CamerasDocument } from '../../../src-shared/geometry';
import { ffmpeg } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

vi.mock('../../../src-main/jobs/run-worker', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src-main/jobs/run-worker')>();
  return {
    ...actual,
    runWorker: (...args: Parameters<typeof actual.runWorker>) => {
      const req = args[1] as AnalysisRequest;
      return args[0].name === 'analysis' && req.stage === 'camera'
        ? partialSolve(req).then((result) => ({ type: 'done', result }))
        : actual.runWorker(...args);
    },
  };
});

const GT = resolve('../shared/gt/orbit_a');
const FRAMES = 16;
const UNSOLVED = [6, 7, 8];
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId = 0;

function gtDoc(): CamerasDocument {
  const doc = parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8'));
  return { ...doc, frames: doc.frames.slice(0, FRAMES) };
}

/** Frames 0–5 solved (segment 0), 6–8 unsolved, 9–15 solved (segment 1, joined to 0 by 40 points). */
function gtReport(): CameraReport {
  const frames = Array.from({ length: FRAMES }, (_, index) =>
    UNSOLVED.includes(index)
      ? { index, status: 'unsolved' as const, segment: null }
      : { index, status: 'solved' as const, segment: index < 6 ? 0 : 1 },
  );
  const segment = (index: number, first: number, last: number) => ({
    index,
    first,
    last,
    kind: 'solved' as const,
    gauge: 0,
    joinedTo: index === 1 ? 0 : null,
    joinPoints: index === 1 ? 40 : 0,
    confidence: 0.9,
    rmsPx: 0.3,
    translationUncertainty: 0.01,
  });
  const segments = [segment(0, 0, 5), segment(1, 9, 15)];
  return {
    frames,
    segments,
    movingTracks: 2,
    tracker: null,
    summary: describeCameraReport(frames, segments),
  };
}

/** Which solve the worker's camera step stands in for. */
let standIn: 'partial' | 'rotation-only' | 'failed' = 'partial';

/** A solve that lost the camera at frame 5: the frames before have a pose, nothing is usable. */
async function failedSolve(req: Extract<AnalysisRequest, { stage: 'camera' }>) {
  const doc = gtDoc();
  await sparseStage(
    { stage: 'sparse', tracksFile: req.tracksFile, cameras: doc, pointsOut: req.pointsOut },
    () => {},
  );
  const frames = documentToTrack(doc).frames;
  const statuses = frames.map((f) => (f.index < 5 ? ('solved' as const) : ('unsolved' as const)));
  const report: CameraReport = {
    ...gtReport(),
    frames: statuses.map((status, index) => ({ index, status, segment: status === 'solved' ? 0 : null })),
    summary: 'frames 0–4 solved; 5–15 unsolved',
  };
  const solve = {
    status: 'failed',
    message: 'could not solve the camera: lost the camera at frame 5',
    width: doc.width,
    height: doc.height,
    numFrames: FRAMES,
    intrinsics: frames[0]!.camera.intrinsics,
    poses: frames.map((f) => (f.index < 5 ? { C: f.camera.C, q: f.camera.q } : null)),
    diagnostics: {},
    report,
  } as unknown as CameraSolve;
  return cameraResult(solve, req, 0);
}

/**
 * Every frame rotation-only: the ground truth's rotations about a held centre. The sparse points are the
 * scene's (as another segment of a partial solve would give), so stereo runs and finds no baseline.
 */
async function rotationOnlySolve(req: Extract<AnalysisRequest, { stage: 'camera' }>) {
  const doc = gtDoc();
  await sparseStage(
    { stage: 'sparse', tracksFile: req.tracksFile, cameras: doc, pointsOut: req.pointsOut },
    () => {},
  );
  const frames = documentToTrack(doc).frames;
  const report: CameraReport = {
    frames: frames.map((f) => ({ index: f.index, status: 'rotation-only', segment: 0 })),
    segments: [
      {
        index: 0,
        first: 0,
        last: FRAMES - 1,
        kind: 'rotation-only',
        gauge: 0,
        joinedTo: null,
        joinPoints: 0,
        confidence: 0.9,
        rmsPx: 0.3,
        translationUncertainty: null,
      },
    ],
    movingTracks: 0,
    tracker: null,
    summary: `frames 0–${FRAMES - 1} rotation-only`,
  };
  const solve = {
    status: 'rotation-only',
    message: 'rotation only (no translation)',
    width: doc.width,
    height: doc.height,
    numFrames: FRAMES,
    intrinsics: frames[0]!.camera.intrinsics,
    poses: frames.map((f) => ({ C: [0, 0, 0], q: f.camera.q })),
    diagnostics: {},
    report,
  } as unknown as CameraSolve;
  return cameraResult(solve, req, 0);
}

/** The worker's camera step, with the ground truth for a solve: sparse points triangulated with it. */
async function partialSolve(req: Extract<AnalysisRequest, { stage: 'camera' }>) {
  if (standIn === 'rotation-only') return rotationOnlySolve(req);
  if (standIn === 'failed') return failedSolve(req);
  const doc = gtDoc();
  const sparse = await sparseStage(
    { stage: 'sparse', tracksFile: req.tracksFile, cameras: doc, pointsOut: req.pointsOut },
    () => {},
  );
  if (sparse.stage !== 'sparse') throw new Error('unexpected');
  const frames = documentToTrack(doc).frames;
  const solve = {
    status: 'partial',
    message: 'partial',
    width: doc.width,
    height: doc.height,
    numFrames: FRAMES,
    intrinsics: frames[0]!.camera.intrinsics,
    poses: frames.map((f) => (UNSOLVED.includes(f.index) ? null : { C: f.camera.C, q: f.camera.q })),
    diagnostics: {},
    report: gtReport(),
  } as unknown as CameraSolve;
  return cameraResult(solve, req, sparse.points);
}

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Partial' });
  const video = join(tmp.dir, 'orbit16.mp4');
  await ffmpeg([
    ...['-framerate', '24', '-i', join(GT, 'frames', 'frame_%04d.png'), '-frames:v', String(FRAMES)],
    ...['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', video],
  ]);
  shotId = (await api['shots.import']({ paths: [video], skipBad: false })).imported[0]!.id;
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

async function depthOf(frame: number): Promise<Float32Array> {
  const url = mediaUrl('http://x/media', { kind: 'depth', shotId, frame });
  const res = await createMediaHandler(core)(new Request(url), new URL(url).pathname.slice('/media'.length));
  expect(res.status).toBe(200);
  return decodeDepthFrame(await res.arrayBuffer()).depth;
}

describe('Analyze shot with a camera solved for part of the shot', () => {
  it('keeps the partial camera with its report; the frames without a pose get no depth and no 3D points', async () => {
    const job = await api['jobs.start']({ type: 'analyze', shotId });
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
    expect(done.status, done.error ?? '').toBe('done');

    const shot = (await api['shots.list']()).find((s) => s.id === shotId)!;
    const summary = 'frames 0–5 solved; 6–8 unsolved; 9–15 solved, joined to segment 1 by 40 points';
    expect(shot.camera).toMatchObject({ origin: 'solved', status: 'partial', frames: FRAMES - 3 });
    expect(shot.camera!.report).toEqual({ ...gtReport(), tracker: 'klt' });
    const stages = Object.fromEntries(shot.analysis.map((a) => [a.stage, a]));
    expect(stages.camera).toMatchObject({ status: 'done' });
    expect(stages.camera!.message).toMatch(
      new RegExp(
        `^${summary} · focal 497\\.8 px \\(65\\.5° horizontal\\), estimated · KLT tracks · [\\d,]+ points$`,
      ),
    );
    expect(stages.depth).toMatchObject({ status: 'done' });
    expect(stages.depth!.message).toMatch(/ · no depth for the 3 frames without a camera pose$/);
    expect(stages.tracks3d).toMatchObject({ status: 'done' });

    // the 3D view gets the frames that have a pose, each with its index
    const path = await api['shots.sourceCamera']({ shotId });
    expect(path!.frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15]);

    const { project } = core.require();
    const stats = project.analysis.depthFrames(shotId);
    for (const f of stats) {
      if (UNSOLVED.includes(f.frame)) {
        expect(f, `frame ${f.frame}`).toMatchObject({ validFraction: 0, median: 0 });
        expect((await depthOf(f.frame)).every((z) => z === 0)).toBe(true);
      } else expect(f.validFraction, `frame ${f.frame}`).toBeGreaterThan(0.5);
    }
    const t3 = await readTracks3d(project.paths.tracks3d(shotId));
    const validAt = (t: number) =>
      t3.valid.subarray(t * t3.numTracks, (t + 1) * t3.numTracks).reduce((a, v) => a + v, 0);
    for (const t of UNSOLVED) expect(validAt(t), `frame ${t}`).toBe(0);
    expect(validAt(3)).toBeGreaterThan(20);
    expect(validAt(12)).toBeGreaterThan(20);
  }, 600_000);

  it('reshoot analyze exits 0 and shows the report; reshoot camera status prints it as text and JSON', async () => {
    const dir = core.require().project.dir;
    await core.closeProject();
    let out = '';
    let err = '';
    const io = {
      out: (t: string) => void (out += t),
      err: (t: string) => void (err += t),
      cwd: tmp.dir,
      env: process.env,
    };
    try {
      expect(await runCli(['analyze', dir, String(shotId)], io), err).toBe(0);
      expect(out).toMatch(/source camera: partial \(KLT tracks\), 13 of 16 frames with a pose\n/);
      expect(out).toMatch(
        / {2}per frame: frames 0–5 solved; 6–8 unsolved; 9–15 solved, joined to segment 1 by 40 points · 2 moving tracks left out\n/,
      );

      out = '';
      expect(await runCli(['camera', 'status', dir, String(shotId)], io)).toBe(0);
      expect(out).toBe(
        [
          'orbit16: source camera partial (KLT tracks), 13 of 16 frames with a pose',
          'frames 0–5 solved; 6–8 unsolved; 9–15 solved, joined to segment 1 by 40 points',
          '',
          '  FRAMES  STATUS    SEGMENT',
          '  0–5     solved    1',
          '  6–8     unsolved  —',
          '  9–15    solved    2',
          '',
          '  SEGMENT  FRAMES  KIND    GAUGE  JOINED TO       CONFIDENCE  RMS      TRANSLATION ±',
          '  1        0–5     solved  1      —               0.90        0.30 px  1.0 % of depth',
          '  2        9–15    solved  1      1 by 40 points  0.90        0.30 px  1.0 % of depth',
          '',
          'moving tracks: 2 (on moving subjects, left out of the solve)',
          'tracker: KLT',
          '',
        ].join('\n'),
      );

      out = '';
      expect(await runCli(['camera', 'status', dir, 'orbit16', '--json'], io)).toBe(0);
      expect(out.startsWith('{"frames":[{"index":0,"status":"solved","segment":0},')).toBe(true);
      const json = JSON.parse(out) as unknown;
      expect(Object.keys(json as object)).toEqual([
        'frames',
        'segments',
        'movingTracks',
        'tracker',
        'summary',
      ]);
      expect(CameraReportSchema.parse(json)).toEqual({ ...gtReport(), tracker: 'klt' });

      err = '';
      expect(await runCli(['camera', 'status', dir, 'nope'], io)).toBe(3);
      expect(await runCli(['camera', 'status', dir], io)).toBe(2);
    } finally {
      await api['project.open']({ path: dir });
    }
    // a shot without a camera: a clear "not found"
    const video = join(tmp.dir, 'orbit16.mp4');
    const bare = (await api['shots.import']({ paths: [video], skipBad: false })).imported[0]!;
    await core.closeProject();
    try {
      err = '';
      expect(await runCli(['camera', 'status', dir, String(bare.id)], io)).toBe(3);
      expect(err).toMatch(/has no source camera yet: run 'reshoot analyze/);
    } finally {
      await api['project.open']({ path: dir });
    }
  }, 300_000);
  it('a camera that only turned: no parallax, so no depth, but the camera is kept and analyze exits 0', async () => {
    standIn = 'rotation-only';
    const video = join(tmp.dir, 'orbit16.mp4');
    const pan = (await api['shots.import']({ paths: [video], skipBad: false })).imported[0]!;
    await api['shots.rename']({ shotId: pan.id, name: 'pan' });
    const job = await api['jobs.start']({ type: 'analyze', shotId: pan.id });
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
    expect(done.status, done.error ?? '').toBe('done');
    const shot = (await api['shots.list']()).find((s) => s.id === pan.id)!;
    expect(shot.camera).toMatchObject({ status: 'rotation-only', frames: FRAMES });
    expect(shot.depth).toMatchObject({ validFraction: 0 });
    expect(shot.analysis.find((a) => a.stage === 'depth')!.message).toMatch(
      /0 % valid · no depth for 16 frames where the camera only turned or nothing could be matched$/,
    );
    const dir = core.require().project.dir;
    await core.closeProject();
    try {
      let out = '';
      const io = { out: (t: string) => void (out += t), err: () => {}, cwd: tmp.dir, env: process.env };
      expect(await runCli(['analyze', dir, 'pan'], io)).toBe(0);
      expect(out).toMatch(
        /source camera: rotation-only \(KLT tracks\), 16 frames\n {2}per frame: frames 0–15 rotation-only\n/,
      );
    } finally {
      await api['project.open']({ path: dir });
    }
  }, 600_000);
  it('a solve with nothing usable fails the job and analyze exits 1; the frames it had are kept only when the shot has no camera', async () => {
    standIn = 'failed';
    const video = join(tmp.dir, 'orbit16.mp4');
    const lost = (await api['shots.import']({ paths: [video], skipBad: false })).imported[0]!;
    await api['shots.rename']({ shotId: lost.id, name: 'lost' });
    const job = await api['jobs.start']({ type: 'analyze', shotId: lost.id });
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
    expect(done.status).toBe('failed');
    expect(done.error).toBe(
      'could not solve the camera: lost the camera at frame 5 · KLT tracks (the 2D tracks and the camera of the 5 frames solved are kept)',
    );
    const shot = (await api['shots.list']()).find((s) => s.id === lost.id)!;
    expect(shot.camera).toMatchObject({ status: 'failed', frames: 5 });
    expect(shot.camera!.report!.summary).toBe('frames 0–4 solved; 5–15 unsolved');
    expect(shot.analysis.find((a) => a.stage === 'camera')).toMatchObject({ status: 'failed' });
    expect(shot.depth).toBeNull();

    // run again (a failed stage is never reused): the camera the shot now has is not replaced
    const before = shot.camera;
    const dir = core.require().project.dir;
    await core.closeProject();
    try {
      let err = '';
      const io = { out: () => {}, err: (t: string) => void (err += t), cwd: tmp.dir, env: process.env };
      expect(await runCli(['analyze', dir, 'lost'], io)).toBe(1);
      expect(err).toMatch(
        /could not solve the camera: lost the camera at frame 5 · KLT tracks \(the 2D tracks and the previous camera are kept\)/,
      );
    } finally {
      await api['project.open']({ path: dir });
    }
    expect((await api['shots.list']()).find((s) => s.id === lost.id)!.camera).toEqual(before);
  }, 600_000);
});
