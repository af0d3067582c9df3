/**
 * Image headers of sequence frames, read without decoding: size, bit depth and channels, and whether the
 * file is complete enough to be a whole image (PNG ends with IEND, JPEG with EOI; TIFF strips, EXR chunks
 * and DPX image data lie inside the file). Pure: bytes come from a {@link ByteSource}, so a frame costs a
 * few small reads (its first 4 KiB, its last bytes, and for TIFF/EXR the offset tables).
 *
 * A problem is an {@link ImageHeaderError} whose message is the reason, worded for the user
 * ("truncated: no IEND chunk at its end"); callers add the file and the frame.
 */

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'exr' | 'dpx';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** What must be the same in every frame of a sequence: bit depth and channels, e.g. "8-bit RGBA". */
  layout: string;
}

/** Random access to a file's bytes; `read` may return fewer bytes than asked at the end of the file. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class ImageHeaderError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ImageHeaderError';
  }
}

/** Largest picture Reshoot takes: this many pixels a side… */
export const MAX_IMAGE_SIDE = 16384;
/** …and this many pixels in all (2^27 = 16384 × 8192; one such frame is 768 MiB as 16-bit RGB). */
export const MAX_IMAGE_PIXELS = 2 ** 27;

/** Why a picture size is refused ("16000×16000, larger than Reshoot takes (…)"), or null when it is within the limits. */
export function pictureSizeProblem(width: number, height: number): string | null {
  if (width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE && width * height <= MAX_IMAGE_PIXELS) return null;
  return `${width}×${height}, larger than Reshoot takes (at most ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels in all, e.g. ${MAX_IMAGE_SIDE}×${MAX_IMAGE_PIXELS / MAX_IMAGE_SIDE})`;
}

export function imageFormatOfExtension(ext: string): ImageFormat | null {
  switch (ext.replace(/^\./, '').toLowerCase()) {
    case 'png':
      return 'png';
    case 'jpg':
    case 'jpeg':
      return 'jpeg';
    case 'tif':
    case 'tiff':
      return 'tiff';
    case 'exr':
      return 'exr';
    case 'dpx':
      return 'dpx';
    default:
      return null;
  }
}

const NAMES: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  tiff: 'TIFF',
  exr: 'OpenEXR',
  dpx: 'DPX',
};

/** The format a file's first bytes announce, or null. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (
    (b(0) === 0x49 && b(1) === 0x49 && (b(2) === 42 || b(2) === 43) && b(3) === 0) ||
    (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0 && (b(3) === 42 || b(3) === 43))
  )
    return 'tiff';
  if (b(0) === 0x76 && b(1) === 0x2f && b(2) === 0x31 && b(3) === 0x01) return 'exr';
  const magic = String.fromCharCode(b(0), b(1), b(2), b(3));
  if (magic === 'SDPX' || magic === 'XPDS') return 'dpx';
  return null;
}

/**
 * Reads and checks the header of an image that should be `expected` (from its file extension: ffmpeg
 * picks the decoder by extension, so a JPEG named .png would not decode).
 */
export async function readImageHeader(src: ByteSource, expected: ImageFormat): Promise<ImageHeader> {
  if (src.size === 0) throw new ImageHeaderError('empty file (0 bytes)');
  const head = await src.read(0, Math.min(src.size, 4096));
  const found = sniffImageFormat(head);
  if (found !== expected) {
    throw new ImageHeaderError(
      found
        ? `not a ${NAMES[expected]} file: it is a ${NAMES[found]} file with the wrong extension`
        : head.length < 8
          ? `truncated: only ${src.size} bytes`
          : `not a ${NAMES[expected]} file (its first bytes are not a ${NAMES[expected]} signature)`,
    );
  }
  let header: ImageHeader;
  switch (expected) {
    case 'png':
      header = await readPng(src, head);
      break;
    case 'jpeg':
      header = await readJpeg(src);
      break;
    case 'tiff':
      header = await readTiff(src, head);
      break;
    case 'exr':
      header = await readExr(src);
      break;
    case 'dpx':
      header = await readDpx(src, head);
      break;
  }
  if (!(header.width > 0 && header.height > 0))
    throw new ImageHeaderError(`damaged header: picture size ${header.width}×${header.height}`);
  return header;
}

/** A {@link ByteSource} over bytes in memory (tests, or a file already read). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      Promise.resolve(
        bytes.subarray(Math.max(0, offset), Math.max(0, Math.min(bytes.length, offset + length))),
      ),
  };
}

// ---- helpers -------------------------------------------------------------------------------------

async function readExactly(
  src: ByteSource,
  offset: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  if (offset < 0 || offset + length > src.size) {
    throw new ImageHeaderError(
      `truncated: ${what} at byte ${offset} lies beyond the end of the file (${src.size} bytes)`,
    );
  }
  const b = await src.read(offset, length);
  if (b.length < length)
    throw new ImageHeaderError(
      `truncated: ${what} at byte ${offset} lies beyond the end of the file (${src.size} bytes)`,
    );
  return b;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Last index of `needle` in `hay`, or −1. */
function lastIndexOf(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** How far from the end of the file an end marker may be (some writers pad or append a little). */
const TAIL_WINDOW = 1024;

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---- PNG -----------------------------------------------------------------------------------------

const PNG_COLOUR: Record<number, { name: string; depths: number[] }> = {
  0: { name: 'gray', depths: [1, 2, 4, 8, 16] },
  2: { name: 'RGB', depths: [8, 16] },
  3: { name: 'indexed', depths: [1, 2, 4, 8] },
  4: { name: 'gray+alpha', depths: [8, 16] },
  6: { name: 'RGBA', depths: [8, 16] },
};

async function readPng(src: ByteSource, head: Uint8Array): Promise<ImageHeader> {
  if (src.size < 8 + 25 + 12) throw new ImageHeaderError(`truncated: only ${src.size} bytes`);
  const ihdr = head.subarray(8, 33);
  const v = view(ihdr);
  const type = String.fromCharCode(...ihdr.subarray(4, 8));
  if (v.getUint32(0) !== 13 || type !== 'IHDR')
    throw new ImageHeaderError('damaged header: the first chunk is not IHDR');
  if (crc32(ihdr.subarray(4, 21)) !== v.getUint32(21))
    throw new ImageHeaderError('damaged header: the IHDR chunk fails its checksum');
  const width = v.getUint32(8);
  const height = v.getUint32(12);
  const depth = ihdr[16] as number;
  const colour = PNG_COLOUR[ihdr[17] as number];
  if (!colour || !colour.depths.includes(depth))
    throw new ImageHeaderError(`damaged header: colour type ${ihdr[17]} with bit depth ${depth}`);
  const tailLen = Math.min(src.size, TAIL_WINDOW);
  const tail = await src.read(src.size - tailLen, tailLen);
  // The IEND chunk: length 0, type, CRC.
  if (lastIndexOf(tail, [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]) < 0)
    throw new ImageHeaderError('truncated: no IEND chunk at its end');
  return { format: 'png', width, height, layout: `${depth}-bit ${colour.name}` };
}

// ---- JPEG ----------------------------------------------------------------------------------------

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

async function readJpeg(src: ByteSource): Promise<ImageHeader> {
  let pos = 2;
  let frame: { width: number; height: number; layout: string } | null = null;
  for (let guard = 0; guard < 4096 && !frame; guard++) {
    const m = await readExactly(src, pos, 4, 'a marker');
    if (m[0] !== 0xff) throw new ImageHeaderError(`damaged header: no marker at byte ${pos}`);
    const marker = m[1] as number;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda)
      throw new ImageHeaderError('damaged header: no frame header (SOF) before the image data');
    const length = view(m).getUint16(2);
    if (length < 2) throw new ImageHeaderError(`damaged header: segment length ${length} at byte ${pos}`);
    if (JPEG_SOF.has(marker)) {
      const sof = await readExactly(src, pos + 4, 6, 'the frame header');
      const sv = view(sof);
      const precision = sof[0] as number;
      const height = sv.getUint16(1);
      const width = sv.getUint16(3);
      const components = sof[5] as number;
      if (height === 0)
        throw new ImageHeaderError('damaged header: the frame header gives no height (DNL is not supported)');
      const kind =
        components === 1 ? 'gray' : components === 3 ? 'colour (3 components)' : `${components} components`;
      frame = { width, height, layout: `${precision}-bit ${kind}` };
    }
    pos += 2 + length;
  }
  if (!frame) throw new ImageHeaderError('damaged header: no frame header (SOF) found');
  const tailLen = Math.min(src.size, TAIL_WINDOW);
  const tail = await src.read(src.size - tailLen, tailLen);
  if (lastIndexOf(tail, [0xff, 0xd9]) < 0)
    throw new ImageHeaderError('truncated: no end-of-image (EOI) marker at its end');
  return { format: 'jpeg', ...frame };
}

// ---- TIFF ----------------------------------------------------------------------------------------

const TIFF_TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  16: 8,
  17: 8,
  18: 8,
};

interface TiffEntry {
  type: number;
  count: number;
  /** The value bytes when they fit in the entry, else null (then at `offset`). */
  inline: Uint8Array | null;
  offset: number;
}

async function readTiff(src: ByteSource, head: Uint8Array): Promise<ImageHeader> {
  const le = head[0] === 0x49;
  const big = (le ? head[2] : head[3]) === 43;
  const hv = view(head);
  const u16 = (d: DataView, o: number) => d.getUint16(o, le);
  const u32 = (d: DataView, o: number) => d.getUint32(o, le);
  const u64 = (d: DataView, o: number) => Number(d.getBigUint64(o, le));
  if (head.length < (big ? 16 : 8)) throw new ImageHeaderError(`truncated: only ${src.size} bytes`);
  const ifd = big ? u64(hv, 8) : u32(hv, 4);
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const countBytes = await readExactly(src, ifd, countSize, 'the first image directory');
  const n = big ? u64(view(countBytes), 0) : u16(view(countBytes), 0);
  if (n === 0 || n > 4096) throw new ImageHeaderError(`damaged header: ${n} entries in the image directory`);
  const table = view(await readExactly(src, ifd + countSize, n * entrySize, 'the image directory'));
  const entries = new Map<number, TiffEntry>();
  const inlineSize = big ? 8 : 4;
  for (let i = 0; i < n; i++) {
    const o = i * entrySize;
    const tag = u16(table, o);
    const type = u16(table, o + 2);
    const count = big ? u64(table, o + 4) : u32(table, o + 4);
    const valueAt = o + (big ? 12 : 8);
    const bytes = (TIFF_TYPE_SIZE[type] ?? 1) * count;
    entries.set(tag, {
      type,
      count,
      inline:
        bytes <= inlineSize ? new Uint8Array(table.buffer, table.byteOffset + valueAt, inlineSize) : null,
      offset: big ? u64(table, valueAt) : u32(table, valueAt),
    });
  }
  const values = async (tag: number, what: string): Promise<number[] | null> => {
    const e = entries.get(tag);
    if (!e) return null;
    const size = TIFF_TYPE_SIZE[e.type] ?? 0;
    if (![1, 3, 4, 16].includes(e.type) || e.count > 1_000_000)
      throw new ImageHeaderError(`damaged header: ${what} has type ${e.type} × ${e.count}`);
    const bytes = e.inline ?? (await readExactly(src, e.offset, size * e.count, what));
    const d = view(bytes);
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const o = i * size;
      out.push(
        size === 1 ? (bytes[o] as number) : size === 2 ? u16(d, o) : size === 4 ? u32(d, o) : u64(d, o),
      );
    }
    return out;
  };
  const width = (await values(256, 'the image width'))?.[0] ?? 0;
  const height = (await values(257, 'the image height'))?.[0] ?? 0;
  const spp = (await values(277, 'the samples per pixel'))?.[0] ?? 1;
  const bps = (await values(258, 'the bits per sample')) ?? [1];
  const compression = (await values(259, 'the compression'))?.[0] ?? 1;
  const planar = (await values(284, 'the planar configuration'))?.[0] ?? 1;
  const sampleFormat = (await values(339, 'the sample format'))?.[0] ?? 1;
  const tiled = entries.has(324);
  const offsets = await values(tiled ? 324 : 273, tiled ? 'the tile offsets' : 'the strip offsets');
  const counts = await values(tiled ? 325 : 279, tiled ? 'the tile sizes' : 'the strip sizes');
  if (!offsets || offsets.length === 0) throw new ImageHeaderError('damaged header: no image data offsets');
  if (counts) {
    if (counts.length !== offsets.length)
      throw new ImageHeaderError(`damaged header: ${offsets.length} data offsets but ${counts.length} sizes`);
    let end = 0;
    let total = 0;
    offsets.forEach((o, i) => {
      end = Math.max(end, o + (counts[i] as number));
      total += counts[i] as number;
    });
    if (end > src.size)
      throw new ImageHeaderError(
        `truncated: its image data ends at byte ${end} but the file has ${src.size} bytes`,
      );
    const bits = bps[0] ?? 1;
    if (compression === 1 && !tiled) {
      const expected =
        planar === 2
          ? Math.ceil((width * bits) / 8) * height * spp
          : Math.ceil((width * spp * bits) / 8) * height;
      if (total < expected)
        throw new ImageHeaderError(
          `truncated: ${total} bytes of uncompressed image data where ${width}×${height} needs ${expected}`,
        );
    }
  }
  const kind = sampleFormat === 3 ? 'float' : sampleFormat === 2 ? 'signed' : '';
  const depth = bps.every((b) => b === bps[0]) ? `${bps[0]}-bit` : `${bps.join('/')}-bit`;
  return {
    format: 'tiff',
    width,
    height,
    layout: `${depth}${kind ? ` ${kind}` : ''} ${spp} channel${spp === 1 ? '' : 's'}`,
  };
}

// ---- OpenEXR -------------------------------------------------------------------------------------

/** Scanlines per chunk for each compression (NONE, RLE, ZIPS, ZIP, PIZ, PXR24, B44, B44A, DWAA, DWAB). */
const EXR_LINES_PER_CHUNK = [1, 1, 1, 16, 32, 16, 32, 32, 32, 256];
const EXR_PIXEL_TYPE = ['uint', 'half', 'float'];

async function readExr(src: ByteSource): Promise<ImageHeader> {
  const versionBytes = await readExactly(src, 4, 4, 'the version field');
  const flags = view(versionBytes).getUint32(0, true);
  if ((flags & 0xff) !== 2) throw new ImageHeaderError(`damaged header: OpenEXR version ${flags & 0xff}`);
  const tiled = (flags & 0x200) !== 0;
  const deep = (flags & 0x800) !== 0;
  const multipart = (flags & 0x1000) !== 0;
  let pos = 8;
  // Reads a NUL-terminated string at pos (attribute names and types are at most 255 bytes).
  const cstring = async (): Promise<string> => {
    const b = await src.read(pos, 256);
    const end = b.indexOf(0);
    if (end < 0) {
      if (pos + b.length >= src.size) throw new ImageHeaderError('truncated: the header does not end');
      throw new ImageHeaderError(`damaged header: an attribute name at byte ${pos} is too long`);
    }
    pos += end + 1;
    return String.fromCharCode(...b.subarray(0, end));
  };
  let dataWindow: number[] | null = null;
  let channels: string[] = [];
  let compression = -1;
  let tile: { x: number; y: number; mode: number } | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const name = await cstring();
    if (name === '') break;
    const type = await cstring();
    const size = view(await readExactly(src, pos, 4, `the size of attribute ${name}`)).getInt32(0, true);
    pos += 4;
    if (size < 0 || pos + size > src.size)
      throw new ImageHeaderError(`truncated: the header attribute "${name}" runs past the end of the file`);
    if (name === 'dataWindow' && type === 'box2i' && size === 16) {
      const d = view(await src.read(pos, 16));
      dataWindow = [d.getInt32(0, true), d.getInt32(4, true), d.getInt32(8, true), d.getInt32(12, true)];
    } else if (name === 'channels' && type === 'chlist') {
      const b = await src.read(pos, size);
      const list: string[] = [];
      let p = 0;
      while (p < b.length && b[p] !== 0) {
        const end = b.indexOf(0, p);
        if (end < 0 || end + 17 > b.length) throw new ImageHeaderError('damaged header: channel list');
        const ch = String.fromCharCode(...b.subarray(p, end));
        const pt = view(b.subarray(end + 1, end + 5)).getInt32(0, true);
        list.push(`${ch}:${EXR_PIXEL_TYPE[pt] ?? `type ${pt}`}`);
        p = end + 17;
      }
      channels = list;
    } else if (name === 'compression' && type === 'compression' && size === 1) {
      compression = (await src.read(pos, 1))[0] ?? -1;
    } else if (name === 'tiles' && type === 'tiledesc' && size === 9) {
      const d = view(await src.read(pos, 9));
      tile = { x: d.getUint32(0, true), y: d.getUint32(4, true), mode: d.getUint8(8) };
    }
    pos += size;
  }
  if (!dataWindow) throw new ImageHeaderError('damaged header: no dataWindow');
  if (channels.length === 0) throw new ImageHeaderError('damaged header: no channels');
  const [xMin, yMin, xMax, yMax] = dataWindow as [number, number, number, number];
  const width = xMax - xMin + 1;
  const height = yMax - yMin + 1;
  const types = new Set(channels.map((c) => c.split(':')[1]));
  const layout =
    types.size === 1
      ? `${[...types][0]} ${channels.map((c) => c.split(':')[0]).join(',')}`
      : channels.join(',');
  // The chunk offset table (single-part flat images): every chunk must lie inside the file.
  if (!multipart && !deep && width > 0 && height > 0) {
    let chunks: number | null = null;
    let chunkHeader = 8;
    if (!tiled && EXR_LINES_PER_CHUNK[compression] !== undefined) {
      chunks = Math.ceil(height / (EXR_LINES_PER_CHUNK[compression] as number));
    } else if (tiled && tile && (tile.mode & 0x0f) === 0 && tile.x > 0 && tile.y > 0) {
      chunks = Math.ceil(width / tile.x) * Math.ceil(height / tile.y);
      chunkHeader = 20;
    }
    if (chunks !== null) {
      const table = view(await readExactly(src, pos, chunks * 8, 'the chunk offset table'));
      let last = 0;
      for (let i = 0; i < chunks; i++) {
        const o = Number(table.getBigUint64(i * 8, true));
        if (o === 0 || o >= src.size)
          throw new ImageHeaderError(
            o === 0
              ? `truncated: chunk ${i} of ${chunks} was never written (offset 0)`
              : `truncated: chunk ${i} of ${chunks} lies beyond the end of the file`,
          );
        last = Math.max(last, o);
      }
      const h = view(await readExactly(src, last, chunkHeader, 'the last chunk'));
      const dataSize = h.getInt32(chunkHeader - 4, true);
      if (dataSize < 0 || last + chunkHeader + dataSize > src.size)
        throw new ImageHeaderError(
          `truncated: its last chunk ends at byte ${last + chunkHeader + dataSize} but the file has ${src.size} bytes`,
        );
    }
  }
  return { format: 'exr', width, height, layout };
}

// ---- DPX -----------------------------------------------------------------------------------------

const DPX_DESCRIPTOR: Record<number, { name: string; components: number }> = {
  1: { name: 'R', components: 1 },
  2: { name: 'G', components: 1 },
  3: { name: 'B', components: 1 },
  4: { name: 'A', components: 1 },
  6: { name: 'luma', components: 1 },
  50: { name: 'RGB', components: 3 },
  51: { name: 'RGBA', components: 4 },
  52: { name: 'ABGR', components: 4 },
  100: { name: 'CbYCrY', components: 2 },
  101: { name: 'CbYaCrYa', components: 3 },
  102: { name: 'CbYCr', components: 3 },
  103: { name: 'CbYCrA', components: 4 },
};

async function readDpx(src: ByteSource, head: Uint8Array): Promise<ImageHeader> {
  if (src.size < 812 || head.length < 812)
    throw new ImageHeaderError(`truncated: only ${src.size} bytes, shorter than a DPX header`);
  const le = head[0] === 0x58; // 'XPDS'
  const v = view(head);
  const imageOffset = v.getUint32(4, le);
  const declaredSize = v.getUint32(16, le);
  const width = v.getUint32(772, le);
  const height = v.getUint32(776, le);
  const descriptor = head[800] as number;
  const bits = head[803] as number;
  const packing = v.getUint16(804, le);
  const encoding = v.getUint16(806, le);
  const elementOffset = v.getUint32(808, le);
  const d = DPX_DESCRIPTOR[descriptor];
  if (declaredSize > 0 && declaredSize !== 0xffffffff && src.size < declaredSize)
    throw new ImageHeaderError(
      `truncated: its header gives ${declaredSize} bytes but the file has ${src.size}`,
    );
  if (d && encoding === 0 && width > 0 && height > 0) {
    const samples = width * d.components;
    let bytesPerLine: number | null = null;
    if (bits === 8) bytesPerLine = samples;
    else if (bits === 10) bytesPerLine = packing === 0 ? (samples * 10) / 8 : Math.ceil(samples / 3) * 4;
    else if (bits === 12) bytesPerLine = packing === 0 ? (samples * 12) / 8 : samples * 2;
    else if (bits === 16) bytesPerLine = samples * 2;
    else if (bits === 32 || bits === 64) bytesPerLine = (samples * bits) / 8;
    const start = elementOffset > 0 && elementOffset !== 0xffffffff ? elementOffset : imageOffset;
    if (bytesPerLine !== null) {
      const expected = start + Math.floor(bytesPerLine * height);
      if (src.size < expected)
        throw new ImageHeaderError(
          `truncated: ${width}×${height} ${bits}-bit ${d.name} needs ${expected} bytes, the file has ${src.size}`,
        );
    }
  }
  return {
    format: 'dpx',
    width,
    height,
    layout: `${bits}-bit ${d ? d.name : `descriptor ${descriptor}`}`,
  };
}
