/**
 * Paired tracks of a target path for the dual view (SPEC §4, Track2View), a stretch of frames at a time:
 * the shot's 3D tracks (2D tracks lifted with depth and the source camera, tracks3d-file.ts) projected
 * into the source camera (where the tracker saw them) and through the target path, the target side
 * z-tested against the target view's depth as the shot's own pixels give it (the source depth reprojected
 * into the target camera, src-shared/geometry/coverage.ts targetDepth). Only the frames asked for are read.
 */
import { open } from 'node:fs/promises';
import {
  pathSamples,
  projectTracks,
  quatToMat3,
  targetDepth,
  type DepthBuffer,
} from '../../src-shared/geometry';
import { ApiError } from '../../src-shared/api/contract';
import { encodePairedWindow } from '../../src-shared/api/media-routes';
import type { Project } from '../store';
import { DepthSources } from './depth-sources';
import { contentOf, pathOr404 } from './target-paths';

const MAGIC = 0x54335352; // 'RS3T' (tracks3d-file.ts)
/** The grid the target view's depth is built on for the z-test (finer than coverage's: edges matter). */
const DEPTH_GRID_WIDTH = 320;
/**
 * How far behind the target view's surface a point may lie and still be visible: the depth of both comes
 * from estimated depth maps (a few % apart on far surfaces), so more than the exact-depth default.
 */
const Z_TEST_REL_TOL = 0.05;

export async function pairedWindow(
  project: Project,
  pathId: number,
  start: number,
  count: number,
): Promise<Uint8Array> {
  const { path, shot } = pathOr404(project, pathId);
  const content = contentOf(shot, path);
  const file = project.paths.tracks3d(shot.id);
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    throw new ApiError('not-found', `Shot '${shot.name}' has no 3D tracks yet: analyse it first.`);
  }
  try {
    const head = new Uint8Array(16);
    await fh.read(head, 0, 16, 0);
    const dv = new DataView(head.buffer);
    if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== 1)
      throw new ApiError(
        'internal',
        `Shot '${shot.name}': its 3D tracks file is damaged or of another version.`,
      );
    const N = dv.getUint32(8, true);
    const T = dv.getUint32(12, true);
    if (T !== shot.frameCount || start >= T)
      throw new ApiError('not-found', `Shot '${shot.name}': frames ${start}… are not in its 3D tracks.`);
    const a = start;
    const b = Math.min(T - 1, start + count - 1);
    const m = b - a + 1;
    const xyzAll = new Float32Array(3 * N * m);
    await fh.read(new Uint8Array(xyzAll.buffer), 0, 12 * N * m, 16 + 12 * N * a);
    const validAll = new Uint8Array(N * m);
    await fh.read(validAll, 0, N * m, 16 + 12 * N * T + N * a);
    const dynamicAll = new Uint8Array(N);
    await fh.read(dynamicAll, 0, N, 16 + 13 * N * T);
    // the tracks with a 3D position somewhere in the stretch
    const ids: number[] = [];
    for (let k = 0; k < N; k++)
      for (let t = 0; t < m; t++)
        if (validAll[t * N + k]) {
          ids.push(k);
          break;
        }
    const n = ids.length;
    const xyz = new Float32Array(3 * n * m);
    const valid = new Uint8Array(n * m);
    for (let t = 0; t < m; t++)
      ids.forEach((k, j) => {
        const src = t * N + k;
        const dst = t * n + j;
        valid[dst] = validAll[src]!;
        xyz[3 * dst] = xyzAll[3 * src]!;
        xyz[3 * dst + 1] = xyzAll[3 * src + 1]!;
        xyz[3 * dst + 2] = xyzAll[3 * src + 2]!;
      });
    const sources = new DepthSources(project, shot, DEPTH_GRID_WIDTH);
    // where the tracker saw each point: its 3D position back through the source camera
    const sourceXY = new Float32Array(2 * n * m).fill(NaN);
    for (let t = 0; t < m; t++) {
      const c = sources.cameras[a + t]!;
      const R = quatToMat3(c.q);
      const k = c.intrinsics;
      for (let j = 0; j < n; j++) {
        const i = t * n + j;
        if (!valid[i]) continue;
        const dx = xyz[3 * i]! - c.C[0];
        const dy = xyz[3 * i + 1]! - c.C[1];
        const dz = xyz[3 * i + 2]! - c.C[2];
        const z = R[2] * dx + R[5] * dy + R[8] * dz;
        sourceXY[2 * i] = (k.fx * (R[0] * dx + R[3] * dy + R[6] * dz)) / z + k.cx;
        sourceXY[2 * i + 1] = (k.fy * (R[1] * dx + R[4] * dy + R[7] * dz)) / z + k.cy;
      }
    }
    const targets = pathSamples(content, a, b).map((s) => sources.targetCamera(s));
    const depths: DepthBuffer[] = [];
    for (const t of targets)
      // the nearest source frame's view of the scene: a minimum over several frames would let any frame's
      // depth error in front of a surface occlude the tracks on it
      depths.push(
        targetDepth(t, (await sources.for(t)).slice(0, 1), DEPTH_GRID_WIDTH, { stride: sources.stride }),
      );
    const paired = projectTracks(
      { numTracks: n, numFrames: m, xyz, valid },
      sourceXY,
      targets,
      (t) => depths[t],
      { relTol: Z_TEST_REL_TOL, radius: 1 },
    );
    return encodePairedWindow({
      width: shot.width,
      height: shot.height,
      start: a,
      count: m,
      trackIds: ids,
      dynamic: ids.map((k) => dynamicAll[k]!),
      sourceXY,
      targetXY: paired.targetXY,
      flags: paired.flags,
    });
  } finally {
    await fh.close();
  }
}
