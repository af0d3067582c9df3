/**
 * Sandboxed preload: exposes exactly one function per contract method (the allow-list is the
 * contract's own method list, fixed at build time), an event subscription and a drag-and-drop helper.
 * No generic invoke, no ipcRenderer, nothing else reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type BridgeMethods,
  type ReshootBridge,
} from '../../../src-shared/api/bridge';
import type { AppEvent, MethodName } from '../../../src-shared/api/contract';

/** Replaced at build time by the contract's method names (scripts/build-main.mjs). */
declare const __RESHOOT_METHOD_NAMES__: readonly MethodName[];

const methods = {} as Record<string, (input?: unknown) => Promise<unknown>>;
for (const name of __RESHOOT_METHOD_NAMES__) {
  const channel = ipcChannel(name);
  methods[name] = (input?: unknown) => ipcRenderer.invoke(channel, input);
}

const bridge: ReshootBridge = {
  methods: Object.freeze(methods) as unknown as BridgeMethods,
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, event: AppEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
  mediaBase: 'reshoot-media://app',
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('reshoot', bridge);
