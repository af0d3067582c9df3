/**
 * Frame source for the trackers: decodes a shot (video or image sequence) through the media module and
 * hands out frames as tracker images. Gray frames for KLT, RGB (plus its luma) for XFeat.
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

/** Gray frames; the yielded image buffer is reused between iterations. */
export async function* grayFrames(
  facts: MediaFacts,
  r: FrameRange = {},
): AsyncGenerator<{ index: number; image: GrayImage }> {
  const { start, count } = range(facts, r);
  let img: GrayImage | undefined;
  for await (const f of decodeFrames(facts, {
    start,
    count,
    width: r.width,
    height: r.height,
    pixelFormat: 'gray',
    signal: r.signal,
  })) {
    img = grayFromU8(f.data, f.width, f.height, img);
    yield { index: f.index, image: img };
  }
}

/**
 * RGB frames with their luma. The luma is converted when its pixels are first read (`gray.data`): the
 * XFeat tracker computes its own luma only where it needs it and never reads it, so it costs nothing
 * there. The gray buffer is reused between iterations.
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
