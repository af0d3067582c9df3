/**
 * "Track shot" worker: decodes one chunk of a shot (ffmpeg child process) and runs the 2D tracker on
 * it off the main thread, continuing from the previous chunk's saved tracker state. XFeat sessions are
 * hosted here directly (this is already a worker). Protocol: src-main/analysis/track-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrackChunkRequest, TrackWorkerMessage } from '../analysis/track-protocol';
import {
  KltTracker,
  XFeatTracker,
  assignXFeatOutputs,
  grayFrames,
  rgbFrames,
  writeTrackFile,
  type TrackSet,
  type XFeatRunner,
} from '../analysis/tracking';
import { SessionHost } from '../inference/session-host';
import { writeFileAtomic } from '../util/atomic-write';

const port = parentPort;
if (!port) throw new Error('track.worker: must be started as a worker thread');
const req = workerData as TrackChunkRequest;
const post = (m: TrackWorkerMessage) => port.postMessage(m);

/** Tracks are computed at analysis size; the file holds the shot's full-resolution pixels. */
function toFullResolution(set: TrackSet, width: number, height: number): TrackSet {
  const sx = width / set.width;
  const sy = height / set.height;
  const xy = new Float32Array(set.xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    xy[i] = set.xy[i]! * sx;
    xy[i + 1] = set.xy[i + 1]! * sy;
  }
  return { ...set, width, height, xy };
}

async function xfeatRunner(host: SessionHost, path: string): Promise<{ run: XFeatRunner; provider: string }> {
  const info = await host.load({ path, key: 'xfeat' });
  const input = info.inputs[0]?.name ?? 'input';
  const run: XFeatRunner = async (data, dims) => {
    const r = await host.run('xfeat', { [input]: { type: 'float32', dims: [...dims], data } });
    return assignXFeatOutputs(r.outputs as Record<string, { dims: readonly number[]; data: unknown }>);
  };
  return { run, provider: info.provider };
}

async function main(): Promise<void> {
  const w = req.analysisWidth;
  const h = req.analysisHeight;
  const range = { start: req.start, count: req.count, width: w, height: h };
  let done = 0;
  let provider: string | null = null;
  let tracker: KltTracker | XFeatTracker;
  if (req.method === 'klt') {
    const klt = req.state ? KltTracker.restore(req.state) : new KltTracker(w, h);
    for await (const f of grayFrames(req.facts, range)) {
      klt.push(f.image);
      post({ type: 'progress', frames: ++done });
    }
    tracker = klt;
  } else {
    if (!req.modelPath) throw new Error('XFeat tracking needs the XFeat model: install it in Models.');
    const host = new SessionHost(req.providers ? { providers: req.providers } : {});
    const x = await xfeatRunner(host, req.modelPath);
    provider = x.provider;
    const xf = req.state ? XFeatTracker.restore(req.state, x.run) : new XFeatTracker(w, h, x.run);
    for await (const f of rgbFrames(req.facts, range)) {
      await xf.push(f.rgb, f.gray);
      post({ type: 'progress', frames: ++done });
    }
    tracker = xf;
  }
  if (done !== req.count) throw new Error(`decoded ${done} of ${req.count} frames from ${req.facts.path}`);
  await writeFileAtomic(req.stateOut, tracker.snapshot());
  let numTracks = 0;
  if (req.tracksOut) {
    const set = toFullResolution(tracker.result(), req.facts.width, req.facts.height);
    await writeTrackFile(req.tracksOut, set);
    numTracks = set.numTracks;
  }
  post({ type: 'done', provider, numTracks, stats: { ...tracker.stats } });
}

main().catch((e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }));
