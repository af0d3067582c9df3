/**
 * Connections that time out before their headers are closed without an answer: one that sent nothing (a
 * browser's connection opened ahead of need, used after the timeout) — browsers retry such a request on a
 * fresh connection — and one trickling its headers. Neither gets a 400, which browsers do not retry (the
 * app's first call after a pause failed now and then).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppCore,
  createHandlers,
  createMediaHandler,
  startWebServer,
  type WebServer,
} from '../../../src-main/api';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
let server: WebServer;
let core: AppCore;
const TIMEOUT_MS = 300;

beforeAll(async () => {
  const ui = join(tmp.dir, 'ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Reshoot</title>');
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  server = await startWebServer({
    core,
    handlers: createHandlers(core),
    media: createMediaHandler(core),
    rendererDir: ui,
    headersTimeoutMs: TIMEOUT_MS,
  });
});
afterAll(async () => {
  await server.close();
  await core.closeProject();
  tmp.cleanup();
});

/** Opens a raw connection, runs `act`, and resolves with everything the server sent before it closed. */
function exchange(act: (s: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(server.port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.on('connect', () => act(s));
  });
}

describe('web server timeouts', () => {
  it('a connection that sends nothing is closed without an answer', async () => {
    const got = await exchange(() => {});
    expect(got).toBe('');
  }, 10_000);

  it('a peer trickling its headers is closed without an answer too', async () => {
    const t0 = performance.now();
    const got = await exchange((s) => {
      s.write('POST /rpc/shots.list HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    });
    expect(got).toBe('');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  }, 10_000);

  it('a request on time is answered as usual', async () => {
    const res = await fetch(`${server.url}rpc/app.info`, { method: 'POST' });
    expect(res.status).not.toBe(400);
    expect(res.status).toBeLessThan(500);
  });
});
