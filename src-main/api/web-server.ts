import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WEB } from '../../src-shared/api/bridge';
import { ApiError } from '../../src-shared/api/contract';
import type { AppCore } from './core';
import { dispatch, toApiError } from './dispatch';
import type { Handlers } from './handlers';
import type { MediaHandler } from './media-handler';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export interface WebServerOptions {
  core: AppCore;
  handlers: Handlers;
  media: MediaHandler;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Listening on a non-loopback address must be asked for explicitly. */
  allowRemote?: boolean;
  token?: string;
}

export interface WebServer {
  url: string;
  /** The URL to open once: it carries the token and sets the session cookie. */
  launchUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_RPC_BODY = 1024 * 1024;

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}

const ERROR_STATUS: Record<string, number> = {
  'invalid-argument': 400,
  'unknown-method': 404,
  'not-found': 404,
  'no-project': 409,
  'project-locked': 423,
  'newer-schema': 409,
  conflict: 409,
  media: 422,
  'missing-tool': 424,
  'not-available': 501,
  internal: 500,
};

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError('invalid-argument', `request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Web mode: the same core and UI over HTTP on 127.0.0.1. A per-launch secret token (cookie after the
 * first visit, or `Authorization: Bearer`) guards every request; the Host header is checked against
 * DNS rebinding; RPC calls must carry the `X-Reshoot` header, which cross-site pages cannot send.
 */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new ApiError(
      'invalid-argument',
      `Refusing to listen on ${host}: not a loopback address. Pass --allow-remote to do it anyway.`,
    );
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(opts.rendererDir);
  let port = 0;
  const sse = new Set<ServerResponse>();

  const hostAllowed = (req: IncomingMessage): boolean => {
    if (opts.allowRemote) return true;
    const h = (req.headers.host ?? '').toLowerCase();
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`].includes(h);
  };
  const authorised = (req: IncomingMessage): boolean => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = readCookie(req, WEB.tokenCookie);
    return (!!bearer && sameSecret(bearer, token)) || (!!cookie && sameSecret(cookie, token));
  };

  const serveStatic = (res: ServerResponse, pathname: string): void => {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(rendererDir, rel));
    if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      send(res, 404, 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const { project } = opts.core.require();
    const raw = url.searchParams.get('name') ?? '';
    const name = basename(raw).replace(/[^\w.\- ]/g, '_');
    if (!name || name.startsWith('.'))
      throw new ApiError('invalid-argument', `upload: '${raw}' is not a usable file name`);
    mkdirSync(project.paths.media, { recursive: true });
    let target = join(project.paths.media, name);
    for (let i = 2; existsSync(target); i++) {
      target = join(project.paths.media, `${basename(name, extname(name))} (${i})${extname(name)}`);
    }
    const tmp = `${target}.uploading`;
    try {
      await pipeline(req, createWriteStream(tmp));
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    sendJson(res, 200, { result: { path: target } });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
      if (!hostAllowed(req)) return send(res, 421, 'wrong host');
      const launchToken = url.searchParams.get('token');
      if (url.pathname === '/' && launchToken) {
        if (!sameSecret(launchToken, token)) return send(res, 401, 'wrong token');
        res.writeHead(302, {
          'Set-Cookie': `${WEB.tokenCookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
          Location: '/',
        });
        return res.end();
      }
      if (!authorised(req)) {
        return send(
          res,
          401,
          'Reshoot web mode: open the link printed by `reshoot web` (it carries the access token).',
        );
      }
      try {
        if (url.pathname.startsWith('/rpc/')) {
          if (req.method !== 'POST') return send(res, 405, 'POST only');
          if (!req.headers[WEB.csrfHeader.toLowerCase()])
            return send(res, 403, `missing ${WEB.csrfHeader} header`);
          const body = await readBody(req, MAX_RPC_BODY);
          let input: unknown;
          try {
            input = body ? JSON.parse(body) : undefined;
          } catch {
            throw new ApiError('invalid-argument', 'request body is not JSON');
          }
          const result = await dispatch(opts.handlers, decodeURIComponent(url.pathname.slice(5)), input);
          return sendJson(res, 200, { result: result ?? null });
        }
        if (url.pathname === WEB.eventsPath) {
          res.writeHead(200, {
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-cache',
            Connection: 'keep-alive',
          });
          res.write(': connected\n\n');
          sse.add(res);
          const unsubscribe = opts.core.bus.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
          const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15000);
          req.on('close', () => {
            clearInterval(keepAlive);
            unsubscribe();
            sse.delete(res);
          });
          return;
        }
        if (url.pathname.startsWith(WEB.mediaBase + '/')) {
          const request = new Request(url, {
            method: req.method ?? 'GET',
            headers: req.headers as Record<string, string>,
          });
          const response = await opts.media(request, url.pathname.slice(WEB.mediaBase.length));
          res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
          if (!response.body || req.method === 'HEAD') return res.end();
          await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
          return;
        }
        if (url.pathname === WEB.uploadPath) {
          if (req.method !== 'POST') return send(res, 405, 'POST only');
          if (!req.headers[WEB.csrfHeader.toLowerCase()])
            return send(res, 403, `missing ${WEB.csrfHeader} header`);
          return await handleUpload(req, res, url);
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
        return serveStatic(res, url.pathname);
      } catch (e) {
        const err = toApiError(e);
        if (!res.headersSent)
          sendJson(res, ERROR_STATUS[err.code] ?? 500, { error: { code: err.code, message: err.message } });
        else res.destroy();
      }
    })();
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const base = `http://${shownHost}:${port}/`;
  return {
    url: base,
    launchUrl: `${base}?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sse) s.end();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
