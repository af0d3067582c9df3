/** The shot bin: shots in bin order, the selection, and the last import's failures. */
import type { Shot } from '../../../../src-shared/api/contract';
import type { Rational } from '../../../../src-shared/rational';
import type { ColourTag } from '../colour-tags';
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';

export interface ImportFailure {
  path: string;
  message: string;
}

class Shots {
  list = $state<Shot[]>([]);
  selectedId = $state<number | null>(null);
  importing = $state<string | null>(null);
  /** Failures of the last import, shown until dismissed. */
  failures = $state<ImportFailure[]>([]);
  /** Bumped when a thumbnails job finishes so the <img> asks again instead of using the cached one. */
  thumbVersion = $state<Record<number, number>>({});

  selected: Shot | null = $derived(this.list.find((s) => s.id === this.selectedId) ?? null);

  async refresh(): Promise<void> {
    try {
      this.list = await call('shots.list');
      if (this.selectedId !== null && !this.list.some((s) => s.id === this.selectedId))
        this.selectedId = null;
      if (this.selectedId === null && this.list.length > 0) this.selectedId = this.list[0]?.id ?? null;
    } catch (e) {
      notices.error(`Could not list the shots: ${errorMessage(e)}`);
    }
  }

  clear(): void {
    this.list = [];
    this.selectedId = null;
    this.failures = [];
  }

  replace(shot: Shot): void {
    const i = this.list.findIndex((s) => s.id === shot.id);
    if (i >= 0) this.list[i] = shot;
  }

  bumpThumbnail(shotId: number): void {
    this.thumbVersion[shotId] = (this.thumbVersion[shotId] ?? 0) + 1;
  }

  async import(paths: string[], earlierFailures: ImportFailure[] = []): Promise<void> {
    this.failures = earlierFailures;
    if (paths.length === 0) return;
    this.importing = paths.length === 1 ? `Importing ${paths[0]}…` : `Importing ${paths.length} items…`;
    try {
      const { imported, failed } = await call('shots.import', { paths, skipBad: true });
      this.failures = [...earlierFailures, ...failed];
      await this.refresh();
      const last = imported.at(-1);
      if (last) this.selectedId = last.id;
      if (imported.length > 0) {
        notices.info(
          imported.length === 1 ? `Imported ${imported[0]?.name}` : `Imported ${imported.length} shots`,
        );
      }
      // Damage import let through stays on screen until dismissed (and on the shot as a DMG! badge).
      for (const s of imported) {
        if (s.mediaWarnings.length > 0)
          notices.error(`${s.name} was imported with damaged frames: ${s.mediaWarnings.join('; ')}`);
      }
    } catch (e) {
      this.failures = [...earlierFailures, ...paths.map((path) => ({ path, message: errorMessage(e) }))];
    } finally {
      this.importing = null;
    }
  }

  private async update(what: string, action: () => Promise<Shot>): Promise<void> {
    try {
      this.replace(await action());
    } catch (e) {
      notices.error(`${what}: ${errorMessage(e)}`);
    }
  }

  rename(shotId: number, name: string): Promise<void> {
    return this.update('Rename failed', () => call('shots.rename', { shotId, name }));
  }

  setColourTag(shotId: number, tag: ColourTag): Promise<void> {
    return this.update('Colour tag not set', () => call('shots.setColourTag', { shotId, tag }));
  }

  /** An empty name clears the reel (null). */
  setReel(shotId: number, reelName: string): Promise<void> {
    const name = reelName.trim();
    return this.update('Reel name not set', () =>
      call('shots.setReel', { shotId, reelName: name === '' ? null : name }),
    );
  }

  /** The lens the camera solve uses (mm); null forgets it and the focal is estimated again. */
  setLens(shotId: number, lens: { focalMm: number; sensorWidthMm: number } | null): Promise<void> {
    return this.update('Lens not set', () => call('shots.setLens', { shotId, lens }));
  }

  /** The rate an image sequence plays at (video keeps the rate of its file). */
  interpretFps(shotId: number, fps: Rational): Promise<void> {
    return this.update('Frame rate not changed', () => call('shots.interpretFps', { shotId, fps }));
  }

  relink(shotId: number, path: string): Promise<void> {
    return this.update('Relink failed', () => call('shots.relink', { shotId, path }));
  }

  async remove(shotId: number): Promise<void> {
    try {
      await call('shots.remove', { shotId });
      this.list = this.list.filter((s) => s.id !== shotId);
      if (this.selectedId === shotId) this.selectedId = this.list[0]?.id ?? null;
    } catch (e) {
      notices.error(`Could not remove the shot: ${errorMessage(e)}`);
    }
  }
}

export const shots = new Shots();
