import type { CameraTrack, Pose } from '../camera';
import { poseFromWorldToCamera, worldToCameraRt } from '../camera';
import type { Intrinsics } from '../intrinsics';
import { quatFromMat3, quatToMat3 } from '../quat';

/** The IMAGE_ID of the shot's first frame (frame index 0). */
export const COLMAP_FIRST_IMAGE_ID = 1;

/**
 * COLMAP text model (https://colmap.github.io/format.html): cameras.txt, images.txt, points3D.txt.
 * images.txt stores WORLD-TO-CAMERA qvec (QW QX QY QZ) and tvec, i.e. R_cw = R_wcᵀ and t_cw = −R_cw·C.
 * COLMAP's pixel convention equals Reshoot's (top-left corner at 0, first pixel centre at 0.5), so K is
 * written unchanged. IMAGE_ID = frame index + COLMAP_FIRST_IMAGE_ID (1), both ways: the id, not the
 * image name, says which frame an image is (COLMAP numbers the images it extracts from 1, in name order).
 * Distortion: OPENCV (k1 k2 p1 p2) when k3 = 0, FULL_OPENCV otherwise (k4..k6 = 0).
 */
export interface ColmapText {
  camerasTxt: string;
  imagesTxt: string;
  points3DTxt: string;
}

/** Shortest text that reads back to the same double (JS number formatting round-trips exactly). */
const fmt = (x: number): string => (Object.is(x, -0) ? '0' : String(x));

function intrinsicsKey(k: Intrinsics): string {
  return JSON.stringify([k.width, k.height, k.fx, k.fy, k.cx, k.cy, k.distortion ?? null]);
}

export function writeColmap(track: CameraTrack): ColmapText {
  const camIds = new Map<string, number>();
  const camLines: string[] = [];
  const imageLines: string[] = [];
  for (const f of track.frames) {
    const k = f.camera.intrinsics;
    const key = intrinsicsKey(k);
    let id = camIds.get(key);
    if (id === undefined) {
      id = camIds.size + 1;
      camIds.set(key, id);
      const d = k.distortion;
      const params = [k.fx, k.fy, k.cx, k.cy];
      let model = 'PINHOLE';
      if (d && d.k3 === 0) {
        model = 'OPENCV';
        params.push(d.k1, d.k2, d.p1, d.p2);
      } else if (d) {
        model = 'FULL_OPENCV';
        params.push(d.k1, d.k2, d.p1, d.p2, d.k3, 0, 0, 0);
      }
      camLines.push(
        [id, model, k.width, k.height, ...params].map((x) => (typeof x === 'number' ? fmt(x) : x)).join(' '),
      );
    }
    const { R_cw, t_cw } = worldToCameraRt(f.camera);
    const q = quatFromMat3(R_cw);
    const name = f.file ?? `frame_${String(f.index + 1).padStart(4, '0')}.png`;
    if (/\s/.test(name)) throw new RangeError(`COLMAP image names cannot contain spaces: '${name}'`);
    imageLines.push([f.index + COLMAP_FIRST_IMAGE_ID, ...q, ...t_cw, id].map(fmt).join(' ') + ' ' + name, '');
  }
  return {
    camerasTxt:
      '# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n' +
      `# Number of cameras: ${camLines.length}\n` +
      camLines.join('\n') +
      '\n',
    imagesTxt:
      '# Image list with two lines of data per image:\n#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n' +
      '#   POINTS2D[] as (X, Y, POINT3D_ID)\n' +
      `# Number of images: ${track.frames.length}, mean observations per image: 0\n` +
      imageLines.join('\n') +
      '\n',
    points3DTxt:
      '# 3D point list with one line of data per point:\n#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n' +
      '# Number of points: 0, mean track length: 0\n',
  };
}

export class ColmapParseError extends Error {
  constructor(file: string, line: number, reason: string) {
    super(`${file} line ${line}: ${reason}`);
    this.name = 'ColmapParseError';
  }
}

function parseCameras(text: string): Map<number, Intrinsics> {
  const out = new Map<number, Intrinsics>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [idS, model, wS, hS, ...ps] = line.split(/\s+/);
    const err = (r: string) => new ColmapParseError('cameras.txt', i + 1, r);
    const p = ps.map(Number);
    const id = Number(idS);
    const width = Number(wS);
    const height = Number(hS);
    if (
      !Number.isInteger(id) ||
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      p.some((x) => !Number.isFinite(x))
    )
      throw err('malformed numbers');
    const need: Record<string, number> = {
      SIMPLE_PINHOLE: 3,
      PINHOLE: 4,
      SIMPLE_RADIAL: 4,
      RADIAL: 5,
      OPENCV: 8,
      FULL_OPENCV: 12,
    };
    const n = need[model ?? ''];
    if (n === undefined) throw err(`unsupported camera model '${model}'`);
    if (p.length !== n) throw err(`${model} needs ${n} parameters, found ${p.length}`);
    const g = (k: number): number => p[k]!;
    const simple = model === 'SIMPLE_PINHOLE' || model === 'SIMPLE_RADIAL' || model === 'RADIAL';
    const k: Intrinsics = simple
      ? { width, height, fx: g(0), fy: g(0), cx: g(1), cy: g(2) }
      : { width, height, fx: g(0), fy: g(1), cx: g(2), cy: g(3) };
    if (model === 'SIMPLE_RADIAL') k.distortion = { k1: g(3), k2: 0, p1: 0, p2: 0, k3: 0 };
    if (model === 'RADIAL') k.distortion = { k1: g(3), k2: g(4), p1: 0, p2: 0, k3: 0 };
    if (model === 'OPENCV') k.distortion = { k1: g(4), k2: g(5), p1: g(6), p2: g(7), k3: 0 };
    if (model === 'FULL_OPENCV') {
      if (g(9) !== 0 || g(10) !== 0 || g(11) !== 0) throw err('FULL_OPENCV with k4..k6 ≠ 0 is not supported');
      k.distortion = { k1: g(4), k2: g(5), p1: g(6), p2: g(7), k3: g(8) };
    }
    out.set(id, k);
  });
  return out;
}

export function readColmap(
  files: { camerasTxt: string; imagesTxt: string },
  fps: [number, number] = [24, 1],
): CameraTrack {
  const cams = parseCameras(files.camerasTxt);
  const frames: CameraTrack['frames'] = [];
  const lines = files.imagesTxt.split(/\r?\n/);
  let expectPoints = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#')) return;
    if (expectPoints) {
      expectPoints = false;
      return;
    }
    if (line === '') return;
    const parts = line.split(/\s+/);
    const err = (r: string) => new ColmapParseError('images.txt', i + 1, r);
    if (parts.length < 10)
      throw err(`expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, found ${parts.length} fields`);
    const nums = parts.slice(0, 9).map(Number);
    if (nums.some((x) => !Number.isFinite(x))) throw err('malformed numbers');
    const [id, qw, qx, qy, qz, tx, ty, tz, camId] = nums as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const intr = cams.get(camId);
    if (!intr) throw err(`CAMERA_ID ${camId} is not in cameras.txt`);
    const qn = Math.hypot(qw, qx, qy, qz);
    if (Math.abs(qn - 1) > 1e-6) throw err(`qvec is not a unit quaternion (norm ${qn})`);
    const pose: Pose = poseFromWorldToCamera(quatToMat3([qw / qn, qx / qn, qy / qn, qz / qn]), [tx, ty, tz]);
    frames.push({
      index: id - COLMAP_FIRST_IMAGE_ID,
      camera: { ...pose, intrinsics: { ...intr } },
      file: parts.slice(9).join(' '),
    });
    expectPoints = true;
  });
  frames.sort((a, b) => a.index - b.index);
  return { fps, frames };
}
