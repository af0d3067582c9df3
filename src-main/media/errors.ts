/** Errors about source media, worded for an editor: which file, and what is wrong with it. */

export type MediaErrorCode =
  | 'missing'
  | 'directory'
  | 'unreadable'
  | 'not-media'
  | 'no-video'
  | 'zero-frames'
  | 'truncated'
  | 'unsupported-codec'
  | 'bad-sequence'
  | 'decode-failed'
  | 'damaged'
  | 'too-large';

const REASONS: Record<MediaErrorCode, string> = {
  missing: 'the file does not exist (it may have been moved, renamed or deleted)',
  directory: 'this is a folder, and it holds no numbered image sequence (name.0001.exr …) to import',
  unreadable: 'Reshoot is not allowed to read this file (check its permissions)',
  'not-media': 'this is not a video file or image sequence that Reshoot can read',
  'no-video':
    'this file has no video picture in it (audio only, or a single still image; a still can only be imported as part of a numbered image sequence)',
  'zero-frames': 'the video track has no frames in it',
  truncated: 'the file is incomplete (cut off): the copy, download or render probably did not finish',
  'unsupported-codec': 'the video is compressed with a codec this ffmpeg cannot decode',
  'bad-sequence': 'the image sequence is broken',
  'decode-failed': 'the video could not be decoded',
  damaged: 'the video data is damaged: some frames cannot be decoded',
  'too-large': 'the picture is larger than Reshoot takes',
};

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  /** The file (or folder) the error is about. */
  readonly path: string;
  /** Tool output or other technical detail, for logs; already summarised in the message. */
  readonly detail: string | null;

  constructor(
    code: MediaErrorCode,
    path: string,
    reason?: string,
    options?: { detail?: string; cause?: unknown },
  ) {
    super(
      `Cannot use "${path}": ${reason ?? REASONS[code]}.`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'MediaError';
    this.code = code;
    this.path = path;
    this.detail = options?.detail ?? null;
  }
}

export function isMediaError(e: unknown): e is MediaError {
  return e instanceof MediaError;
}

/** The standard reason text for a code (for UIs that show the reason apart from the path). */
export function mediaErrorReason(code: MediaErrorCode): string {
  return REASONS[code];
}
