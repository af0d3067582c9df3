// `npm start`: launches the desktop app. Electron's npm package fetches its binary on first launch, and the
// app needs better-sqlite3 built for Electron (scripts/electron-native.mjs). Where a download is
// impossible (offline, no GitHub access) we say so in a few lines and point to web mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative, NativeBuildError, reasonOf } from './lib/electron-native.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

function giveUp(what, cause) {
  process.stderr.write(
    [
      '',
      `Reshoot: ${what}, so the desktop window cannot open on this machine.`,
      ...(cause ? [`  (${cause})`] : []),
      '',
      '  Use Reshoot in your browser instead — same app, same projects:',
      '      npm run web',
      '',
      '  To get the desktop app, allow access to github.com once (or set ELECTRON_MIRROR to a mirror you',
      '  can reach) and run `npm start` again; or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

// Electron's own first-launch download prints a raw stack when it fails: run it here, quietly, instead.
const electronDir = join(root, 'node_modules', 'electron');
if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !existsSync(join(electronDir, 'path.txt'))) {
  process.stderr.write('Downloading Electron…\n');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8' });
  if (r.status !== 0)
    giveUp("Electron's binary could not be downloaded", reasonOf(`${r.stdout}\n${r.stderr}`));
}
let electronPath;
try {
  electronPath = require('electron');
} catch (e) {
  giveUp("Electron's binary is not installed", e instanceof Error ? e.message.split('\n')[0] : String(e));
}

const run = (command, args, opts) => {
  const r = spawnSync(command, args, { ...opts, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status ?? 1, stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
};
try {
  ensureElectronNative({ root, run, log: (m) => process.stderr.write(`${m}\n`) });
} catch (e) {
  if (!(e instanceof NativeBuildError)) throw e;
  process.stderr.write(`\nReshoot: ${e.message}\n\n`);
  process.exit(1);
}

const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
