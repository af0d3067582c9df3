/** The project's jobs, newest first, updated live from job events. */
import type { Job, JobType, TrackMethod } from '../../../../src-shared/api/contract';
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';

class Jobs {
  list = $state<Job[]>([]);
  panelOpen = $state(true);
  /** Events seen per job: an RPC answer older than the latest event must not overwrite it. */
  private eventCount = new Map<number, number>();

  async refresh(): Promise<void> {
    try {
      this.list = await call('jobs.list');
    } catch (e) {
      notices.error(`Could not list the jobs: ${errorMessage(e)}`);
    }
  }

  clear(): void {
    this.list = [];
  }

  /** A job event: always the newest word on that job. */
  fromEvent(job: Job): void {
    this.eventCount.set(job.id, (this.eventCount.get(job.id) ?? 0) + 1);
    this.upsert(job);
  }

  /**
   * Runs an RPC that answers with a job, and keeps its answer only if no event about that job came
   * in while it was in flight (a cancelled job's final event can overtake the answer to "cancel").
   */
  private async fromCall(action: () => Promise<Job>, knownId: number | null): Promise<void> {
    const before = knownId === null ? 0 : (this.eventCount.get(knownId) ?? 0);
    const job = await action();
    if ((this.eventCount.get(job.id) ?? 0) === before) this.upsert(job);
  }

  /** A job another action started (its RPC answered with it): kept unless an event about it came first. */
  adopt(job: Job): void {
    if (!this.eventCount.has(job.id)) this.upsert(job);
  }

  /** Inserts or replaces a job. */
  private upsert(job: Job): void {
    const i = this.list.findIndex((j) => j.id === job.id);
    if (i >= 0) this.list[i] = job;
    else this.list = [job, ...this.list].sort((a, b) => b.id - a.id);
  }

  get active(): number {
    return this.list.filter((j) => j.status === 'queued' || j.status === 'running').length;
  }

  /** `method` picks the tracker of a 'track' job. */
  async start(type: JobType, shotId: number, method?: TrackMethod): Promise<void> {
    try {
      await this.fromCall(() => call('jobs.start', { type, shotId, ...(method ? { method } : {}) }), null);
      this.panelOpen = true;
    } catch (e) {
      notices.error(`Could not start the ${type} job: ${errorMessage(e)}`);
    }
  }

  async cancel(jobId: number): Promise<void> {
    try {
      await this.fromCall(() => call('jobs.cancel', { jobId }), jobId);
    } catch (e) {
      notices.error(`Could not cancel job ${jobId}: ${errorMessage(e)}`);
    }
  }

  async resume(jobId: number): Promise<void> {
    try {
      await this.fromCall(() => call('jobs.resume', { jobId }), jobId);
    } catch (e) {
      notices.error(`Could not resume job ${jobId}: ${errorMessage(e)}`);
    }
  }
}

export const jobs = new Jobs();
