/**
 * The Electron binary cannot run on CI machines without GitHub access, so the main process is exercised
 * here against a recording stand-in for the `electron` module: window options, protocols, CSP, the IPC
 * allow-list and its sender check, navigation blocking.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../../src-shared/api/contract';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
const rec = {
  schemes: [] as unknown[],
  protocols: new Map<string, (r: Request) => Promise<Response>>(),
  ipc: new Map<string, (e: unknown, input: unknown) => Promise<unknown>>(),
  windows: [] as { options: Record<string, unknown>; url?: string }[],
  contentsHandlers: new Map<string, (...a: unknown[]) => void>(),
  windowOpen: null as null | (() => unknown),
};

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { send: () => {} };
    constructor(options: Record<string, unknown>) {
      rec.windows.push({ options });
    }
    once() {}
    on() {}
    maximize() {}
    loadURL(url: string) {
      rec.windows.at(-1)!.url = url;
      return Promise.resolve();
    }
  }
  const app = {
    requestSingleInstanceLock: () => true,
    on: (event: string, fn: (...a: unknown[]) => void) => {
      if (event === 'web-contents-created') {
        fn(
          {},
          {
            setWindowOpenHandler: (h: () => unknown) => (rec.windowOpen = h),
            on: (name: string, h: (...a: unknown[]) => void) => rec.contentsHandlers.set(name, h),
          },
        );
      }
    },
    whenReady: () => Promise.resolve(),
    isPackaged: false,
    getVersion: () => '0.1.0',
    quit: () => {},
  };
  return {
    app,
    BrowserWindow,
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showErrorBox: () => {},
      showMessageBox: async () => ({}),
    },
    ipcMain: {
      handle: (ch: string, fn: (e: unknown, input: unknown) => Promise<unknown>) => rec.ipc.set(ch, fn),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    net: { fetch: async (url: string) => new Response(readFileSync(new URL(url))) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.schemes.push(...s),
      handle: (scheme: string, fn: (r: Request) => Promise<Response>) => rec.protocols.set(scheme, fn),
    },
    shell: { openPath: async () => '' },
  };
});

beforeAll(async () => {
  process.env.RESHOOT_CONFIG_DIR = join(tmp.dir, 'config');
  const ui = join(tmp.dir, 'renderer');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Reshoot</title>');
  process.env.RESHOOT_RENDERER_DIR = ui;
  await import('../../../src-main/app/electron/main');
  await new Promise((r) => setTimeout(r, 50));
});
afterAll(() => {
  delete process.env.RESHOOT_RENDERER_DIR;
  delete process.env.RESHOOT_CONFIG_DIR;
  tmp.cleanup();
});

describe('Electron main process', () => {
  it('opens one sandboxed, isolated window on the app origin', () => {
    expect(rec.windows).toHaveLength(1);
    expect(rec.windows[0]!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(rec.windows[0]!.url).toBe('reshoot-app://app/index.html');
  });

  it('registers exactly one IPC handler per contract method', () => {
    expect([...rec.ipc.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `reshoot:${m}`).sort());
  });

  it('answers calls from the app origin and refuses others', async () => {
    const call = rec.ipc.get('reshoot:app.info')!;
    const ok = (await call({ senderFrame: { url: 'reshoot-app://app/index.html' } }, undefined)) as {
      ok: boolean;
      value: { mode: string };
    };
    expect(ok).toMatchObject({ ok: true, value: { mode: 'electron', nativeDialogs: true } });
    const refused = (await call({ senderFrame: { url: 'https://evil.example/' } }, undefined)) as {
      ok: boolean;
    };
    expect(refused.ok).toBe(false);
    const invalid = (await rec.ipc.get('reshoot:project.open')!(
      { senderFrame: { url: 'reshoot-app://app/' } },
      { path: 5 },
    )) as {
      ok: boolean;
      error: { code: string };
    };
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('serves the UI with the CSP and never outside its folder', async () => {
    const serve = rec.protocols.get('reshoot-app')!;
    const r = await serve(new Request('reshoot-app://app/index.html'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await serve(new Request('reshoot-app://app/../../etc/passwd'))).status).toBe(404);
    expect((await serve(new Request('reshoot-app://app/%2e%2e/%2e%2e/etc/passwd'))).status).toBe(404);
    expect(rec.protocols.has('reshoot-media')).toBe(true);
  });

  it('blocks new windows and navigation away from the app', () => {
    expect(rec.windowOpen!()).toEqual({ action: 'deny' });
    const prevent = vi.fn();
    rec.contentsHandlers.get('will-navigate')!({ preventDefault: prevent }, 'https://example.com/');
    expect(prevent).toHaveBeenCalled();
    const allow = vi.fn();
    rec.contentsHandlers.get('will-navigate')!({ preventDefault: allow }, 'reshoot-app://app/index.html');
    expect(allow).not.toHaveBeenCalled();
  });
});
