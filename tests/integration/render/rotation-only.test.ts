import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFiles, renderDir } from '../../../src-main/render';
import { pathSamples, type Camera } from '../../../src-shared/geometry';
import { renderFrame, type LongShot } from '../depth/long-shot-scene';
import { tempDir } from '../../helpers/temp';
import { analysedRoom, type RenderFixture } from './render-fixture';

const tmp = tempDir();
let fx: RenderFixture;
beforeAll(async () => {
  mkdirSync(join(tmp.dir, 'pan'));
  fx = await analysedRoom(join(tmp.dir, 'pan'), 12, 320, 180, true);
}, 120_000);
afterAll(async () => {
  await fx.core.closeProject();
  tmp.cleanup();
});

describe('a shot whose camera only turns', () => {
  it('refuses a path that moves the camera, saying why and what would allow it', async () => {
    const dolly = await fx.api['paths.preset']({
      shotId: fx.shotId,
      name: 'push',
      kind: 'dolly',
      amount: 0.2,
    });
    await expect(fx.api['renders.start']({ pathId: dolly.id })).rejects.toThrow(
      /filmed from one place.*moves the camera.*frames 1–11.*depth model/s,
    );
    expect(await fx.api['renders.list']({ shotId: fx.shotId })).toEqual([]);
  });

  it('renders a path that only turns by the rotation homography: what the target camera really sees', async () => {
    const pan = await fx.api['paths.preset']({
      shotId: fx.shotId,
      name: 'pan',
      kind: 'pan',
      amount: 6,
      relative: true,
    });
    await fx.api['renders.start']({ pathId: pan.id });
    await fx.core.require().runner.whenIdle();
    const [r] = await fx.api['renders.list']({ shotId: fx.shotId });
    expect(r).toMatchObject({ status: 'done', framesDone: 12 });
    expect(r!.seenWorst).toBeGreaterThan(0.85);
    const project = fx.core.require().project;
    const samples = pathSamples(pan.content, 0, 11);
    for (const f of [0, 6, 11]) {
      // the room ray-cast from the target camera itself
      const s = samples[f]!;
      const k = fx.shot.intrinsics;
      const cam: Camera = {
        C: s.position,
        q: s.orientation,
        intrinsics: { ...k, fx: s.focalPx, fy: (s.focalPx * k.fy) / k.fx },
      };
      const truth = renderFrame({ ...fx.shot, camera: () => cam } satisfies LongShot, 0);
      const files = frameFiles(renderDir(project, fx.shotId, pan.id, 1), f);
      const rgb = execFileSync('ffmpeg', [
        '-v',
        'error',
        '-i',
        files.colour,
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ]);
      const mask = execFileSync('ffmpeg', [
        '-v',
        'error',
        '-i',
        files.mask,
        '-f',
        'rawvideo',
        '-pix_fmt',
        'gray',
        '-',
      ]);
      let sum = 0,
        n = 0;
      for (let p = 0; p < mask.length; p++)
        if (mask[p] === 255) {
          sum += Math.abs(rgb[3 * p + 1]! - truth[3 * p + 1]!);
          n++;
        }
      expect(n / mask.length).toBeGreaterThan(0.85);
      // the video is H.264: a few levels of compression error, nothing of a wrong warp (that makes tens)
      expect(sum / n, `frame ${f}`).toBeLessThan(6);
    }
  }, 120_000);
});
