/**
 * A project whose shot is already "analysed" with exact data, so render tests need no analysis run: the
 * synthetic room of tests/integration/depth/long-shot-scene.ts encoded as a video, its true camera imported
 * as the source camera, its exact depth written as the analysis writes it (float16 + states, the depth
 * stage recorded as done) and its sparse points (presets measure the scene depth from them).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { encodeFloat16, float16ToBytesLE } from '../../../src-main/analysis/depth/float16';
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import { serializeCamerasJson } from '../../../src-shared/geometry';
import {
  camerasDocument,
  encodeShot,
  longShot,
  truthDepth,
  writeSparsePoints,
  type LongShot,
} from '../depth/long-shot-scene';

export interface RenderFixture {
  core: AppCore;
  api: Handlers;
  projectDir: string;
  shotId: number;
  config: string;
  shot: LongShot;
}

/**
 * `rotationOnly`: the camera stays where frame 0 stands and only turns (a pan from a tripod); the depth is
 * what the analysis leaves for such a shot: none (every pixel invalid).
 */
export async function analysedRoom(
  dir: string,
  frames = 24,
  width = 320,
  height = 180,
  rotationOnly = false,
): Promise<RenderFixture> {
  const moving = longShot(width, height, frames, 96);
  const shot: LongShot = rotationOnly
    ? { ...moving, camera: (f) => ({ ...moving.camera(f), C: moving.camera(0).C }) }
    : moving;
  const video = join(dir, 'room.mp4');
  await encodeShot(shot, video);
  writeFileSync(join(dir, 'cameras.json'), serializeCamerasJson(camerasDocument(shot)));
  const config = join(dir, 'config');
  const core = new AppCore({ mode: 'web', configDir: config });
  const api = createHandlers(core);
  const { path: projectDir } = await api['project.create']({ parentDir: dir, name: 'Room' });
  const shotId = (await api['shots.import']({ paths: [video], skipBad: false })).imported[0]!.id;
  await core.require().runner.whenIdle();
  await api['shots.importCamera']({ shotId, path: join(dir, 'cameras.json'), worldUp: 'z' });
  const project = core.require().project;
  mkdirSync(join(project.paths.depthFrame(shotId, 0), '..'), { recursive: true });
  mkdirSync(join(project.paths.sparsePoints(shotId), '..'), { recursive: true });
  await writeSparsePoints(shot, project.paths.sparsePoints(shotId));
  for (let f = 0; f < frames; f++) {
    const z = rotationOnly ? new Float32Array(width * height) : truthDepth(shot, f);
    writeFileSync(project.paths.depthFrame(shotId, f), float16ToBytesLE(encodeFloat16(z)));
    writeFileSync(
      project.paths.depthState(shotId, f),
      Uint8Array.from(z, (v) =>
        rotationOnly
          ? encodeDepthState(DepthState.invalid, 0)
          : encodeDepthState(v > 0 ? DepthState.measured : DepthState.infinity, 1),
      ),
    );
    const valid = [...z].filter((v) => v > 0).sort((a, b) => a - b);
    project.analysis.putDepthFrame(shotId, {
      frame: f,
      median: valid[valid.length >> 1] ?? 0,
      p5: valid[0] ?? 0,
      p95: valid.at(-1) ?? 0,
      validFraction: valid.length / z.length,
    });
  }
  const now = new Date().toISOString();
  project.analysis.putDepth(
    shotId,
    { method: 'exact', width, height, frames, near: 1, far: 20, validFraction: 1 },
    now,
  );
  project.analysis.putStage({
    shotId,
    stage: 'depth',
    status: 'done',
    inputHash: 'exact-room',
    outputHash: 'exact-room',
    seconds: 0,
    message: null,
    finishedAt: now,
  });
  return { core, api, projectDir, shotId, config, shot };
}
