import type { CameraTrack } from '../camera';
import type { Intrinsics } from '../intrinsics';
import type { Mat3 } from '../mat3';
import { quatFromMat3, quatToMat3 } from '../quat';
import type { WorldUp } from './world-axes';
import { cvRotationFromGl, glRotationFromCv, mapPoint, unmapPoint, worldToYUp } from './world-axes';

/**
 * USD ASCII (.usda) with one time-sampled UsdGeomCamera.
 * - Stage: upAxis "Y", metersPerUnit as given (default 1: Reshoot works in metres), timeCodesPerSecond =
 *   framesPerSecond = fps (a double; the exact rational also goes in customLayerData reshoot:fps).
 * - Pose: `matrix4d xformOp:transform` time samples. USD matrices are row-vector (v' = v·M): the upper 3×3
 *   holds the camera's GL axes as ROWS and the last row holds the translation. Camera looks down −Z, +Y up.
 * - Lens: UsdGeomCamera gives focalLength and horizontal/verticalAperture(+Offset) in TENTHS OF A SCENE UNIT
 *   (USD docs, "UsdGeomCamera: Linear Dimension Units"). With metersPerUnit = 0.01 that is millimetres; with
 *   metersPerUnit = 1 it is decimetres/… so a 28 mm lens is written 0.28. value = mm / (metersPerUnit·100).
 *   The film back is `sensorWidthMm` (default 36) wide; its height follows the image aspect and fx/fy.
 *   Aperture offsets carry an off-centre principal point: hOffset = (W/2 − cx)·hAp/W, vOffset = (cy − H/2)·vAp/H.
 * - Time code = frame index + `firstFrame` (default 0, so frame_0001 is time 0; a delivery numbers frames as
 *   the shot does), with startTimeCode/endTimeCode the first and last frame written. The image size and
 *   `firstFrame` are kept in customLayerData (reshoot:imageWidth/Height, reshoot:firstFrame) because a USD
 *   camera does not carry them; readUsda subtracts reshoot:firstFrame again.
 */
export interface UsdOptions {
  worldUp?: WorldUp;
  metersPerUnit?: number;
  sensorWidthMm?: number;
  primName?: string;
  /** The time code of frame index 0 (default 0). */
  firstFrame?: number;
}

const num = (x: number): string => {
  if (Object.is(x, -0)) return '0';
  return Number.isInteger(x) ? String(x) : String(x);
};

export function writeUsda(track: CameraTrack, opts: UsdOptions = {}): string {
  const W = worldToYUp(opts.worldUp ?? 'z');
  const mpu = opts.metersPerUnit ?? 1;
  const sensorW = opts.sensorWidthMm ?? 36;
  const name = opts.primName ?? 'Camera';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new RangeError(`USD prim name '${name}' is not a valid identifier`);
  const first = track.frames[0];
  if (!first) throw new RangeError('writeUsda: the camera track has no frames');
  const t0 = opts.firstFrame ?? 0;
  if (!Number.isInteger(t0)) throw new RangeError(`writeUsda: first frame ${t0} is not a whole number`);
  const k0 = first.camera.intrinsics;
  const toUnits = (mm: number): number => mm / (mpu * 100);
  const fps = track.fps[0] / track.fps[1];
  const xf: string[] = [];
  const focal: string[] = [];
  const hAp: string[] = [];
  const vAp: string[] = [];
  const hOff: string[] = [];
  const vOff: string[] = [];
  for (const { index: frameIndex, camera } of track.frames) {
    const index = frameIndex + t0;
    const k = camera.intrinsics;
    if (k.width !== k0.width || k.height !== k0.height)
      throw new RangeError('writeUsda: image size changes along the track');
    const R = glRotationFromCv(W, quatToMat3(camera.q));
    const t = mapPoint(W, camera.C).map((x) => x / mpu);
    const rows = [
      [R[0], R[3], R[6], 0],
      [R[1], R[4], R[7], 0],
      [R[2], R[5], R[8], 0],
      [t[0]!, t[1]!, t[2]!, 1],
    ];
    xf.push(`            ${index}: ( ${rows.map((r) => `(${r.map(num).join(', ')})`).join(', ')} ),`);
    const focalMm = (k.fx * sensorW) / k.width;
    const vApMm = (focalMm * k.height) / k.fy;
    focal.push(`${index}: ${num(toUnits(focalMm))}`);
    hAp.push(`${index}: ${num(toUnits(sensorW))}`);
    vAp.push(`${index}: ${num(toUnits(vApMm))}`);
    hOff.push(`${index}: ${num(toUnits(((k.width / 2 - k.cx) * sensorW) / k.width))}`);
    vOff.push(`${index}: ${num(toUnits(((k.cy - k.height / 2) * vApMm) / k.height))}`);
  }
  const last = track.frames[track.frames.length - 1]!;
  return `#usda 1.0
(
    customLayerData = {
        string "reshoot:fps" = "${track.fps[0]}/${track.fps[1]}"
        int "reshoot:imageWidth" = ${k0.width}
        int "reshoot:imageHeight" = ${k0.height}
        double "reshoot:sensorWidthMm" = ${num(sensorW)}
        int "reshoot:firstFrame" = ${t0}
    }
    defaultPrim = "${name}"
    endTimeCode = ${last.index + t0}
    framesPerSecond = ${num(fps)}
    metersPerUnit = ${num(mpu)}
    startTimeCode = ${first.index + t0}
    timeCodesPerSecond = ${num(fps)}
    upAxis = "Y"
)

def Camera "${name}"
{
    float focalLength.timeSamples = { ${focal.join(', ')} }
    float horizontalAperture.timeSamples = { ${hAp.join(', ')} }
    float horizontalApertureOffset.timeSamples = { ${hOff.join(', ')} }
    token projection = "perspective"
    float verticalAperture.timeSamples = { ${vAp.join(', ')} }
    float verticalApertureOffset.timeSamples = { ${vOff.join(', ')} }
    matrix4d xformOp:transform.timeSamples = {
${xf.join('\n')}
    }
    uniform token[] xformOpOrder = ["xformOp:transform"]
}
`;
}

export class UsdParseError extends Error {
  constructor(reason: string) {
    super(`usda: ${reason}`);
    this.name = 'UsdParseError';
  }
}

function metadata(text: string, key: string): string | undefined {
  return new RegExp(`(?:^|\\n)\\s*(?:[a-z]+ )?"?${key.replace(/[:]/g, '\\:')}"?\\s*=\\s*([^\\n]+)`)
    .exec(text)?.[1]
    ?.trim();
}

function samples(text: string, attr: string): Map<number, string> {
  const m = new RegExp(`${attr.replace(/[:]/g, '\\:')}\\.timeSamples\\s*=\\s*\\{`).exec(text);
  if (!m) throw new UsdParseError(`no ${attr}.timeSamples`);
  let i = m.index + m[0].length;
  let depth = 0;
  let body = '';
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '}' && depth === 0) break;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    body += ch;
  }
  const out = new Map<number, string>();
  // entries "time: value" separated by commas at depth 0
  let cur = '';
  depth = 0;
  for (const ch of body + ',') {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      const s = cur.trim();
      cur = '';
      if (!s) continue;
      const c = s.indexOf(':');
      const t = Number(s.slice(0, c));
      if (c < 0 || !Number.isFinite(t))
        throw new UsdParseError(`${attr}: malformed time sample '${s.slice(0, 40)}'`);
      out.set(t, s.slice(c + 1).trim());
    } else cur += ch;
  }
  return out;
}

/** Reads back the .usda this module writes (a minimal parser, not a general USD reader). */
export function readUsda(
  text: string,
  opts: Pick<UsdOptions, 'worldUp'> & { width?: number; height?: number } = {},
): CameraTrack {
  if (!text.startsWith('#usda 1.0')) throw new UsdParseError('missing "#usda 1.0" header');
  const W = worldToYUp(opts.worldUp ?? 'z');
  const up = metadata(text, 'upAxis');
  if (up !== undefined && up !== '"Y"') throw new UsdParseError(`upAxis ${up} is not supported (only "Y")`);
  const mpu = Number(metadata(text, 'metersPerUnit') ?? '0.01');
  const width = opts.width ?? Number(metadata(text, 'reshoot:imageWidth'));
  const height = opts.height ?? Number(metadata(text, 'reshoot:imageHeight'));
  if (!(width > 0 && height > 0))
    throw new UsdParseError('image size unknown (no reshoot:imageWidth/Height; pass width and height)');
  const fpsText = /"reshoot:fps"\s*=\s*"(\d+)\/(\d+)"/.exec(text);
  const fpsDouble = Number(metadata(text, 'timeCodesPerSecond') ?? '24');
  const fps: [number, number] = fpsText ? [Number(fpsText[1]), Number(fpsText[2])] : [fpsDouble, 1];
  const toMm = (u: number): number => u * mpu * 100;
  const t0 = Number(/"reshoot:firstFrame"\s*=\s*(-?\d+)/.exec(text)?.[1] ?? '0');
  const xf = samples(text, 'xformOp:transform');
  const focal = samples(text, 'focalLength');
  const hAp = samples(text, 'horizontalAperture');
  const vAp = samples(text, 'verticalAperture');
  const hOff = samples(text, 'horizontalApertureOffset');
  const vOff = samples(text, 'verticalApertureOffset');
  const frames: CameraTrack['frames'] = [];
  for (const [t, value] of [...xf].sort((a, b) => a[0] - b[0])) {
    const v = value.match(/-?[\d.]+(?:e[-+]?\d+)?/gi)?.map(Number) ?? [];
    if (v.length !== 16 || v.some((x) => !Number.isFinite(x)))
      throw new UsdParseError(`xformOp:transform at time ${t}: expected 16 numbers`);
    const R_gl: Mat3 = [v[0]!, v[4]!, v[8]!, v[1]!, v[5]!, v[9]!, v[2]!, v[6]!, v[10]!];
    const get = (m: Map<number, string>, name: string): number => {
      const x = Number(m.get(t));
      if (!Number.isFinite(x)) throw new UsdParseError(`${name} has no sample at time ${t}`);
      return toMm(x);
    };
    const f = get(focal, 'focalLength');
    const ha = get(hAp, 'horizontalAperture');
    const va = get(vAp, 'verticalAperture');
    const intrinsics: Intrinsics = {
      width,
      height,
      fx: (f * width) / ha,
      fy: (f * height) / va,
      cx: width / 2 - (get(hOff, 'horizontalApertureOffset') * width) / ha,
      cy: height / 2 + (get(vOff, 'verticalApertureOffset') * height) / va,
    };
    frames.push({
      index: t - t0,
      camera: {
        C: unmapPoint(W, [v[12]! * mpu, v[13]! * mpu, v[14]! * mpu]),
        q: quatFromMat3(cvRotationFromGl(W, R_gl)),
        intrinsics,
      },
    });
  }
  return { fps, frames };
}
