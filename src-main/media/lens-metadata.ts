/**
 * The lens a shot was filmed with, when its media say so. Few files carry it: phones write a 35 mm
 * equivalent focal length into QuickTime metadata (`com.apple.quicktime.camera.focal_length.35mm_equivalent`),
 * and some tools copy EXIF's `FocalLengthIn35mmFilm`. A 35 mm equivalent relates the image's diagonal to
 * the 43.27 mm diagonal of a 36 × 24 mm frame (CIPA DC-008), so it is kept as a focal on a virtual sensor
 * with the image's aspect and a 43.27 mm diagonal. Camera originals with real lens data (ARRI, RED, Sony
 * RAW) keep it in vendor metadata that ffprobe does not expose; for those, the user gives the lens.
 */
import type { LensFacts } from './types';

/** Diagonal of a 36 × 24 mm frame. */
export const FULL_FRAME_DIAGONAL_MM = Math.hypot(36, 24);

const EQUIVALENT_35MM_KEYS = [
  'com.apple.quicktime.camera.focal_length.35mm_equivalent',
  'focallengthin35mmfilm',
  'focallengthin35mmformat',
];

/** A focal in mm from a tag value ("26", "26.0", "26 mm"); null when it is not a plausible focal. */
function focalMmOf(value: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:mm)?\s*$/i.exec(value);
  if (!m) return null;
  const f = Number(m[1]);
  return f >= 1 && f <= 2000 ? f : null;
}

/**
 * The lens from container/stream tags (first source wins), for an image of `width` × `height` pixels
 * (as displayed). Null when no known tag holds a plausible focal length.
 */
export function lensFromTags(
  sources: readonly (Record<string, string> | undefined)[],
  width: number,
  height: number,
): LensFacts | null {
  if (!(width > 0 && height > 0)) return null;
  for (const tags of sources) {
    if (!tags) continue;
    for (const [key, value] of Object.entries(tags)) {
      if (!EQUIVALENT_35MM_KEYS.includes(key.toLowerCase())) continue;
      const f = focalMmOf(value);
      if (f === null) continue;
      return {
        focalMm: f,
        sensorWidthMm: (FULL_FRAME_DIAGONAL_MM * width) / Math.hypot(width, height),
        source: `${key} = ${value.trim()} (35 mm equivalent)`,
      };
    }
  }
  return null;
}
