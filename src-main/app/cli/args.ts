import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict argument parsing shared by all commands: unknown options and missing values are usage errors
 * (exit 2) with a message that names the option, never a stack trace.
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, commandName: string) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new CliError(
      `${commandName}: ${(e as Error).message}. See 'reshoot ${commandName} --help'.`,
      EXIT.usage,
    );
  }
}
