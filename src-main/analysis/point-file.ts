/**
 * Point clouds in the cache: `RSPT` magic, version, count (u32 LE each), then count·3 float32 LE xyz and
 * count·3 uint8 RGB. Written atomically.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write';

const MAGIC = 0x54505352; // 'RSPT' little-endian
const VERSION = 1;

export interface PointCloud {
  xyz: Float32Array;
  rgb: Uint8Array;
}

export function encodePoints(p: PointCloud): Uint8Array {
  const n = p.xyz.length / 3;
  const out = new Uint8Array(12 + 12 * n + 3 * n);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, n, true);
  for (let i = 0; i < 3 * n; i++) dv.setFloat32(12 + 4 * i, p.xyz[i]!, true);
  out.set(p.rgb.subarray(0, 3 * n), 12 + 12 * n);
  return out;
}

export function decodePoints(bytes: Uint8Array, file = 'point cloud'): PointCloud {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || dv.getUint32(0, true) !== MAGIC)
    throw new Error(`${file}: not a Reshoot point file`);
  if (dv.getUint32(4, true) !== VERSION)
    throw new Error(`${file}: point file version ${dv.getUint32(4, true)} is not supported`);
  const n = dv.getUint32(8, true);
  if (bytes.length !== 12 + 15 * n) throw new Error(`${file}: truncated point file`);
  const xyz = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) xyz[i] = dv.getFloat32(12 + 4 * i, true);
  return { xyz, rgb: bytes.slice(12 + 12 * n) };
}

export async function writePoints(file: string, p: PointCloud): Promise<void> {
  await writeFileAtomic(file, encodePoints(p));
}

export async function readPoints(file: string): Promise<PointCloud> {
  return decodePoints(new Uint8Array(await readFile(file)), file);
}
