import { processIO, runCli } from './main';

// Output piped into a reader that stops early (`reshoot jobs p | head -1`): the reader has all it wanted;
// end quietly, as other command-line tools do, instead of an uncaught EPIPE and a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

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
