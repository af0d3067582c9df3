/**
 * The selected shot's render versions (all its target paths), read again as their render and verify
 * jobs report, which version the dual view shows for each path, and the verifications' per-frame
 * figures (read when asked for).
 */
import type { Job, Render, RenderVerification } from '../../../../src-shared/api/contract';
import { call, errorMessage } from '../api';
import { shownRender, type RenderChoice, type RenderRequest } from '../render-view';
import { jobs } from './jobs.svelte';
import { notices } from './notices.svelte';

class Renders {
  shotId = $state<number | null>(null);
  list = $state<Render[]>([]);
  /** What the dual view shows per path id, when the user chose; otherwise the newest finished version. */
  choice = $state<Record<number, RenderChoice>>({});
  starting = $state(false);
  /** The verify job each render's Verify started (render id → job id), this session. */
  verifyJobs = $state<Record<number, number>>({});
  /** The render whose Verify is being asked for. */
  verifyAsked = $state<number | null>(null);
  /** Per-frame verifications read so far, by render id (null: the render has none). */
  verifications = $state<Record<number, RenderVerification | null>>({});
  private refreshing = false;
  private again = false;

  async load(shotId: number | null): Promise<void> {
    if (shotId !== this.shotId) {
      this.shotId = shotId;
      this.list = [];
      this.choice = {};
      this.verifications = {};
    }
    await this.refresh();
  }

  /** Reads the list again; calls while one read is under way fold into one more read after it. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.again = false;
        const shotId = this.shotId;
        if (shotId === null) return;
        try {
          const list = await call('renders.list', { shotId });
          if (shotId === this.shotId) this.list = list;
        } catch (e) {
          notices.error(`Could not list the renders: ${errorMessage(e)}`);
          return;
        }
      } while (this.again);
    } finally {
      this.refreshing = false;
    }
  }

  clear(): void {
    this.shotId = null;
    this.list = [];
    this.choice = {};
    this.verifyJobs = {};
    this.verifications = {};
  }

  /**
   * A job reported: a render job's render changed its frames, figures or status; a verify job that
   * ended may have left a new verification.
   */
  fromJob(job: Job): void {
    if (job.shotId !== this.shotId) return;
    if (job.type === 'render') void this.refresh();
    else if (job.type === 'verify' && job.status !== 'queued' && job.status !== 'running')
      void this.refresh();
  }

  /** The version the dual view shows for a path, if any. */
  shown(pathId: number): Render | null {
    return shownRender(this.list, pathId, this.choice[pathId]);
  }

  choose(pathId: number, choice: RenderChoice): void {
    this.choice = { ...this.choice, [pathId]: choice };
  }

  /** Starts a new version of a path; true when its job was queued. */
  async start(pathId: number, request: RenderRequest): Promise<boolean> {
    this.starting = true;
    try {
      const { job } = await call('renders.start', { pathId, ...request });
      jobs.adopt(job);
      await this.refresh();
      return true;
    } catch (e) {
      notices.error(`Could not start the render: ${errorMessage(e)}`);
      return false;
    } finally {
      this.starting = false;
    }
  }

  /** Verifies a finished render (a job); true when its job was queued (or was already running). */
  async verify(renderId: number): Promise<boolean> {
    this.verifyAsked = renderId;
    try {
      const { job } = await call('renders.verify', { renderId });
      this.verifyJobs = { ...this.verifyJobs, [renderId]: job.id };
      jobs.adopt(job);
      return true;
    } catch (e) {
      notices.error(`Could not verify the render: ${errorMessage(e)}`);
      return false;
    } finally {
      this.verifyAsked = null;
    }
  }

  /** Reads a render's per-frame verification unless the one read already is its latest. */
  async loadVerification(renderId: number, verifiedAt: string): Promise<void> {
    const known = this.verifications[renderId];
    if (known && known.verifiedAt === verifiedAt) return;
    try {
      const v = await call('renders.verification', { renderId });
      this.verifications = { ...this.verifications, [renderId]: v };
    } catch (e) {
      notices.error(`Could not read the verification: ${errorMessage(e)}`);
    }
  }
}

export const renders = new Renders();
