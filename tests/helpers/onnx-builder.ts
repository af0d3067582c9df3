/**
 * A tiny ONNX writer for tests: protobuf encoded by hand (no dependency), enough for graphs of standard
 * operators with float/int64 initialisers and symbolic dimensions. Used to build "contract models": graphs
 * with the exact input/output names, dtypes and shapes of real networks (Depth Anything V2, Video Depth
 * Anything, CoTracker3) that compute known functions, so adapters can be tested end to end through
 * onnxruntime-node without the real weights.
 */
import { writeFileSync } from 'node:fs';

// ---- protobuf wire format -----------------------------------------------------------------------

class Pb {
  private readonly parts: number[] = [];

  private varint(v: bigint | number): void {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.parts.push(Number((n & 0x7fn) | 0x80n));
      n >>= 7n;
    }
    this.parts.push(Number(n));
  }
  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.parts.push(...b);
    return this;
  }
  bytes(field: number, v: Uint8Array): this {
    this.tag(field, 2);
    this.varint(v.length);
    for (const x of v) this.parts.push(x);
    return this;
  }
  str(field: number, v: string): this {
    return this.bytes(field, Buffer.from(v, 'utf8'));
  }
  msg(field: number, m: Pb): this {
    return this.bytes(field, m.done());
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

// ---- ONNX model description ----------------------------------------------------------------------

export type ElemType = 'float32' | 'int64' | 'int32' | 'bool' | 'uint8';
const ELEM: Record<ElemType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 };

export interface ValueSpec {
  name: string;
  type: ElemType;
  /** numbers are fixed, strings symbolic ("batch", "height"). */
  shape: (number | string)[];
}

export type AttrValue =
  number | string | number[] | { float: number } | { floats: number[] } | { tensor: Init };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
  name?: string;
}

export interface Init {
  name: string;
  type: 'float32' | 'int64';
  dims: number[];
  values: number[];
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: Init[];
  opset?: number;
  producer?: string;
}

function tensorProto(t: Init): Pb {
  const p = new Pb();
  for (const d of t.dims) p.int(1, d);
  p.int(2, ELEM[t.type]);
  p.str(8, t.name);
  const raw =
    t.type === 'float32'
      ? Buffer.from(Float32Array.from(t.values).buffer)
      : Buffer.from(BigInt64Array.from(t.values.map((v) => BigInt(v))).buffer);
  p.bytes(9, raw);
  return p;
}

function valueInfo(v: ValueSpec): Pb {
  const shape = new Pb();
  for (const d of v.shape) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d));
  const tensorType = new Pb().int(1, ELEM[v.type]).msg(2, shape);
  return new Pb().str(1, v.name).msg(2, new Pb().msg(1, tensorType));
}

function attribute(name: string, v: AttrValue): Pb {
  const a = new Pb().str(1, name);
  if (typeof v === 'number') return a.int(3, v).int(20, 2);
  if (typeof v === 'string') return a.str(4, v).int(20, 3);
  if (Array.isArray(v)) {
    for (const x of v) a.int(8, x);
    return a.int(20, 7);
  }
  if ('float' in v) return a.float(2, v.float).int(20, 1);
  if ('floats' in v) {
    for (const x of v.floats) a.float(7, x);
    return a.int(20, 6);
  }
  return a.msg(5, tensorProto(v.tensor)).int(20, 4);
}

export function encodeModel(g: GraphSpec): Uint8Array {
  const graph = new Pb();
  g.nodes.forEach((n, i) => {
    const node = new Pb();
    for (const x of n.inputs) node.str(1, x);
    for (const x of n.outputs) node.str(2, x);
    node.str(3, n.name ?? `${n.op}_${i}`);
    node.str(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.msg(5, attribute(k, v));
    graph.msg(1, node);
  });
  graph.str(2, g.name);
  for (const t of g.initializers ?? []) graph.msg(5, tensorProto(t));
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  const model = new Pb()
    .int(1, 8) // ir_version 8 (onnx 1.10+; the Debian python3-onnx 1.12 checker accepts it)
    .str(2, g.producer ?? 'reshoot-tests')
    .msg(7, graph)
    .msg(8, new Pb().str(1, '').int(2, g.opset ?? 17));
  return model.done();
}

export function writeModel(path: string, g: GraphSpec): string {
  writeFileSync(path, encodeModel(g));
  return path;
}

// ---- contract models -------------------------------------------------------------------------------

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * Nodes that fail at run time unless dims `axisH` and `axisH + 1` of `x` are multiples of `m`: the shape
 * plus (shape mod [1,…,m,m]) has more elements than `x` unless both remainders are zero, so the Reshape
 * to it throws. Passes `x` through as `out`.
 */
function requireMultiple(
  x: string,
  rank: number,
  axisH: number,
  m: number,
  out: string,
  tag: string,
): { nodes: NodeSpec[]; inits: Init[] } {
  const mods = Array.from({ length: rank }, (_, i) => (i === axisH || i === axisH + 1 ? m : 1));
  return {
    inits: [{ name: `${tag}_m`, type: 'int64', dims: [rank], values: mods }],
    nodes: [
      { op: 'Shape', inputs: [x], outputs: [`${tag}_shape`] },
      { op: 'Mod', inputs: [`${tag}_shape`, `${tag}_m`], outputs: [`${tag}_rem`] },
      { op: 'Add', inputs: [`${tag}_shape`, `${tag}_rem`], outputs: [`${tag}_want`] },
      { op: 'Reshape', inputs: [x, `${tag}_want`], outputs: [out] },
    ],
  };
}

/**
 * Depth Anything V2 Small as exported by onnx-community (transformers.js):
 * `pixel_values` float32 [batch_size, 3, height, width] (ImageNet-normalised RGB, H and W multiples of 14)
 * → `predicted_depth` float32 [batch_size, height, width].
 * Known function: predicted_depth = un-normalised red channel = x[:,0]·0.229 + 0.485 (so, for a correct
 * adapter, the output equals the input image's red channel in 0..1, resampled).
 */
export function depthAnythingV2Contract(): GraphSpec {
  const chk = requireMultiple('pixel_values', 4, 2, 14, 'x_ok', 'p14');
  return {
    name: 'depth_anything_v2_small_contract',
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch_size', 3, 'height', 'width'] }],
    outputs: [{ name: 'predicted_depth', type: 'float32', shape: ['batch_size', 'height', 'width'] }],
    initializers: [
      ...chk.inits,
      { name: 'c0', type: 'int64', dims: [1], values: [0] },
      { name: 'c1', type: 'int64', dims: [1], values: [1] },
      { name: 'std_r', type: 'float32', dims: [], values: [IMAGENET_STD[0]!] },
      { name: 'mean_r', type: 'float32', dims: [], values: [IMAGENET_MEAN[0]!] },
    ],
    nodes: [
      ...chk.nodes,
      { op: 'Slice', inputs: ['x_ok', 'c0', 'c1', 'c1'], outputs: ['red'] },
      { op: 'Mul', inputs: ['red', 'std_r'], outputs: ['red_s'] },
      { op: 'Add', inputs: ['red_s', 'mean_r'], outputs: ['red_u'] },
      { op: 'Squeeze', inputs: ['red_u', 'c1'], outputs: ['predicted_depth'] },
    ],
  };
}

/**
 * Video Depth Anything Small (Reshoot's ONNX contract for the upstream model's forward(x)):
 * `images` float32 [batch, frames, 3, height, width] ImageNet-normalised, H and W multiples of 14
 * → `depth` float32 [batch, frames, height, width]. Known function: the un-normalised red channel.
 */
export function videoDepthAnythingContract(): GraphSpec {
  const chk = requireMultiple('images', 5, 3, 14, 'x_ok', 'p14');
  return {
    name: 'video_depth_anything_small_contract',
    inputs: [{ name: 'images', type: 'float32', shape: ['batch', 'frames', 3, 'height', 'width'] }],
    outputs: [{ name: 'depth', type: 'float32', shape: ['batch', 'frames', 'height', 'width'] }],
    initializers: [
      ...chk.inits,
      { name: 'c0', type: 'int64', dims: [1], values: [0] },
      { name: 'c1', type: 'int64', dims: [1], values: [1] },
      { name: 'c2', type: 'int64', dims: [1], values: [2] },
      { name: 'std_r', type: 'float32', dims: [], values: [IMAGENET_STD[0]!] },
      { name: 'mean_r', type: 'float32', dims: [], values: [IMAGENET_MEAN[0]!] },
    ],
    nodes: [
      ...chk.nodes,
      { op: 'Slice', inputs: ['x_ok', 'c0', 'c1', 'c2'], outputs: ['red'] },
      { op: 'Mul', inputs: ['red', 'std_r'], outputs: ['red_s'] },
      { op: 'Add', inputs: ['red_s', 'mean_r'], outputs: ['red_u'] },
      { op: 'Squeeze', inputs: ['red_u', 'c2'], outputs: ['depth'] },
    ],
  };
}

/**
 * CoTracker3 (offline), Reshoot's ONNX contract: `video` float32 [1, frames, 3, 384, 512] RGB 0..255 at
 * the model resolution, `queries` float32 [1, points, 3] as (t, x, y) in model pixels →
 * `tracks` float32 [1, frames, points, 2], `visibility` float32 [1, frames, points] (probability),
 * `confidence` float32 [1, frames, points].
 * Known function: tracks[t, n] = (x_n + t, y_n + 2t); visibility[t, n] = mean(video[t]) / 255;
 * confidence = 1 − visibility. A video not at 384×512 fails (fixed dims are enforced by a Reshape).
 */
export function coTracker3Contract(): GraphSpec {
  return {
    name: 'cotracker3_offline_contract',
    inputs: [
      { name: 'video', type: 'float32', shape: [1, 'frames', 3, 384, 512] },
      { name: 'queries', type: 'float32', shape: [1, 'points', 3] },
    ],
    outputs: [
      { name: 'tracks', type: 'float32', shape: [1, 'frames', 'points', 2] },
      { name: 'visibility', type: 'float32', shape: [1, 'frames', 'points'] },
      { name: 'confidence', type: 'float32', shape: [1, 'frames', 'points'] },
    ],
    initializers: [
      { name: 'vshape', type: 'int64', dims: [5], values: [1, -1, 3, 384, 512] },
      { name: 'i0', type: 'int64', dims: [1], values: [0] },
      { name: 'i1', type: 'int64', dims: [1], values: [1] },
      { name: 'i2', type: 'int64', dims: [1], values: [2] },
      { name: 'i3', type: 'int64', dims: [1], values: [3] },
      { name: 'f0', type: 'float32', dims: [], values: [0] },
      { name: 'f1', type: 'float32', dims: [], values: [1] },
      { name: 'f255', type: 'float32', dims: [], values: [255] },
      { name: 'step', type: 'float32', dims: [1, 1, 1, 2], values: [1, 2] },
      { name: 'tshape', type: 'int64', dims: [4], values: [1, -1, 1, 1] },
    ],
    nodes: [
      { op: 'Reshape', inputs: ['video', 'vshape'], outputs: ['v'] },
      // per-frame mean / 255 → [1, T, 1]
      { op: 'ReduceMean', inputs: ['v'], outputs: ['vm'], attrs: { axes: [2, 3, 4], keepdims: 0 } },
      { op: 'Div', inputs: ['vm', 'f255'], outputs: ['vis_t'] },
      { op: 'Unsqueeze', inputs: ['vis_t', 'i2'], outputs: ['vis_t1'] },
      // [1, 1, N] zeros to broadcast over points
      { op: 'Slice', inputs: ['queries', 'i0', 'i1', 'i2'], outputs: ['qt'] },
      { op: 'Mul', inputs: ['qt', 'f0'], outputs: ['qz'] },
      { op: 'Squeeze', inputs: ['qz', 'i2'], outputs: ['qz2'] },
      { op: 'Unsqueeze', inputs: ['qz2', 'i1'], outputs: ['zeros_n'] },
      { op: 'Add', inputs: ['vis_t1', 'zeros_n'], outputs: ['visibility'] },
      { op: 'Sub', inputs: ['f1', 'visibility'], outputs: ['confidence'] },
      // t values 0..T-1 → [1, T, 1, 1]
      { op: 'Shape', inputs: ['v'], outputs: ['vs'] },
      { op: 'Gather', inputs: ['vs', 'i1'], outputs: ['T1'], attrs: { axis: 0 } },
      { op: 'Squeeze', inputs: ['T1', 'i0'], outputs: ['T'] },
      { op: 'Cast', inputs: ['T'], outputs: ['Tf'], attrs: { to: 1 } },
      { op: 'Range', inputs: ['f0', 'Tf', 'f1'], outputs: ['trange'] },
      { op: 'Reshape', inputs: ['trange', 'tshape'], outputs: ['t4'] },
      { op: 'Mul', inputs: ['t4', 'step'], outputs: ['motion'] },
      // query xy → [1, 1, N, 2]
      { op: 'Slice', inputs: ['queries', 'i1', 'i3', 'i2'], outputs: ['qxy'] },
      { op: 'Unsqueeze', inputs: ['qxy', 'i1'], outputs: ['qxy4'] },
      { op: 'Add', inputs: ['qxy4', 'motion'], outputs: ['tracks'] },
    ],
  };
}
