/**
 * Binary tracker state for resumable tracking (`KltTracker.snapshot()` / `restore()`, same for XFeat).
 * Little-endian, all multi-byte values at their natural alignment:
 *
 *   offset  size  field
 *   0       4     magic "RSTS"
 *   4       4     u32 format version ({@link TRACKER_STATE_VERSION})
 *   8       4     u32 kind (1 = KLT, 2 = XFeat)
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
const MAGIC = 'RSTS';
export const TRACKER_STATE_VERSION = 1;
export const TRACKER_STATE_KLT = 1;
export const TRACKER_STATE_XFEAT = 2;
const HEADER = 16;

const F64 = 1;
const U8 = 2;
const I32 = 3;
const F32 = 4;
const F64A = 5;
const STR = 6;

const isLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let crcTable: Int32Array | null = null;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < bytes.length; i++)
    c = (crcTable[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
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
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private n = HEADER;

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

export class StateReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private n = HEADER;

  /** Checks magic, version, kind and CRC; throws a descriptive error when any is wrong. */
  constructor(bytes: Uint8Array, kind: number) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < HEADER || String.fromCharCode(...bytes.subarray(0, 4)) !== MAGIC)
      throw new Error('Not a tracker state snapshot');
    const version = this.view.getUint32(4, true);
    if (version !== TRACKER_STATE_VERSION)
      throw new Error(`Tracker state version ${version}, this build reads ${TRACKER_STATE_VERSION}`);
    const k = this.view.getUint32(8, true);
    if (k !== kind) throw new Error(`Tracker state is of kind ${k}, expected ${kind}`);
    if (this.view.getUint32(12, true) !== crc32(bytes.subarray(HEADER)))
      throw new Error('Tracker state snapshot is corrupt (CRC mismatch)');
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
