import type { CameraTrack } from '../camera';
import type { EulerOrder } from '../euler';
import { eulerToMat3 } from '../euler';
import { chooseEulerOrder, continuousEuler, gimbalMargin } from '../euler-continuity';
import { focalPxFromFov, fovFromFocalPx } from '../intrinsics';
import { quatFromMat3, quatToMat3 } from '../quat';
import type { WorldUp } from './world-axes';
import { cvRotationFromGl, glRotationFromCv, mapPoint, unmapPoint, worldToYUp } from './world-axes';

/** The .chan frame number of the shot's first frame (frame index 0), unless `firstFrame` says otherwise. */
export const CHAN_FIRST_FRAME = 1;

/**
 * Nuke .chan: one line per frame, `frame tx ty tz rx ry rz vfov`, whitespace separated. Nuke's world is Y
 * up and its camera looks down −Z (GL axes); rotations are Euler angles in DEGREES applied in `rotationOrder`
 * (Nuke's camera default 'ZXY'; a .chan has no field for it, so the reader must be told). The angles are
 * continuous from frame to frame (euler-continuity.ts: unwrapped, the nearer of the two Euler triples), so
 * a DCC interpolating them moves the camera the way it moved; they are not limited to (−180°, 180°]. The optional 8th column is the VERTICAL field of view in degrees — the
 * `angle_y` column of Blender's io_anim_nuke_chan add-on (Blender manual, "Nuke Animation (chan)"), which is
 * what both Nuke and that add-on read. Frame numbers are frame index + `firstFrame` (default CHAN_FIRST_FRAME
 * = 1, matching frame_0001 = index 0). Units: Reshoot world units (metres) unchanged.
 */
export interface ChanOptions {
  worldUp?: WorldUp;
  rotationOrder?: EulerOrder;
  firstFrame?: number;
  /** Digits after the decimal point (default 9). */
  precision?: number;
}

const DEG = 180 / Math.PI;

/**
 * The Euler order a .chan of `track` is written in ('auto': Nuke's ZXY unless the path comes within 30° of
 * its gimbal lock, then the order farthest from it), and how far its middle angle stays from ±90°, degrees.
 */
export function chanRotationOrder(
  track: CameraTrack,
  opts: { worldUp?: WorldUp; rotationOrder?: EulerOrder | 'auto' } = {},
): { order: EulerOrder; gimbalMarginDeg: number } {
  const W = worldToYUp(opts.worldUp ?? 'z');
  const rotations = track.frames.map((f) => glRotationFromCv(W, quatToMat3(f.camera.q)));
  const order =
    opts.rotationOrder === undefined || opts.rotationOrder === 'auto'
      ? chooseEulerOrder(rotations).order
      : opts.rotationOrder;
  return { order, gimbalMarginDeg: gimbalMargin(rotations, order) * DEG };
}

export function writeChan(track: CameraTrack, opts: ChanOptions = {}): string {
  const W = worldToYUp(opts.worldUp ?? 'z');
  const order = opts.rotationOrder ?? 'ZXY';
  const first = opts.firstFrame ?? CHAN_FIRST_FRAME;
  const p = opts.precision ?? 9;
  const angles = continuousEuler(
    track.frames.map((f) => glRotationFromCv(W, quatToMat3(f.camera.q))),
    order,
  );
  const lines = track.frames.map(({ index, camera }, i) => {
    const t = mapPoint(W, camera.C);
    const e = angles[i]!;
    const vfov = fovFromFocalPx(camera.intrinsics.fy, camera.intrinsics.height) * DEG;
    return [
      String(index + first),
      ...t.map((x) => x.toFixed(p)),
      ...e.map((a) => (a * DEG).toFixed(p)),
      vfov.toFixed(p),
    ].join('\t');
  });
  return lines.join('\n') + '\n';
}

export interface ChanReadOptions extends ChanOptions {
  /** Image size: .chan does not carry it. The principal point is the image centre and pixels are square. */
  width: number;
  height: number;
  /** Vertical FOV (degrees) for files without the 8th column. */
  defaultVfovDeg?: number;
  fps?: [number, number];
}

export class ChanParseError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ChanParseError';
  }
}

export function readChan(text: string, opts: ChanReadOptions): CameraTrack {
  const W = worldToYUp(opts.worldUp ?? 'z');
  const order = opts.rotationOrder ?? 'ZXY';
  const first = opts.firstFrame ?? CHAN_FIRST_FRAME;
  const frames: CameraTrack['frames'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cols = line.split(/\s+/).map(Number);
    if (cols.length !== 7 && cols.length !== 8)
      throw new ChanParseError(i + 1, `expected 7 or 8 columns, found ${cols.length}`);
    if (cols.some((x) => !Number.isFinite(x))) throw new ChanParseError(i + 1, 'a column is not a number');
    const [frame, tx, ty, tz, rx, ry, rz, vfov] = cols as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number?,
    ];
    if (!Number.isInteger(frame)) throw new ChanParseError(i + 1, `frame ${frame} is not an integer`);
    const fovDeg = vfov ?? opts.defaultVfovDeg;
    if (fovDeg === undefined) throw new ChanParseError(i + 1, 'no field of view column and no default given');
    if (!(fovDeg > 0 && fovDeg < 180))
      throw new ChanParseError(i + 1, `field of view ${fovDeg} is not in (0, 180) degrees`);
    const f = focalPxFromFov(fovDeg / DEG, opts.height);
    const R_wc = cvRotationFromGl(W, eulerToMat3([rx / DEG, ry / DEG, rz / DEG], order));
    frames.push({
      index: frame - first,
      camera: {
        C: unmapPoint(W, [tx, ty, tz]),
        q: quatFromMat3(R_wc),
        intrinsics: {
          width: opts.width,
          height: opts.height,
          fx: f,
          fy: f,
          cx: opts.width / 2,
          cy: opts.height / 2,
        },
      },
    });
  });
  return { fps: opts.fps ?? [24, 1], frames };
}
