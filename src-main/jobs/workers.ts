/**
 * The one place worker threads are started and stopped. A worker's entry file lives beside the code it
 * runs (`src-main/analysis/analysis.worker.ts`, `…/tracking/track.worker.ts`,
 * `src-main/inference/inference.worker.ts`); its caller names it and says where its source is.
 * Starting a worker from either layout:
 * - bundled (`npm run build`): scripts/build-main.mjs writes every `<name>.worker.ts` under src-main to
 *   `dist/main/workers/<name>.worker.js` (ESM), next to the bundle that starts it;
 * - source (vitest, `npx tsx`): this file is a .ts file, so the worker is the .ts entry itself, started
 *   through a tiny bootstrap that registers tsx's loader first (Node 20 does not apply `--import` hooks
 *   to a worker's own entry file).
 * `RESHOOT_WORKERS_DIR` points at a folder of built workers explicitly (packaging, tests).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker as its owner names it: the bundled file's name and, for runs from sources, its entry file. */
export interface WorkerEntry {
  name: string;
  source: URL;
}

export interface WorkerSpawn {
  mode: 'bundled' | 'source';
  /** The worker's entry file. */
  file: string;
  start(workerData: unknown): Worker;
}

/** This module's file. (`__filename` is not it inside a worker started from code: '[worker eval]'.) */
function thisFile(): string {
  return typeof __filename === 'string' && isAbsolute(__filename)
    ? __filename
    : fileURLToPath(import.meta.url);
}

function tsxApiUrl(from: string): string {
  const req = createRequire(from);
  let pkgPath: string;
  try {
    pkgPath = req.resolve('tsx/package.json');
  } catch {
    throw new Error(`${from}: running from TypeScript sources needs the 'tsx' package (npm install -D tsx).`);
  }
  return pathToFileURL(join(dirname(pkgPath), 'dist', 'esm', 'api', 'index.mjs')).href;
}

/**
 * `source` is the worker's entry file as its caller sees it (`new URL('./x.worker.ts', import.meta.url)`);
 * it is used only when running from TypeScript sources. Bundled, the worker is found by `name`.
 */
export function resolveWorker(
  name: string,
  source: URL,
  env: NodeJS.ProcessEnv = process.env,
  here: string = thisFile(),
): WorkerSpawn {
  const built = `${name}.worker.js`;
  if (env.RESHOOT_WORKERS_DIR) {
    const file = resolve(env.RESHOOT_WORKERS_DIR, built);
    if (!existsSync(file))
      throw new Error(
        `${file}: worker '${name}' not found (RESHOOT_WORKERS_DIR=${env.RESHOOT_WORKERS_DIR}).`,
      );
    return bundled(file);
  }
  if (here.endsWith('.ts')) {
    const file = fileURLToPath(source);
    if (!file.endsWith(`${name}.worker.ts`) || !existsSync(file))
      throw new Error(`${file}: worker source for '${name}' not found.`);
    const api = tsxApiUrl(here);
    const entry = pathToFileURL(file).href;
    const bootstrap =
      `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
      `.catch((e) => { setImmediate(() => { throw e; }); });`;
    return { mode: 'source', file, start: (workerData) => new Worker(bootstrap, { eval: true, workerData }) };
  }
  const dir = dirname(here);
  const candidates = [join(dir, 'workers', built), join(dir, built), join(dir, '..', 'workers', built)];
  const file = candidates.find((c) => existsSync(c));
  if (!file)
    throw new Error(
      `worker '${name}' not found; looked for ${candidates.join(', ')} (run 'npm run build:main').`,
    );
  return bundled(file);
}

function bundled(file: string): WorkerSpawn {
  return { mode: 'bundled', file, start: (workerData) => new Worker(file, { workerData }) };
}

/** How long a worker asked to stop may take before it is terminated anyway. */
export const STOP_GRACE_MS = 60_000;

/**
 * Stops a worker that may have onnxruntime working in it (or in a worker of its own): `ask` tells it to
 * exit at a safe point; it is terminated only if it has not exited after `graceMs` (terminating a
 * thread inside an onnxruntime call aborts the whole process). Resolves when it has exited.
 */
export async function stopWorker(worker: Worker, ask: () => void, graceMs = STOP_GRACE_MS): Promise<void> {
  if (worker.threadId < 0) return; // Exited already.
  worker.ref(); // Waiting for it must keep the process alive (an idle worker may have been unref'd).
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    ask();
  } catch {
    // Already gone: nothing to ask.
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
    timer.unref();
  });
  if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
  clearTimeout(timer);
  await exited;
}
