import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../src-shared/api/contract';
import { EventBus } from '../../../src-main/api/events';
import type { JobKind } from '../../../src-main/jobs/kinds';
import { JobRunner } from '../../../src-main/jobs/runner';
import { Project } from '../../../src-main/store';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job kind whose chunks take `ms` each and record which chunks ran. */
function fakeKind(ran: number[], opts: { ms?: number; failAt?: number; chunks?: number } = {}): JobKind {
  return {
    type: 'proxy',
    plan: () => Array.from({ length: opts.chunks ?? 5 }, (_, i) => ({ index: i, start: i * 10, count: 10 })),
    async runChunk({ project, chunk, signal, onFrames }) {
      for (let f = 1; f <= 10; f++) {
        if (signal.aborted) throw new Error('aborted');
        await sleep((opts.ms ?? 5) / 10);
        onFrames(f);
      }
      if (chunk.index === opts.failAt) throw new Error(`chunk ${chunk.index} exploded`);
      ran.push(chunk.index);
      return join(project.paths.cache, `out-${chunk.index}`);
    },
    async finish() {},
  };
}

function setup(name: string) {
  const project = Project.create(tmp.dir, name);
  const shot = project.shots.insert(
    {
      name: 'A',
      kind: 'video',
      mediaPath: '/m/a.mov',
      mediaRelativePath: null,
      fingerprint: 'f',
      width: 64,
      height: 36,
      parNum: 1,
      parDen: 1,
      rotation: 0,
      fpsNum: 24,
      fpsDen: 1,
      frameCount: 50,
      startTimecode: null,
      reelName: null,
      facts: {} as never,
    },
    new Date().toISOString(),
  );
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.subscribe((e) => events.push(e));
  return { project, shot, bus, events };
}

describe('job runner', () => {
  it('runs chunk by chunk, commits each, reports progress with ETA, finishes done', async () => {
    const { project, shot, bus, events } = setup('Run');
    const ran: number[] = [];
    const runner = new JobRunner(project, bus, [fakeKind(ran, { ms: 150 })]);
    const job = runner.start('proxy', shot.id);
    expect(job.framesTotal).toBe(50);
    await runner.whenIdle();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    const done = project.jobs.get(job.id)!;
    expect(done.status).toBe('done');
    expect(done.framesDone).toBe(50);
    const outputs = [0, 1, 2, 3, 4].map((i) => `cache/out-${i}`);
    expect(project.jobs.chunks(job.id).map((c) => c.output)).toEqual(
      outputs.map((o) => join(project.dir, o)),
    );
    // Stored relative to the project folder, so a moved project finds them (store/project-relative.ts).
    const stored = project.db.prepare('SELECT output FROM job_chunks WHERE job_id = ? ORDER BY chunk');
    expect(stored.all(job.id).map((r) => (r as { output: string }).output)).toEqual(outputs);
    const progress = events.flatMap((e) => (e.type === 'job' ? [e.job] : []));
    expect(progress.some((j) => j.status === 'running' && j.fraction > 0 && j.fraction < 1)).toBe(true);
    expect(progress.some((j) => j.etaSeconds !== null && j.etaSeconds > 0)).toBe(true);
    expect(progress.at(-1)!.status).toBe('done');
    project.close();
  });

  it('cancel stops a running job; resume continues from the committed chunks only', async () => {
    const { project, shot, bus } = setup('Cancel');
    const ran: number[] = [];
    const runner = new JobRunner(project, bus, [fakeKind(ran, { ms: 80 })]);
    const job = runner.start('proxy', shot.id);
    expect(runner.start('proxy', shot.id).id).toBe(job.id);
    while (project.jobs.chunks(job.id).length < 2) await sleep(10);
    const cancelled = await runner.cancelAndWait(job.id);
    expect(cancelled.status).toBe('cancelled');
    const committed = project.jobs.chunks(job.id).map((c) => c.chunk);
    expect(committed.length).toBeGreaterThanOrEqual(2);
    expect(committed.length).toBeLessThan(5);
    ran.length = 0;
    runner.resume(job.id);
    await runner.whenIdle();
    expect(project.jobs.get(job.id)!.status).toBe('done');
    expect(ran).toEqual([0, 1, 2, 3, 4].filter((i) => !committed.includes(i)));
    project.close();
  });

  it('a queued job can be cancelled before it starts', async () => {
    const { project, shot, bus } = setup('Queue');
    const runner = new JobRunner(project, bus, [fakeKind([], { ms: 50 })], 0);
    const job = runner.start('proxy', shot.id);
    expect(runner.cancel(job.id).status).toBe('cancelled');
    expect(() => runner.cancel(job.id)).toThrow(/only queued or running/);
    await runner.dispose();
    project.close();
  });

  it('a failing chunk fails the job with its reason; resume retries from there', async () => {
    const { project, shot, bus } = setup('Fail');
    const ran: number[] = [];
    const runner = new JobRunner(project, bus, [fakeKind(ran, { failAt: 3 })]);
    const job = runner.start('proxy', shot.id);
    await runner.whenIdle();
    const failed = project.jobs.get(job.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('chunk 3 exploded');
    expect(project.jobs.chunks(job.id).map((c) => c.chunk)).toEqual([0, 1, 2]);
    project.close();
  });

  it('closing the project mid-job leaves it interrupted and resumable', async () => {
    const { project, shot, bus } = setup('Close');
    const runner = new JobRunner(project, bus, [fakeKind([], { ms: 80 })]);
    const job = runner.start('proxy', shot.id);
    while (project.jobs.chunks(job.id).length < 1) await sleep(10);
    await runner.dispose();
    expect(project.jobs.get(job.id)!.status).toBe('interrupted');
    project.close();
  });
});
