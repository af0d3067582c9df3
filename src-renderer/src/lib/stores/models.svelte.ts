/**
 * The user's models (per user, not per project): what is installed and available, downloads in
 * progress (from 'model-download' events) and the last error of each model, shown in the Models panel.
 */
import type { ModelDownload, ModelEntryApi } from '../../../../src-shared/api/contract';
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';

export type ModelBusy = 'starting' | 'installing' | 'removing';

class Models {
  list = $state<ModelEntryApi[]>([]);
  loaded = $state(false);
  /** The panel could not list the models at all. */
  listError = $state<string | null>(null);
  /** The latest download event per model, kept after it ends so the panel can say how it ended. */
  downloads = $state<Record<string, ModelDownload>>({});
  /** The last failed action per model, shown in its row until the next action or dismissal. */
  errors = $state<Record<string, string>>({});
  busy = $state<Record<string, ModelBusy>>({});

  async refresh(): Promise<void> {
    try {
      this.list = await call('models.list');
      this.listError = null;
    } catch (e) {
      this.listError = errorMessage(e);
    } finally {
      this.loaded = true;
    }
  }

  private replace(entry: ModelEntryApi): void {
    const i = this.list.findIndex((m) => m.id === entry.id);
    if (i >= 0) this.list[i] = entry;
    else void this.refresh();
  }

  private name(id: string): string {
    return this.list.find((m) => m.id === id)?.name ?? id;
  }

  downloading(id: string): boolean {
    return this.downloads[id]?.status === 'running';
  }

  dismissError(id: string): void {
    delete this.errors[id];
  }

  /** A download event: the newest word on that download. */
  fromEvent(download: ModelDownload): void {
    this.downloads[download.id] = download;
    if (download.status === 'running') return;
    if (download.status === 'failed') this.errors[download.id] = download.error ?? 'The download failed.';
    if (download.status === 'done') notices.info(`Installed ${this.name(download.id)}`);
    void this.refresh();
  }

  /** Runs an action on one model, showing its error in the model's row. */
  private async run(id: string, busy: ModelBusy, action: () => Promise<void>): Promise<boolean> {
    this.dismissError(id);
    this.busy[id] = busy;
    try {
      await action();
      return true;
    } catch (e) {
      this.errors[id] = errorMessage(e);
      return false;
    } finally {
      delete this.busy[id];
    }
  }

  pull(id: string, allowUnverified: boolean): Promise<boolean> {
    return this.run(id, 'starting', async () => {
      delete this.downloads[id];
      await call('models.pull', { id, allowUnverified });
    });
  }

  cancelPull(id: string): Promise<boolean> {
    return this.run(id, 'starting', async () => {
      await call('models.cancelPull', { id });
    });
  }

  add(id: string, path: string): Promise<boolean> {
    return this.run(id, 'installing', async () => {
      const entry = await call('models.add', { id, path });
      delete this.downloads[id];
      this.replace(entry);
      notices.info(`Installed ${entry.name}`);
    });
  }

  remove(id: string): Promise<boolean> {
    return this.run(id, 'removing', async () => {
      await call('models.remove', { id });
      delete this.downloads[id];
      await this.refresh();
    });
  }
}

export const models = new Models();
