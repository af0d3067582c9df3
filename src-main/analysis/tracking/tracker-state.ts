/**
 * Binary tracker state for resumable tracking (`KltTracker.snapshot()` / `restore()`, same for XFeat).
 * Little-endian, all multi-byte values at their natural alignment:
 *
 *   offset  size  field
 *   0       4     magic "RSTS"
 *   4       4     u32 format version ({@link TRACKER_STATE_VERSION})
 *   8       4     u32 kind (1 = KLT, 2 = XFeat, 3 = the observations of one chunk of a track job)
 *   12      4     u32 CRC-32 (IEEE) of every byte from offset 16 to the end
 *   16      …     fields, in the order the tracker writes them
 *
 * Each field is a u32 type code, then: f64 scalars (code 1) an 4-byte pad and the 8-byte value; arrays
 * (2 = u8, 3 = i32, 4 = f32, 5 = f64, 6 = UTF-8 string) a u32 element count, padding to an 8-byte
 * boundary and the elements. The field order is the tracker's business and changes with the format
 * version; a snapshot restores only into code of the same version (restore throws otherwise, and a
 * resumable job should then start the shot again). Snapshots hold exact values (no rounding), so a
 * restored tracker continues bit-identically.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

const MAGIC = 'RSTS';
export const TRACKER_STATE_VERSION = 1;
export const TRACKER_STATE_KLT = 1;
export const TRACKER_STATE_XFEAT = 2;
/** Not a tracker: the observations one chunk of a "Track shot" job recorded (track-set.ts). */
export const TRACKER_STATE_OBSERVATIONS = 3;
const HEADER = 16;

const F64 = 1;
const U8 = 2;
const I32 = 3;
const F32 = 4;
const F64A = 5;
const STR = 6;

const isLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32 (IEEE), zlib's (native: a few GB/s, where a table loop in JS managed ~100 MB/s). */
function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

type NumArray = Uint8Array | Int32Array | Float32Array | Float64Array;

/** JSON with ±Infinity/NaN kept (options such as `maxCoastFrames: Infinity`). */
export function optionsToJson(o: unknown): string {
  return JSON.stringify(o, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v,
  );
}

export function optionsFromJson<T>(s: string): T {
  return JSON.parse(s, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$num' in v) return Number((v as { $num: string }).$num);
    return v;
  }) as T;
}

export class StateWriter {
  private buf: Uint8Array;
  private view: DataView;
  private n: number;

  /**
   * `prefix`: continue after the fields of another snapshot, given as its bytes up to a field boundary
   * (see {@link fieldOffsets}); its header is rewritten by {@link finish}.
   */
  constructor(prefix?: Uint8Array) {
    const start = prefix ? prefix.length : HEADER;
    if (start < HEADER) throw new RangeError('A snapshot prefix includes the 16-byte header');
    this.buf = new Uint8Array(start + (1 << 16));
    if (prefix) this.buf.set(prefix);
    this.view = new DataView(this.buf.buffer);
    this.n = start;
  }

  private ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  private pad8(): void {
    this.ensure(8);
    while (this.n % 8) this.buf[this.n++] = 0;
  }

  private u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.n, v >>> 0, true);
    this.n += 4;
  }

  num(v: number): void {
    this.u32(F64);
    this.pad8();
    this.ensure(8);
    this.view.setFloat64(this.n, v, true);
    this.n += 8;
  }

  array(a: NumArray): void {
    const code =
      a instanceof Uint8Array ? U8 : a instanceof Int32Array ? I32 : a instanceof Float32Array ? F32 : F64A;
    this.raw(code, a);
  }

  string(s: string): void {
    this.raw(STR, new TextEncoder().encode(s));
  }

  private raw(code: number, a: NumArray): void {
    this.u32(code);
    this.u32(a.length);
    this.pad8();
    this.ensure(a.byteLength);
    if (isLE || a instanceof Uint8Array) {
      this.buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), this.n);
    } else {
      const size = a.BYTES_PER_ELEMENT;
      for (let i = 0; i < a.length; i++) {
        const p = this.n + i * size;
        const v = a[i] as number;
        if (a instanceof Int32Array) this.view.setInt32(p, v, true);
        else if (a instanceof Float32Array) this.view.setFloat32(p, v, true);
        else this.view.setFloat64(p, v, true);
      }
    }
    this.n += a.byteLength;
  }

  /** The finished snapshot (header filled in, CRC computed). */
  finish(kind: number): Uint8Array {
    const out = this.buf.slice(0, this.n);
    const v = new DataView(out.buffer);
    for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
    v.setUint32(4, TRACKER_STATE_VERSION, true);
    v.setUint32(8, kind, true);
    v.setUint32(12, crc32(out.subarray(HEADER)), true);
    return out;
  }
}

/** Checks magic, version and CRC; returns the kind. Throws a descriptive error when any is wrong. */
export function snapshotKind(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER || String.fromCharCode(...bytes.subarray(0, 4)) !== MAGIC)
    throw new Error('Not a tracker state snapshot');
  const version = view.getUint32(4, true);
  if (version !== TRACKER_STATE_VERSION)
    throw new Error(`Tracker state version ${version}, this build reads ${TRACKER_STATE_VERSION}`);
  if (view.getUint32(12, true) !== crc32(bytes.subarray(HEADER)))
    throw new Error('Tracker state snapshot is corrupt (CRC mismatch)');
  return view.getUint32(8, true);
}

const ELEMENT_BYTES: Record<number, number> = { [U8]: 1, [I32]: 4, [F32]: 4, [F64A]: 8, [STR]: 1 };

/**
 * Where each field of a snapshot starts (at its type code), in order, then the end of the last one: the
 * field boundaries, for cutting a snapshot's trailing fields off (e.g. a tracker's recorded
 * observations, which track-set.ts keeps elsewhere). Checks the header like {@link StateReader}.
 */
export function fieldOffsets(bytes: Uint8Array): number[] {
  snapshotKind(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  let n = HEADER;
  const need = (k: number) => {
    if (n + k > bytes.length) throw new Error('Tracker state snapshot is truncated');
  };
  while (n < bytes.length) {
    out.push(n);
    need(4);
    const code = view.getUint32(n, true);
    n += 4;
    if (code === F64) {
      n = (n + 7) & ~7;
      need(8);
      n += 8;
      continue;
    }
    const size = ELEMENT_BYTES[code];
    if (!size) throw new Error(`Tracker state field has unknown type ${code}`);
    need(4);
    const len = view.getUint32(n, true);
    n = (n + 4 + 7) & ~7;
    need(len * size);
    n += len * size;
  }
  out.push(n);
  return out;
}

export class StateReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private n: number;

  /**
   * Checks magic, version, kind and CRC; throws a descriptive error when any is wrong. `offset`: start
   * reading at that field boundary (see {@link fieldOffsets}) instead of the first field.
   */
  constructor(bytes: Uint8Array, kind: number, offset = HEADER) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const k = snapshotKind(bytes);
    if (k !== kind) throw new Error(`Tracker state is of kind ${k}, expected ${kind}`);
    if (offset < HEADER || offset > bytes.length) throw new RangeError(`No field starts at byte ${offset}`);
    this.n = offset;
  }

  private u32(): number {
    if (this.n + 4 > this.bytes.length) throw new Error('Tracker state snapshot is truncated');
    const v = this.view.getUint32(this.n, true);
    this.n += 4;
    return v;
  }

  private expect(code: number): void {
    const c = this.u32();
    if (c !== code) throw new Error(`Tracker state field has type ${c}, expected ${code}`);
  }

  private pad8(): void {
    this.n = (this.n + 7) & ~7;
  }

  num(): number {
    this.expect(F64);
    this.pad8();
    if (this.n + 8 > this.bytes.length) throw new Error('Tracker state snapshot is truncated');
    const v = this.view.getFloat64(this.n, true);
    this.n += 8;
    return v;
  }

  private raw<A extends NumArray>(code: number, make: (n: number) => A): A {
    this.expect(code);
    const len = this.u32();
    this.pad8();
    const out = make(len);
    if (this.n + out.byteLength > this.bytes.length) throw new Error('Tracker state snapshot is truncated');
    if (isLE || out instanceof Uint8Array) {
      new Uint8Array(out.buffer).set(this.bytes.subarray(this.n, this.n + out.byteLength));
    } else {
      const size = out.BYTES_PER_ELEMENT;
      for (let i = 0; i < len; i++) {
        const p = this.n + i * size;
        if (out instanceof Int32Array) out[i] = this.view.getInt32(p, true);
        else if (out instanceof Float32Array) out[i] = this.view.getFloat32(p, true);
        else out[i] = this.view.getFloat64(p, true);
      }
    }
    this.n += out.byteLength;
    return out;
  }

  u8(): Uint8Array {
    return this.raw(U8, (k) => new Uint8Array(k));
  }
  i32(): Int32Array {
    return this.raw(I32, (k) => new Int32Array(k));
  }
  f32(): Float32Array {
    return this.raw(F32, (k) => new Float32Array(k));
  }
  f64(): Float64Array {
    return this.raw(F64A, (k) => new Float64Array(k));
  }
  string(): string {
    return new TextDecoder().decode(this.raw(STR, (k) => new Uint8Array(k)));
  }

  /** Throws unless every byte was consumed (catches a reader/writer mismatch). */
  end(): void {
    if (this.n !== this.bytes.length) throw new Error('Tracker state snapshot has trailing bytes');
  }
}
