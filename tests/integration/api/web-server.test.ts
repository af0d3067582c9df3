import { mkdirSync, writeFileSync } from 'node:fs';
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

beforeAll(async () => {
  const ui = join(tmp.dir, 'ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Reshoot</title>');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'do not serve');
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  server = await startWebServer({
    core,
    handlers: createHandlers(core),
    media: createMediaHandler(core),
    rendererDir: ui,
  });
});
afterAll(async () => {
  await server.close();
  await core.closeProject();
  tmp.cleanup();
});

const auth = () => ({ Authorization: `Bearer ${server.token}` });
const rpc = (
  method: string,
  body: unknown,
  headers: Record<string, string> = { ...auth(), 'X-Reshoot': '1' },
) =>
  fetch(`${server.url}rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('web mode server', () => {
  it('listens on 127.0.0.1 only, and refuses a non-loopback address without the explicit flag', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(
      startWebServer({
        core,
        handlers: createHandlers(core),
        media: createMediaHandler(core),
        rendererDir: tmp.dir,
        host: '0.0.0.0',
      }),
    ).rejects.toThrow(/--allow-remote/);
  });

  it('requires the launch token: the launch URL sets an HttpOnly SameSite cookie', async () => {
    expect((await fetch(server.url)).status).toBe(401);
    expect((await fetch(`${server.url}?token=wrong`)).status).toBe(401);
    const r = await fetch(server.launchUrl, { redirect: 'manual' });
    expect(r.status).toBe(302);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(server.url, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-eval/);
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(server.url, { headers: { Host: 'evil.example:80', ...auth() } }, (res) =>
        resolve(res.statusCode!),
      );
      req.end();
    });
    expect(status).toBe(421);
  });

  it('RPC needs the X-Reshoot header (cross-site forms cannot send it)', async () => {
    expect((await rpc('app.info', {}, auth())).status).toBe(403);
    const ok = await rpc('app.info', {});
    expect(ok.status).toBe(200);
    const { result } = (await ok.json()) as { result: { mode: string } };
    expect(result.mode).toBe('web');
  });

  it('validates arguments and reports errors as {error:{code,message}}', async () => {
    let r = await rpc('project.open', { path: 'relative/path' });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: { code: 'invalid-argument', message: expect.stringMatching(/must be absolute/) },
    });
    r = await rpc('shots.list', {});
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('no-project');
    r = await rpc('nope.nothing', {});
    expect(r.status).toBe(404);
  });

  it('does not serve files outside the UI folder', async () => {
    for (const p of ['../secret.txt', '%2e%2e/secret.txt', '..%2fsecret.txt']) {
      const r = await fetch(`${server.url}${p}`, { headers: auth() });
      expect(r.status).toBe(404);
    }
  });

  it('streams events (server-sent) for project changes', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}events`, { headers: auth(), signal: controller.signal });
    const reader = res.body!.getReader();
    await rpc('project.create', { parentDir: tmp.dir, name: 'Evented' });
    let text = '';
    while (!text.includes('project-changed')) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/"type":"project-changed","project":\{"path":"[^"]+Evented\.reshoot"/);
  });
});
