/** KLT tracks (the product's default tracker) over a clip or a gt shot's frames, optionally downscaled. */
import { probeMedia } from '../../../src-main/media';
import { grayFrames, KltTracker, type TrackSet } from '../../../src-main/analysis/tracking';

export async function kltTracks(
  file: string,
  opts: { frames?: number; width?: number } = {},
): Promise<{ set: TrackSet; ms: number }> {
  const facts = await probeMedia(file);
  const width = opts.width ?? facts.width;
  const height = opts.width ? Math.round((facts.height * opts.width) / facts.width / 2) * 2 : facts.height;
  const t0 = performance.now();
  const trk = new KltTracker(width, height, {});
  for await (const f of grayFrames(facts, { count: opts.frames ?? facts.frameCount, width, height }))
    trk.push(f.image);
  return { set: trk.result(), ms: performance.now() - t0 };
}
