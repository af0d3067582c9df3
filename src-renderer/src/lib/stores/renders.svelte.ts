/**
 * The selected shot's render versions (all its target paths), read again as their render jobs report,
 * and which version the dual view shows for each path.
 */
import type { Job, Render } from '../../../../src-shared/api/contract';
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
  private refreshing = false;
  private again = false;

  async load(shotId: number | null): Promise<void> {
    if (shotId !== this.shotId) {
      this.shotId = shotId;
      this.list = [];
      this.choice = {};
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
  }

  /** A render job reported: its render's frames, figures or status changed. */
  fromJob(job: Job): void {
    if (job.type === 'render' && job.shotId === this.shotId) void this.refresh();
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
}

export const renders = new Renders();
