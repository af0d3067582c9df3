import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CamerasJsonError, parseCamerasJson, type CamerasDocument } from '../../src-shared/geometry';

/** An I/O failure that names the file and the reason. */
export class GeometryFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'GeometryFileError';
  }
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new GeometryFileError(
      file,
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message,
    );
  }
}

export function readCamerasFile(file: string): CamerasDocument {
  const text = readText(file);
  try {
    return parseCamerasJson(text);
  } catch (e) {
    if (e instanceof CamerasJsonError) throw new GeometryFileError(file, e.message);
    throw e;
  }
}

/**
 * Reads one frame's depth from a folder in the ground-truth shot layout (docs/depth.md): raw little-endian float32,
 * height × width, row-major; the file is the basename of the frame's depth_file, else frame_%04d.f32 (index + 1).
 */
export function readDepthFrame(dir: string, doc: CamerasDocument, frameIdx: number): Float32Array {
  const f = doc.frames[frameIdx];
  if (!f) throw new GeometryFileError(dir, `no frame ${frameIdx}`);
  const name = f.depth_file ? basename(f.depth_file) : `frame_${String(f.index + 1).padStart(4, '0')}.f32`;
  const file = join(dir, name);
  const w = doc.depth?.width ?? doc.width;
  const h = doc.depth?.height ?? doc.height;
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new GeometryFileError(file, 'depth file missing');
  }
  if (buf.length !== w * h * 4)
    throw new GeometryFileError(file, `expected ${w * h * 4} bytes (${w}×${h} float32), found ${buf.length}`);
  const out = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) out[i] = buf.readFloatLE(4 * i);
  return out;
}

export function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}
