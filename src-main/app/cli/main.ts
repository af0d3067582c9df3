import { CliError, EXIT, type CliCommand, type CliIO } from './command';
import { commands } from './registry';

const VERSION = '0.1.0';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'reshoot — shot projects, analysis, camera paths and export for VFX post-production',
    '',
    'Usage: reshoot <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'reshoot <command> --help' for a command's options. Exit codes: docs/cli.md.",
  ].join('\n');
}

/** Longest command path that prefixes argv wins, so `camera convert` beats a bare `camera`. */
function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview() + '\n');
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(`reshoot ${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0) {
      io.err(
        `reshoot ${argv[0]}: unknown sub-command '${argv[1] ?? ''}'. One of: ${group.map((c) => c.path.slice(1).join(' ')).join(', ')}\n`,
      );
    } else {
      io.err(`reshoot: unknown command '${argv[0]}'. Run 'reshoot --help' for the list.\n`);
    }
    return EXIT.usage;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help.trimEnd() + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(e.message.trimEnd() + '\n');
      return e.exitCode;
    }
    const err = e as Error & { exitCode?: number };
    io.err(`reshoot ${command.path.join(' ')}: ${err.message}\n`);
    return typeof err.exitCode === 'number' ? err.exitCode : EXIT.failure;
  }
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
}
