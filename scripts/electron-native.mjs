// `npm run electron:native` (also run by `npm start` and `npm run dist`): makes the Electron build of
// better-sqlite3 that the desktop app loads, leaving node_modules' Node build to the CLI and the tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative, NativeBuildError } from './lib/electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command, args, opts) => {
  const r = spawnSync(command, args, { ...opts, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status ?? 1, stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
};

try {
  const r = ensureElectronNative({ root, run, log: (m) => process.stderr.write(`${m}\n`) });
  const b = r.build;
  process.stderr.write(
    `${r.built ? 'Made' : 'Up to date:'} better-sqlite3 ${b.betterSqlite3} for Electron ${b.electron} (${b.platform}-${b.arch}): ${r.file}\n`,
  );
} catch (e) {
  if (!(e instanceof NativeBuildError)) throw e;
  process.stderr.write(`\nReshoot: ${e.message}\n\n`);
  process.exit(1);
}
