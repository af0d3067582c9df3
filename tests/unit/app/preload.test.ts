import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../src-shared/api/contract';
import {
  isTrustedSender,
  secureWebPreferences,
  CONTENT_SECURITY_POLICY,
} from '../../../src-main/app/electron/security';

describe('Electron security settings', () => {
  it('windows are isolated and sandboxed with no Node in the page', () => {
    const p = secureWebPreferences('/x/preload.cjs')!;
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('only the app origin may call the API', () => {
    expect(isTrustedSender('reshoot-app://app/index.html')).toBe(true);
    for (const u of [
      'https://evil.example/',
      'file:///etc/passwd',
      'reshoot-app://other/index.html',
      'reshoot-media://app/x',
      undefined,
      'nonsense',
    ]) {
      expect(isTrustedSender(u)).toBe(false);
    }
  });

  it('the CSP allows no remote code, eval or inline script', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
  });

  // The built preload must carry exactly the contract's methods and nothing generic.
  it.skipIf(!existsSync('dist/main/preload.cjs'))(
    'the built preload exposes exactly the contract methods',
    () => {
      const src = readFileSync('dist/main/preload.cjs', 'utf8');
      const list = /\[("[a-z.A-Z]+"(?:,\s*"[a-z.A-Z]+")*)\]/.exec(src);
      expect(list).not.toBeNull();
      expect(JSON.parse(`[${list![1]}]`)).toEqual(METHOD_NAMES);
      // No function that takes a channel from the page (a generic invoke), no fire-and-forget send.
      expect(src).not.toMatch(/(=|function\s*\w*)\s*\(\s*(channel|ch|name)\s*,/);
      expect(src).not.toMatch(/ipcRenderer\.send\(/);
      expect(src).toMatch(/exposeInMainWorld\("reshoot"/);
      expect(src.length).toBeLessThan(4000);
    },
  );
});
