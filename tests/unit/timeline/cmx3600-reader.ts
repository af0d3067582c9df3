/**
 * An independent CMX3600 EDL reader for the tests: it reads what an NLE's EDL import reads — the
 * TITLE, the FCM line, and each event line's fields by CMX3600's columns — and knows nothing of the
 * writer. Timecode is converted to frames here too (not with src-shared/timecode), from the rules of
 * SMPTE drop-frame counting, so that a shared mistake would not cancel out.
 */

export interface EdlEventRead {
  number: number;
  reel: string;
  channel: string;
  transition: string;
  sourceIn: string;
  sourceOut: string;
  recordIn: string;
  recordOut: string;
  comments: string[];
}

export interface EdlRead {
  title: string;
  dropFrame: boolean;
  events: EdlEventRead[];
}

const TC = '(\\d\\d:\\d\\d:\\d\\d[:;]\\d\\d)';
/**
 * Columns: 1–3 event, 4–5 blank, 6–13 reel, 14 blank, 15–19 channel, 20 blank, 21–24 transition,
 * 25 blank, 26–28 duration, 29 blank, then four timecodes separated by one space.
 */
const EVENT = new RegExp(`^(\\d{3})  (.{8}) (.{5}) (.{4}) (.{3}) ${TC} ${TC} ${TC} ${TC}$`);

export function readCmx3600(text: string): EdlRead {
  const lines = text.split(/\r?\n/);
  const title = /^TITLE: (.*)$/.exec(lines[0] ?? '');
  if (!title) throw new Error(`line 1 is not a TITLE: line: '${lines[0]}'`);
  const fcm = /^FCM: (DROP FRAME|NON-DROP FRAME)$/.exec(lines[1] ?? '');
  if (!fcm) throw new Error(`line 2 is not an FCM: line: '${lines[1]}'`);
  const dropFrame = fcm[1] === 'DROP FRAME';
  const events: EdlEventRead[] = [];
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (line.startsWith('* ')) {
      const last = events[events.length - 1];
      if (!last) throw new Error(`line ${i + 1}: a comment before any event`);
      last.comments.push(line.slice(2));
      continue;
    }
    const m = EVENT.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not a CMX3600 event line: '${line}'`);
    const tcs = [m[6]!, m[7]!, m[8]!, m[9]!];
    for (const t of tcs) {
      if (t.includes(';') !== dropFrame) throw new Error(`line ${i + 1}: ${t} does not match FCM ${fcm[1]}`);
    }
    if (m[4]!.trim() !== 'C' || m[5]!.trim() !== '') throw new Error(`line ${i + 1}: not a cut`);
    events.push({
      number: Number(m[1]),
      reel: m[2]!.trimEnd(),
      channel: m[3]!.trimEnd(),
      transition: m[4]!.trim(),
      sourceIn: tcs[0]!,
      sourceOut: tcs[1]!,
      recordIn: tcs[2]!,
      recordOut: tcs[3]!,
      comments: [],
    });
  }
  return { title: title[1]!, dropFrame, events };
}

/**
 * Frames of a timecode at a nominal rate (24, 25, 30, 60). Drop-frame: labels ;00 and ;01 (;00–;03 at
 * 60) of every minute not divisible by 10 do not exist, so a label counts the frames before it minus the
 * labels skipped in the minutes already begun.
 */
export function tcFrames(tc: string, nominal: number): number {
  const m = /^(\d\d):(\d\d):(\d\d)([:;])(\d\d)$/.exec(tc);
  if (!m) throw new Error(`bad timecode ${tc}`);
  const [h, mi, s, f] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[5])];
  if (f >= nominal || s > 59 || mi > 59) throw new Error(`timecode ${tc} out of range at ${nominal}`);
  const labels = ((h * 60 + mi) * 60 + s) * nominal + f;
  if (m[4] !== ';') return labels;
  const skip = nominal / 15; // 2 at 30, 4 at 60
  if (s === 0 && f < skip && mi % 10 !== 0) throw new Error(`${tc} is a dropped label`);
  const minutes = h * 60 + mi;
  return labels - skip * (minutes - Math.floor(minutes / 10));
}
