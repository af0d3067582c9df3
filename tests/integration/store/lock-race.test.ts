import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/store';
import { takeoverFileName } from '../../../src-main/store/lock';
import { tempDir } from '../../helpers/temp';

/**
 * Many real processes open the same project at the same instant: exactly one may win each round, every
 * other one is told 'project-locked' (never a raw ENOENT/EEXIST), with a free lock and with a stale one.
 */
const RACERS = 8;
const ROUNDS = 20;

const tmp = tempDir();
let dir: string;

interface Reply {
  ready?: boolean;
  pid?: number;
  result?: 'won' | 'refused' | 'closed';
  code?: string | null;
  name?: string;
  message?: string;
}

class Racer {
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    createInterface({ input: child.stdout }).on('line', (l) =>
      this.waiting.shift()?.resolve(JSON.parse(l) as Reply),
    );
    this.exited = new Promise((r) =>
      child.once('exit', (code) => {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`racer exited (${code})`));
        r();
      }),
    );
  }
  next(): Promise<Reply> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  send(line: string): Promise<Reply> {
    const reply = this.next();
    this.child.stdin.write(line + '\n');
    return reply;
  }
}

let racers: Racer[] = [];

beforeAll(async () => {
  const p = Project.create(tmp.dir, 'Race');
  dir = p.dir;
  p.close();
  racers = Array.from(
    { length: RACERS },
    () =>
      new Racer(
        spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/lock-racer.ts'], {
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      ),
  );
  await Promise.all(racers.map((r) => r.next()));
});

afterAll(async () => {
  for (const r of racers) r.child.stdin.end();
  await Promise.all(racers.map((r) => r.exited));
  tmp.cleanup();
});

/** All racers open at the same moment; returns the winner after checking everyone else was refused. */
async function round(): Promise<Racer> {
  const at = Date.now() + 150;
  const replies = await Promise.all(racers.map((r) => r.send(`open ${dir} ${at}`)));
  const winners = racers.filter((_, i) => replies[i]!.result === 'won');
  const refusals = replies.filter((r) => r.result !== 'won');
  for (const r of refusals) {
    expect(r).toMatchObject({ result: 'refused', name: 'ProjectError', code: 'project-locked' });
    expect(r.message).toMatch(/open in another window or process \(process \d+ on /);
  }
  expect(winners.length).toBe(1);
  const winner = winners[0]!;
  const lock = JSON.parse(readFileSync(join(dir, 'project.lock'), 'utf8')) as { pid: number };
  expect(lock.pid).toBe(winner.child.pid);
  return winner;
}

async function closeAll(winner: Racer): Promise<void> {
  expect(await winner.send('close')).toEqual({ result: 'closed' });
  expect(existsSync(join(dir, 'project.lock'))).toBe(false);
  // Nothing is left beside the lock: no temporary or takeover files.
  expect(readdirSync(dir).filter((n) => n.startsWith('project.lock'))).toEqual([]);
}

/** The pid of a process that has exited (spawned once: pids are not reused that soon). */
let dead = 0;
function deadPid(): number {
  if (!dead) {
    const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    dead = Number(r.stdout.trim());
  }
  return dead;
}

describe(`${RACERS} processes opening one project at once`, () => {
  it(`exactly one wins each of ${ROUNDS} rounds; the others are told it is locked`, async () => {
    for (let i = 0; i < ROUNDS; i++) await closeAll(await round());
  });

  it(`a lock left by a dead process: exactly one of them takes it over, ${ROUNDS} rounds`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const since = new Date(Date.now() - 60_000).toISOString();
      writeFileSync(join(dir, 'project.lock'), JSON.stringify({ pid: deadPid(), host: hostname(), since }));
      await closeAll(await round());
    }
  });

  it('a takeover left half-done by a process that died does not block the project', async () => {
    for (let i = 0; i < 5; i++) {
      const owner = { host: hostname(), since: new Date(Date.now() - 60_000).toISOString() };
      writeFileSync(join(dir, 'project.lock'), JSON.stringify({ pid: deadPid(), ...owner }));
      writeFileSync(takeoverFileName(dir)!, JSON.stringify({ pid: deadPid(), ...owner }));
      await closeAll(await round());
    }
  });

  it('a takeover under way in a live process is waited for, then reported, never doubled', async () => {
    const owner = { host: hostname(), since: new Date(Date.now() - 60_000).toISOString() };
    const stale = JSON.stringify({ pid: deadPid(), ...owner });
    writeFileSync(join(dir, 'project.lock'), stale);
    const takeover = takeoverFileName(dir)!;
    writeFileSync(takeover, JSON.stringify({ pid: process.pid, ...owner })); // this test process: alive
    const at = Date.now() + 150;
    const replies = await Promise.all(racers.map((r) => r.send(`open ${dir} ${at}`)));
    for (const r of replies) {
      expect(r).toMatchObject({ result: 'refused', code: 'project-locked' });
      expect(r.message).toMatch(/being opened by another process right now/);
    }
    expect(readFileSync(join(dir, 'project.lock'), 'utf8')).toBe(stale);
    unlinkSync(takeover);
    await closeAll(await round());
  });

  it('a lock file that cannot be read is taken over once it is old, and respected while it is young', async () => {
    const lock = join(dir, 'project.lock');
    for (let i = 0; i < 5; i++) {
      writeFileSync(lock, '');
      const old = new Date(Date.now() - 60_000);
      utimesSync(lock, old, old);
      await closeAll(await round());
    }
    writeFileSync(lock, '{"pid":');
    const at = Date.now() + 150;
    const replies = await Promise.all(racers.map((r) => r.send(`open ${dir} ${at}`)));
    for (const r of replies) {
      expect(r).toMatchObject({ result: 'refused', code: 'project-locked' });
      expect(r.message).toMatch(/its lock file cannot be read/);
    }
    expect(readFileSync(lock, 'utf8')).toBe('{"pid":');
  });

  it('a lock held on another host is never taken over', async () => {
    const lock = join(dir, 'project.lock');
    const content = JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, since: 'then' });
    writeFileSync(lock, content);
    const at = Date.now() + 150;
    const replies = await Promise.all(racers.map((r) => r.send(`open ${dir} ${at}`)));
    for (const r of replies) {
      expect(r).toMatchObject({ result: 'refused', code: 'project-locked' });
      expect(r.message).toMatch(new RegExp(`on not-${hostname()}`));
    }
    expect(readFileSync(lock, 'utf8')).toBe(content);
  });
});
