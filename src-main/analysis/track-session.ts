/**
 * The main thread's side of a tracking worker that serves consecutive chunks of one job
 * (src-main/analysis/tracking/track.worker.ts): started at a chunk's first frame, sent one chunk at a time, kept
 * while the next chunk follows on and closed at the last one, on any error, on cancel, or after a
 * minute without work (a job that stopped between chunks). A chunk that does not continue where the
 * worker is (a resume, a chunk run again) gets a new worker started there. The worker is stopped by
 * asking (it gives up its chunk at the next frame and stops its model's worker first), never
 * terminated outright while a model may be running: that aborts the whole process.
 */
import type { Worker } from 'node:worker_threads';
import { resolveWorker, stopWorker } from '../jobs/workers';
import type { TrackChunkStep, TrackSessionStart, TrackWorkerMessage } from './track-protocol';

type Done = Extract<TrackWorkerMessage, { type: 'done' }>;

/** How long a worker waits for its job's next chunk before it is stopped. */
const IDLE_MS = 60_000;

interface Pending {
  resolve: (d: Done) => void;
  reject: (e: Error) => void;
  onFrames: (frames: number) => void;
}

export class TrackSession {
  /** The frame the next chunk must start at to continue in this worker. */
  next: number;
  private readonly worker: Worker;
  private pending: Pending | null = null;
  private closed = false;
  private stopped: Promise<void> | null = null;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    readonly key: string,
    start: TrackSessionStart,
    private readonly onClose: (s: TrackSession) => void,
  ) {
    this.next = start.start;
    this.worker = resolveWorker('track', new URL('./tracking/track.worker.ts', import.meta.url)).start(start);
    // Waiting for the job's next chunk must not keep the process alive (ref'd while a chunk runs).
    this.worker.unref();
    this.worker.on('message', (m: TrackWorkerMessage) => {
      const p = this.pending;
      if (!p) return;
      if (m.type === 'progress') return p.onFrames(m.frames);
      this.pending = null;
      if (m.type === 'done') p.resolve(m);
      else {
        void this.close();
        p.reject(new Error(m.message));
      }
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the track worker stopped unexpectedly (exit code ${code})`)),
    );
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Tracks the next `step.count` frames (from `next`). The signal's abort stops the worker and rejects
   * once it has exited (so nothing of the chunk is written after that).
   */
  async run(
    step: Omit<TrackChunkStep, 'type'>,
    signal: AbortSignal,
    onFrames: (n: number) => void,
  ): Promise<Done> {
    if (this.closed) throw new Error('the track worker has stopped');
    if (this.pending) throw new Error('the track worker is busy with another chunk');
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const why = () => (signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
    const onAbort = () => {
      const p = this.pending;
      this.pending = null;
      void this.close().then(() => p?.reject(why()));
    };
    if (signal.aborted) {
      await this.close();
      throw why();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.worker.ref();
      const done = await new Promise<Done>((resolve, reject) => {
        this.pending = { resolve, reject, onFrames };
        this.worker.postMessage({ type: 'chunk', ...step } satisfies TrackChunkStep);
      });
      this.next += step.count;
      if (!this.closed) {
        this.worker.unref();
        this.idle = setTimeout(() => void this.close(), IDLE_MS);
        this.idle.unref();
      }
      return done;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the worker (asking first; see the top of this file); resolves when it has exited. */
  close(): Promise<void> {
    if (!this.stopped) {
      this.closed = true;
      if (this.idle) clearTimeout(this.idle);
      this.idle = null;
      this.onClose(this);
      this.stopped = stopWorker(this.worker, () => this.worker.postMessage({ type: 'stop' }));
    }
    return this.stopped;
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = null;
    void this.close();
    p?.reject(e);
  }
}

const sessions = new Map<string, TrackSession>();
let started = 0;

/**
 * The worker for `key` (a job and its scratch folder) if it is at frame `at`, else a new one started
 * there from `start()` (closing any other for the key).
 */
export function trackSession(key: string, at: number, start: () => TrackSessionStart): TrackSession {
  const open = sessions.get(key);
  if (open?.isOpen && open.next === at) return open;
  void open?.close();
  started++;
  const s = new TrackSession(key, start(), (closed) => {
    if (sessions.get(closed.key) === closed) sessions.delete(closed.key);
  });
  sessions.set(key, s);
  return s;
}

/** Stops every tracking worker (the project is closing); resolves when they have exited. */
export async function closeTrackSessions(): Promise<void> {
  await Promise.all([...sessions.values()].map((s) => s.close()));
}

/** Tracking workers open now, and started since the process began (tests, diagnostics). */
export function trackSessionCounts(): { open: number; started: number } {
  return { open: sessions.size, started };
}
