/**
 * Which dialogs are open. The pickers return paths from a native dialog where the app has one
 * (Electron), otherwise from the in-app file browser built on `files.list`.
 */
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';
import { session } from './app.svelte';

export type BrowseMode = 'folder' | 'project' | 'media';

export interface BrowseRequest {
  mode: BrowseMode;
  title: string;
  multiple: boolean;
  resolve: (paths: string[] | null) => void;
}

class Ui {
  browse = $state<BrowseRequest | null>(null);
  newProjectOpen = $state(false);
  /** Remembered between browser openings, like a native dialog does. */
  lastDir = $state<string | null>(null);

  private openBrowser(mode: BrowseMode, title: string, multiple: boolean): Promise<string[] | null> {
    this.browse?.resolve(null);
    return new Promise((resolve) => {
      this.browse = {
        mode,
        title,
        multiple,
        resolve: (paths) => {
          this.browse = null;
          resolve(paths);
        },
      };
    });
  }

  private get native(): boolean {
    return session.info?.nativeDialogs === true;
  }

  async pickFolder(title = 'Choose a folder'): Promise<string | null> {
    if (this.native) return this.nativeCall(() => call('dialog.pickFolder'));
    return (await this.openBrowser('folder', title, false))?.[0] ?? null;
  }

  async pickProject(): Promise<string | null> {
    if (this.native) return this.nativeCall(() => call('dialog.pickProject'));
    return (await this.openBrowser('project', 'Open project', false))?.[0] ?? null;
  }

  async pickMedia(multiple: boolean, title = 'Import shots'): Promise<string[]> {
    if (this.native) {
      const picked = (await this.nativeCall(() => call('dialog.pickMedia'))) ?? [];
      return multiple ? picked : picked.slice(0, 1);
    }
    return (await this.openBrowser('media', title, multiple)) ?? [];
  }

  private async nativeCall<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (e) {
      notices.error(errorMessage(e));
      return null;
    }
  }
}

export const ui = new Ui();
