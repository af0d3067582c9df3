import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { encodePoints } from '../../../src-main/analysis/point-file';
import { encodeFloat16, float16ToBytesLE } from '../../../src-main/analysis/depth/float16';
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import { runCli } from '../../../src-main/app/cli/main';
import {
  documentToTrack,
  parseCamerasJson,
  pathSamples,
  quatAngle,
  quatRotate,
  type TargetPathContent,
} from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt/orbit_a');
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId: number;
let projectDir: string;

/** 3D points in front of the gt cameras: the gt depth of frame 0 back-projected on a coarse grid. */
function gtPoints(): Float32Array {
  const track = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8')));
  const c = track.frames[0]!.camera;
  const pts: number[] = [];
  for (let y = 20; y < 360; y += 40)
    for (let x = 20; x < 640; x += 40) {
      const z = 4 + ((x * 7 + y * 3) % 5) * 0.25;
      const d: [number, number, number] = [
        (x - c.intrinsics.cx) / c.intrinsics.fx,
        (y - c.intrinsics.cy) / c.intrinsics.fy,
        1,
      ];
      const w = quatRotate(c.q, [d[0] * z, d[1] * z, z]);
      pts.push(c.C[0] + w[0], c.C[1] + w[1], c.C[2] + w[2]);
    }
  return Float32Array.from(pts);
}

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Paths' });
  projectDir = core.require().project.dir;
  shotId = (await api['shots.import']({ paths: [join(GT, 'shot.mp4')], skipBad: false })).imported[0]!.id;
  await core.require().runner.whenIdle();
  await api['shots.importCamera']({ shotId, path: join(GT, 'cameras.json'), worldUp: 'z' });
  const file = core.require().project.paths.sparsePoints(shotId);
  mkdirSync(join(file, '..'), { recursive: true });
  const xyz = gtPoints();
  writeFileSync(file, encodePoints({ xyz, rgb: new Uint8Array(xyz.length) }));
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

const key = (frame: number, x: number) => ({
  frame,
  position: [x, 0, 0] as [number, number, number],
  orientation: [1, 0, 0, 0] as [number, number, number, number],
  focalPx: 500,
});

describe('target camera paths in the project', () => {
  it('are made, renamed, duplicated, reshaped and deleted, each undoable and redoable', async () => {
    const a = await api['paths.create']({
      shotId,
      name: 'hand',
      content: { kind: 'keyframes', keyframes: [key(0, 0), key(47, 1)] },
    });
    expect(a.origin).toBe('keyframes');
    await api['paths.rename']({ pathId: a.id, name: 'by hand' });
    const b = await api['paths.duplicate']({ pathId: a.id, name: 'copy' });
    await api['paths.setContent']({
      pathId: b.id,
      content: { kind: 'keyframes', keyframes: [key(0, 0), { ...key(20, 3), easing: 'hold' }, key(47, 1)] },
    });
    const names = async () => (await api['paths.list']({ shotId })).map((p) => p.name);
    expect(await names()).toEqual(['by hand', 'copy']);
    await api['paths.remove']({ pathId: a.id });
    expect(await names()).toEqual(['copy']);
    // undo back to the start, then redo to the end: the same states in reverse and forward
    const states: string[][] = [];
    for (let i = 0; i < 5; i++) {
      await api['edit.undo']();
      states.push(await names());
    }
    expect(states).toEqual([['by hand', 'copy'], ['by hand', 'copy'], ['by hand'], ['hand'], []]);
    for (let i = 0; i < 5; i++) await api['edit.redo']();
    const [copy] = await api['paths.list']({ shotId });
    expect(copy!.content.kind === 'keyframes' && copy!.content.keyframes.length).toBe(3);
    // Bézier handles on a segment: stored, read back as given, undone to the named easing
    const handles = { kind: 'bezier' as const, x1: 0.2, y1: -0.3, x2: 0.7, y2: 1.4 };
    await api['paths.setContent']({
      pathId: copy!.id,
      content: { kind: 'keyframes', keyframes: [key(0, 0), { ...key(20, 3), easing: handles }, key(47, 1)] },
    });
    const easingOfKey1 = async () => {
      const p = (await api['paths.list']({ shotId }))[0]!;
      return p.content.kind === 'keyframes' ? p.content.keyframes[1]!.easing : null;
    };
    expect(await easingOfKey1()).toEqual(handles);
    await api['edit.undo']();
    expect(await easingOfKey1()).toBe('hold');
    await api['edit.redo']();
    expect(await easingOfKey1()).toEqual(handles);
  });

  it('refuse bad input with a clear error and leave the project unchanged', async () => {
    const before = JSON.stringify(await api['paths.list']({ shotId }));
    const bad: [unknown, RegExp][] = [
      [{ kind: 'keyframes', keyframes: [key(60, 0)] }, /frame 60 is outside the shot \(frames 0–47\)/],
      [
        { kind: 'keyframes', keyframes: [{ ...key(3, 0), orientation: [2, 0, 0, 0] }] },
        /not a unit quaternion/,
      ],
      [{ kind: 'keyframes', keyframes: [{ ...key(3, 0), focalPx: -1 }] }, /focal must be/],
      [{ kind: 'keyframes', keyframes: [key(5, 0), key(2, 0)] }, /not after keyframe 0/],
      [
        {
          kind: 'keyframes',
          keyframes: [
            key(0, 0),
            { ...key(9, 1), easing: { kind: 'bezier', x1: 1.2, y1: 0, x2: 0.5, y2: 1 } },
          ],
        },
        /keyframe 1 \(frame 9\): Bézier easing x1 must be a number in 0–1/,
      ],
    ];
    for (const [content, msg] of bad)
      await expect(
        api['paths.create']({ shotId, name: 'x', content: content as TargetPathContent }),
      ).rejects.toThrow(msg);
    await expect(
      api['paths.create']({ shotId, name: 'copy', content: { kind: 'keyframes', keyframes: [key(0, 0)] } }),
    ).rejects.toThrow(/already has a target path named 'copy'/);
    await expect(api['paths.rename']({ pathId: 9999, name: 'y' })).rejects.toThrow(/no target path 9999/);
    expect(JSON.stringify(await api['paths.list']({ shotId }))).toBe(before);
  });

  it('a dolly preset moves the camera forward by the asked fraction of the scene depth', async () => {
    const p = await api['paths.preset']({ shotId, name: 'push', kind: 'dolly', amount: 0.25 });
    const [s0, s47] = [pathSamples(p.content, 0, 47)[0]!, pathSamples(p.content, 0, 47)[47]!];
    const fwd = quatRotate(s0.orientation, [0, 0, 1]);
    const moved = [0, 1, 2].reduce((a, k) => a + (s47.position[k]! - s0.position[k]!) * fwd[k]!, 0);
    // Z̄ = the median depth of the points in view (4–5 here)
    expect(moved).toBeGreaterThan(0.25 * 4);
    expect(moved).toBeLessThan(0.25 * 5);
    expect(quatAngle(s0.orientation, s47.orientation)).toBeLessThan(1e-9);
  });

  it('from the CLI: preset, list, export and import back (exit codes as the other commands)', async () => {
    await core.closeProject();
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return {
        out,
        err,
        io: {
          cwd: tmp.dir,
          env: process.env,
          out: (s: string) => void out.push(s),
          err: (s: string) => void err.push(s),
        },
      };
    };
    const run = async (...argv: string[]) => {
      const c = io();
      const rc = await runCli(argv, c.io);
      return { rc, out: c.out.join(''), err: c.err.join('') };
    };
    expect(
      (
        await run(
          'path',
          'preset',
          projectDir,
          '1',
          '--name',
          'orbit',
          '--kind',
          'arc',
          '--amount=-30',
          '--relative',
        )
      ).rc,
    ).toBe(0);
    const list = await run('path', 'list', projectDir, '1');
    expect(list.out).toMatch(/orbit\t48 samples \(frames 0–47\)\tpreset:arc:relative/);
    const json = JSON.parse((await run('path', 'list', projectDir, '1', '--json')).out) as { name: string }[];
    expect(json.map((p) => p.name)).toContain('orbit');
    const out = join(tmp.dir, 'orbit.json');
    expect(
      (await run('path', 'export', projectDir, '1', '--path', 'orbit', '--format', 'json', '--out', out)).rc,
    ).toBe(0);
    const doc = parseCamerasJson(readFileSync(out, 'utf8'));
    expect(doc.frames.length).toBe(48);
    expect((await run('path', 'import', projectDir, '1', out, '--name', 'orbit again')).rc).toBe(0);
    const usd = await run(
      'path',
      'export',
      projectDir,
      '1',
      '--path',
      'orbit again',
      '--format',
      'usd',
      '--out',
      join(tmp.dir, 'o.usda'),
    );
    expect(usd.rc).toBe(0);
    expect(readFileSync(join(tmp.dir, 'o.usda'), 'utf8')).toMatch(/#usda 1.0/);
    const missing = await run(
      'path',
      'export',
      projectDir,
      '1',
      '--path',
      'nope',
      '--format',
      'json',
      '--out',
      out,
    );
    expect(missing.rc).toBe(3);
    expect(missing.err).toMatch(/no target path named 'nope'/);
    const guard = await run(
      'path',
      'export',
      projectDir,
      '1',
      '--path',
      'orbit',
      '--format',
      'json',
      '--out',
      join(projectDir, 'project.db'),
    );
    expect(guard.rc).toBe(2);
    expect(
      (await run('path', 'preset', projectDir, '1', '--name', 'z', '--kind', 'zoom', '--amount', '0')).rc,
    ).toBe(2);
    expect(
      (await run('path', 'preset', projectDir, '1', '--name', 'z', '--kind', 'wobble', '--amount', '1')).rc,
    ).toBe(2);
    expect((await run('path', 'preset', projectDir, '1', '--name', 'z', '--kind', 'dolly')).rc).toBe(2);
    // the orbit came back as it went out: same cameras frame by frame
    await core.openProject(projectDir);
    const paths = await api['paths.list']({ shotId });
    const a = pathSamples(paths.find((p) => p.name === 'orbit')!.content, 0, 47);
    const b = pathSamples(paths.find((p) => p.name === 'orbit again')!.content, 0, 47);
    a.forEach((s, i) => {
      for (let k = 0; k < 3; k++) expect(b[i]!.position[k]).toBeCloseTo(s.position[k]!, 6);
      expect(quatAngle(s.orientation, b[i]!.orientation)).toBeLessThan(1e-6);
    });
  });

  it('transfer another shot’s move: ParaScale is gauge-free, raw is not (PCE)', async () => {
    // the same orbit as a second shot, its world scaled by 3 (cameras and points): another gauge
    const doc = JSON.parse(readFileSync(join(GT, 'cameras.json'), 'utf8')) as {
      frames: { t_cw?: number[]; C?: number[] }[];
    };
    const scaled = {
      ...doc,
      frames: doc.frames.map((f) => ({
        ...f,
        ...(f.t_cw ? { t_cw: f.t_cw.map((x) => 3 * x) } : {}),
        ...(f.C ? { C: f.C.map((x) => 3 * x) } : {}),
      })),
    };
    const camFile = join(tmp.dir, 'scaled.json');
    writeFileSync(camFile, JSON.stringify(scaled));
    const ref = (await api['shots.import']({ paths: [join(GT, 'shot.mp4')], skipBad: false })).imported[0]!
      .id;
    await core.require().runner.whenIdle();
    await api['shots.importCamera']({ shotId: ref, path: camFile, worldUp: 'z' });
    const xyz = gtPoints().map((x) => 3 * x);
    writeFileSync(
      core.require().project.paths.sparsePoints(ref),
      encodePoints({ xyz, rgb: new Uint8Array(xyz.length) }),
    );
    const para = await api['paths.transfer']({ shotId, name: 'from ref', fromShotId: ref });
    const raw = await api['paths.transfer']({ shotId, name: 'from ref raw', fromShotId: ref, raw: true });
    expect(para.frames).toBe(48);
    expect(para.pce.parascale).toBeLessThan(0.05);
    // raw copies steps 3× too long: Π off by about log 3
    expect(raw.pce.raw).toBeGreaterThan(0.8);
    expect(raw.pce.parascale).toBeCloseTo(para.pce.parascale!, 9);
    // the Π series: one per step, ParaScale's on the reference's, raw's 3× too large (steps copied from a 3× world)
    expect(para.pi.reference.length).toBe(47);
    const ratio = (a: (number | null)[]) =>
      a.map((x, i) => x! / para.pi.reference[i]!).sort((u, v) => u - v)[23]!;
    expect(ratio(para.pi.parascale!)).toBeCloseTo(1, 1);
    expect(ratio(raw.pi.raw!)).toBeGreaterThan(2);
    // ParaScale from the 3× world gives this shot's own move back (the same scene, the same start)
    const own = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8')));
    const out = pathSamples(para.path.content, 0, 47);
    const c0 = own.frames[0]!.camera.C;
    const c47 = own.frames[47]!.camera.C;
    const moved = Math.hypot(
      ...([0, 1, 2].map((k) => out[47]!.position[k]! - c0[k]!) as [number, number, number]),
    );
    const truth = Math.hypot(...([0, 1, 2].map((k) => c47[k]! - c0[k]!) as [number, number, number]));
    expect(moved / truth).toBeGreaterThan(0.8);
    expect(moved / truth).toBeLessThan(1.25);
  });

  it('coverage: the source camera is covered; a move the camera never made leaves holes', async () => {
    // the shot's depth from the ground truth (320×180; sky = 0 → at infinity)
    const project = core.require().project;
    const dw = 320,
      dh = 180;
    mkdirSync(join(project.paths.depthFrame(shotId, 0), '..'), { recursive: true });
    for (let f = 0; f < 48; f++) {
      const raw = readFileSync(join(GT, 'depth', `frame_${String(f + 1).padStart(4, '0')}.f32`));
      const z = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      writeFileSync(project.paths.depthFrame(shotId, f), float16ToBytesLE(encodeFloat16(z)));
      writeFileSync(
        project.paths.depthState(shotId, f),
        Uint8Array.from(z, (v) => encodeDepthState(v > 0 ? DepthState.measured : DepthState.infinity, 1)),
      );
      const sorted = [...z].filter((v) => v > 0).sort((a, b) => a - b);
      project.analysis.putDepthFrame(shotId, {
        frame: f,
        median: sorted[sorted.length >> 1]!,
        p5: sorted[0]!,
        p95: sorted.at(-1)!,
        validFraction: sorted.length / z.length,
      });
    }
    project.analysis.putDepth(
      shotId,
      { method: 'gt', width: dw, height: dh, frames: 48, near: 1, far: 50, validFraction: 0.9 },
      new Date().toISOString(),
    );
    const own = await api['paths.import']({
      shotId,
      name: 'as shot',
      path: join(GT, 'cameras.json'),
      worldUp: 'z',
    });
    const c = await api['paths.coverage']({ pathId: own.id });
    expect(c.frames.length).toBe(48);
    for (const f of c.frames) expect(f.coverage).toBeGreaterThan(0.99);
    const truck = await api['paths.preset']({ shotId, name: 'truck far', kind: 'truck', amount: 1.5 });
    const t = await api['paths.coverage']({ pathId: truck.id });
    expect(t.frames[0]!.coverage).toBeGreaterThan(0.99);
    expect(t.frames[47]!.coverage).toBeLessThan(0.9);
    // a path the camera nearly took (orbit_a_target: 8 % closer, 0.5 m higher) stays mostly covered
    const near = await api['paths.import']({
      shotId,
      name: 'target',
      path: resolve('../shared/gt/orbit_a_target/cameras.json'),
      worldUp: 'z',
    });
    const n = await api['paths.coverage']({ pathId: near.id });
    const mean = n.frames.reduce((a, f) => a + f.coverage, 0) / 48;
    expect(mean).toBeGreaterThan(0.85);
    expect(mean).toBeLessThan(1);
  });

  it('orient the scene: the gt floor found from the depth points, undoable; presets use its up', async () => {
    // the dense cloud the analysis would write: the gt depth of a few frames back-projected
    const track = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8')));
    const xyz: number[] = [];
    for (const f of [0, 16, 32, 47]) {
      const raw = readFileSync(join(GT, 'depth', `frame_${String(f + 1).padStart(4, '0')}.f32`));
      const z = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      const c = track.frames[f]!.camera;
      const k = {
        fx: c.intrinsics.fx / 2,
        fy: c.intrinsics.fy / 2,
        cx: c.intrinsics.cx / 2,
        cy: c.intrinsics.cy / 2,
      };
      for (let y = 0; y < 180; y += 3)
        for (let x = 0; x < 320; x += 3) {
          const d = z[y * 320 + x]!;
          if (!(d > 0)) continue;
          const w = quatRotate(c.q, [((x + 0.5 - k.cx) / k.fx) * d, ((y + 0.5 - k.cy) / k.fy) * d, d]);
          xyz.push(c.C[0] + w[0], c.C[1] + w[1], c.C[2] + w[2]);
        }
    }
    const dense = Float32Array.from(xyz);
    writeFileSync(
      core.require().project.paths.densePoints(shotId),
      encodePoints({ xyz: dense, rgb: new Uint8Array(dense.length) }),
    );
    const shot = await api['shots.orient']({ shotId, method: 'auto-floor' });
    // Blender's world is Z-up and the gt ground is the plane z = 0
    expect(shot.orientation!.up[2]).toBeGreaterThan(Math.cos((1 * Math.PI) / 180));
    expect(Math.abs(shot.orientation!.origin[2])).toBeLessThan(0.05);
    expect((await api['edit.state']()).undoLabel).toMatch(/^Set floor of/);
    await api['edit.undo']();
    expect((await api['shots.list']()).find((s) => s.id === shotId)!.orientation).toBeNull();
    await api['edit.redo']();
    // a pedestal goes up the floor's normal
    const p = await api['paths.preset']({ shotId, name: 'rise', kind: 'pedestal', amount: 0.2 });
    const [a, b] = [pathSamples(p.content, 0, 47)[0]!, pathSamples(p.content, 0, 47)[47]!];
    const d = [0, 1, 2].map((k) => b.position[k]! - a.position[k]!);
    expect(d[2]! / Math.hypot(...d)).toBeGreaterThan(0.999);
    await expect(
      api['shots.orient']({
        shotId,
        method: 'three-points',
        points: [
          [0, 0, 0],
          [1, 1, 1],
          [2, 2, 2],
        ],
      }),
    ).rejects.toThrow(/in a line/);
    const three = await api['shots.orient']({
      shotId,
      method: 'three-points',
      points: [
        [0, 0, 0.1],
        [1, 0, 0.1],
        [0, 1, 0.1],
      ],
    });
    expect(three.orientation).toMatchObject({ method: 'three-points', origin: [0, 0, 0.1] });
    expect(three.orientation!.up[2]).toBeCloseTo(1, 12);
  });

  it('go with their shot when it is removed, and come back with it on undo', async () => {
    const before = (await api['paths.list']({ shotId })).map((p) => p.name);
    expect(before.length).toBeGreaterThan(0);
    await api['shots.remove']({ shotId });
    await expect(api['paths.list']({ shotId })).rejects.toThrow(/no shot/);
    await api['edit.undo']();
    expect((await api['paths.list']({ shotId })).map((p) => p.name)).toEqual(before);
  });
});
