import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronSqliteBinding } from '../../../src-main/app/electron/native-modules';
// @ts-expect-error -- a plain .mjs build script, without type declarations
import { ensureElectronNative, NativeBuildError } from '../../../scripts/lib/electron-native.mjs';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir('reshoot-native-');
afterAll(() => tmp.cleanup());

type Run = (cmd: string, args: string[], opts: { cwd: string }) => { status: number; stderr: string };

/** A checkout with just what the builder reads: Electron's and better-sqlite3's package files. */
function fakeCheckout(name: string): string {
  const root = join(tmp.dir, name);
  mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), '{"version":"45.4.1"}');
  writeFileSync(join(root, 'node_modules', 'electron', 'abi_version'), '140');
  writeFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), '{"version":"12.11.1"}');
  writeFileSync(
    join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    'NODE',
  );
  return root;
}

/** The network boundary: a tool that "downloads" by writing the binary it would have fetched. */
const succeeds =
  (tool: RegExp, calls: string[]): Run =>
  (_cmd, args, { cwd }) => {
    calls.push(args[0]!);
    if (!tool.test(args[0]!)) return { status: 1, stderr: 'getaddrinfo ENOTFOUND github.com' };
    mkdirSync(join(cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(join(cwd, 'build', 'Release', 'better_sqlite3.node'), `ELECTRON ${args.join(' ')}`);
    return { status: 0, stderr: '' };
  };
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('native modules for the desktop app', () => {
  it('finds the Electron build beside the asar archive when packaged, under the root in a checkout', () => {
    expect(electronSqliteBinding('/src/reshoot', 'linux', 'x64')).toBe(
      '/src/reshoot/build/electron-native/linux-x64/better_sqlite3.node',
    );
    expect(electronSqliteBinding('/opt/Reshoot/resources/app.asar', 'linux', 'arm64')).toBe(
      '/opt/Reshoot/resources/app.asar.unpacked/build/electron-native/linux-arm64/better_sqlite3.node',
    );
  });

  it('makes the Electron build from a prebuilt binary, leaves the Node build alone, and reuses it', () => {
    const root = fakeCheckout('prebuilt');
    const nodeBuild = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const before = sha(nodeBuild);
    const calls: string[] = [];
    const r = ensureElectronNative({
      root,
      run: succeeds(/prebuild-install/, calls),
      platform: 'linux',
      arch: 'x64',
    });
    expect(r.built).toBe(true);
    expect(readFileSync(r.file, 'utf8')).toMatch(
      /--runtime electron --target 45\.4\.1 --arch x64 --platform linux/,
    );
    expect(r.file).toBe(join(root, 'build/electron-native/linux-x64/better_sqlite3.node'));
    expect(sha(nodeBuild)).toBe(before);
    const again = ensureElectronNative({
      root,
      run: succeeds(/prebuild-install/, calls),
      platform: 'linux',
      arch: 'x64',
    });
    expect(again.built).toBe(false);
    expect(calls).toHaveLength(1);
    // A new Electron makes the recorded build stale.
    writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), '{"version":"45.5.0"}');
    const bumped = ensureElectronNative({
      root,
      run: succeeds(/prebuild-install/, calls),
      platform: 'linux',
      arch: 'x64',
    });
    expect(bumped.built).toBe(true);
    expect(bumped.build.electron).toBe('45.5.0');
  });

  it('compiles against Electron headers when no prebuilt binary can be fetched', () => {
    const root = fakeCheckout('compiled');
    const calls: string[] = [];
    const r = ensureElectronNative({
      root,
      run: succeeds(/node-gyp/, calls),
      platform: 'linux',
      arch: 'x64',
    });
    expect(r.built).toBe(true);
    expect(calls.map((c) => c.split('/').at(-1))).toEqual(['bin.js', 'node-gyp.js']);
    expect(readFileSync(r.file, 'utf8')).toMatch(/--runtime=electron/);
  });

  it('offline, fails with a message that says what to run, and writes nothing', () => {
    const root = fakeCheckout('offline');
    const run: Run = () => ({
      status: 1,
      stderr: 'gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org',
    });
    let error: Error | null = null;
    try {
      ensureElectronNative({ root, run, platform: 'linux', arch: 'x64' });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(NativeBuildError);
    expect(error!.message).toMatch(/Electron 45\.4\.1/);
    expect(error!.message).toMatch(/npm run electron:native/);
    expect(error!.message).toMatch(/ENOTFOUND electronjs\.org/);
    expect(existsSync(join(root, 'build'))).toBe(false);
  });

  it('onnxruntime-node is N-API (one binary for Node and Electron); better-sqlite3 is built per ABI', () => {
    const ort = readFileSync(
      join(
        'node_modules/onnxruntime-node/bin/napi-v6',
        process.platform,
        process.arch,
        'onnxruntime_binding.node',
      ),
    );
    expect(ort.includes('napi_register_module_v1')).toBe(true);
    expect(/node_register_module_v\d+/.test(ort.toString('latin1'))).toBe(false);
    const sqlite = readFileSync('node_modules/better-sqlite3/build/Release/better_sqlite3.node').toString(
      'latin1',
    );
    expect(sqlite).toContain(`node_register_module_v${process.versions.modules}`);
  });
});
