import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/analysis/camera/random';
import { makeClip } from '../../helpers/media-fixtures';
import { snapshotTree, tempDir } from '../../helpers/temp';

/**
 * The web server as a hostile local process meets it: a real `reshoot web` process, raw bytes on a
 * real socket. Malformed input of any kind must earn a 4xx (or a closed connection for bytes that are
 * not HTTP), never a 5xx and never the end of the process; without the token nothing is read or changed.
 */

const tmp = tempDir();
const project = join(tmp.dir, 'Fuzz.reshoot');
const env = {
  ...process.env,
  RESHOOT_CONFIG_DIR: join(tmp.dir, 'config'),
  RESHOOT_RENDERER_DIR: join(tmp.dir, 'ui'),
};
let server: ChildProcess;
let port = 0;
let token = '';
let exited: string | null = null;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/app/cli/entry.ts', ...args], {
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) throw new Error(`reshoot ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(async () => {
  mkdirSync(env.RESHOOT_RENDERER_DIR);
  writeFileSync(join(env.RESHOOT_RENDERER_DIR, 'index.html'), '<!doctype html><title>Reshoot</title>');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'outside the project');
  const clip = await makeClip(tmp.dir, { frames: 12, width: 64, height: 48 });
  cli(['new', project]);
  cli(['import', project, clip]);
  server = spawn(process.execPath, ['--import', 'tsx', 'src-main/app/cli/entry.ts', 'web', project], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  server.once('exit', (code, signal) => (exited = `exit ${code} ${signal ?? ''}: ${stderr}`));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
    server.once('exit', () => reject(new Error(`reshoot web did not start: ${stderr}`)));
  });
  const u = new URL(url);
  port = Number(u.port);
  token = u.searchParams.get('token')!;
}, 120_000);

afterAll(async () => {
  if (server && !exited) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  tmp.cleanup();
});

interface RawAnswer {
  status: number | null;
  text: string;
}

/**
 * Sends `bytes` on a fresh connection and reads until the server closes it. A request the server is
 * still waiting on (an incomplete one) gets our end of the connection closed after a quiet spell, so
 * every case is bounded in time.
 */
function raw(bytes: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolveAnswer) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(quiet);
      clearTimeout(cap);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolveAnswer({ status: m ? Number(m[1]) : null, text });
    };
    const quiet = setTimeout(() => socket.end(), 800);
    const cap = setTimeout(finish, 4000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => socket.write(bytes));
  });
}

const request = (lines: string[], body = '') =>
  `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
const host = () => `Host: 127.0.0.1:${port}`;
const bearer = () => `Authorization: Bearer ${token}`;

/** The solver's seeded generator, so a failing case can be replayed from its seed. */
function generator(seed: number) {
  const rng = new Rng(seed);
  const next = () => rng.next();
  const int = (n: number) => rng.int(n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}

const NASTY = [
  '%',
  '%E0%A4%A',
  '%zz',
  '%00',
  '\u0000',
  '..',
  '../../secret.txt',
  '%2e%2e%2fsecret.txt',
  '\\..\\',
  '//',
  '*',
  'http://evil.example/',
  '€',
  '\udc00',
  '?token=',
  '#',
  ' ',
  '\t',
  'a'.repeat(9000),
];
const METHODS = [
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
  'G\u0000ET',
  '',
];
const PATHS = [
  '/',
  '/index.html',
  '/rpc/',
  '/rpc/shots.list',
  '/rpc/shots.remove',
  '/rpc/project.close',
  '/rpc/edit.undo',
  '/rpc/files.list',
  '/rpc/deliver.preview',
  '/rpc/deliver.start',
  '/media/',
  '/media/thumbnail/1.jpg',
  '/media/frame/1/0.jpg',
  '/upload',
  '/events',
];

function fuzzCase(rng: ReturnType<typeof generator>): string | Buffer {
  const n = () => rng.pick(NASTY);
  const kind = rng.int(6);
  if (kind === 0) return rng.bytes(rng.int(600));
  const method = rng.pick(METHODS);
  let path = rng.pick(PATHS);
  if (rng.next() < 0.6) path += n();
  if (rng.next() < 0.2) path = n() + path;
  const lines = [`${method} ${path} HTTP/1.1`];
  const hostLine = [
    host(),
    `Host: ${n()}`,
    'Host:',
    `Host: 127.0.0.1:${port}${n()}`,
    `Host: evil.example:${port}`,
    '',
  ];
  lines.push(rng.next() < 0.6 ? host() : rng.pick(hostLine));
  if (rng.next() < 0.3) lines.push(rng.pick(hostLine));
  const withToken = kind >= 3;
  const cookie = rng.pick([`reshoot_token=${n()}`, `reshoot_token=${token}${n()}`, `${n()}=${n()}`, n()]);
  if (rng.next() < 0.7) lines.push(`Cookie: ${cookie}`);
  if (withToken) lines.push(bearer());
  else if (rng.next() < 0.3) lines.push(`Authorization: ${rng.pick(['Bearer', 'Bearer ' + n(), n()])}`);
  if (rng.next() < 0.6) lines.push(rng.pick(['X-Reshoot: 1', `X-Reshoot: ${n()}`]));
  if (rng.next() < 0.3) lines.push(`Range: ${rng.pick(['bytes=0-', 'bytes=-1', 'bytes=9-2', n()])}`);
  if (rng.next() < 0.2) lines.push(`${n()}: ${n()}`);
  // Bodies are never empty or `null`: those are valid inputs of the no-argument methods (edit.undo …).
  const body = rng.pick([
    rng.bytes(rng.int(300)).toString('latin1') + '{',
    `{"${n()}": ${rng.int(1e6)}}`,
    JSON.stringify({ path: n(), shotId: rng.int(5) - 1, paths: [n()], junk: true }),
    `[${'['.repeat(rng.int(3000))}`,
    '"' + n() + '"',
  ]);
  const text = request(lines, body);
  if (kind === 5) {
    // Flip a few bytes of an otherwise well-formed authenticated request.
    const b = Buffer.from(text, 'latin1');
    for (let i = 0; i < 1 + rng.int(4); i++) b[rng.int(b.length)] = rng.int(256);
    return b;
  }
  return text;
}

async function shotsAndJobs(): Promise<string> {
  const call = async (m: string) => {
    const r = await fetch(`http://127.0.0.1:${port}/rpc/${m}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'X-Reshoot': '1' },
    });
    expect(r.status).toBe(200);
    return (await r.json()) as unknown;
  };
  return JSON.stringify([await call('shots.list'), await call('jobs.list'), await call('edit.state')]);
}

describe('web mode against hostile peers (real process, raw sockets)', () => {
  it('answers the malformed requests that used to stop it with a 4xx, and keeps serving', async () => {
    const cases: [string, string[], number][] = [
      ['a bad percent-encoded cookie, no token', [host(), 'Cookie: reshoot_token=%E0%A4%A'], 401],
      ['a bad percent-encoded cookie with the token', [host(), bearer(), 'Cookie: a=%'], 200],
      ['a malformed Host header', ['Host: [::1', bearer()], 400],
      ['a foreign Host header', ['Host: evil.example', bearer()], 421],
      ['a Host header with a space', ['Host: 127.0.0.1 x', bearer()], 400],
      ['no Host header', [bearer()], 400],
    ];
    for (const [what, headers, status] of cases) {
      const r = await raw(request([`GET / HTTP/1.1`, ...headers]));
      expect(r.status, what).toBe(status);
    }
    const badMethod = await raw(
      request([`POST /rpc/shots.%E0%A4%A HTTP/1.1`, host(), bearer(), 'X-Reshoot: 1'], '{}'),
    );
    expect(badMethod.status).toBe(400);
    expect(badMethod.text).toMatch(/percent-encoding/);
    const unknown = await raw(
      request([`POST /rpc/no.such%00 HTTP/1.1`, host(), bearer(), 'X-Reshoot: 1'], '{}'),
    );
    expect(unknown.status).toBe(404);
    const absolute = await raw(request([`GET http://evil.example/ HTTP/1.1`, host(), bearer()]));
    expect(absolute.status).toBe(400);
    const traversal = await raw(request([`GET /%2e%2e/secret.txt HTTP/1.1`, host(), bearer()]));
    expect(traversal.status).toBe(404);
    expect(traversal.text).not.toMatch(/outside the project/);
    expect(exited).toBeNull();
  });

  it('survives a bounded raw-byte fuzz: no 5xx, no exit, project unchanged, nothing served without the token', async () => {
    const before = await shotsAndJobs();
    const seed = Number(process.env.RESHOOT_FUZZ_SEED ?? 20261207);
    const rng = generator(seed);
    const statuses = new Map<number | null, number>();
    for (let i = 0; i < 1000; i++) {
      const input = fuzzCase(rng);
      const r = await raw(input);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      const shown = JSON.stringify(input.toString()).slice(0, 300);
      expect(exited, `server died at case ${i} (seed ${seed}): ${shown}`).toBeNull();
      expect(r.status ?? 400, `case ${i} (seed ${seed}): ${shown}\n${r.text.slice(0, 300)}`).toBeLessThan(
        500,
      );
      const sentToken = input.includes(token);
      if (!sentToken && r.status !== null) {
        expect([400, 401, 404, 405, 421, 431], `case ${i} (seed ${seed}) without token: ${shown}`).toContain(
          r.status,
        );
      }
    }
    // The fuzz reached past authentication too, not only the front door.
    expect(statuses.get(401) ?? 0).toBeGreaterThan(20);
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
    expect(await shotsAndJobs()).toBe(before);
    const ok = await fetch(`http://127.0.0.1:${port}/`, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
  }, 300_000);

  it('the media route serves no file through a symlink that leads out of the project', async () => {
    const thumbs = join(project, 'cache', 'thumbnails');
    mkdirSync(thumbs, { recursive: true });
    const rm = spawnSync('rm', ['-f', join(thumbs, '1.jpg')]);
    expect(rm.status).toBe(0);
    symlinkSync(join(tmp.dir, 'secret.txt'), join(thumbs, '1.jpg'));
    const before = snapshotTree(join(project, 'cache'));
    const r = await fetch(`http://127.0.0.1:${port}/media/thumbnail/1.jpg`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(404);
    expect(await r.text()).not.toMatch(/outside the project/);
    expect(snapshotTree(join(project, 'cache'))).toEqual(before);
  });
});
