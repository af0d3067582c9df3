/**
 * "Track shot" worker: decodes a shot (ffmpeg child process) and runs the 2D tracker on it off the main
 * thread, from a start frame and the tracker's state there, one chunk per request. It stays up between
 * the chunks of a job, so the decoder runs through once, the model is loaded once and the tracker's code
 * stays compiled; after each chunk it saves the tracker's own state and the chunk's observations apart
 * (neither grows with the shot) and continues from that saved state, exactly as a worker started
 * there would. The last chunk joins every chunk's observations into the shot's track file. XFeat's
 * model runs in an inference worker of its own, one frame ahead of the tracking here
 * (XFeatTracker.pushAll). Protocol: src-main/analysis/track-protocol.ts.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { TrackChunkStep, TrackSessionStart, TrackWorkerMessage } from '../track-protocol';
import {
  KltTracker,
  XFeatTracker,
  assignXFeatOutputs,
  grayFrames,
  lumaFrames,
  writeTrackFile,
  type GrayImage,
  type TrackSet,
  type XFeatRunner,
} from '.';
import {
  assembleTrackSet,
  decodeChunkObservations,
  encodeChunkObservations,
  splitTrackerSnapshot,
  TrackRecorder,
  type ChunkObservations,
  type Observations,
} from './track-set';
import { InferenceRuntime } from '../../inference/runtime';
import { writeFileAtomic } from '../../util/atomic-write';

const port = parentPort;
if (!port) throw new Error('track.worker: must be started as a worker thread');
const open = workerData as TrackSessionStart;
const post = (m: TrackWorkerMessage) => port.postMessage(m);
const W = open.analysisWidth;
const H = open.analysisHeight;

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

/** The next `n` items of an iterator, leaving it open for the next chunk. */
async function* take<T>(it: AsyncIterator<T>, n: number): AsyncGenerator<T> {
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

interface Session {
  tracker: KltTracker | XFeatTracker;
  /** The frame the next chunk starts at. */
  next: number;
  provider: string | null;
  run: XFeatRunner | null;
  host: InferenceRuntime | null;
  gray: AsyncIterator<{ index: number; image: GrayImage }> | null;
  luma: AsyncIterator<Uint8Array> | null;
  /** Observations an earlier Reshoot's state still held (first chunk only). */
  carried: Observations | null;
}

async function openSession(): Promise<Session> {
  let state: Uint8Array | null = null;
  let carried: Observations | null = null;
  if (open.state) {
    const split = splitTrackerSnapshot(open.state);
    state = split.state;
    if (split.observations.ids.length) carried = split.observations;
  }
  const range = { start: open.start, width: W, height: H };
  if (open.method === 'klt') {
    return {
      tracker: state ? KltTracker.restore(state) : new KltTracker(W, H),
      next: open.start,
      provider: null,
      run: null,
      host: null,
      gray: grayFrames(open.facts, range)[Symbol.asyncIterator](),
      luma: null,
      carried,
    };
  }
  if (!open.modelPath) throw new Error('XFeat tracking needs the XFeat model: install it in Models.');
  const host = new InferenceRuntime(open.providers ? { providers: open.providers } : {});
  try {
    const x = await xfeatRunner(host, open.modelPath);
    async function* luma() {
      for await (const f of lumaFrames(open.facts, range)) yield f.luma;
    }
    return {
      tracker: state ? XFeatTracker.restore(state, x.run) : new XFeatTracker(W, H, x.run),
      next: open.start,
      provider: x.provider,
      run: x.run,
      host,
      gray: null,
      luma: luma()[Symbol.asyncIterator](),
      carried,
    };
  } catch (e) {
    await host.close();
    throw e;
  }
}

async function trackChunk(s: Session, step: TrackChunkStep): Promise<void> {
  const start = s.next;
  let done = 0;
  const progress = () => {
    if (stopping) throw new Error('stopped');
    post({ type: 'progress', frames: ++done });
  };
  if (s.tracker instanceof KltTracker) {
    for await (const f of take(s.gray!, step.count)) {
      s.tracker.push(f.image);
      progress();
    }
  } else {
    await s.tracker.pushAll(take(s.luma!, step.count), progress);
  }
  // (decodeFrames itself fails naming the frames the decoder skipped; this is the last line of defence.)
  if (done !== step.count)
    throw new Error(
      `frames ${start + done}…${start + step.count - 1} of "${open.facts.path}" did not come out of the decoder (${done} of ${step.count})`,
    );
  const snap = splitTrackerSnapshot(s.tracker.snapshot());
  let observations = snap.observations;
  if (s.carried) {
    const joined = new TrackRecorder();
    joined.append(s.carried);
    joined.append(observations);
    observations = joined.recorded();
  }
  const part: ChunkObservations = { ...observations, first: s.carried ? 0 : start, end: start + step.count };
  // Both before the runner commits the chunk; a crash before that leaves a chunk that runs again.
  if (step.observationsOut) await writeFileAtomic(step.observationsOut, encodeChunkObservations(part));
  if (step.stateOut) await writeFileAtomic(step.stateOut, snap.state);
  let numTracks = 0;
  if (step.tracksOut) {
    const parts: ChunkObservations[] = [];
    for (const file of step.observationParts) {
      try {
        parts.push(decodeChunkObservations(new Uint8Array(await readFile(file))));
      } catch (e) {
        throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
      }
    }
    parts.push(part);
    const set = toFullResolution(
      assembleTrackSet(W, H, start + step.count, parts),
      open.facts.width,
      open.facts.height,
    );
    await writeTrackFile(step.tracksOut, set);
    numTracks = set.numTracks;
  }
  const stats = { ...s.tracker.stats };
  // The next chunk continues from the saved state, as a worker started there would (and the
  // observations recorded so far are left behind in this chunk's part).
  s.tracker =
    s.tracker instanceof KltTracker
      ? KltTracker.restore(snap.state)
      : XFeatTracker.restore(snap.state, s.run as XFeatRunner);
  s.carried = null;
  s.next = start + step.count;
  post({ type: 'done', provider: s.provider, numTracks, stats });
}

let session: Promise<Session> | null = null;
let queue: Promise<void> = Promise.resolve();
/** Set by a 'stop' message: the chunk being tracked gives up at its next frame. */
let stopping = false;

async function trackStep(step: TrackChunkStep): Promise<void> {
  try {
    session ??= openSession();
    await trackChunk(await session, step);
  } catch (e) {
    post({ type: 'error', message: (e as Error).message ?? String(e) });
  }
}

/**
 * Exits once the chunk in hand has given up and the model's worker has stopped: this thread must not be
 * terminated while onnxruntime works in its inference worker (that aborts the whole process).
 */
async function stop(): Promise<void> {
  stopping = true;
  await queue;
  const s = await session?.catch(() => null);
  await Promise.allSettled([s?.host?.close(), s?.luma?.return?.(), s?.gray?.return?.()]);
  process.exit(0);
}

port.on('message', (m: TrackChunkStep | { type: 'stop' }) => {
  if (m?.type === 'stop') void stop();
  else if (m?.type === 'chunk' && !stopping) queue = queue.then(() => trackStep(m));
});
