import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_FRAME_DIAGONAL_MM, lensFromTags } from '../../../src-main/media/lens-metadata';

describe('lensFromTags', () => {
  it('reads a QuickTime 35 mm equivalent focal as a focal on a 43.27 mm-diagonal sensor of the image aspect', () => {
    const lens = lensFromTags(
      [undefined, { 'com.apple.quicktime.camera.focal_length.35mm_equivalent': '26' }],
      1920,
      1080,
    );
    expect(lens).toMatchObject({ focalMm: 26 });
    // the sensor has the image's aspect and the full-frame diagonal
    const h = (lens!.sensorWidthMm * 1080) / 1920;
    expect(Math.hypot(lens!.sensorWidthMm, h)).toBeCloseTo(FULL_FRAME_DIAGONAL_MM, 9);
    expect(lens!.source).toBe(
      'com.apple.quicktime.camera.focal_length.35mm_equivalent = 26 (35 mm equivalent)',
    );
  });

  it('takes EXIF-style keys in any case, with or without "mm"; the first source wins', () => {
    expect(lensFromTags([{ FocalLengthIn35mmFilm: '50 mm' }], 3000, 2000)?.focalMm).toBe(50);
    expect(
      lensFromTags([{ focallengthin35mmformat: '35' }, { FocalLengthIn35mmFilm: '50' }], 3000, 2000)?.focalMm,
    ).toBe(35);
    // a 3:2 image: the virtual sensor is exactly 36 mm wide
    expect(lensFromTags([{ FocalLengthIn35mmFilm: '50' }], 3000, 2000)!.sensorWidthMm).toBeCloseTo(36, 9);
  });

  it('ignores what is not a plausible focal length, and images without a size', () => {
    for (const v of ['', 'wide', '0', '-5', '1e9', '26;rm', '50 mm 2']) {
      expect(lensFromTags([{ FocalLengthIn35mmFilm: v }], 1920, 1080)).toBeNull();
    }
    expect(lensFromTags([{ FocalLengthIn35mmFilm: '26' }], 0, 1080)).toBeNull();
    expect(lensFromTags([{ focal_length: '26' }, {}], 1920, 1080)).toBeNull();
  });

  it('gives a horizontal focal in pixels that reproduces the 35 mm equivalent field of view on the diagonal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 8192 }),
        fc.integer({ min: 64, max: 8192 }),
        fc.integer({ min: 4, max: 600 }),
        (w, h, f35) => {
          const lens = lensFromTags([{ FocalLengthIn35mmFilm: String(f35) }], w, h)!;
          const fx = (lens.focalMm / lens.sensorWidthMm) * w;
          // diagonal field of view of the image equals that of a 36×24 frame at f35
          const diagImage = 2 * Math.atan(Math.hypot(w, h) / (2 * fx));
          const diagFull = 2 * Math.atan(FULL_FRAME_DIAGONAL_MM / (2 * f35));
          expect(diagImage).toBeCloseTo(diagFull, 9);
        },
      ),
    );
  });
});
