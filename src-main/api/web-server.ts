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
import type { Duplex } from 'node:stream';
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
import {
  parseHostHeader,
  parseRequestTarget,
  readBearer,
  readCookie,
  readRange,
  safeDecode,
} from './http-input';

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
  /** How long a peer has to send a request's headers (default 15 s; tests shorten it). */
  headersTimeoutMs?: number;
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

  const hostAllowed = (h: string): boolean => {
    if (opts.allowRemote) return true;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`].includes(h);
  };
  const authorised = (req: IncomingMessage): boolean => {
    const bearer = readBearer(req.headers.authorization);
    const cookie = readCookie(req.headers.cookie, WEB.tokenCookie);
    return (!!bearer && sameSecret(bearer, token)) || (!!cookie && sameSecret(cookie, token));
  };

  const serveStatic = (res: ServerResponse, pathname: string): void => {
    const decoded = pathname === '/' ? 'index.html' : safeDecode(pathname);
    if (decoded === null || decoded.includes('\0')) return send(res, 400, 'malformed path');
    const file = normalize(join(rendererDir, decoded.replace(/^\/+/, '')));
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
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const { project } = opts.core.require();
    const raw = url.searchParams.get('name') ?? '';
    const name = basename(raw).replace(/[^\w.\- ]/g, '_');
    if (!name || name.startsWith('.'))
      throw new ApiError('invalid-argument', `upload: '${raw.slice(0, 200)}' is not a usable file name`);
    mkdirSync(project.paths.media, { recursive: true });
    let target = join(project.paths.media, name);
    for (let i = 2; existsSync(target); i++) {
      target = join(project.paths.media, `${basename(name, extname(name))} (${i})${extname(name)}`);
    }
    const tmp = `${target}.uploading`;
    try {
      await pipeline(req, createWriteStream(tmp, { flags: 'wx' }));
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    sendJson(res, 200, { result: { path: target } });
  };

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, 'POST only');
    if (!req.headers[WEB.csrfHeader.toLowerCase()]) return send(res, 403, `missing ${WEB.csrfHeader} header`);
    const method = safeDecode(url.pathname.slice('/rpc/'.length));
    if (method === null)
      throw new ApiError('invalid-argument', 'the method name is not valid percent-encoding');
    const body = await readBody(req, MAX_RPC_BODY);
    let input: unknown;
    try {
      input = body ? JSON.parse(body) : undefined;
    } catch {
      throw new ApiError('invalid-argument', 'request body is not JSON');
    }
    const result = await dispatch(opts.handlers, method, input);
    sendJson(res, 200, { result: result ?? null });
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    sse.add(res);
    const write = (text: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    const unsubscribe = opts.core.bus.subscribe((e) => write(`data: ${JSON.stringify(e)}\n\n`));
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), 15000);
    res.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      sse.delete(res);
    });
  };

  const handleMedia = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // Only the headers the media handler reads are passed on: a peer's other headers never reach it.
    const range = readRange(req.headers.range);
    const request = new Request(url, {
      method: req.method === 'HEAD' ? 'HEAD' : 'GET',
      headers: range ? { range } : {},
    });
    const response = await opts.media(request, url.pathname.slice(WEB.mediaBase.length));
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    if (!response.body || req.method === 'HEAD') {
      await response.body?.cancel();
      return void res.end();
    }
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
  };

  /** One request, from raw headers to answer. Never throws: every failure becomes a status code. */
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = parseHostHeader(req.headers.host);
    if (!hostHeader) return send(res, 400, 'malformed or missing Host header');
    if (!hostAllowed(hostHeader)) return send(res, 421, 'wrong host');
    const url = parseRequestTarget(req.url);
    if (!url) return send(res, 400, 'malformed request target');
    const launchToken = url.searchParams.get('token');
    if (url.pathname === '/' && launchToken) {
      if (!sameSecret(launchToken, token)) return send(res, 401, 'wrong token');
      res.writeHead(302, {
        'Set-Cookie': `${WEB.tokenCookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
      });
      return void res.end();
    }
    if (!authorised(req)) {
      return send(
        res,
        401,
        'Reshoot web mode: open the link printed by `reshoot web` (it carries the access token).',
      );
    }
    if (url.pathname.startsWith('/rpc/')) return await handleRpc(req, res, url);
    if (url.pathname === WEB.eventsPath) return handleEvents(req, res);
    if (url.pathname.startsWith(WEB.mediaBase + '/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      return await handleMedia(req, res, url);
    }
    if (url.pathname === WEB.uploadPath) {
      if (req.method !== 'POST') return send(res, 405, 'POST only');
      if (!req.headers[WEB.csrfHeader.toLowerCase()])
        return send(res, 403, `missing ${WEB.csrfHeader} header`);
      return await handleUpload(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    serveStatic(res, url.pathname);
  };

  // A peer that sends its headers a byte at a time holds a connection for 15 s at most (checked every
  // second).
  const headersTimeout = opts.headersTimeoutMs ?? 15_000;
  const server = createServer(
    { headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    (req, res) => {
      // A peer that goes away mid-answer makes these streams emit 'error'; nothing is left to tell it.
      req.on('error', () => res.destroy());
      res.on('error', () => res.destroy());
      handle(req, res).catch((e: unknown) => {
        const err = toApiError(e);
        if (res.headersSent) return void res.destroy();
        sendJson(res, ERROR_STATUS[err.code] ?? 500, { error: { code: err.code, message: err.message } });
      });
    },
  );
  // Bytes that are not HTTP at all: Node answers 400 (431 for huge headers) and closes the socket.
  // A connection that timed out before its headers is closed without an answer: a browser opens
  // connections ahead of need and may send on one after the timeout, and it retries a request whose
  // connection closed unanswered on a fresh one (it does not retry a 400: the app's first call after a
  // pause of 15 s failed now and then); a peer trickling its headers gets nothing either.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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
