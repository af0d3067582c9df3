/** Path helpers for display and for the file browser; the core checks every path again. */
import { isSequenceImageName } from '../../../src-shared/media-files';

export function separatorOf(path: string): string {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

export function basename(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

export function dirname(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (i < 0) return trimmed;
  if (i === 0) return trimmed.slice(0, 1);
  const head = trimmed.slice(0, i);
  return /^[A-Za-z]:$/.test(head) ? `${head}\\` : head;
}

/** `shot.0001.exr` → { stem: 'shot.', digits: '0001', ext: '.exr' }; null when the name has no frame number. */
export function frameNumberParts(name: string): { stem: string; digits: string; ext: string } | null {
  const m = /^(.*?)(\d+)(\.[A-Za-z0-9]+)$/.exec(name);
  return m ? { stem: m[1] ?? '', digits: m[2] ?? '', ext: m[3] ?? '' } : null;
}

/** The pattern a sequence frame belongs to, e.g. `/plates/shot.####.exr`. */
export function sequenceKey(path: string): string | null {
  const parts = frameNumberParts(basename(path));
  if (!parts) return null;
  return `${dirname(path)}/${parts.stem}${'#'.repeat(parts.digits.length)}${parts.ext}`;
}

/**
 * Keeps one frame per image sequence: the core imports a whole sequence from the path of any frame,
 * so passing all of them would import it many times.
 */
export function onePathPerSequence(paths: string[], isSequenceFrame: (path: string) => boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of paths) {
    const key = isSequenceFrame(p) ? sequenceKey(p) : null;
    if (key) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(p);
  }
  return out;
}

/** For dropped files, where the core has not classified them: a numbered still image. */
export function looksLikeSequenceFrame(path: string): boolean {
  return isSequenceImageName(basename(path));
}
