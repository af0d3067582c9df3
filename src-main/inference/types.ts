/**
 * Plain-data shapes shared by the main thread, the inference workers and the adapters. Tensors cross the
 * worker boundary as `TensorData` whose typed array's buffer is transferred (moved, not copied).
 */

export const PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
/** An onnxruntime execution provider, by the name onnxruntime-node uses for it. */
export type ProviderName = (typeof PROVIDERS)[number];

export const TENSOR_DTYPES = ['float32', 'int64', 'int32', 'uint8', 'int8', 'bool', 'float16'] as const;
export type TensorDType = (typeof TENSOR_DTYPES)[number];

export type TensorArray = Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

export interface TensorData {
  type: TensorDType;
  dims: number[];
  data: TensorArray;
}

export type Feeds = Record<string, TensorData>;

/** One provider that was tried and did not initialise, and why (the error onnxruntime gave). */
export interface ProviderFallback {
  provider: ProviderName;
  reason: string;
}

export interface ValueInfo {
  name: string;
  type: string | null;
  /** Numbers for fixed dimensions, strings for symbolic ones ("batch", "height"). */
  shape: (number | string)[];
}

/** What a loaded session is: which provider actually runs it, and what was tried before. */
export interface SessionInfo {
  /** The key the session is cached under (normally the model file's path). */
  key: string;
  path: string;
  provider: ProviderName;
  /** Providers tried first that failed to initialise, in order. Empty when the first choice worked. */
  fallbacks: ProviderFallback[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  loadMs: number;
}

export interface RunResult {
  outputs: Record<string, TensorData>;
  /** The execution provider the session ran on — store this with whatever the result becomes. */
  provider: ProviderName;
  runMs: number;
}

export interface LoadRequest {
  /** The .onnx file. */
  path: string;
  /** Cache key; defaults to the path. */
  key?: string;
  /** Providers to try in order; defaults to the runtime's chain. */
  providers?: ProviderName[];
  /** Threads for the CPU provider inside one session (0 = onnxruntime's default). */
  intraOpThreads?: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Names of the outputs to fetch (default: all). */
  outputs?: string[];
}

/**
 * What adapters need from an inference backend. Implemented by `InferenceRuntime` (sessions in a worker,
 * called from any thread) and by `SessionHost` (sessions in the calling thread — use it only inside a
 * worker, never on the main event loop).
 */
export interface InferenceBackend {
  load(req: LoadRequest): Promise<SessionInfo>;
  run(key: string, feeds: Feeds, options?: RunOptions): Promise<RunResult>;
}

export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === 'string' ? `aborted: ${r}` : 'aborted');
  e.name = 'AbortError';
  return e;
}

/** Number of elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}
