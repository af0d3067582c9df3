/**
 * The inference runtime used by the app: onnxruntime sessions live in worker threads, never on the main
 * event loop. Each model key is pinned to one worker, which caches one session for it. Tensors move by
 * transfer (the caller's input buffers are detached after `run`, unless `copyInputs`). Every result says
 * which execution provider ran it; store that with what the result becomes.
 */
import type { Worker } from 'node:worker_threads';
import { transferList, type FromWorker, type ToWorker, type WorkerInit } from './protocol';
import { providerChain, type ProviderChain, type ProviderPreference } from './providers';
import { InferenceError } from './session-host';
import {
  abortError,
  type Feeds,
  type InferenceBackend,
  type LoadRequest,
  type ProviderName,
  type RunOptions,
  type RunResult,
  type SessionInfo,
} from './types';
import { resolveWorker, stopWorker, type WorkerSpawn } from '../jobs/workers';

export interface RuntimeOptions {
  /** Force one provider ('auto' = platform chain). Default: `RESHOOT_EP`, else 'auto'. */
  provider?: ProviderPreference;
  /** An explicit chain (tests); overrides `provider`. */
  providers?: ProviderName[];
  /** Number of worker threads (default 1). Models are spread over them by key. */
  workers?: number;
  env?: NodeJS.ProcessEnv;
  /** Where fallback reasons and worker problems are logged (default console.warn). */
  log?: (line: string) => void;
}

export interface RuntimeRunOptions extends RunOptions {
  /** Copy inputs instead of moving their buffers to the worker (default false). */
  copyInputs?: boolean;
}

export interface BatchOptions extends RuntimeRunOptions {
  /** Called after each batch with its result and index; may be async (its promise is awaited). */
  onResult?: (result: RunResult, index: number) => void | Promise<void>;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  cleanup: () => void;
}

class WorkerHandle {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly spawn: WorkerSpawn,
    private readonly init: WorkerInit,
    private readonly log: (line: string) => void,
    readonly index: number,
  ) {}

  private ensure(): Promise<void> {
    if (this.ready) return this.ready;
    const w = this.spawn.start(this.init);
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') return resolve();
        if (m.type === 'log') return this.log(m.line);
        const p = this.pending.get(m.id);
        if (!p) return; // Answer to a call already abandoned (aborted).
        this.pending.delete(m.id);
        p.cleanup();
        if (m.type === 'error') {
          const e = m.code
            ? new InferenceError(m.message, m.code as InferenceError['code'])
            : new Error(m.message);
          e.name = m.name;
          p.reject(e);
        } else if (m.type === 'loaded') p.resolve(m.info);
        else if (m.type === 'result') p.resolve(m.result);
        else p.resolve(m.existed);
      };
      const fail = (why: string) => {
        const err = new Error(`inference worker ${this.index} (${this.spawn.file}) ${why}`);
        this.log(`[reshoot] ${err.message}`);
        this.worker = null;
        this.ready = null;
        for (const p of this.pending.values()) {
          p.cleanup();
          p.reject(err);
        }
        this.pending.clear();
        reject(err);
      };
      w.on('message', onMessage);
      w.on('error', (e) => fail(`failed: ${e.message}`));
      w.on('exit', (code) => {
        if (this.worker === w) fail(`exited with code ${code}`);
      });
    });
    return this.ready;
  }

  async call<T>(msg: WithoutId<ToWorker>, transfer: ArrayBuffer[], signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw abortError(signal);
    await this.ensure();
    if (signal?.aborted) throw abortError(signal);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // The worker finishes the run it started; its answer is dropped. The caller is free now.
        this.pending.delete(id);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      this.worker!.postMessage({ ...msg, id } as ToWorker, transfer);
    });
  }

  /**
   * Stops the worker: it is asked to exit once its current call is done (terminating a thread while
   * onnxruntime runs in it aborts the process), and terminated only if it has not after STOP_GRACE_MS.
   */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (!w) return;
    await stopWorker(w, () => w.postMessage({ type: 'stop' } satisfies ToWorker));
  }

  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }
}

export class InferenceRuntime implements InferenceBackend {
  readonly chain: ProviderChain;
  readonly workerMode: WorkerSpawn['mode'];
  private readonly handles: WorkerHandle[];
  private readonly log: (line: string) => void;
  private readonly loaded = new Map<string, SessionInfo>();

  constructor(options: RuntimeOptions = {}) {
    const env = options.env ?? process.env;
    this.log = options.log ?? ((l) => console.warn(l));
    this.chain = options.providers?.length
      ? { providers: options.providers, skipped: [] }
      : providerChain({ env, ...(options.provider ? { preference: options.provider } : {}) });
    const spawn = resolveWorker('inference', new URL('./inference.worker.ts', import.meta.url), env);
    this.workerMode = spawn.mode;
    const n = Math.max(1, Math.floor(options.workers ?? 1));
    this.handles = Array.from(
      { length: n },
      (_, i) => new WorkerHandle(spawn, { providers: this.chain.providers }, this.log, i),
    );
  }

  private handleFor(key: string): WorkerHandle {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
    return this.handles[h % this.handles.length]!;
  }

  /** Loads a model (cached per worker). Providers that fail are logged and listed in `fallbacks`. */
  async load(req: LoadRequest): Promise<SessionInfo> {
    const key = req.key ?? req.path;
    const info = await this.handleFor(key).call<SessionInfo>({ type: 'load', req: { ...req, key } }, []);
    this.loaded.set(key, info);
    return info;
  }

  /** Runs one batch. Input buffers are moved to the worker unless `copyInputs`. */
  async run(key: string, feeds: Feeds, options: RuntimeRunOptions = {}): Promise<RunResult> {
    const send: Feeds = {};
    for (const [name, t] of Object.entries(feeds)) {
      const whole = t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength;
      send[name] = options.copyInputs || !whole ? { ...t, data: t.data.slice() } : t;
    }
    return this.handleFor(key).call<RunResult>(
      { type: 'run', key, feeds: send, ...(options.outputs ? { outputs: options.outputs } : {}) },
      transferList(send),
      options.signal,
    );
  }

  /**
   * Runs batches one after another; the signal is checked between batches (a batch already started in
   * the worker finishes there, but its result is dropped). Returns the number of batches run.
   */
  async runBatches(
    key: string,
    batches: Iterable<Feeds> | AsyncIterable<Feeds>,
    options: BatchOptions = {},
  ): Promise<number> {
    let i = 0;
    for await (const feeds of batches) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const r = await this.run(key, feeds, options);
      await options.onResult?.(r, i);
      i++;
    }
    return i;
  }

  async unload(key: string): Promise<boolean> {
    this.loaded.delete(key);
    return this.handleFor(key).call<boolean>({ type: 'unload', key }, []);
  }

  /** What is loaded, as last reported by the workers. */
  sessions(): SessionInfo[] {
    return [...this.loaded.values()];
  }

  /** Thread ids of started workers (diagnostics, tests). */
  workerThreadIds(): (number | null)[] {
    return this.handles.map((h) => h.threadId);
  }

  async close(): Promise<void> {
    this.loaded.clear();
    await Promise.allSettled(this.handles.map((h) => h.close()));
  }
}
