/**
 * Which dialogs are open. The pickers return paths from a native dialog where the app has one
 * (Electron), otherwise from the in-app file browser built on `files.list`.
 */
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';
import { session } from './app.svelte';

/** `model-file`, `file`: any single file (model weights; a camera file); folders are only entered. */
export type BrowseMode = 'folder' | 'project' | 'media' | 'model-file' | 'file';

/** The camera import/export dialog of one shot. */
export interface CameraDialogRequest {
  mode: 'import' | 'export';
  shotId: number;
}

export interface BrowseRequest {
  mode: BrowseMode;
  title: string;
  multiple: boolean;
  /** A line under the title saying what to pick. */
  hint?: string;
  resolve: (paths: string[] | null) => void;
}

class Ui {
  browse = $state<BrowseRequest | null>(null);
  newProjectOpen = $state(false);
  modelsOpen = $state(false);
  cameraDialog = $state<CameraDialogRequest | null>(null);
  /** Remembered between browser openings, like a native dialog does. */
  lastDir = $state<string | null>(null);

  private openBrowser(
    mode: BrowseMode,
    title: string,
    multiple: boolean,
    hint?: string,
  ): Promise<string[] | null> {
    this.browse?.resolve(null);
    return new Promise((resolve) => {
      this.browse = {
        mode,
        title,
        multiple,
        ...(hint ? { hint } : {}),
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

  async pickFolder(title = 'Choose a folder', hint?: string): Promise<string | null> {
    if (this.native) return this.nativeCall(() => call('dialog.pickFolder'));
    return (await this.openBrowser('folder', title, false, hint))?.[0] ?? null;
  }

  /** One model file (weights): the native file dialog in the desktop app, else the in-app browser. */
  async pickModelFile(title: string, hint?: string): Promise<string | null> {
    if (this.native) return this.nativeCall(() => call('dialog.pickFile', { title }));
    return (await this.openBrowser('model-file', title, false, hint))?.[0] ?? null;
  }

  /** Any one file (e.g. a camera solve): the native file dialog in the desktop app, else the in-app browser. */
  async pickFile(title: string, hint?: string): Promise<string | null> {
    if (this.native) return this.nativeCall(() => call('dialog.pickFile', { title }));
    return (await this.openBrowser('file', title, false, hint))?.[0] ?? null;
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
