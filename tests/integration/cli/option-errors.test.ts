import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  choice,
  frameRate,
  numberInRange,
  positiveInteger,
  positiveNumber,
} from '../../../src-main/app/cli/args';
import { CliError, EXIT } from '../../../src-main/app/cli/command';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const nowhere = join(tmp.dir, 'none.reshoot');

/** Runs the real CLI entry (from source) as a separate process, as a user would. */
function reshoot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/app/cli/entry.ts', ...args], {
      env: { ...process.env, RESHOOT_CONFIG_DIR: join(tmp.dir, 'config') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('an option with a bad value: the error names the option, the value and what is allowed', () => {
  it('for every kind of check, in several commands (exit 2, before any project is opened)', async () => {
    const cases: [string[], string][] = [
      [
        ['camera', 'convert', 'cams.json', '--to', 'xyz'],
        "reshoot camera convert: --to 'xyz' is not one of chan, usda, colmap, json.",
      ],
      [
        ['camera', 'convert', 'cams.json', '--to', 'usda', '--world-up', 'up'],
        "reshoot camera convert: --world-up 'up' is not one of z, y, -y.",
      ],
      [
        ['camera', 'convert', 'cams.json', '--to', 'usda', '--meters-per-unit', '0x10'],
        "reshoot camera convert: --meters-per-unit '0x10' is not a positive number.",
      ],
      [
        ['camera', 'convert', 'cams.json', '--to', 'usda', '--fps', '0/1'],
        "reshoot camera convert: --fps '0/1' is not a frame rate such as 24, 25 or 24000/1001.",
      ],
      [
        ['export', 'camera', nowhere, '1', '--format', 'fbx', '--out', 'x.fbx'],
        "reshoot export camera: --format 'fbx' is not one of json, chan, usda, colmap, nuke.",
      ],
      [
        ['camera', 'import', nowhere, '1', 'cams.json', '--world-up', 'Y'],
        "reshoot camera import: --world-up 'Y' is not one of z, y, -y.",
      ],
      [
        ['track', nowhere, '1', '--method', 'sift'],
        "reshoot track: --method 'sift' is not one of klt, xfeat.",
      ],
      [
        ['export', 'tracks', nowhere, '1', '--out', 't.json', '--method', 'orb'],
        "reshoot export tracks: --method 'orb' is not one of klt, xfeat.",
      ],
      [
        ['import', nowhere, 'a.mp4', '--fps', '24fps'],
        "reshoot import: --fps '24fps' is not a frame rate such as 24, 25 or 24000/1001.",
      ],
      [
        ['metrics', 'a.json', 'b.json', '--rpe-step', '0'],
        "reshoot metrics: --rpe-step '0' is not a positive whole number (1, 2, 3, …).",
      ],
      [['web', '--port', '70000'], "reshoot web: --port '70000' is not a whole number from 0 to 65535."],
      [
        ['lens', nowhere, '1', '--focal-mm', '5000', '--sensor-width-mm', '36'],
        "reshoot lens: --focal-mm '5000' is not a number from 1 to 2000 mm.",
      ],
      [
        ['lens', nowhere, '1', '--focal-mm', '35', '--sensor-width-mm', 'wide'],
        "reshoot lens: --sensor-width-mm 'wide' is not a number from 1 to 100 mm.",
      ],
      [
        ['jobs', 'resume', nowhere, 'last'],
        "reshoot jobs resume: the job id 'last' is not a number ('reshoot jobs <project>' lists them).",
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => reshoot(args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({
        args,
        code: EXIT.usage,
        stderr: `${message.slice(0, -1)}. See 'reshoot ${message.split(':')[0]!.slice('reshoot '.length)} --help'.\n`,
      });
      expect(r.stdout).toBe('');
    });
  });

  it("node's own errors for unknown options and missing values still name the option", async () => {
    const [unknown, missing] = await Promise.all([
      reshoot(['export', 'camera', nowhere, '1', '--fromat', 'usda']),
      reshoot(['track', nowhere, '1', '--method']),
    ]);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toMatch(/^export camera: Unknown option '--fromat'/);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/^track: Option '--method <value>' argument missing/);
  });

  it('the shared checks accept what they should and nothing else', () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        expect((e as CliError).exitCode).toBe(EXIT.usage);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(choice(undefined, 'to', ['a', 'b'], 'x')).toBeUndefined();
    expect(choice('b', 'to', ['a', 'b'], 'x')).toBe('b');
    expect(refused(() => choice('', 'to', ['a', 'b'], 'x'))).toMatch(/--to '' is not one of a, b/);
    expect(positiveNumber('0.5', 'n', 'x')).toBe(0.5);
    expect(positiveNumber('1e3', 'n', 'x')).toBe(1000);
    for (const bad of ['', ' ', '0', '-1', 'Infinity', '0x10', '1,5', 'NaN', '1e400'])
      expect(refused(() => positiveNumber(bad, 'n', 'x'))).toContain(`--n '${bad}' is not a positive number`);
    expect(positiveInteger('12', 'n', 'x')).toBe(12);
    for (const bad of ['0', '1.5', '', '1e2', '99999999999999999999'])
      expect(refused(() => positiveInteger(bad, 'n', 'x'))).toContain(
        `'${bad}' is not a positive whole number`,
      );
    expect(numberInRange('0', 'port', { min: 0, max: 9, integer: true }, 'x')).toBe(0);
    expect(refused(() => numberInRange('1.5', 'port', { min: 0, max: 9, integer: true }, 'x'))).toContain(
      "--port '1.5' is not a whole number from 0 to 9",
    );
    expect(frameRate('24000/1001', 'fps', 'x')).toEqual({ num: 24000, den: 1001 });
    expect(frameRate('25', 'fps', 'x')).toEqual({ num: 25, den: 1 });
    for (const bad of ['0', '24/0', '23.976', '', '24/'])
      expect(refused(() => frameRate(bad, 'fps', 'x'))).toContain(`--fps '${bad}' is not a frame rate`);
  });
});
