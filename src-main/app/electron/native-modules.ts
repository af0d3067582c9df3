import { join } from 'node:path';

/**
 * Where the desktop app finds better-sqlite3 built for Electron's ABI (made by
 * `npm run electron:native`, see scripts/lib/electron-native.mjs): under the app's root in a checkout,
 * and beside the asar archive in a packaged app (native files cannot be loaded from inside an asar).
 * onnxruntime-node needs no such thing: it is an N-API module, one binary for Node and Electron.
 */
export function electronSqliteBinding(
  appPath: string,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const root = appPath.replace(/app\.asar$/, 'app.asar.unpacked');
  return join(root, 'build', 'electron-native', `${platform}-${arch}`, 'better_sqlite3.node');
}
