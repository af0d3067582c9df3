// `npm start`: launches the desktop app. Electron's npm package fetches its binary on first launch;
// where that download is impossible (offline, no GitHub access) we say so and point to web mode.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch (e) {
  process.stderr.write(
    [
      '',
      "Reshoot: Electron's binary could not be downloaded, so the desktop window cannot open on this machine.",
      `  (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
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
const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
