/**
 * The plate formats Reshoot delivers: what each is for, its container or file type, whether it carries
 * an alpha channel, and the ffmpeg encoder arguments of the movie formats. Every movie is a QuickTime
 * .mov, also the review copies: its timecode track carries the reel name editors conform by (ffmpeg's
 * mov muxer writes the video stream's `reel_name` into the tmcd track).
 */
import { ApiError, PLATE_FORMATS } from '../../src-shared/api/contract';

/** The formats, as the API contract lists them (the Deliver panel offers the same). */
export { PLATE_FORMATS };
export type PlateFormat = (typeof PLATE_FORMATS)[number];

interface FormatBase {
  id: PlateFormat;
  /** One line for help texts and the Deliver panel. */
  summary: string;
  /** The file name extension, without the dot. */
  extension: string;
  /** Carries the render's mask as alpha (seen or filled opaque, empty transparent). */
  alpha: boolean;
}

export interface MovieFormat extends FormatBase {
  kind: 'movie';
  /** What the RGB frames become before encoding (ffmpeg pixel format). */
  pixelFormat: string;
  /** RGB→YUV with the BT.709 matrix in limited range; false for RGB codecs. */
  yuv: boolean;
  /** ffmpeg's codec and its options. */
  codecArgs: readonly string[];
  /** Every picture starts a closed GOP of its own (intra-only): segments join exactly. */
  intraOnly: boolean;
  /** Smallest picture the encoder takes. */
  minWidth: number;
  minHeight: number;
  /** The chroma subsampling needs even sides (4:2:0). */
  evenSides: boolean;
}

export interface SequenceFormat extends FormatBase {
  kind: 'sequence';
}

export type PlateFormatInfo = MovieFormat | SequenceFormat;

/** Constant-quality review copies: visually clean at a fraction of the mastering formats' size. */
const REVIEW_CRF = { h264: 18, h265: 20 } as const;

const movie = (f: Omit<MovieFormat, 'kind' | 'extension'>): MovieFormat => ({
  kind: 'movie',
  extension: 'mov',
  ...f,
});
const anySize = { minWidth: 1, minHeight: 1, evenSides: false } as const;
/** ffmpeg's DNxHR encoder refuses smaller pictures. */
const dnxhrSize = { minWidth: 256, minHeight: 120, evenSides: false } as const;

export const PLATE_FORMAT_INFO: Record<PlateFormat, PlateFormatInfo> = {
  'prores-hq': movie({
    id: 'prores-hq',
    summary: 'Apple ProRes 422 HQ, 10-bit 4:2:2: the usual plate for editing and grading',
    alpha: false,
    pixelFormat: 'yuv422p10le',
    yuv: true,
    codecArgs: ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0'],
    intraOnly: true,
    ...anySize,
  }),
  'prores-4444': movie({
    id: 'prores-4444',
    summary: "Apple ProRes 4444 with alpha (the render's mask): for compositing over other layers",
    alpha: true,
    pixelFormat: 'yuva444p10le',
    yuv: true,
    codecArgs: ['-c:v', 'prores_ks', '-profile:v', '4', '-vendor', 'apl0', '-alpha_bits', '16'],
    intraOnly: true,
    ...anySize,
  }),
  'dnxhr-hq': movie({
    id: 'dnxhr-hq',
    summary: 'Avid DNxHR HQ, 8-bit 4:2:2: Avid Media Composer and Resolve timelines',
    alpha: false,
    pixelFormat: 'yuv422p',
    yuv: true,
    codecArgs: ['-c:v', 'dnxhd', '-profile:v', 'dnxhr_hq'],
    intraOnly: true,
    ...dnxhrSize,
  }),
  'dnxhr-hqx': movie({
    id: 'dnxhr-hqx',
    summary: 'Avid DNxHR HQX, 10-bit 4:2:2: Avid finishing and grading',
    alpha: false,
    pixelFormat: 'yuv422p10le',
    yuv: true,
    codecArgs: ['-c:v', 'dnxhd', '-profile:v', 'dnxhr_hqx'],
    intraOnly: true,
    ...dnxhrSize,
  }),
  'dnxhr-444': movie({
    id: 'dnxhr-444',
    summary: 'Avid DNxHR 444, 10-bit 4:4:4: full chroma for keying and finishing',
    alpha: false,
    pixelFormat: 'yuv444p10le',
    yuv: true,
    codecArgs: ['-c:v', 'dnxhd', '-profile:v', 'dnxhr_444'],
    intraOnly: true,
    ...dnxhrSize,
  }),
  h264: movie({
    id: 'h264',
    summary: `H.264 review copy (8-bit 4:2:0, CRF ${REVIEW_CRF.h264}): small, plays everywhere`,
    alpha: false,
    pixelFormat: 'yuv420p',
    yuv: true,
    // no B-frames and closed GOPs: each segment starts with an IDR picture and segments join exactly
    codecArgs: [
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-crf',
      String(REVIEW_CRF.h264),
      '-bf',
      '0',
      '-flags',
      '+cgop',
      '-x264-params',
      'open-gop=0',
    ],
    intraOnly: false,
    minWidth: 2,
    minHeight: 2,
    evenSides: true,
  }),
  h265: movie({
    id: 'h265',
    summary: `H.265/HEVC review copy (8-bit 4:2:0, CRF ${REVIEW_CRF.h265}): half the size of H.264`,
    alpha: false,
    pixelFormat: 'yuv420p',
    yuv: true,
    codecArgs: [
      '-c:v',
      'libx265',
      '-preset',
      'medium',
      '-crf',
      String(REVIEW_CRF.h265),
      '-tag:v',
      'hvc1',
      '-x265-params',
      'bframes=0:open-gop=0:log-level=error',
    ],
    intraOnly: false,
    minWidth: 2,
    minHeight: 2,
    evenSides: true,
  }),
  png16: {
    id: 'png16',
    kind: 'sequence',
    summary: "16-bit PNG sequence; a render's has its mask as alpha (RGBA), a shot's is RGB",
    extension: 'png',
    alpha: true,
  },
  exr: {
    id: 'exr',
    kind: 'sequence',
    summary: 'OpenEXR sequence: half-float RGBA, float Z (target depth) and a mask channel',
    extension: 'exr',
    alpha: true,
  },
};

export function isPlateFormat(v: unknown): v is PlateFormat {
  return typeof v === 'string' && (PLATE_FORMATS as readonly string[]).includes(v);
}

export function plateFormat(v: unknown): PlateFormatInfo {
  if (!isPlateFormat(v))
    throw new ApiError(
      'invalid-argument',
      `'${String(v)}' is not a plate format; use one of ${PLATE_FORMATS.join(', ')}.`,
    );
  return PLATE_FORMAT_INFO[v];
}

/** Refuses a picture size the format's encoder cannot take, saying why. */
export function checkPlateSize(f: PlateFormatInfo, width: number, height: number): void {
  if (f.kind !== 'movie') return;
  if (width < f.minWidth || height < f.minHeight)
    throw new ApiError(
      'invalid-argument',
      `${f.id} needs pictures of at least ${f.minWidth}×${f.minHeight}; this plate is ${width}×${height}.`,
    );
  if (f.evenSides && (width % 2 !== 0 || height % 2 !== 0))
    throw new ApiError(
      'invalid-argument',
      `${f.id} (4:2:0) needs an even width and height; this plate is ${width}×${height}. Deliver prores-hq or png16 instead.`,
    );
}
