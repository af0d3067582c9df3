/**
 * Defensive parsing of what an HTTP peer sends: the request target, the Host header, cookies and
 * percent-encoded path parts. Every function here returns `null` for malformed input instead of
 * throwing, so one bad byte from an unauthenticated peer can only ever earn a 4xx.
 */

/** Percent-decoding that answers `null` for bad escapes (`%E0%A4%A`) instead of throwing a URIError. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** A Host header value: `name[:port]` or `[v6][:port]` with nothing else in it, lower-cased. */
export function parseHostHeader(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) return null;
  const v = value.toLowerCase();
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(v)) return null;
  return v;
}

/** A base no peer controls: request targets are resolved against it, never against the Host header. */
const PARSE_BASE = 'http://reshoot.invalid';

/**
 * The request target (`/path?query`) as a URL. Only origin-form targets are accepted: absolute-form
 * (`http://other/…`), authority-form and asterisk-form targets, and anything `URL` rejects, give `null`.
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  if (!target || target[0] !== '/' || target.startsWith('//') || target.length > 8192) return null;
  try {
    const url = new URL(target, PARSE_BASE);
    return url.origin === PARSE_BASE ? url : null;
  } catch {
    return null;
  }
}

/** The value of cookie `name`, or `null` when it is absent or its percent-encoding is malformed. */
export function readCookie(header: string | string[] | undefined, name: string): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    return safeDecode(part.slice(eq + 1).trim());
  }
  return null;
}

/** The token of an `Authorization: Bearer <token>` header, or `null`. */
export function readBearer(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  return m ? m[1]! : null;
}

/** The `Range` header when it is one well-formed string; dropped otherwise (the whole file is served). */
export function readRange(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && /^bytes=\d{0,15}-\d{0,15}$/.test(header) ? header : null;
}
