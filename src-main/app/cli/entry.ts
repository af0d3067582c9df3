import { processIO, runCli } from './main';

// The `reshoot` binary. Long-running commands (web) keep the process alive themselves.
runCli(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`reshoot: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
