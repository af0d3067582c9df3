/**
 * A process that opens a project for writing when told to, for the lock race tests
 * (tests/integration/store/lock-race.test.ts). Run with `node --import tsx`. One command per stdin line:
 *
 *   open <project dir> <epoch ms>   wait until that moment, then Project.open(dir)
 *   close                           close the project if this process opened it
 *
 * Each command is answered with one JSON line on stdout: {"ready":true} at start, then
 * {"result":"won"} | {"result":"refused","code","message"} | {"result":"closed"}.
 */
import { createInterface } from 'node:readline';
import { Project } from '../../src-main/store';

let held: Project | null = null;
const say = (v: unknown) => process.stdout.write(JSON.stringify(v) + '\n');

function at(ms: number, fn: () => void): void {
  const wait = ms - Date.now();
  // A timer gets close; spinning the last millisecond lines the racers up as tightly as the cores allow.
  setTimeout(
    () => {
      while (Date.now() < ms) {
        /* spin */
      }
      fn();
    },
    Math.max(0, wait - 2),
  );
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, dir, when] = line.trim().split(' ');
  if (cmd === 'open') {
    at(Number(when), () => {
      try {
        held = Project.open(dir!);
        say({ result: 'won' });
      } catch (e) {
        const err = e as Error & { code?: string };
        say({ result: 'refused', code: err.code ?? null, name: err.name, message: err.message });
      }
    });
  } else if (cmd === 'close') {
    held?.close();
    held = null;
    say({ result: 'closed' });
  }
});
process.stdin.on('end', () => {
  held?.close();
  process.exit(0);
});
say({ ready: true, pid: process.pid });
