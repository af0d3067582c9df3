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

/**
 * Checks of option values. Each error names the option, the value given and what is allowed, e.g.
 * "reshoot export camera: --format 'xyz' is not one of json, chan, usda, colmap." (exit 2). An option
 * that was not given is returned as undefined: the command applies its default or requires it.
 */
export function optionError(command: string, text: string): CliError {
  return new CliError(`reshoot ${command}: ${text}. See 'reshoot ${command} --help'.`, EXIT.usage);
}

/** `--<option>` must be one of `allowed`. */
export function choice<T extends string>(
  value: string | undefined,
  option: string,
  allowed: readonly T[],
  command: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw optionError(command, `--${option} '${value}' is not one of ${allowed.join(', ')}`);
}

const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const WHOLE = /^\+?\d+$/;

/** `--<option>` must be a number > 0 (decimal notation: no hex, no empty string, no Infinity). */
export function positiveNumber(
  value: string | undefined,
  option: string,
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  const x = DECIMAL.test(value.trim()) ? Number(value) : NaN;
  if (!(x > 0) || !Number.isFinite(x))
    throw optionError(command, `--${option} '${value}' is not a positive number`);
  return x;
}

/** `--<option>` must be a whole number ≥ 1. */
export function positiveInteger(
  value: string | undefined,
  option: string,
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  const x = WHOLE.test(value.trim()) ? Number(value) : NaN;
  if (!(x >= 1) || !Number.isSafeInteger(x))
    throw optionError(command, `--${option} '${value}' is not a positive whole number (1, 2, 3, …)`);
  return x;
}

/** `--<option>` must be a number from `min` to `max` (a whole one when `integer`); `unit` is named. */
export function numberInRange(
  value: string | undefined,
  option: string,
  range: { min: number; max: number; integer?: boolean; unit?: string },
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  const x = (range.integer ? WHOLE : DECIMAL).test(value.trim()) ? Number(value) : NaN;
  if (!(x >= range.min && x <= range.max)) {
    const what = range.integer ? 'a whole number' : 'a number';
    const unit = range.unit ? ` ${range.unit}` : '';
    throw optionError(
      command,
      `--${option} '${value}' is not ${what} from ${range.min} to ${range.max}${unit}`,
    );
  }
  return x;
}

/** `--<option>` must be a frame rate: a positive whole number or a ratio of two, e.g. 24 or 24000/1001. */
export function frameRate(
  value: string | undefined,
  option: string,
  command: string,
): { num: number; den: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)(?:\/(\d+))?$/.exec(value.trim());
  const num = m ? Number(m[1]) : 0;
  const den = m ? Number(m[2] ?? 1) : 0;
  if (!(num > 0 && den > 0) || !Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    throw optionError(command, `--${option} '${value}' is not a frame rate such as 24, 25 or 24000/1001`);
  }
  return { num, den };
}

/** `--frames A-B` (shot frames, from 0) or a single frame; undefined when not given. */
export function frameRange(
  v: string | undefined,
  command: string,
): { first: number; last: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v);
  if (!m)
    throw optionError(command, `--frames '${v}' is not a frame range such as 0-47 (shot frames, from 0)`);
  const first = Number(m[1]),
    last = Number(m[2] ?? m[1]);
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(last)) || last < first)
    throw optionError(command, `--frames '${v}': the last frame comes before the first`);
  return { first, last };
}
