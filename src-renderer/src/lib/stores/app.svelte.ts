/** What is running and which project is open. */
import type { MethodOutput, ProjectSummary, RecentProject } from '../../../../src-shared/api/contract';
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';

export type AppInfo = MethodOutput<'app.info'>;

class Session {
  info = $state<AppInfo | null>(null);
  project = $state<ProjectSummary | null>(null);
  recent = $state<RecentProject[]>([]);
  /** Set when the core cannot be reached at all: the UI shows this instead of a start screen. */
  fatal = $state<string | null>(null);
  ready = $state(false);
  busy = $state(false);

  async init(): Promise<void> {
    try {
      const [info, project] = await Promise.all([call('app.info'), call('project.current')]);
      this.info = info;
      this.project = project;
      await this.refreshRecent();
    } catch (e) {
      this.fatal = errorMessage(e);
    }
    this.ready = true;
  }

  async refreshRecent(): Promise<void> {
    try {
      this.recent = await call('project.recent');
    } catch (e) {
      notices.error(`Could not read the recent projects: ${errorMessage(e)}`);
    }
  }

  /** Runs a project action, reporting its error; returns whether it succeeded. */
  private async run(action: () => Promise<ProjectSummary | null>): Promise<boolean> {
    this.busy = true;
    try {
      this.project = await action();
      void this.refreshRecent();
      return true;
    } catch (e) {
      notices.error(errorMessage(e));
      return false;
    } finally {
      this.busy = false;
    }
  }

  create(parentDir: string, name: string): Promise<boolean> {
    return this.run(() => call('project.create', { parentDir, name }));
  }

  open(path: string): Promise<boolean> {
    return this.run(() => call('project.open', { path }));
  }

  close(): Promise<boolean> {
    return this.run(async () => {
      await call('project.close');
      return null;
    });
  }
}

export const session = new Session();
