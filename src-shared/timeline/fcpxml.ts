/**
 * FCPXML 1.10 of a delivery timeline (Final Cut Pro; DaVinci Resolve reads it too).
 *
 * resources: one `format` (frameDuration = 1/fps as rational seconds, width, height, Rec. 709) and one
 * `asset` per media file (start = the media's start timecode, duration, a `media-rep` with its file://
 * URL and the reel in `com.apple.proapps.studio.reel` metadata). library › event › project › sequence
 * (tcStart = the timeline's first timecode, tcFormat DF/NDF) › spine: the rendered plates as
 * `asset-clip`s in the primary storyline at their record positions (a `gap` fills the time between
 * them, and stands in for a shot without a plate); each source shot is a connected `asset-clip` on
 * lane 1 of its plate (or gap), same range, disabled (`enabled="0"`) so the plates are what plays.
 *
 * Times are rational seconds `N/Ds` (or `Ns` when whole), always exact multiples of the frame duration.
 * An image-sequence plate is referenced by its first frame file: Final Cut Pro imports movie files, so
 * hand it delivered plates (the delivered-plate map) rather than PNG frames.
 */
import { fileUrl } from './file-url';
import { sequenceFileName, type Timeline, type TimelineClip, type TimelineMedia } from './model';

export const FCPXML_VERSION = '1.10';
/** The metadata key Final Cut Pro keeps a clip's reel under. */
export const FCP_REEL_KEY = 'com.apple.proapps.studio.reel';

/**
 * Rational seconds of `frames` frames at `fps`, as Final Cut Pro writes them: whole seconds as "3600s",
 * otherwise over the rate's numerator ("86486400/24000s" is 01:00:00:00 at 23.976).
 */
export function fcpTime(frames: number, fps: { num: number; den: number }): string {
  if (!Number.isSafeInteger(frames)) throw new RangeError(`Frame count must be whole, got ${frames}`);
  const n = frames * fps.den;
  return n % fps.num === 0 ? `${n / fps.num}s` : `${n}/${fps.num}s`;
}

/** XML attribute text: escaped, without control characters (XML 1.0 cannot hold most of them). */
function attr(s: string): string {
  return s
    .replace(/\p{Cc}/gu, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${attr(String(v))}"`)
    .join('');
}

function mediaPath(m: TimelineMedia): string {
  if (m.kind === 'file') return m.path;
  return `${m.folder.replace(/[\\/]+$/, '')}/${sequenceFileName(m, m.firstNumber)}`;
}

/** The FCPXML text of a timeline. */
export function writeFcpxml(t: Timeline): string {
  const time = (frames: number) => fcpTime(frames, t.fps);
  const tcFormat = t.dropFrame ? 'DF' : 'NDF';
  const formatId = 'r1';
  const assets = new Map<string, { id: string; clip: TimelineClip; reel: string }>();
  const assetOf = (c: TimelineClip, reel: string): string => {
    const key = `${mediaPath(c.media)}\n${c.available.start}\n${c.available.duration}`;
    let a = assets.get(key);
    if (!a) {
      a = { id: `r${assets.size + 2}`, clip: c, reel };
      assets.set(key, a);
    }
    return a.id;
  };

  const spine: string[] = [];
  let at = t.start;
  const gapEl = (from: number, to: number, inner = ''): string => {
    const a = attrs({ name: 'Gap', offset: time(from), start: time(from), duration: time(to - from) });
    return inner ? `<gap${a}>\n    ${inner}\n</gap>` : `<gap${a}/>`;
  };
  for (const e of t.events) {
    if (e.recordIn > at) spine.push(gapEl(at, e.recordIn));
    const duration = time(e.recordOut - e.recordIn);
    const sourceRef = assetOf(e.source, e.reel);
    if (e.plate) {
      const plateRef = assetOf(e.plate, e.reel);
      const connected = `<asset-clip${attrs({
        ref: sourceRef,
        lane: 1,
        offset: time(e.sourceIn),
        name: e.source.name,
        start: time(e.sourceIn),
        duration,
        enabled: 0,
        format: formatId,
        tcFormat,
      })}/>`;
      spine.push(
        `<asset-clip${attrs({
          ref: plateRef,
          offset: time(e.recordIn),
          name: e.plate.name,
          start: time(e.sourceIn),
          duration,
          format: formatId,
          tcFormat,
        })}>\n    ${connected}\n</asset-clip>`,
      );
    } else {
      // A gap's own time starts at its `start`, which is its offset here: the source connects there.
      const connected = `<asset-clip${attrs({
        ref: sourceRef,
        lane: 1,
        offset: time(e.recordIn),
        name: e.source.name,
        start: time(e.sourceIn),
        duration,
        enabled: 0,
        format: formatId,
        tcFormat,
      })}/>`;
      spine.push(gapEl(e.recordIn, e.recordOut, connected));
    }
    at = e.recordOut;
  }

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<!DOCTYPE fcpxml>');
  out.push(`<fcpxml version="${FCPXML_VERSION}">`);
  out.push('    <resources>');
  out.push(
    `        <format${attrs({
      id: formatId,
      frameDuration: fcpTime(1, t.fps),
      width: t.width,
      height: t.height,
      colorSpace: '1-1-1 (Rec. 709)',
    })}/>`,
  );
  for (const a of assets.values()) {
    out.push(
      `        <asset${attrs({
        id: a.id,
        name: a.clip.name,
        start: time(a.clip.available.start),
        duration: time(a.clip.available.duration),
        hasVideo: 1,
        format: formatId,
        videoSources: 1,
      })}>`,
    );
    out.push(
      `            <media-rep${attrs({ kind: 'original-media', src: fileUrl(mediaPath(a.clip.media)) })}/>`,
    );
    out.push('            <metadata>');
    out.push(`                <md${attrs({ key: FCP_REEL_KEY, value: a.reel })}/>`);
    out.push('            </metadata>');
    out.push('        </asset>');
  }
  out.push('    </resources>');
  out.push('    <library>');
  out.push(`        <event${attrs({ name: t.name })}>`);
  out.push(`            <project${attrs({ name: t.name })}>`);
  out.push(
    `                <sequence${attrs({
      format: formatId,
      duration: time(t.end - t.start),
      tcStart: time(t.start),
      tcFormat,
    })}>`,
  );
  out.push('                    <spine>');
  for (const s of spine) out.push(s.replace(/^/gm, ' '.repeat(24)));
  out.push('                    </spine>');
  out.push('                </sequence>');
  out.push('            </project>');
  out.push('        </event>');
  out.push('    </library>');
  out.push('</fcpxml>');
  return out.join('\n') + '\n';
}
