/**
 * 3D tracks of a shot in the cache: `RS3T` magic, version, numTracks, numFrames (u32 LE), then
 * FRAME-MAJOR float32 xyz (element (t, k) at 3·(t·N + k); NaN where unknown), a valid byte per (t, k)
 * (visible in the source with valid depth) and a dynamic byte per track (1: moves in the world).
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write';

const MAGIC = 0x54335352; // 'RS3T'
const VERSION = 1;

export interface Tracks3d {
  numTracks: number;
  numFrames: number;
  xyz: Float32Array;
  valid: Uint8Array;
  dynamic: Uint8Array;
}

export function encodeTracks3d(t: Tracks3d): Uint8Array {
  const n = t.numTracks * t.numFrames;
  const out = new Uint8Array(16 + 12 * n + n + t.numTracks);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, t.numTracks, true);
  dv.setUint32(12, t.numFrames, true);
  for (let i = 0; i < 3 * n; i++) dv.setFloat32(16 + 4 * i, t.xyz[i]!, true);
  out.set(t.valid, 16 + 12 * n);
  out.set(t.dynamic, 16 + 13 * n);
  return out;
}

export function decodeTracks3d(bytes: Uint8Array, file = '3D tracks'): Tracks3d {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16 || dv.getUint32(0, true) !== MAGIC)
    throw new Error(`${file}: not a Reshoot 3D tracks file`);
  if (dv.getUint32(4, true) !== VERSION)
    throw new Error(`${file}: version ${dv.getUint32(4, true)} is not supported`);
  const numTracks = dv.getUint32(8, true);
  const numFrames = dv.getUint32(12, true);
  const n = numTracks * numFrames;
  if (bytes.length !== 16 + 13 * n + numTracks) throw new Error(`${file}: truncated 3D tracks file`);
  const xyz = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) xyz[i] = dv.getFloat32(16 + 4 * i, true);
  return {
    numTracks,
    numFrames,
    xyz,
    valid: bytes.slice(16 + 12 * n, 16 + 13 * n),
    dynamic: bytes.slice(16 + 13 * n),
  };
}

export async function writeTracks3d(file: string, t: Tracks3d): Promise<void> {
  await writeFileAtomic(file, encodeTracks3d(t));
}

export async function readTracks3d(file: string): Promise<Tracks3d> {
  return decodeTracks3d(new Uint8Array(await readFile(file)), file);
}
