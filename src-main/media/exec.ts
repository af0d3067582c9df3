/** Running ffmpeg/ffprobe without a shell and without blocking the event loop. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Bytes written to the child's stdin, then stdin is closed. */
  input?: Uint8Array;
  /** Receives stdout as it arrives instead of collecting it. */
  onStdout?: (chunk: Buffer) => void;
  /** Keep only the last this-many characters of stderr (default 64 KiB). */
  stderrLimit?: number;
  /** Also receives stderr as it arrives (all of it, whatever `stderrLimit` keeps). */
  onStderr?: (chunk: string) => void;
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('The operation was cancelled');
  e.name = 'AbortError';
  return e;
}

/** Runs a binary with an argument array; resolves with its output whatever the exit code. */
export function runTool(
  binary: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const child = spawn(binary, args, {
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let err = '';
    const limit = options.stderrLimit ?? 65536;
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (c: Buffer) => (options.onStdout ? options.onStdout(c) : out.push(c)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => {
      options.onStderr?.(c);
      err += c;
      if (err.length > limit * 2) err = err.slice(-limit);
    });
    if (options.input && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      resolve({ code, signal: sig, stdout: Buffer.concat(out), stderr: err.slice(-limit) });
    });
  });
}

/** The last few meaningful lines of a tool's stderr, for error details. */
export function stderrTail(stderr: string, lines = 4): string {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}
