/**
 * One `reshoot` sub-command. Each lives in its own file under `commands/` and is listed in `registry.ts`.
 * `run` returns the process exit code (see EXIT below); it writes results to `io.out` and errors to `io.err`.
 */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  /** Words that select the command, e.g. ['camera', 'convert'] for `reshoot camera convert`. */
  path: readonly string[];
  summary: string;
  /** Full help text printed for `--help` (usage line, arguments, options, examples). */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** Something failed while doing the work (media unreadable, job failed, …). */
  failure: 1,
  /** The command line was wrong: unknown command or option, missing argument. */
  usage: 2,
  /** A file or project named on the command line does not exist or is not what it should be. */
  notFound: 3,
  /** The project is open in another process, or was written by a newer Reshoot. */
  projectUnavailable: 4,
  /** A required external tool (ffmpeg) is missing. */
  missingTool: 5,
} as const;

/** An error whose message is meant for the user, with the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
