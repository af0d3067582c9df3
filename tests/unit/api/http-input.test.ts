import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseHostHeader,
  parseRequestTarget,
  readBearer,
  readCookie,
  readRange,
  safeDecode,
} from '../../../src-main/api/http-input';

/** Whatever bytes a peer sends, the parsers answer a value or null: they never throw. */
describe('defensive HTTP input parsing', () => {
  it('never throws on arbitrary strings (including lone surrogates and control bytes)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        safeDecode(s);
        parseHostHeader(s);
        parseRequestTarget(s);
        parseRequestTarget('/' + s);
        readCookie(s, 'reshoot_token');
        readBearer(s);
        readRange(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes good percent-encoding and answers null for bad escapes', () => {
    expect(safeDecode('shots.list')).toBe('shots.list');
    expect(safeDecode('a%20b')).toBe('a b');
    for (const bad of ['%', '%E0%A4%A', '%zz', '%C0']) expect(safeDecode(bad)).toBeNull();
  });

  it('reads a cookie among others; a malformed value is null, not an exception', () => {
    expect(readCookie('a=1; reshoot_token=abc%2Bd; b=2', 'reshoot_token')).toBe('abc+d');
    expect(readCookie('reshoot_token=%E0%A4%A', 'reshoot_token')).toBeNull();
    expect(readCookie('other=1', 'reshoot_token')).toBeNull();
    expect(readCookie(undefined, 'reshoot_token')).toBeNull();
    expect(readCookie('reshoot_token', 'reshoot_token')).toBeNull();
  });

  it('accepts only host[:port] Host headers', () => {
    expect(parseHostHeader('127.0.0.1:8080')).toBe('127.0.0.1:8080');
    expect(parseHostHeader('LOCALHOST:1')).toBe('localhost:1');
    expect(parseHostHeader('[::1]:80')).toBe('[::1]:80');
    for (const bad of ['', '[::1', 'a b', 'user@host', 'host:99999999', 'h/ost', undefined, ['a', 'b']])
      expect(parseHostHeader(bad as string)).toBeNull();
  });

  it('accepts only origin-form request targets, resolved against a base no peer controls', () => {
    expect(parseRequestTarget('/rpc/shots.list?x=1')!.pathname).toBe('/rpc/shots.list');
    expect(parseRequestTarget('/a/../b')!.pathname).toBe('/b');
    for (const bad of ['http://evil.example/', '//evil.example/x', '*', 'evil.example:443', '', undefined])
      expect(parseRequestTarget(bad)).toBeNull();
  });

  it('reads Bearer tokens and byte ranges only when well-formed', () => {
    expect(readBearer('Bearer abc_DEF-1')).toBe('abc_DEF-1');
    expect(readBearer('Bearer ')).toBeNull();
    expect(readBearer('Basic abc')).toBeNull();
    expect(readRange('bytes=0-99')).toBe('bytes=0-99');
    expect(readRange('bytes=0-1,5-9')).toBeNull();
    expect(readRange(['bytes=0-1'])).toBeNull();
  });
});
