/**
 * "Track shot" worker: decodes one chunk of a shot (ffmpeg child process) and runs the 2D tracker on
 * it off the main thread, continuing from the previous chunk's saved tracker state. It saves the
 * tracker's own state and the chunk's observations apart, so neither grows with the shot; the last
 * chunk joins every chunk's observations into the shot's track file. XFeat's model runs in an inference
 * worker of its own, one frame ahead of the tracking here, so the two overlap (XFeatTracker.pushAll).
 * Protocol: src-main/analysis/track-protocol.ts.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { TrackChunkRequest, TrackWorkerMessage } from '../analysis/track-protocol';
import {
  KltTracker,
  XFeatTracker,
  assignXFeatOutputs,
  grayFrames,
  lumaFrames,
  writeTrackFile,
  type TrackSet,
  type XFeatRunner,
} from '../analysis/tracking';
import {
  assembleTrackSet,
  decodeChunkObservations,
  encodeChunkObservations,
  splitTrackerSnapshot,
  TrackRecorder,
  type ChunkObservations,
  type Observations,
} from '../analysis/tracking/track-set';
import { InferenceRuntime } from '../inference/runtime';
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

async function xfeatRunner(
  host: InferenceRuntime,
  path: string,
): Promise<{ run: XFeatRunner; provider: string }> {
  // The tracker (this thread) and ffmpeg's decode run beside the model: leave them a core each.
  const info = await host.load({
    path,
    key: 'xfeat',
    intraOpThreads: Math.max(1, availableParallelism() - 2),
  });
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
  // Restore from the tracker's own state only; observations a state from an earlier Reshoot still holds
  // (all frames before this chunk) are carried into this chunk's part.
  let state: Uint8Array | null = null;
  let carried: Observations | null = null;
  if (req.state) {
    const split = splitTrackerSnapshot(req.state);
    state = split.state;
    if (split.observations.ids.length) carried = split.observations;
  }
  let done = 0;
  let provider: string | null = null;
  let tracker: KltTracker | XFeatTracker;
  if (req.method === 'klt') {
    const klt = state ? KltTracker.restore(state) : new KltTracker(w, h);
    for await (const f of grayFrames(req.facts, range)) {
      klt.push(f.image);
      post({ type: 'progress', frames: ++done });
    }
    tracker = klt;
  } else {
    if (!req.modelPath) throw new Error('XFeat tracking needs the XFeat model: install it in Models.');
    const host = new InferenceRuntime(req.providers ? { providers: req.providers } : {});
    try {
      const x = await xfeatRunner(host, req.modelPath);
      provider = x.provider;
      const xf = state ? XFeatTracker.restore(state, x.run) : new XFeatTracker(w, h, x.run);
      async function* luma() {
        for await (const f of lumaFrames(req.facts, range)) yield f.luma;
      }
      await xf.pushAll(luma(), () => post({ type: 'progress', frames: ++done }));
      tracker = xf;
    } finally {
      await host.close();
    }
  }
  if (done !== req.count) throw new Error(`decoded ${done} of ${req.count} frames from ${req.facts.path}`);
  const next = splitTrackerSnapshot(tracker.snapshot());
  let observations = next.observations;
  if (carried) {
    const joined = new TrackRecorder();
    joined.append(carried);
    joined.append(observations);
    observations = joined.recorded();
  }
  const part: ChunkObservations = {
    ...observations,
    first: carried ? 0 : req.start,
    end: req.start + req.count,
  };
  // Both before the runner commits the chunk; a crash before that leaves a chunk that runs again.
  if (req.observationsOut) await writeFileAtomic(req.observationsOut, encodeChunkObservations(part));
  if (req.stateOut) await writeFileAtomic(req.stateOut, next.state);
  let numTracks = 0;
  if (req.tracksOut) {
    const parts: ChunkObservations[] = [];
    for (const file of req.observationParts) {
      try {
        parts.push(decodeChunkObservations(new Uint8Array(await readFile(file))));
      } catch (e) {
        throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
      }
    }
    parts.push(part);
    const set = toFullResolution(
      assembleTrackSet(w, h, req.start + req.count, parts),
      req.facts.width,
      req.facts.height,
    );
    await writeTrackFile(req.tracksOut, set);
    numTracks = set.numTracks;
  }
  post({ type: 'done', provider, numTracks, stats: { ...tracker.stats } });
}

main().catch((e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }));
