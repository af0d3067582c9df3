/**
 * "Verify render" end to end on a real shot: gt orbit_a imported with its true camera (reshoot camera
 * import) and its true depth written as the analysis writes it (so no analysis has to run), the target
 * path of orbit_a_target imported (reshoot path import), 24 frames rendered (reshoot render), the plate
 * tracked, solved and compared (reshoot render verify). The plate follows its path; compared with the
 * path the shot was filmed along (the same arc up to a similarity, 0.5 m lower and aimed 4° higher) it
 * does not.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFloat16, float16ToBytesLE } from '../../../src-main/analysis/depth/float16';
import { encodePoints } from '../../../src-main/analysis/point-file';
import { runCli } from '../../../src-main/app/cli/main';
import { verifyReport } from '../../../src-main/app/cli/commands/render-verify';
import { verificationOf, verifyRender } from '../../../src-main/render';
import { Project } from '../../../src-main/store';
import {
  RenderSchema,
  RenderVerificationSchema,
  type Render,
  type RenderVerification,
} from '../../../src-shared/api/contract';
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import {
  backprojectPixel,
  documentToTrack,
  parseCamerasJson,
  type TargetPathContent,
} from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt/orbit_a');
const TARGET = resolve('../shared/gt/orbit_a_target');
const FRAMES = 48;
const tmp = tempDir();
const projectDir = join(tmp.dir, 'Verify.reshoot');

async function run(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const rc = await runCli(argv, {
    cwd: tmp.dir,
    env: { ...process.env, RESHOOT_CONFIG_DIR: join(tmp.dir, 'config') },
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
  });
  return { rc, out: out.join(''), err: err.join('') };
}

async function ok(...argv: string[]): Promise<string> {
  const r = await run(...argv);
  expect(r.rc, `reshoot ${argv.join(' ')}: ${r.err}`).toBe(0);
  return r.out;
}

const gtDepth = (f: number): Float32Array => {
  const raw = readFileSync(join(GT, 'depth', `frame_${String(f + 1).padStart(4, '0')}.f32`));
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
};

/** The shot's depth as the analysis leaves it, from the ground truth (320×180; sky = 0 → at infinity). */
function writeTrueDepth(): void {
  const project = Project.open(projectDir);
  try {
    const shotId = project.shots.list()[0]!.id;
    const dw = 320,
      dh = 180;
    mkdirSync(join(project.paths.depthFrame(shotId, 0), '..'), { recursive: true });
    for (let f = 0; f < FRAMES; f++) {
      const z = gtDepth(f);
      writeFileSync(project.paths.depthFrame(shotId, f), float16ToBytesLE(encodeFloat16(z)));
      writeFileSync(
        project.paths.depthState(shotId, f),
        Uint8Array.from(z, (v) => encodeDepthState(v > 0 ? DepthState.measured : DepthState.infinity, 1)),
      );
      const valid = [...z].filter((v) => v > 0).sort((a, b) => a - b);
      project.analysis.putDepthFrame(shotId, {
        frame: f,
        median: valid[valid.length >> 1]!,
        p5: valid[0]!,
        p95: valid.at(-1)!,
        validFraction: valid.length / z.length,
      });
    }
    const now = new Date().toISOString();
    project.analysis.putDepth(
      shotId,
      { method: 'gt', width: dw, height: dh, frames: FRAMES, near: 1, far: 50, validFraction: 0.9 },
      now,
    );
    project.analysis.putStage({
      shotId,
      stage: 'depth',
      status: 'done',
      inputHash: 'gt',
      outputHash: 'gt',
      seconds: 0,
      message: null,
      finishedAt: now,
    });
    // the sparse cloud: the true depth of a few frames back-projected on a coarse grid
    const cams = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8'))).frames;
    const pts: number[] = [];
    for (const f of [0, 16, 32, 47]) {
      const z = gtDepth(f);
      const cam = cams.find((c) => c.index === f)!.camera;
      for (let y = 4; y < dh; y += 8)
        for (let x = 4; x < dw; x += 8) {
          const d = z[y * dw + x]!;
          if (d > 0) pts.push(...backprojectPixel(cam, 2 * x + 1, 2 * y + 1, d));
        }
    }
    const xyz = Float32Array.from(pts);
    mkdirSync(join(project.paths.sparsePoints(shotId), '..'), { recursive: true });
    writeFileSync(project.paths.sparsePoints(shotId), encodePoints({ xyz, rgb: new Uint8Array(xyz.length) }));
  } finally {
    project.close();
  }
}

beforeAll(async () => {
  await ok('new', projectDir);
  await ok('import', projectDir, join(GT, 'shot.mp4'), '--no-thumbnails');
  await ok('camera', 'import', projectDir, 'shot', join(GT, 'cameras.json'), '--world-up', 'z');
  writeTrueDepth();
  await ok(
    'path',
    'import',
    projectDir,
    'shot',
    join(TARGET, 'cameras.json'),
    '--name',
    'target',
    '--world-up',
    'z',
  );
  await ok(
    'path',
    'import',
    projectDir,
    'shot',
    join(GT, 'cameras.json'),
    '--name',
    'as shot',
    '--world-up',
    'z',
  );
  await ok('render', projectDir, 'shot', '--path', 'target', '--frames', '0-23', '--window', '3');
});
afterAll(() => tmp.cleanup());

describe('reshoot render verify', () => {
  it('the plate rendered along a path follows it: JSON with every metric, kept with the render', async () => {
    const r = await run('render', 'verify', projectDir, 'shot', '--path', 'target', '--json');
    expect(r.rc, r.err).toBe(0);
    const v = JSON.parse(r.out) as RenderVerification & { render: { name: string; version: number } };
    expect(v.render).toMatchObject({ name: 'v001', version: 1, pathName: 'target' });
    expect(v.verdict).toBe('follows');
    expect(v.text).toMatch(/^the plate follows the path: RotErr mean \d\.\d\d°/);
    const m = v.metrics!;
    expect(m.framesCompared).toBe(24);
    expect(m.framesTotal).toBe(24);
    expect(m.rotErrMeanDeg).toBeLessThan(v.thresholds.rotErrMeanDeg);
    expect(m.rotErrSumDeg).toBeCloseTo(24 * m.rotErrMeanDeg, 9);
    expect(m.rotErrMaxDeg).toBeLessThan(v.thresholds.rotErrFrameDeg);
    expect(m.transErrMaxRel!).toBeLessThan(v.thresholds.transErrFrameRel);
    expect(m.transErrSum).toBeCloseTo(24 * m.transErrMean, 9);
    expect(m.ateRmse).toBeGreaterThan(0);
    expect(m.ateRelative!).toBeLessThan(0.02);
    expect(m.pce!).toBeLessThan(v.thresholds.pce);
    expect(v.spans).toEqual([]);
    expect(v.frames.map((f) => f.frame)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(v.frames.every((f) => f.solved && f.rotErrDeg !== null)).toBe(true);
    expect(v.pi.requested.length).toBe(23);
    expect(v.solve).toMatchObject({ status: 'solved', framesSolved: 24, width: 640, height: 360 });
    expect(v.solve.focalPx).toBeCloseTo(497.78, 1);
    // the render list carries it (without the per-frame figures)
    const list = JSON.parse(await ok('render', 'list', projectDir, 'shot', '--json')) as Render[];
    // both as the API contract says
    const { render: _render, ...result } = v;
    expect(RenderVerificationSchema.parse(result)).toEqual(result);
    for (const r of list) RenderSchema.parse(r);
    const kept = list.find((x) => x.pathName === 'target')!.verification!;
    expect(kept).toMatchObject({ verdict: 'follows', text: v.text, metrics: m });
    expect('frames' in kept).toBe(false);
    // and the text form
    const text = verifyReport(
      list.find((x) => x.pathName === 'target')!,
      v,
    );
    expect(text).toMatch(/^target v001 \(frames 0–23\): follows\nthe plate follows the path/);
    expect(text).toMatch(/RotErr +sum [\d.]+°, mean [\d.]+°, worst [\d.]+°/);
    expect(text).toMatch(/PCE +0\.\d{4}/);
    expect(text).toMatch(/solve +solved: 24 frames, \d+ tracks \(\d+ observations masked\)/);
  });

  it('compared with the path the shot was filmed along, it does not follow: 4° off, every frame', async () => {
    const project = Project.open(projectDir);
    let v: RenderVerification;
    try {
      const render = project.renders.list(project.shots.list()[0]!.id)[0]!;
      const other = project.targetPaths.list(render.shotId).find((p) => p.name === 'as shot')!;
      v = await verifyRender(project, render, {
        against: { name: other.name, content: JSON.parse(other.contentJson) as TargetPathContent },
      });
      // a comparison with another path is not kept as the render's verification
      expect(verificationOf(project, render.id)!.verdict).toBe('follows');
    } finally {
      project.close();
    }
    expect(v.verdict).toBe('deviates');
    expect(v.metrics!.rotErrMeanDeg).toBeGreaterThan(3);
    expect(v.metrics!.rotErrMeanDeg).toBeLessThan(5);
    expect(v.spans[0]).toMatchObject({ first: 0, last: 23, kind: 'rotation' });
    expect(v.text).toMatch(
      /^the plate does not follow the path: frames 0–23 turn away from the path: RotErr up to \d\.\d°/,
    );
    expect(v.notes).toContain("compared with path 'as shot', not the path rendered");
  });

  it('says what is missing: an unknown path or version exits 3', async () => {
    const none = await run('render', 'verify', projectDir, 'shot', '--path', 'nope');
    expect(none.rc).toBe(3);
    expect(none.err).toMatch(/no target path named 'nope' \(it has 'target', 'as shot'\)/);
    const v9 = await run('render', 'verify', projectDir, 'shot', '--path', 'target', '--version', '9');
    expect(v9.rc).toBe(3);
    expect(v9.err).toMatch(/path 'target' has no render v009 \(it has v001 \(done\)\)/);
    const unrendered = await run('render', 'verify', projectDir, 'shot', '--path', 'as shot');
    expect(unrendered.rc).toBe(3);
    expect(unrendered.err).toMatch(/path 'as shot' has no finished render: render it first/);
    const usage = await run('render', 'verify', projectDir, 'shot');
    expect(usage.rc).toBe(2);
    // a version still rendering is refused (the newest finished one is the default)
    const project = Project.open(projectDir);
    try {
      const done = project.renders.get(1)!;
      project.renders.create({ ...done, status: 'rendering', jobId: null, createdAt: 'now' });
    } finally {
      project.close();
    }
    const busy = await run('render', 'verify', projectDir, 'shot', '--path', 'target', '--version', '2');
    expect(busy.rc).toBe(2);
    expect(busy.err).toMatch(/Render target v002 is not finished \(rendering\): verify it once it is done/);
  });
});
