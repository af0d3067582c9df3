/**
 * CMX3600 EDL of a delivery timeline. An EDL holds one video track, so it lists the rendered plates
 * (or, with `track: 'sources'`, the source shots); a plate carries its shot's reel and source timecode,
 * so the same list conforms against delivered plates or the original media.
 *
 * Layout per event (CMX3600 columns): event number (3 digits), two spaces, reel (8, left-justified),
 * space, channel (`V`, 5 wide), space, transition (`C`, 4 wide), space, duration (3 wide, empty for a
 * cut), space, then source in, source out, record in, record out. Drop-frame timecode is written
 * `HH:MM:SS;FF` under `FCM: DROP FRAME`.
 *
 * Reel names are at most 8 characters: anything but letters, digits, `_` and `-` becomes `_`, then the
 * name is cut to 8; when two different reels would end up the same, the later one's last characters
 * become a number (`A001C00~2`-style, kept at 8). The full reel is kept in a `* COMMENT:` line then.
 */
import { frameToTimecode } from '../timecode';
import { sequenceFileName, type Timeline, type TimelineMedia } from './model';

export const EDL_REEL_LENGTH = 8;
/** CMX3600 numbers events 001–999. */
export const EDL_MAX_EVENTS = 999;

export interface EdlOptions {
  /** Which track the list holds: the rendered plates (default) or the source shots. */
  track?: 'plates' | 'sources';
}

/** One-line text for a title or comment (no line breaks, no control characters). */
const oneLine = (s: string): string =>
  s
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function cleanReel(reel: string): string {
  const s = reel.replace(/[^A-Za-z0-9_-]/g, '_');
  return s === '' ? 'AX' : s;
}

/**
 * The 8-character reel name each full reel name gets in this list (the same full name always gets the
 * same short one; different full names never share one).
 */
export function edlReelNames(reels: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const reel of reels) {
    if (out.has(reel)) continue;
    const base = cleanReel(reel).slice(0, EDL_REEL_LENGTH);
    let name = base;
    for (let n = 2; used.has(name); n++) {
      const tag = String(n);
      name = base.slice(0, EDL_REEL_LENGTH - tag.length) + tag;
    }
    used.add(name);
    out.set(reel, name);
  }
  return out;
}

function mediaFile(media: TimelineMedia): string {
  if (media.kind === 'file') return media.path;
  const sep = media.folder.includes('\\') && !media.folder.includes('/') ? '\\' : '/';
  return `${media.folder.replace(/[\\/]+$/, '')}${sep}${sequenceFileName(media, media.firstNumber)}`;
}

/** The EDL text of a timeline. Throws when it has more events than CMX3600 numbers. */
export function writeEdl(t: Timeline, options: EdlOptions = {}): string {
  const track = options.track ?? 'plates';
  const events = t.events.filter((e) => track === 'sources' || e.plate !== null);
  if (events.length > EDL_MAX_EVENTS) {
    throw new RangeError(
      `An EDL holds at most ${EDL_MAX_EVENTS} events; this timeline has ${events.length}. Export fewer shots (--shots) or use OTIO/FCPXML.`,
    );
  }
  const reels = edlReelNames(events.map((e) => e.reel));
  const tc = (f: number) => frameToTimecode(f, t.fps, t.dropFrame);
  const lines = [`TITLE: ${oneLine(t.name).slice(0, 70) || 'Reshoot'}`];
  lines.push(`FCM: ${t.dropFrame ? 'DROP FRAME' : 'NON-DROP FRAME'}`);
  events.forEach((e, i) => {
    const reel = reels.get(e.reel)!;
    const clip = track === 'plates' && e.plate ? e.plate : e.source;
    lines.push('');
    lines.push(
      `${String(i + 1).padStart(3, '0')}  ${reel.padEnd(EDL_REEL_LENGTH)} ${'V'.padEnd(5)} ${'C'.padEnd(4)} ${''.padEnd(3)} ` +
        `${tc(e.sourceIn)} ${tc(e.sourceOut)} ${tc(e.recordIn)} ${tc(e.recordOut)}`,
    );
    lines.push(`* FROM CLIP NAME: ${oneLine(clip.name)}`);
    lines.push(`* SOURCE FILE: ${oneLine(mediaFile(clip.media))}`);
    if (reel !== e.reel) lines.push(`* COMMENT: REEL ${oneLine(e.reel)}`);
  });
  return lines.join('\n') + '\n';
}
