/**
 * `file://` URLs of local paths, for timeline media references (OTIO `target_url`, FCPXML `media-rep
 * src`). Pure string work so it runs in both processes: POSIX paths as they are, Windows paths
 * (`C:\Shots\a.mov`) with forward slashes, every character outside RFC 3986's unreserved set and `/`
 * percent-encoded as UTF-8 (a space is `%20`, `#` is `%23`).
 */

function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The `file://` URL of an absolute path; throws on a relative one (a URL cannot say where it starts). */
export function fileUrl(path: string): string {
  const windows = /^[A-Za-z]:[\\/]/.test(path);
  if (!windows && !path.startsWith('/')) {
    throw new RangeError(`'${path}' is not an absolute path; a timeline needs absolute media paths`);
  }
  // A backslash separates folders only on Windows; in a POSIX name it is a character like any other.
  const parts = (windows ? path.replace(/\\/g, '/') : path).split('/');
  const encoded = parts.map((p, i) => (windows && i === 0 ? p : encodeSegment(p))).join('/');
  return windows ? `file:///${encoded}` : `file://${encoded}`;
}

/** The path of a `file://` URL made by {@link fileUrl}. */
export function pathOfFileUrl(url: string): string {
  if (!url.startsWith('file://')) throw new RangeError(`'${url}' is not a file:// URL`);
  const rest = decodeURIComponent(url.slice('file://'.length));
  return /^\/[A-Za-z]:\//.test(rest) ? rest.slice(1) : rest;
}
