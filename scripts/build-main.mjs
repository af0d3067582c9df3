// Bundles the main-process entries with esbuild. Native modules stay external (loaded from node_modules).
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The preload's allow-list is generated from the contract at build time, so the sandboxed preload
// carries a list of names and no schema library.
async function contractMethodNames() {
  const dir = mkdtempSync(join(tmpdir(), 'reshoot-contract-'));
  try {
    const out = join(dir, 'contract.mjs');
    await build({
      entryPoints: ['src-shared/api/contract.ts'],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      outfile: out,
      logLevel: 'warning',
    });
    const { METHOD_NAMES } = await import(pathToFileURL(out).href);
    return METHOD_NAMES;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const methodNames = await contractMethodNames();

const external = ['better-sqlite3', 'onnxruntime-node', 'electron', 'ffmpeg-static'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
};

// Worker entry files live beside the code they run (src-main/**/<name>.worker.ts); each is bundled to
// dist/main/workers/<name>.worker.js, where src-main/jobs/workers.ts finds it by name.
function findWorkers(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? findWorkers(join(dir, e.name))
      : e.name.endsWith('.worker.ts')
        ? [join(dir, e.name)]
        : [],
  );
}
const workers = findWorkers('src-main');
const workerNames = workers.map((w) => w.split('/').at(-1));
if (new Set(workerNames).size !== workerNames.length)
  throw new Error(`Two worker entry files share a name: ${workerNames.join(', ')}`);

await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'src-main/app/cli/entry.ts' },
    outdir: 'dist/main',
    format: 'esm',
    outExtension: { '.js': '.js' },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  }),
  ...(workers.length
    ? [
        build({
          ...common,
          entryPoints: Object.fromEntries(workers.map((w) => [w.split('/').at(-1).replace(/\.ts$/, ''), w])),
          outdir: 'dist/main/workers',
          format: 'esm',
          banner: {
            js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
          },
        }),
      ]
    : []),
  ...(existsSync('src-main/app/electron/main.ts')
    ? [
        build({
          ...common,
          entryPoints: { 'electron-main': 'src-main/app/electron/main.ts' },
          outdir: 'dist/main',
          format: 'cjs',
          outExtension: { '.js': '.cjs' },
          // CommonJS has no import.meta: modules shared with the ESM bundles get this file's URL instead.
          define: { 'import.meta.url': '__reshootImportMetaUrl' },
          banner: {
            js: "const __reshootImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
          },
        }),
        // A sandboxed preload may only require('electron'): everything else is bundled in.
        build({
          ...common,
          entryPoints: { preload: 'src-main/app/electron/preload.ts' },
          outdir: 'dist/main',
          format: 'cjs',
          outExtension: { '.js': '.cjs' },
          define: { __RESHOOT_METHOD_NAMES__: JSON.stringify(methodNames) },
        }),
      ]
    : []),
]);
