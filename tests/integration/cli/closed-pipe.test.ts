import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('output piped into a reader that stops early (reshoot … | head -1)', () => {
  it('ends quietly with the command’s own exit code, no EPIPE stack', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/app/cli/entry.ts', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before the first line is written
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
