import type { CameraTrack } from './camera';
import type { Distortion, Intrinsics } from './intrinsics';
import type { Mat3 } from './mat3';
import { mat3FromRows, mat3ToRows, mulVec3, rotationDefect, transpose3 } from './mat3';
import { quatFromMat3, quatToMat3 } from './quat';
import type { Vec3 } from './vec3';

/**
 * Reshoot's camera interchange file, `cameras.json`: the layout of the ground-truth shots' cameras.json.
 * Required: width, height, fps [num, den], K (3×3, zero skew), frames[{index, C, R_wc}]. Optional and
 * checked when present: R_cw (= R_wcᵀ), t_cw (= −R_cw·C), file, depth_file, convention ("opencv"), units,
 * depth_width/depth_height/depth_K (together), distortion {k1,k2,p1,p2,k3}. Every other field is kept as is
 * (in its original position) so a file round-trips.
 *
 * R_wc is kept as the 3×3 read from the file (the gt stores float32-rounded matrices that are orthonormal to
 * ~1e-7): converting to cameras orthonormalises it through a quaternion; writing a document back reproduces
 * the file's numbers exactly.
 */
export interface CamerasFrameRecord {
  index: number;
  C: Vec3;
  R_wc: Mat3;
  file?: string;
  depth_file?: string;
  /** Fields this module does not interpret, in file order. */
  extra: Record<string, unknown>;
  keyOrder: string[];
}

export interface CamerasDocument {
  width: number;
  height: number;
  fps: [number, number];
  K: Mat3;
  distortion?: Distortion;
  depth?: { width: number; height: number; K: Mat3 };
  frames: CamerasFrameRecord[];
  extra: Record<string, unknown>;
  keyOrder: string[];
}

export class CamerasJsonError extends Error {
  constructor(
    readonly fieldPath: string,
    readonly reason: string,
  ) {
    super(`${fieldPath || '(root)'}: ${reason}`);
    this.name = 'CamerasJsonError';
  }
}

/** Tolerances for the consistency checks (the gt files store float32 values). */
const ORTHO_TOL = 1e-5;
const DERIVED_TOL = 1e-5;

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function finiteNumber(x: unknown, path: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw new CamerasJsonError(path, `expected a finite number, found ${JSON.stringify(x)}`);
  return x;
}
function positiveInt(x: unknown, path: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x <= 0)
    throw new CamerasJsonError(path, `expected a positive integer, found ${JSON.stringify(x)}`);
  return x;
}
function vec(x: unknown, n: number, path: string): number[] {
  if (!Array.isArray(x) || x.length !== n)
    throw new CamerasJsonError(path, `expected an array of ${n} numbers`);
  return x.map((v, i) => finiteNumber(v, `${path}[${i}]`));
}
function mat(x: unknown, path: string): Mat3 {
  if (!Array.isArray(x) || x.length !== 3) throw new CamerasJsonError(path, 'expected a 3×3 array of rows');
  return mat3FromRows(x.map((row, i) => vec(row, 3, `${path}[${i}]`)));
}
function intrinsicMatrix(x: unknown, path: string): Mat3 {
  const K = mat(x, path);
  if (!(K[0] > 0 && K[4] > 0))
    throw new CamerasJsonError(path, 'focal lengths K[0][0] and K[1][1] must be positive');
  if (K[1] !== 0)
    throw new CamerasJsonError(`${path}[0][1]`, 'skew must be 0 (Reshoot cameras have no skew)');
  if (K[3] !== 0 || K[6] !== 0 || K[7] !== 0 || K[8] !== 1)
    throw new CamerasJsonError(`${path}`, 'rows 2 and 3 must be [0, fy, cy] and [0, 0, 1]');
  return K;
}
function str(x: unknown, path: string): string {
  if (typeof x !== 'string' || x === '') throw new CamerasJsonError(path, 'expected a non-empty string');
  return x;
}

function parseFrame(x: unknown, path: string): CamerasFrameRecord {
  if (!isObj(x)) throw new CamerasJsonError(path, 'expected an object');
  for (const k of ['index', 'C', 'R_wc'])
    if (!(k in x)) throw new CamerasJsonError(`${path}.${k}`, 'missing');
  const index = x.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0)
    throw new CamerasJsonError(`${path}.index`, `expected an integer ≥ 0, found ${JSON.stringify(index)}`);
  const C = vec(x.C, 3, `${path}.C`) as Vec3;
  const R_wc = mat(x.R_wc, `${path}.R_wc`);
  const { orthoError, det } = rotationDefect(R_wc);
  if (orthoError > ORTHO_TOL || det < 0)
    throw new CamerasJsonError(
      `${path}.R_wc`,
      `not a rotation (|RᵀR − I| = ${orthoError.toExponential(2)}, det = ${det.toFixed(6)})`,
    );
  if ('R_cw' in x) {
    const R_cw = mat(x.R_cw, `${path}.R_cw`);
    const Rt = transpose3(R_wc);
    const e = Math.max(...R_cw.map((v, i) => Math.abs(v - Rt[i]!)));
    if (e > DERIVED_TOL)
      throw new CamerasJsonError(`${path}.R_cw`, `differs from R_wcᵀ by ${e.toExponential(2)}`);
  }
  if ('t_cw' in x) {
    const t = vec(x.t_cw, 3, `${path}.t_cw`);
    const want = mulVec3(transpose3(R_wc), C).map((v) => -v);
    const e = Math.max(...t.map((v, i) => Math.abs(v - want[i]!)));
    const tol = DERIVED_TOL * (1 + Math.hypot(...C));
    if (e > tol) throw new CamerasJsonError(`${path}.t_cw`, `differs from −R_cw·C by ${e.toExponential(2)}`);
  }
  const rec: CamerasFrameRecord = { index, C, R_wc, extra: {}, keyOrder: Object.keys(x) };
  if ('file' in x) rec.file = str(x.file, `${path}.file`);
  if ('depth_file' in x) rec.depth_file = str(x.depth_file, `${path}.depth_file`);
  for (const [k, v] of Object.entries(x))
    if (!['index', 'C', 'R_wc', 'R_cw', 't_cw', 'file', 'depth_file'].includes(k)) rec.extra[k] = v;
  return rec;
}

const KNOWN = [
  'width',
  'height',
  'fps',
  'K',
  'frames',
  'convention',
  'units',
  'depth_width',
  'depth_height',
  'depth_K',
  'distortion',
];

/** Parses and validates a cameras.json value (already JSON-parsed) or text. Errors name the offending field. */
export function parseCamerasJson(input: string | unknown): CamerasDocument {
  let x: unknown = input;
  if (typeof input === 'string') {
    try {
      x = JSON.parse(input);
    } catch (e) {
      throw new CamerasJsonError('', `not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(x)) throw new CamerasJsonError('', 'expected a JSON object');
  for (const k of ['width', 'height', 'fps', 'K', 'frames'])
    if (!(k in x)) throw new CamerasJsonError(k, 'missing');
  const width = positiveInt(x.width, 'width');
  const height = positiveInt(x.height, 'height');
  if (!Array.isArray(x.fps) || x.fps.length !== 2)
    throw new CamerasJsonError('fps', 'expected [numerator, denominator], e.g. [24000, 1001]');
  const fps: [number, number] = [positiveInt(x.fps[0], 'fps[0]'), positiveInt(x.fps[1], 'fps[1]')];
  const K = intrinsicMatrix(x.K, 'K');
  if ('convention' in x && x.convention !== 'opencv')
    throw new CamerasJsonError(
      'convention',
      `only "opencv" is supported, found ${JSON.stringify(x.convention)}`,
    );
  if ('units' in x && typeof x.units !== 'string') throw new CamerasJsonError('units', 'expected a string');
  const doc: CamerasDocument = { width, height, fps, K, frames: [], extra: {}, keyOrder: Object.keys(x) };
  const hasDepth = ['depth_width', 'depth_height', 'depth_K'].filter((k) => k in x);
  if (hasDepth.length > 0 && hasDepth.length < 3)
    throw new CamerasJsonError('depth_K', 'depth_width, depth_height and depth_K go together');
  if (hasDepth.length === 3) {
    doc.depth = {
      width: positiveInt(x.depth_width, 'depth_width'),
      height: positiveInt(x.depth_height, 'depth_height'),
      K: intrinsicMatrix(x.depth_K, 'depth_K'),
    };
  }
  if ('distortion' in x) {
    const d = x.distortion;
    if (!isObj(d)) throw new CamerasJsonError('distortion', 'expected {k1, k2, p1, p2, k3}');
    doc.distortion = {
      k1: finiteNumber(d.k1 ?? 0, 'distortion.k1'),
      k2: finiteNumber(d.k2 ?? 0, 'distortion.k2'),
      p1: finiteNumber(d.p1 ?? 0, 'distortion.p1'),
      p2: finiteNumber(d.p2 ?? 0, 'distortion.p2'),
      k3: finiteNumber(d.k3 ?? 0, 'distortion.k3'),
    };
  }
  if (!Array.isArray(x.frames) || x.frames.length === 0)
    throw new CamerasJsonError('frames', 'expected a non-empty array');
  const seen = new Map<number, number>();
  x.frames.forEach((f, i) => {
    const rec = parseFrame(f, `frames[${i}]`);
    const earlier = seen.get(rec.index);
    if (earlier !== undefined)
      throw new CamerasJsonError(
        `frames[${i}].index`,
        `frame ${rec.index} appears twice (also at frames[${earlier}])`,
      );
    seen.set(rec.index, i);
    doc.frames.push(rec);
  });
  for (const [k, v] of Object.entries(x)) if (!KNOWN.includes(k)) doc.extra[k] = v;
  if ('convention' in x) doc.extra.convention = x.convention;
  if ('units' in x) doc.extra.units = x.units;
  return doc;
}

function frameToJson(f: CamerasFrameRecord): Record<string, unknown> {
  const R_cw = transpose3(f.R_wc);
  const t = mulVec3(R_cw, f.C);
  const known: Record<string, unknown> = {
    index: f.index,
    C: [...f.C],
    R_wc: mat3ToRows(f.R_wc),
    R_cw: mat3ToRows(R_cw),
    t_cw: [-t[0], -t[1], -t[2]],
  };
  if (f.file !== undefined) known.file = f.file;
  if (f.depth_file !== undefined) known.depth_file = f.depth_file;
  const canonical = ['index', 'file', 'depth_file', 'C', 'R_wc', 'R_cw', 't_cw'];
  return ordered({ ...f.extra, ...known }, f.keyOrder.length ? f.keyOrder : canonical);
}

function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** Serialises a document with the gt layout (indent 1, keys in their original order). */
export function serializeCamerasJson(doc: CamerasDocument): string {
  const known: Record<string, unknown> = {
    width: doc.width,
    height: doc.height,
    fps: [...doc.fps],
    K: mat3ToRows(doc.K),
    frames: doc.frames.map(frameToJson),
  };
  if (doc.depth) {
    known.depth_width = doc.depth.width;
    known.depth_height = doc.depth.height;
    known.depth_K = mat3ToRows(doc.depth.K);
  }
  if (doc.distortion) known.distortion = { ...doc.distortion };
  const canonical = [
    'width',
    'height',
    'fps',
    'K',
    'frames',
    'convention',
    'units',
    'depth_width',
    'depth_height',
    'depth_K',
    'distortion',
  ];
  return (
    JSON.stringify(
      ordered({ ...doc.extra, ...known }, doc.keyOrder.length ? doc.keyOrder : canonical),
      null,
      1,
    ) + '\n'
  );
}

export function intrinsicsFromK(K: Mat3, width: number, height: number, distortion?: Distortion): Intrinsics {
  const k: Intrinsics = { width, height, fx: K[0], fy: K[4], cx: K[2], cy: K[5] };
  if (distortion) k.distortion = { ...distortion };
  return k;
}

export const kFromIntrinsics = (k: Intrinsics): Mat3 => [k.fx, 0, k.cx, 0, k.fy, k.cy, 0, 0, 1];

/** The document's cameras (rotation orthonormalised through a unit quaternion). */
export function documentToTrack(doc: CamerasDocument): CameraTrack {
  const intrinsics = intrinsicsFromK(doc.K, doc.width, doc.height, doc.distortion);
  return {
    fps: [...doc.fps],
    frames: doc.frames.map((f) => {
      const fr: CameraTrack['frames'][number] = {
        index: f.index,
        camera: { C: [...f.C], q: quatFromMat3(f.R_wc), intrinsics: { ...intrinsics } },
      };
      if (f.file !== undefined) fr.file = f.file;
      return fr;
    }),
  };
}

/**
 * Builds a document from a camera track (all frames must share intrinsics: cameras.json has one K).
 * `template` supplies extra fields, depth grid and file names to keep (e.g. when transforming a gt file).
 */
export function trackToDocument(track: CameraTrack, template?: CamerasDocument): CamerasDocument {
  const first = track.frames[0];
  if (!first) throw new CamerasJsonError('frames', 'a camera track with no frames cannot be written');
  const k = first.camera.intrinsics;
  for (const f of track.frames) {
    const o = f.camera.intrinsics;
    if (
      o.width !== k.width ||
      o.height !== k.height ||
      o.fx !== k.fx ||
      o.fy !== k.fy ||
      o.cx !== k.cx ||
      o.cy !== k.cy
    )
      throw new CamerasJsonError(
        `frames[index ${f.index}]`,
        'intrinsics differ from the first frame; cameras.json has a single K',
      );
  }
  const byIndex = new Map(template?.frames.map((f) => [f.index, f]) ?? []);
  const doc: CamerasDocument = {
    width: k.width,
    height: k.height,
    fps: [...track.fps],
    K: kFromIntrinsics(k),
    frames: track.frames.map((f) => {
      const t = byIndex.get(f.index);
      const rec: CamerasFrameRecord = {
        index: f.index,
        C: [...f.camera.C],
        R_wc: quatToMat3(f.camera.q),
        extra: { ...(t?.extra ?? {}) },
        keyOrder: t?.keyOrder ?? [],
      };
      const file = f.file ?? t?.file;
      if (file !== undefined) rec.file = file;
      if (t?.depth_file !== undefined) rec.depth_file = t.depth_file;
      return rec;
    }),
    extra: { convention: 'opencv', units: 'metres', ...(template?.extra ?? {}) },
    keyOrder: template?.keyOrder ?? [],
  };
  if (k.distortion) doc.distortion = { ...k.distortion };
  if (template?.depth) doc.depth = { ...template.depth, K: [...template.depth.K] };
  return doc;
}
