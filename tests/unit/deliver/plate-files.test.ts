/**
 * The pieces of a plate's files: a frame file is written only where no file is (the same bytes written
 * before a crash are kept; anything else is refused and left as it was), the mask becomes alpha (seen
 * and filled opaque, empty transparent), and a PNG frame is RGBA for a render and RGB for a shot.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { withMaskAlpha } from '../../../src-main/deliver/plate-encode';
import { plateFramePng, publishNewFile, writeNewFile } from '../../../src-main/deliver/plate-sequence';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir('reshoot-plate-files-');
afterAll(() => tmp.cleanup());

describe('writeNewFile', () => {
  it('writes a new file, keeps the same bytes already there, refuses different ones', async () => {
    const f = join(tmp.dir, 'a.png');
    expect(await writeNewFile(f, Buffer.from('frame one'))).toBe('written');
    expect(await writeNewFile(f, Buffer.from('frame one'))).toBe('kept');
    await expect(writeNewFile(f, Buffer.from('frame two'))).rejects.toThrow(/never replaces a file/);
    expect(readFileSync(f, 'utf8')).toBe('frame one');
    writeFileSync(join(tmp.dir, 'b.png'), 'someone else');
    await expect(writeNewFile(join(tmp.dir, 'b.png'), Buffer.from('x'))).rejects.toThrow(/b\.png/);
    expect(readFileSync(join(tmp.dir, 'b.png'), 'utf8')).toBe('someone else');
    // no temp files left behind
    expect(readdirSync(tmp.dir).sort()).toEqual(['a.png', 'b.png']);
  });

  it('publishNewFile never replaces an existing name', async () => {
    const t = join(tmp.dir, 'tmp.mov');
    writeFileSync(t, 'new');
    writeFileSync(join(tmp.dir, 'taken.mov'), 'old');
    await expect(publishNewFile(t, join(tmp.dir, 'taken.mov'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(join(tmp.dir, 'taken.mov'), 'utf8')).toBe('old');
    await publishNewFile(t, join(tmp.dir, 'free.mov'));
    expect(readFileSync(join(tmp.dir, 'free.mov'), 'utf8')).toBe('new');
    expect(existsSync(t)).toBe(true); // the caller removes its temp file
  });
});

describe('withMaskAlpha', () => {
  it('property: RGB is copied exactly; alpha is 0xffff where the mask is seen or filled, 0 where empty', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean(), (mask, noMask) => {
        const px = mask.length;
        const rgb = Uint8Array.from({ length: px * 6 }, (_, i) => (i * 37 + px) & 0xff);
        const out = withMaskAlpha(rgb, noMask ? null : mask, px);
        expect(out.length).toBe(px * 8);
        for (let i = 0; i < px; i++) {
          expect([...out.subarray(8 * i, 8 * i + 6)]).toEqual([...rgb.subarray(6 * i, 6 * i + 6)]);
          const a = out[8 * i + 6]! | (out[8 * i + 7]! << 8);
          expect(a).toBe(noMask || mask[i]! > 0 ? 0xffff : 0);
        }
      }),
    );
  });
});

/** A PNG's size, bit depth and colour type (2 RGB, 6 RGBA) from its IHDR chunk. */
function pngHeader(png: Buffer): { width: number; height: number; bitDepth: number; colourType: number } {
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return {
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    bitDepth: png[24]!,
    colourType: png[25]!,
  };
}

describe('plateFramePng', () => {
  const w = 3,
    h = 2;
  const rgb = new Uint8Array(w * h * 6).map((_, i) => (i * 29) & 0xff);
  it('a render frame: 16-bit RGBA; a shot frame: 16-bit RGB', async () => {
    const render = await plateFramePng({
      frame: 0,
      width: w,
      height: h,
      rgb,
      mask: Uint8Array.of(255, 128, 0, 0, 255, 128),
    });
    expect(pngHeader(render)).toEqual({ width: w, height: h, bitDepth: 16, colourType: 6 });
    const shot = await plateFramePng({ frame: 0, width: w, height: h, rgb, mask: null });
    expect(pngHeader(shot)).toEqual({ width: w, height: h, bitDepth: 16, colourType: 2 });
    // the picture data: a filter byte and 3 × 16-bit samples per pixel, per row
    const idat = shot.indexOf('IDAT', 0, 'latin1');
    const len = shot.readUInt32BE(idat - 4);
    const raw = inflateSync(shot.subarray(idat + 4, idat + 4 + len));
    expect(raw.length).toBe(h * (1 + w * 6));
  });
});
