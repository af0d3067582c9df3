import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentToTrack, orientedWorld, parseCamerasJson, pathSamples } from '../../../src-shared/geometry';

const cameras = (file: string) =>
  documentToTrack(parseCamerasJson(readFileSync(file, 'utf8'))).frames.map((f) => f.camera);
import { tempDir } from '../../helpers/temp';
import { analysedRoom, type RenderFixture } from '../render/render-fixture';

const tmp = tempDir();
let fx: RenderFixture;
beforeAll(async () => {
  fx = await analysedRoom(tmp.dir, 8, 160, 90);
}, 120_000);
afterAll(async () => {
  await fx.core.closeProject();
  tmp.cleanup();
});

describe('exports of an oriented shot', () => {
  it("write the oriented world (floor up = +Z, floor origin = 0); importing such a file puts it back in the shot's world", async () => {
    const { api, shotId } = fx;
    const path = await api['paths.preset']({ shotId, name: 'push', kind: 'dolly', amount: 0.2 });
    const plain = join(tmp.dir, 'plain.json');
    await api['paths.export']({
      pathId: path.id,
      format: 'json',
      path: plain,
      worldUp: 'z',
      overwrite: false,
    });
    const camPlain = join(tmp.dir, 'camera-plain.json');
    await api['shots.exportCamera']({
      shotId,
      format: 'json',
      path: camPlain,
      worldUp: 'z',
      overwrite: false,
    });
    // a tilted floor through three points
    const points: [[number, number, number], [number, number, number], [number, number, number]] = [
      [0, 1.2, 0],
      [1, 1.4, 0],
      [0, 1.3, 2],
    ];
    await api['shots.orient']({ shotId, method: 'three-points', points });
    const shot = (await api['shots.list']()).find((s) => s.id === shotId)!;
    const o = shot.orientation!;
    const oriented = join(tmp.dir, 'oriented.json');
    await api['paths.export']({
      pathId: path.id,
      format: 'json',
      path: oriented,
      worldUp: 'z',
      overwrite: false,
    });
    const camOriented = join(tmp.dir, 'camera-oriented.json');
    await api['shots.exportCamera']({
      shotId,
      format: 'json',
      path: camOriented,
      worldUp: 'z',
      overwrite: false,
    });
    const w = orientedWorld(o);
    for (const [a, b] of [
      [plain, oriented],
      [camPlain, camOriented],
    ] as const) {
      const before = cameras(a);
      const after = cameras(b);
      expect(after.length).toBe(before.length);
      for (let i = 0; i < before.length; i++) {
        const want = w.apply({ C: before[i]!.C, q: before[i]!.q });
        for (let k = 0; k < 3; k++) expect(after[i]!.C[k]).toBeCloseTo(want.C[k]!, 6);
      }
    }
    // and back: the oriented file imported into the oriented shot is the same path
    const again = await api['paths.import']({ shotId, name: 'again', path: oriented, worldUp: 'z' });
    const before = (await api['paths.list']({ shotId })).find((p) => p.id === path.id)!;
    const samples = (c: typeof again.content) => (c.kind === 'samples' ? c.samples : c.keyframes);
    const got = samples(again.content);
    const want = pathSamples(before.content, 0, shot.frameCount - 1);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++)
      for (let k = 0; k < 3; k++) expect(got[i]!.position[k]).toBeCloseTo(want[i]!.position[k]!, 6);
  });
});
