/**
 * Frame source for the trackers: decodes a shot (video or image sequence) through the media module and
 * hands out frames as tracker images: float luma for KLT, 8-bit luma for XFeat, RGB for whoever needs colour.
 */
import { decodeFrames, type MediaFacts } from '../../media';
import { grayFromRgb24, grayFromU8, type GrayImage } from './image';

export interface FrameRange {
  start?: number;
  count?: number;
  /** Decode size (default: the shot's size). Tracks are in these pixels. */
  width?: number;
  height?: number;
  signal?: AbortSignal;
}

export interface RgbFrame {
  index: number;
  width: number;
  height: number;
  rgb: Uint8Array;
  gray: GrayImage;
}

function range(facts: MediaFacts, r: FrameRange): { start: number; count: number } {
  const start = r.start ?? 0;
  return { start, count: Math.min(r.count ?? facts.frameCount - start, facts.frameCount - start) };
}

export interface LumaFrame {
  index: number;
  width: number;
  height: number;
  /** One byte per pixel, row-major: ffmpeg's gray output (a video's own Y plane, no colour conversion). */
  luma: Uint8Array;
}

/** 8-bit luma frames as ffmpeg decodes them; each buffer is valid until the next iteration. */
export async function* lumaFrames(facts: MediaFacts, r: FrameRange = {}): AsyncGenerator<LumaFrame> {
  const { start, count } = range(facts, r);
  for await (const f of decodeFrames(facts, {
    start,
    count,
    width: r.width,
    height: r.height,
    pixelFormat: 'gray',
    signal: r.signal,
  }))
    yield { index: f.index, width: f.width, height: f.height, luma: f.data };
}

/** Gray frames as float images; the yielded image buffer is reused between iterations. */
export async function* grayFrames(
  facts: MediaFacts,
  r: FrameRange = {},
): AsyncGenerator<{ index: number; image: GrayImage }> {
  let img: GrayImage | undefined;
  for await (const f of lumaFrames(facts, r)) {
    img = grayFromU8(f.luma, f.width, f.height, img);
    yield { index: f.index, image: img };
  }
}

/**
 * RGB frames with their luma. The luma is converted when its pixels are first read (`gray.data`), so a
 * caller that only needs the colour pays nothing for it. The gray buffer is reused between iterations.
 */
export async function* rgbFrames(facts: MediaFacts, r: FrameRange = {}): AsyncGenerator<RgbFrame> {
  const { start, count } = range(facts, r);
  let img: GrayImage | undefined;
  for await (const f of decodeFrames(facts, {
    start,
    count,
    width: r.width,
    height: r.height,
    pixelFormat: 'rgb24',
    signal: r.signal,
  })) {
    let converted: Float32Array | undefined;
    const gray: GrayImage = {
      width: f.width,
      height: f.height,
      get data(): Float32Array {
        if (!converted) {
          img = grayFromRgb24(f.data, f.width, f.height, img);
          converted = img.data;
        }
        return converted;
      },
    };
    yield { index: f.index, width: f.width, height: f.height, rgb: f.data, gray };
  }
}
