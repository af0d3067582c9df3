/**
 * The one door from the UI to the core. In Electron the preload exposes `window.reshoot`; in web mode
 * the same contract is spoken over HTTP (`POST /rpc/<method>`) and server-sent events (`/events`).
 * Callers never need to know which: they get typed results or an `ApiError`.
 */
import {
  ApiError,
  ERROR_CODES,
  type AppEvent,
  type ErrorCode,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../src-shared/api/contract';
import { WEB, type ReshootBridge } from '../../../src-shared/api/bridge';

declare global {
  interface Window {
    reshoot?: ReshootBridge;
  }
}

const bridge: ReshootBridge | undefined = typeof window !== 'undefined' ? window.reshoot : undefined;

/** 'electron' when the preload bridge is present, otherwise the web client. */
export const transport: 'electron' | 'web' = bridge ? 'electron' : 'web';

export const mediaBase: string = bridge ? bridge.mediaBase : new URL(WEB.mediaBase, location.origin).href;

function toErrorCode(code: unknown): ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(code) ? (code as ErrorCode) : 'internal';
}

type InputArgs<M extends MethodName> =
  undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

export async function call<M extends MethodName>(method: M, ...args: InputArgs<M>): Promise<MethodOutput<M>> {
  const input = args[0];
  if (bridge) {
    const fn = bridge.methods[method] as (i?: MethodInput<M>) => ReturnType<ReshootBridge['methods'][M]>;
    const res = await fn(input);
    if (res.ok) return res.value as MethodOutput<M>;
    throw new ApiError(toErrorCode(res.error.code), res.error.message);
  }
  let response: Response;
  try {
    response = await fetch(WEB.rpcPath(method), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [WEB.csrfHeader]: '1' },
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    throw new ApiError(
      'internal',
      `The Reshoot server could not be reached (${method}). Is it still running?`,
    );
  }
  return (await readResult(response, method)) as MethodOutput<M>;
}

async function readResult(response: Response, what: string): Promise<unknown> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError('internal', `${what}: the server answered ${response.status} without a readable body`);
  }
  if (response.ok && body && typeof body === 'object' && 'result' in body)
    return (body as { result: unknown }).result;
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const message =
    typeof err?.message === 'string' ? err.message : `${what}: the server answered ${response.status}`;
  throw new ApiError(toErrorCode(err?.code), message);
}

/** Subscribes to app events (job progress, shots/project/edit changes, menu commands). */
export function onEvent(listener: (event: AppEvent) => void): () => void {
  if (bridge) return bridge.onEvent(listener);
  const source = new EventSource(WEB.eventsPath);
  source.onmessage = (message: MessageEvent<string>) => {
    let event: unknown;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event && typeof event === 'object' && typeof (event as { type?: unknown }).type === 'string') {
      listener(event as AppEvent);
    }
  };
  return () => source.close();
}

/**
 * Turns dropped files into paths the core can import. Electron references files in place; a browser
 * does not reveal paths, so web mode uploads a copy into the project's media/ folder first.
 */
export async function pathsForDroppedFiles(
  files: File[],
  onProgress?: (done: number, total: number) => void,
): Promise<{
  paths: string[];
  failed: { path: string; message: string }[];
}> {
  const paths: string[] = [];
  const failed: { path: string; message: string }[] = [];
  if (bridge) {
    for (const f of files) {
      const p = bridge.pathForFile(f);
      if (p) paths.push(p);
      else failed.push({ path: f.name, message: 'the desktop app could not tell where this file is' });
    }
    return { paths, failed };
  }
  let done = 0;
  for (const f of files) {
    onProgress?.(done, files.length);
    try {
      const response = await fetch(`${WEB.uploadPath}?name=${encodeURIComponent(f.name)}`, {
        method: 'POST',
        headers: { [WEB.csrfHeader]: '1', 'Content-Type': 'application/octet-stream' },
        body: f,
      });
      const result = (await readResult(response, `upload of ${f.name}`)) as { path?: unknown };
      if (typeof result?.path !== 'string')
        throw new ApiError('internal', 'the server did not say where it stored the file');
      paths.push(result.path);
    } catch (e) {
      failed.push({ path: f.name, message: errorMessage(e) });
    }
    done += 1;
  }
  onProgress?.(done, files.length);
  return { paths, failed };
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export { ApiError };
