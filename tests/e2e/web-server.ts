import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebApp {
  url: string;
  configDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

const READY = /Reshoot is serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;

/**
 * Starts `reshoot web --port 0` with its own config folder and resolves with the launch URL it prints.
 * `env` adds to (or overrides) the server's environment, e.g. RESHOOT_MODELS_DIR.
 */
export async function startWebApp(options: { env?: Record<string, string> } = {}): Promise<WebApp> {
  const configDir = mkdtempSync(join(tmpdir(), 'reshoot-e2e-config-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/reshoot.js', 'web', '--port', '0'], {
    env: { ...process.env, RESHOOT_CONFIG_DIR: configDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`reshoot web printed no URL within 30 s:\n${log}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = READY.exec(log);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reshoot web exited with ${code} before serving:\n${log}`));
    });
  });
  return {
    url,
    configDir,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
