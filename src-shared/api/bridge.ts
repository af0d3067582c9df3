import type { AppEvent, MethodInput, MethodName, MethodOutput } from './contract';

/**
 * What the Electron preload exposes as `window.reshoot`: one function per contract method (an
 * allow-list generated from the contract — no generic invoke), an event subscription, the media base
 * URL, and the one DOM helper the sandbox needs for drag-and-drop.
 */
export type BridgeMethods = {
  [M in MethodName]: (input?: MethodInput<M>) => Promise<BridgeResult<MethodOutput<M>>>;
};

/** Errors cross IPC as values so their code survives (Electron flattens thrown errors to a string). */
export type BridgeResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export interface ReshootBridge {
  methods: BridgeMethods;
  onEvent(listener: (event: AppEvent) => void): () => void;
  mediaBase: string;
  /** Absolute path of a dropped file (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/** IPC channel names: `reshoot:<method>` for calls, one channel for events. */
export const IPC_EVENT_CHANNEL = 'reshoot:event';
export function ipcChannel(method: MethodName): string {
  return `reshoot:${method}`;
}

/** Web mode: RPC endpoint, event stream, media base, upload endpoint, and the CSRF header. */
export const WEB = {
  rpcPath: (method: MethodName) => `/rpc/${method}`,
  eventsPath: '/events',
  mediaBase: '/media',
  uploadPath: '/upload',
  csrfHeader: 'X-Reshoot',
  tokenCookie: 'reshoot_token',
} as const;
