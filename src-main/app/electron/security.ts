import type { BrowserWindowConstructorOptions } from 'electron';

/** The UI is served from this origin; only frames from it may call the API. */
export const APP_SCHEME = 'reshoot-app';
export const MEDIA_SCHEME = 'reshoot-media';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Like web mode's policy, plus the media scheme: no remote code, no eval, no inline scripts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' ${MEDIA_SCHEME}: blob: data:`,
  `media-src 'self' ${MEDIA_SCHEME}: blob:`,
  `connect-src 'self' ${MEDIA_SCHEME}:`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** True when an IPC call comes from our own UI (not from some frame that navigated elsewhere). */
export function isTrustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}
