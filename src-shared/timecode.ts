/**
 * SMPTE timecode ↔ frame numbers for any rational frame rate (SPEC §2).
 *
 * - The timecode counts at the *nominal* rate: round(num/den) frames per second (24000/1001 → 24,
 *   30000/1001 → 30, 60000/1001 → 60).
 * - Drop-frame (DF) is written with `;` before the frames (`01:00:00;00`) and exists only for the
 *   NTSC rates whose nominal rate is a multiple of 30 (29.97, 59.94, 119.88): frame numbers 0..k-1
 *   (k = 2 per 30 nominal fps) are skipped at the start of every minute except minutes 0, 10, 20, …
 *   so that the timecode tracks wall-clock time.
 * - Non-drop (NDF) is written with `:` and simply counts nominal frames (23.976, 24, 25, 29.97 NDF, 30…).
 * - Frame numbers here are absolute (frame 0 = 00:00:00:00). Timecode wraps after 24 hours.
 */
import type { Rational } from './rational';

export interface TimecodeParts {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
  dropFrame: boolean;
}

export class TimecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimecodeError';
  }
}

/** Frames per second the timecode counts (24000/1001 → 24). */
export function nominalRate(fps: Rational): number {
  if (!(fps.num > 0 && fps.den > 0))
    throw new TimecodeError(`Frame rate must be positive, got ${fps.num}/${fps.den}`);
  const n = Math.round(fps.num / fps.den);
  if (n < 1)
    throw new TimecodeError(`Frame rate ${fps.num}/${fps.den} is below 1 fps; timecode is undefined`);
  return n;
}

/** Whether drop-frame timecode is defined at this rate (29.97, 59.94, 119.88…). */
export function supportsDropFrame(fps: Rational): boolean {
  const n = nominalRate(fps);
  // Exactly n*1000/1001.
  return n % 30 === 0 && fps.num * 1001 === n * 1000 * fps.den;
}

/** Frame numbers dropped at the start of each non-tenth minute (2 at 29.97, 4 at 59.94). */
function dropCount(nominal: number): number {
  return (nominal / 30) * 2;
}

function framesPerDay(nominal: number, dropFrame: boolean): number {
  if (!dropFrame) return nominal * 86400;
  const perTenMin = nominal * 600 - dropCount(nominal) * 9;
  return perTenMin * 6 * 24;
}

const TC_RE = /^(\d{1,2})[:;.](\d{2})[:;.](\d{2})([:;.,])(\d{2,3})$/;

/**
 * Parses `HH:MM:SS:FF` (non-drop) or `HH:MM:SS;FF` / `HH;MM;SS;FF` / `HH:MM:SS.FF` (drop-frame).
 * Checks field ranges only; use {@link timecodeToFrame} to validate against a frame rate.
 */
export function parseTimecode(text: string): TimecodeParts {
  const s = text.trim();
  const m = TC_RE.exec(s);
  if (!m) {
    throw new TimecodeError(
      `"${text}" is not a SMPTE timecode (expected HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame)`,
    );
  }
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  const frames = Number(m[5]);
  const dropFrame = m[4] !== ':' || s.includes(';');
  if (hours > 23) throw new TimecodeError(`Timecode "${text}": hours must be 00–23`);
  if (minutes > 59) throw new TimecodeError(`Timecode "${text}": minutes must be 00–59`);
  if (seconds > 59) throw new TimecodeError(`Timecode "${text}": seconds must be 00–59`);
  return { hours, minutes, seconds, frames, dropFrame };
}

/** Writes timecode parts; frames are padded to the width the nominal rate needs (2, or 3 above 100 fps). */
export function formatTimecodeParts(p: TimecodeParts, nominal = 30): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const fw = nominal > 100 ? 3 : 2;
  return `${two(p.hours)}:${two(p.minutes)}:${two(p.seconds)}${p.dropFrame ? ';' : ':'}${String(p.frames).padStart(fw, '0')}`;
}

/**
 * Absolute frame number of a timecode at `fps`. Drop-frame is taken from the separator.
 * Throws a {@link TimecodeError} when the timecode cannot exist at this rate (frames ≥ nominal rate,
 * drop-frame at a non-NTSC rate, or a dropped frame label such as `00:01:00;00` at 29.97).
 */
export function timecodeToFrame(text: string, fps: Rational): number {
  const p = parseTimecode(text);
  const nominal = nominalRate(fps);
  if (p.frames >= nominal) {
    throw new TimecodeError(
      `Timecode "${text}": frames must be below ${nominal} at ${fps.num}/${fps.den} fps`,
    );
  }
  const totalMinutes = p.hours * 60 + p.minutes;
  const base = (totalMinutes * 60 + p.seconds) * nominal + p.frames;
  if (!p.dropFrame) return base;
  if (!supportsDropFrame(fps)) {
    throw new TimecodeError(
      `Timecode "${text}" is drop-frame (";"), which exists only at 29.97/59.94 fps (30000/1001, 60000/1001), not at ${fps.num}/${fps.den}`,
    );
  }
  const drop = dropCount(nominal);
  if (p.seconds === 0 && p.frames < drop && p.minutes % 10 !== 0) {
    throw new TimecodeError(
      `Timecode "${text}" does not exist in drop-frame: frames 00–${String(drop - 1).padStart(2, '0')} are skipped at the start of every minute except each tenth`,
    );
  }
  return base - drop * (totalMinutes - Math.floor(totalMinutes / 10));
}

/** Timecode parts of an absolute frame number (wrapping after 24 hours; negative numbers wrap back). */
export function frameToTimecodeParts(frame: number, fps: Rational, dropFrame = false): TimecodeParts {
  if (!Number.isInteger(frame)) throw new TimecodeError(`Frame number must be an integer, got ${frame}`);
  const nominal = nominalRate(fps);
  if (dropFrame && !supportsDropFrame(fps)) {
    throw new TimecodeError(
      `Drop-frame timecode exists only at 29.97/59.94 fps, not at ${fps.num}/${fps.den}`,
    );
  }
  const day = framesPerDay(nominal, dropFrame);
  let f = ((frame % day) + day) % day;
  if (dropFrame) {
    const drop = dropCount(nominal);
    const perMin = nominal * 60 - drop;
    const perTenMin = nominal * 600 - drop * 9;
    const tens = Math.floor(f / perTenMin);
    const rem = f % perTenMin;
    f += drop * 9 * tens;
    if (rem > drop) f += drop * Math.floor((rem - drop) / perMin);
  }
  const frames = f % nominal;
  const totalSeconds = Math.floor(f / nominal);
  return {
    hours: Math.floor(totalSeconds / 3600),
    minutes: Math.floor(totalSeconds / 60) % 60,
    seconds: totalSeconds % 60,
    frames,
    dropFrame,
  };
}

/** `HH:MM:SS:FF` (or `HH:MM:SS;FF` when dropFrame) of an absolute frame number. */
export function frameToTimecode(frame: number, fps: Rational, dropFrame = false): string {
  return formatTimecodeParts(frameToTimecodeParts(frame, fps, dropFrame), nominalRate(fps));
}

/** Whether a timecode string is drop-frame (its separator before the frames is `;`, `.` or `,`). */
export function isDropFrame(text: string): boolean {
  return parseTimecode(text).dropFrame;
}

/**
 * Timecode of frame `index` of a shot whose first frame is `startTimecode` (e.g. the viewer's display).
 * With no start timecode, counts from 00:00:00:00 (drop-frame at 29.97/59.94 when `dropFrame` is set).
 */
export function shotFrameTimecode(
  index: number,
  fps: Rational,
  startTimecode: string | null,
  dropFrame?: boolean,
): string {
  if (startTimecode) {
    const df = isDropFrame(startTimecode);
    return frameToTimecode(timecodeToFrame(startTimecode, fps) + index, fps, df);
  }
  return frameToTimecode(index, fps, dropFrame ?? false);
}

/** Normalises a timecode string for `fps` (validates it and rewrites it canonically), or throws. */
export function normalizeTimecode(text: string, fps: Rational): string {
  const df = isDropFrame(text);
  return frameToTimecode(timecodeToFrame(text, fps), fps, df);
}
