/**
 * "Analyze shot" with a depth model installed, end to end through the app core and the job runner: the
 * Depth Anything V2 contract graph (output = red channel; the real weights are not available here) on a
 * shot whose red channel is an affine inverse depth of the ground truth with a drifting scale
 * (model-depth-scene.ts), with the ground-truth camera imported. The depth chunks keep the model's raw
 * output; one align step fits the whole shot. Checked: metric depth with no scale step where the chunks
 * met, stage reuse, a changed camera aligning again, and a job closed in the middle of its depth chunks
 * and resumed giving the uninterrupted run's depth bit for bit.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppCore, createHandlers, createMediaHandler, type Handlers } from '../../../src-main/api';
import { MODEL_DEPTH_CHUNK_FRAMES as DEPTH_CHUNK_FRAMES } from '../../../src-main/analysis/analyze-job';
import { rawDepthFile } from '../../../src-main/analysis/analysis-protocol';
import { TRACK_CHUNK_FRAMES } from '../../../src-main/analysis/track-job';
import { decodeDepthFrame, decodeDepthStateFrame, mediaUrl } from '../../../src-shared/api/media-routes';
import { DepthState, depthConfidenceOf, depthStateOf } from '../../../src-shared/depth-layout';
import { depthAnythingV2Contract, writeModel } from '../../helpers/onnx-builder';
import { tempDir } from '../../helpers/temp';
import { GT_ROOT, loadGtDepth } from '../depth/gt-depth-data';
import { absRel, gtShot, scaleRatio, writeModelScene } from './model-depth-scene';

const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId: number;
let camerasFile: string;
/** Three depth chunks (8 + 8 + 4): the chunks meet after frames 7 and 15. */
const FRAMES = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Plan indices: the tracks chunks, the camera, then the depth chunks and the align step. */
const FIRST_DEPTH = Math.ceil(FRAMES / TRACK_CHUNK_FRAMES) + 1;
const ALIGN = FIRST_DEPTH + Math.ceil(FRAMES / DEPTH_CHUNK_FRAMES);

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  // "Installed": the app asks its model manager for the file; the contract graph stands in for it.
  const model = writeModel(join(tmp.dir, 'depth_anything_v2_small.onnx'), depthAnythingV2Contract());
  vi.spyOn(core.models, 'requirePath').mockImplementation((id: string) => {
    if (id === 'depth-anything-v2-small') return model;
    throw new Error(`${id} is not installed`);
  });
  await api['project.create']({ parentDir: tmp.dir, name: 'ModelDepth' });
  const first = writeModelScene(join(tmp.dir, 'seq'), FRAMES);
  const doc = JSON.parse(readFileSync(join(GT_ROOT, 'orbit_a', 'cameras.json'), 'utf8')) as {
    frames: unknown[];
  };
  camerasFile = join(tmp.dir, 'cameras.json');
  writeFileSync(camerasFile, JSON.stringify({ ...doc, frames: doc.frames.slice(0, FRAMES) }));
  const [shot] = (await api['shots.import']({ paths: [first], skipBad: false })).imported;
  shotId = shot!.id;
  await core.require().runner.whenIdle();
}, 120_000);
afterAll(async () => {
  await core.closeProject();
  vi.restoreAllMocks();
  tmp.cleanup();
});

async function depthOf(frame: number): Promise<Float32Array> {
  const url = mediaUrl('http://x/media', { kind: 'depth', shotId, frame });
  const res = await createMediaHandler(core)(new Request(url), new URL(url).pathname.slice('/media'.length));
  expect(res.status).toBe(200);
  return decodeDepthFrame(await res.arrayBuffer()).depth;
}

async function statesOf(frame: number): Promise<Uint8Array> {
  const url = mediaUrl('http://x/media', { kind: 'depth-state', shotId, frame });
  const res = await createMediaHandler(core)(new Request(url), new URL(url).pathname.slice('/media'.length));
  expect(res.status).toBe(200);
  return decodeDepthStateFrame(await res.arrayBuffer()).state;
}

async function analyse(): Promise<{ id: number; message: string | null }> {
  const job = await api['jobs.start']({ type: 'analyze', shotId });
  expect(job.detail).toMatch(/depth \(Depth Anything V2\)/);
  await core.require().runner.whenIdle();
  const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
  expect(done.status, done.error ?? '').toBe('done');
  return done;
}

/** What the rest of the app reads of a shot's depth: the maps and states, the per-frame rows, the dense cloud. */
function depthOutputs() {
  const { project } = core.require();
  return {
    maps: Array.from({ length: FRAMES }, (_, f) => readFileSync(project.paths.depthFrame(shotId, f))),
    states: Array.from({ length: FRAMES }, (_, f) => readFileSync(project.paths.depthState(shotId, f))),
    rows: project.analysis.depthFrames(shotId),
    dense: readFileSync(project.paths.densePoints(shotId)),
  };
}

let first: ReturnType<typeof depthOutputs>;

describe('Analyze shot with a depth model', () => {
  it('aligns the whole shot at once: metric depth, no scale step where the depth chunks met', async () => {
    await api['shots.importCamera']({ shotId, path: camerasFile, worldUp: 'z' });
    const job = await analyse();
    const s = (await api['shots.list']()).find((x) => x.id === shotId)!;
    expect(s.analysis.map((a) => [a.stage, a.status])).toEqual([
      ['tracks', 'done'],
      ['camera', 'done'],
      ['depth', 'done'],
      ['tracks3d', 'done'],
    ]);
    expect(s.analysis[2]!.message).toMatch(/^Depth Anything V2 on cpu at 320×180 · \d+ % valid$/);
    expect(s.depth).toMatchObject({ method: 'depth-anything-v2', width: 320, height: 180, frames: FRAMES });
    const { project } = core.require();
    // The raw model output was temporary: gone with the job's scratch.
    expect(existsSync(project.paths.jobScratch(job.id))).toBe(false);
    expect(project.analysis.depthFrames(shotId).map((f) => f.frame)).toEqual([...Array(FRAMES).keys()]);

    const logRatio: number[] = [];
    for (let f = 0; f < FRAMES; f++) {
      const d = await depthOf(f);
      const a = absRel(d, f);
      expect(a.absRel, `AbsRel frame ${f}`).toBeLessThan(0.1);
      expect(a.valid, `valid frame ${f}`).toBeGreaterThan(0.8);
      logRatio.push(Math.log(scaleRatio(d, f)));
    }
    console.log(
      `scale error per frame (log of median depth / truth): ${logRatio.map((v) => v.toFixed(4)).join(' ')}`,
    );
    // The "model's" scale drifts 2 % a frame; a scale per chunk of 8 frames would step ~10 % at 8 and 16.
    for (let f = 1; f < FRAMES; f++)
      expect(Math.abs(logRatio[f]! - logRatio[f - 1]!), `step at frame ${f}`).toBeLessThan(0.005);
    for (const v of logRatio) expect(Math.abs(v)).toBeLessThan(0.02);

    // The states beside the maps: measured exactly where there is depth, all at the frame's own fit
    // confidence; infinity only where the truth is sky (what the fit puts at or beyond infinity).
    let infinity = 0;
    for (let f = 0; f < FRAMES; f++) {
      const d = await depthOf(f);
      const st = await statesOf(f);
      const gt = loadGtDepth(gtShot, f);
      const confidences = new Set<number>();
      let disagree = 0;
      let infinityOnSurface = 0;
      for (let i = 0; i < st.length; i++) {
        const s = depthStateOf(st[i]!);
        if ((s === DepthState.measured) !== d[i]! > 0) disagree++;
        expect(s).not.toBe(DepthState.propagated);
        if (s === DepthState.measured) confidences.add(depthConfidenceOf(st[i]!));
        if (s === DepthState.infinity) {
          infinity++;
          if (gt[i]! > 0) infinityOnSurface++;
        }
      }
      expect(disagree, `state vs depth, frame ${f}`).toBe(0);
      expect(infinityOnSurface, `infinity on a surface, frame ${f}`).toBe(0);
      expect(confidences.size, `confidences of frame ${f}`).toBe(1);
      expect([...confidences][0]).toBeGreaterThan(0.3);
    }
    console.log(`pixels at or beyond infinity over the shot: ${infinity}`);
    // the scene's sky (about a tenth of each frame) is below the model's affine zero
    expect(infinity).toBeGreaterThan(0.05 * FRAMES * 320 * 180);
    first = depthOutputs();
  }, 300_000);

  it('runs again with nothing changed: every stage is reused', async () => {
    const done = await analyse();
    expect(done.message).toMatch(/reused: tracks, camera, depth, tracks3d/);
  }, 120_000);

  /** Starts Analyze after a camera re-import and closes the project once its first depth chunk is saved. */
  async function analyseAndCloseDuringDepth(): Promise<{ jobId: number; raw: string }> {
    // The same cameras imported again: a new camera as far as the stages know, the same numbers.
    await api['shots.importCamera']({ shotId, path: camerasFile, worldUp: 'z' });
    const job = await api['jobs.start']({ type: 'analyze', shotId });
    const { project } = core.require();
    const dir = project.dir;
    const committed = () => project.jobs.chunks(job.id).map((c) => c.chunk);
    const deadline = Date.now() + 120_000;
    while (!committed().includes(FIRST_DEPTH)) {
      expect(project.jobs.get(job.id)!.status).toBe('running');
      if (Date.now() > deadline) throw new Error('the first depth chunk was never committed');
      await sleep(10);
    }
    const raw = join(project.paths.jobScratch(job.id), 'depth-raw');
    await core.closeProject();
    await api['project.open']({ path: dir });
    const reopened = core.require().project;
    const before = reopened.jobs.chunks(job.id).map((c) => c.chunk);
    expect(reopened.jobs.get(job.id)!.status).toBe('interrupted');
    expect(before).toContain(FIRST_DEPTH);
    expect(before).not.toContain(ALIGN); // it really stopped before the whole shot was aligned
    return { jobId: job.id, raw };
  }

  async function resumeAndCompare(jobId: number): Promise<void> {
    await api['jobs.resume']({ jobId });
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === jobId)!;
    expect(done.status, done.error ?? '').toBe('done');
    expect(done.message).toMatch(/\(reused: tracks\)$/);
    const depth = (await api['shots.list']()).find((x) => x.id === shotId)!.analysis[2]!;
    expect(depth).toMatchObject({ stage: 'depth', status: 'done' });
    expect(existsSync(core.require().project.paths.jobScratch(jobId))).toBe(false);
    const again = depthOutputs();
    for (let f = 0; f < FRAMES; f++) {
      expect(again.maps[f]!.equals(first.maps[f]!), `frame ${f}`).toBe(true);
      expect(again.states[f]!.equals(first.states[f]!), `states of frame ${f}`).toBe(true);
    }
    expect(again.rows).toEqual(first.rows);
    expect(again.dense.equals(first.dense)).toBe(true);
  }

  it('a changed camera aligns again; closed during the depth chunks and resumed, it gives the same depth bit for bit', async () => {
    const { jobId, raw } = await analyseAndCloseDuringDepth();
    // The saved chunk's raw model output is kept in the job's scratch, for the align step.
    expect(existsSync(rawDepthFile(raw, 0))).toBe(true);
    expect(existsSync(rawDepthFile(raw, DEPTH_CHUNK_FRAMES - 1))).toBe(true);
    await resumeAndCompare(jobId);
  }, 300_000);

  it('raw output lost meanwhile (cache cleared, or a job queued by an earlier version): the align step runs the model again for it', async () => {
    const { jobId, raw } = await analyseAndCloseDuringDepth();
    rmSync(raw, { recursive: true, force: true });
    await resumeAndCompare(jobId);
  }, 300_000);
});
