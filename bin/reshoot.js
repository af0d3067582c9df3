#!/usr/bin/env node
// The CLI is bundled by `npm run build:main`; this file only finds it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    "reshoot: the app is not built yet. Run 'npm run build' in the Reshoot folder first.\n",
  );
  process.exit(1);
}
await import(entry);
