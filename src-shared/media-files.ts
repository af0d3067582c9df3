/**
 * Which files Reshoot takes as shots, said once for the core, the file browser, native dialogs and drag
 * and drop: image-sequence frames by extension, video containers by extension (ffprobe decides in the end).
 */
export const SEQUENCE_EXTENSIONS = ['png', 'exr', 'jpg', 'jpeg', 'tif', 'tiff', 'dpx'] as const;

export const VIDEO_EXTENSIONS = [
  'mp4',
  'mov',
  'm4v',
  'mkv',
  'mxf',
  'avi',
  'webm',
  'mts',
  'm2ts',
  'mpg',
  'mpeg',
  'ts',
  'y4m',
] as const;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** A still image of a kind sequences are made of (`.exr`, `.DPX`, …), numbered or not. */
export function isImageFileName(name: string): boolean {
  return (SEQUENCE_EXTENSIONS as readonly string[]).includes(extensionOf(name));
}

/** A file whose extension is a video container Reshoot imports. */
export function isVideoFileName(name: string): boolean {
  return (VIDEO_EXTENSIONS as readonly string[]).includes(extensionOf(name));
}

/** `shot.0001.exr` → prefix `shot.`, digits `0001`, suffix `.exr`; null when not a numbered image. */
export function sequenceFrameParts(name: string): { prefix: string; digits: string; suffix: string } | null {
  const m = /^(.*?)(\d+)(\.[A-Za-z0-9]+)$/.exec(name);
  if (!m || !isImageFileName(name)) return null;
  return { prefix: m[1] ?? '', digits: m[2] ?? '', suffix: m[3] ?? '' };
}

/** A numbered still image: a frame of an image sequence. */
export function isSequenceImageName(name: string): boolean {
  return sequenceFrameParts(name) !== null;
}
