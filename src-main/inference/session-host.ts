/**
 * onnxruntime sessions in the calling thread: the per-worker session cache, provider fallback and the
 * record of which provider runs each session. The inference worker wraps one of these; code that already
 * runs inside a worker (an analysis worker) may use one directly. Never use it on the main event loop:
 * `session.run` blocks the thread it runs on.
 */
import * as ort from 'onnxruntime-node';
import { statSync } from 'node:fs';
import {
  abortError,
  type Feeds,
  type InferenceBackend,
  type LoadRequest,
  type ProviderFallback,
  type ProviderName,
  type RunOptions,
  type RunResult,
  type SessionInfo,
  type TensorArray,
  type TensorData,
  type TensorDType,
  type ValueInfo,
} from './types';

export class InferenceError extends Error {
  constructor(
    message: string,
    readonly code: 'model-missing' | 'no-provider' | 'not-loaded' | 'run-failed' | 'bad-input',
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

export interface SessionHostOptions {
  /** Providers tried in order when a load request names none. Default: ['cpu']. */
  providers?: ProviderName[];
  /** Called with a line for every provider that failed to initialise (default: console.warn). */
  log?: (line: string) => void;
}

interface Entry {
  session: ort.InferenceSession;
  info: SessionInfo;
}

function valueInfo(meta: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: [...m.shape] }
      : { name: m.name, type: null, shape: [] },
  );
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).trim().slice(0, 500);
}

/** A typed array whose buffer may be transferred without taking anything else with it. */
export function ownBuffer<T extends TensorArray>(a: T): T {
  if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer) return a;
  return a.slice() as T;
}

function toOrt(name: string, t: TensorData): ort.Tensor {
  try {
    return new ort.Tensor(t.type as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims);
  } catch (e) {
    throw new InferenceError(`input '${name}': ${firstLine(e)}`, 'bad-input');
  }
}

function fromOrt(t: ort.Tensor): TensorData {
  return { type: t.type as TensorDType, dims: [...t.dims], data: ownBuffer(t.data as TensorArray) };
}

export class SessionHost implements InferenceBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly providers: ProviderName[];
  private readonly log: (line: string) => void;

  constructor(options: SessionHostOptions = {}) {
    this.providers = options.providers?.length ? options.providers : ['cpu'];
    this.log = options.log ?? ((l) => console.warn(l));
  }

  /** Loads (or returns the cached) session for a model file, trying providers in order. */
  async load(req: LoadRequest): Promise<SessionInfo> {
    const key = req.key ?? req.path;
    const have = this.entries.get(key);
    if (have && have.info.path === req.path) return have.info;
    let p = this.loading.get(key);
    if (!p) {
      p = this.create(key, req).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    const entry = await p;
    const old = this.entries.get(key);
    if (old && old !== entry) await old.session.release().catch(() => undefined);
    this.entries.set(key, entry);
    return entry.info;
  }

  info(key: string): SessionInfo | undefined {
    return this.entries.get(key)?.info;
  }

  async run(key: string, feeds: Feeds, options: RunOptions = {}): Promise<RunResult> {
    if (options.signal?.aborted) throw abortError(options.signal);
    const entry = this.entries.get(key);
    if (!entry)
      throw new InferenceError(`${key}: no session is loaded under this key; load it first.`, 'not-loaded');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(name, t);
    const t0 = performance.now();
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = options.outputs?.length
        ? await entry.session.run(ortFeeds, options.outputs)
        : await entry.session.run(ortFeeds);
    } catch (e) {
      throw new InferenceError(
        `${entry.info.path}: run failed on ${entry.info.provider}: ${firstLine(e)}`,
        'run-failed',
      );
    }
    const runMs = performance.now() - t0;
    const outputs: Record<string, TensorData> = {};
    for (const [name, v] of Object.entries(out)) outputs[name] = fromOrt(v as ort.Tensor);
    return { outputs, provider: entry.info.provider, runMs };
  }

  async unload(key: string): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    await e.session.release();
    return true;
  }

  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map((e) => e.session.release()));
  }

  private async create(key: string, req: LoadRequest): Promise<Entry> {
    try {
      if (!statSync(req.path).isFile()) throw new Error('not a file');
    } catch (e) {
      throw new InferenceError(
        `${req.path}: model file cannot be read (${(e as NodeJS.ErrnoException).code ?? firstLine(e)}).`,
        'model-missing',
      );
    }
    const chain = req.providers?.length ? req.providers : this.providers;
    const fallbacks: ProviderFallback[] = [];
    for (const provider of chain) {
      const t0 = performance.now();
      try {
        const session = await ort.InferenceSession.create(req.path, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
          ...(req.intraOpThreads ? { intraOpNumThreads: req.intraOpThreads } : {}),
        });
        const loadMs = performance.now() - t0;
        const info: SessionInfo = {
          key,
          path: req.path,
          provider,
          fallbacks,
          inputs: valueInfo(session.inputMetadata),
          outputs: valueInfo(session.outputMetadata),
          loadMs,
        };
        return { session, info };
      } catch (e) {
        const reason = firstLine(e);
        fallbacks.push({ provider, reason });
        this.log(
          `[reshoot] inference: ${req.path}: execution provider '${provider}' failed to initialise (${reason}); trying the next one.`,
        );
      }
    }
    throw new InferenceError(
      `${req.path}: no execution provider could load the model: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`,
      'no-provider',
    );
  }
}
