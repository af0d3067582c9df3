import type { CameraTrack } from '../camera';
import type { EulerOrder } from '../euler';
import { continuousEuler } from '../euler-continuity';
import { quatToMat3 } from '../quat';
import { chanRotationOrder } from './nuke-chan';
import type { WorldUp } from './world-axes';
import { glRotationFromCv, mapPoint, worldToYUp } from './world-axes';

/**
 * A Nuke `Camera3` node as text, the way Nuke copies nodes to the clipboard: a compositor pastes it into
 * the node graph (Ctrl+V) and gets the animated camera.
 *
 * - World: Nuke's, Y up; the camera looks down −Z with +Y up (GL axes). Units: Reshoot world units.
 * - Animation: `knob {{curve x<first frame> v0 v1 …}}` — the keys at consecutive frames from the first;
 *   after a gap the next key carries its own `x<frame>`. A knob that never changes is written as a value.
 * - Rotation: `rotate` in degrees, continuous from frame to frame (euler-continuity.ts), in the order
 *   written in `rot_order`: Nuke's default ZXY unless the path comes within 30° of its gimbal lock, then
 *   the order whose middle angle stays farthest from ±90° (chooseEulerOrder).
 * - Lens: `focal` in mm on a film back `haperture` mm wide (`sensorWidthMm`, default 36 = full frame) —
 *   focal = fx·haperture/W; `vaperture` = focal·H/fy. Nuke takes the vertical field of view from the
 *   haperture and the image format's aspect, so non-square focal lengths (fx ≠ fy) add `win_scale {1 fx/fy}`.
 * - Principal point: an off-centre one moves the window, in units of half the film back's width on both
 *   axes: win_translate = (1 − 2cx/W, (2cy − H)/W) (times fx/fy on the vertical axis with win_scale).
 *   Omitted when the principal point is the image centre.
 */
export interface Camera3Options {
  worldUp?: WorldUp;
  /** 'auto' (default) as above, or a fixed order. */
  rotationOrder?: EulerOrder | 'auto';
  /** The Nuke frame number of frame index 0 (default 1). */
  firstFrame?: number;
  sensorWidthMm?: number;
  /** The node's name (default ReshootCamera): letters, digits and _, not starting with a digit. */
  name?: string;
  /** Significant digits after the decimal point (default 9). */
  precision?: number;
}

export interface Camera3Node {
  text: string;
  rotationOrder: EulerOrder;
  /** How far the middle angle stays from ±90° over the path, degrees. */
  gimbalMarginDeg: number;
  firstFrame: number;
  lastFrame: number;
}

export const CAMERA3_DEFAULT_SENSOR_MM = 36;
const DEG = 180 / Math.PI;

export function writeCamera3(track: CameraTrack, opts: Camera3Options = {}): Camera3Node {
  const name = opts.name ?? 'ReshootCamera';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new RangeError(
      `Nuke node name '${name}' must be letters, digits and _ (not starting with a digit)`,
    );
  const first = opts.firstFrame ?? 1;
  if (!Number.isInteger(first)) throw new RangeError(`first frame ${first} is not a whole number`);
  const sensorW = opts.sensorWidthMm ?? CAMERA3_DEFAULT_SENSOR_MM;
  if (!(sensorW > 0 && Number.isFinite(sensorW)))
    throw new RangeError(`film back width ${sensorW} mm is not a positive number`);
  const frames = [...track.frames].sort((a, b) => a.index - b.index);
  if (frames.length === 0) throw new RangeError('the camera has no frames');
  frames.forEach((f, i) => {
    if (i > 0 && f.index === frames[i - 1]!.index)
      throw new RangeError(`frame ${f.index + first} appears twice`);
  });
  const k0 = frames[0]!.camera.intrinsics;
  const W = worldToYUp(opts.worldUp ?? 'z');
  const rotations = frames.map((f) => glRotationFromCv(W, quatToMat3(f.camera.q)));
  const { order, gimbalMarginDeg } = chanRotationOrder(
    { fps: track.fps, frames },
    { worldUp: opts.worldUp ?? 'z', rotationOrder: opts.rotationOrder ?? 'auto' },
  );
  const angles = continuousEuler(rotations, order);
  const p = opts.precision ?? 9;
  const num = (x: number): string => {
    const s = String(Number(x.toFixed(p)));
    return s === '-0' ? '0' : s;
  };
  const numbers = frames.map((f) => f.index + first);
  const knob = (values: number[]): string => {
    const text = values.map(num);
    if (text.every((t) => t === text[0])) return text[0]!;
    const keys = text.map((t, i) =>
      i > 0 && numbers[i] === numbers[i - 1]! + 1 ? t : `x${numbers[i]} ${t}`,
    );
    return `{curve ${keys.join(' ')}}`;
  };
  /** An array knob: each component its own value or curve, as Nuke writes them. */
  const arrayKnob = (components: number[][]): string => `{${components.map(knob).join(' ')}}`;
  const scalarKnob = (values: number[]): string => {
    const k = knob(values);
    return k.startsWith('{') ? `{${k}}` : k;
  };
  const col = (get: (i: number) => number): number[] => frames.map((_, i) => get(i));
  const positions = frames.map((f) => mapPoint(W, f.camera.C));
  const ks = frames.map((f) => {
    const k = f.camera.intrinsics;
    if (k.width !== k0.width || k.height !== k0.height)
      throw new RangeError(`frame ${f.index + first}: the image size changes along the camera`);
    if (!(k.fx > 0 && k.fy > 0))
      throw new RangeError(`frame ${f.index + first}: focal length is not positive`);
    return k;
  });
  const focal = ks.map((k) => (k.fx * sensorW) / k.width);
  const aspect = ks.map((k) => k.fx / k.fy);
  const lines = [
    'Camera3 {',
    ' inputs 0',
    ` rot_order ${order}`,
    ` translate ${arrayKnob([0, 1, 2].map((a) => col((i) => positions[i]![a]!)))}`,
    ` rotate ${arrayKnob([0, 1, 2].map((a) => col((i) => angles[i]![a]! * DEG)))}`,
    ` focal ${scalarKnob(focal)}`,
    ` haperture ${num(sensorW)}`,
    ` vaperture ${scalarKnob(ks.map((k, i) => (focal[i]! * k.height) / k.fy))}`,
  ];
  const offCentre = ks.some((k) => k.cx !== k.width / 2 || k.cy !== k.height / 2);
  if (offCentre)
    lines.push(
      ` win_translate ${arrayKnob([
        ks.map((k) => 1 - (2 * k.cx) / k.width),
        ks.map((k, i) => ((2 * k.cy - k.height) / k.width) * aspect[i]!),
      ])}`,
    );
  if (aspect.some((a) => Math.abs(a - 1) > 1e-12)) lines.push(` win_scale {1 ${knob(aspect)}}`);
  lines.push(` name ${name}`, '}');
  return {
    text: lines.join('\n') + '\n',
    rotationOrder: order,
    gimbalMarginDeg,
    firstFrame: numbers[0]!,
    lastFrame: numbers[numbers.length - 1]!,
  };
}
