/**
 * The selected shot's target camera paths: the list, the selected path, its coverage, and the actions on
 * them. Every change goes through the core (one undoable edit each); the list is read again after any
 * edit-state change, so Undo and Redo show up here as they happen.
 */
import { sceneUp, type PresetKind, type Vec3 } from '../../../../src-shared/geometry';
import type { TargetPath } from '../../../../src-shared/api/contract';
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';

export interface Coverage {
  pathId: number;
  updatedAt: string;
  frames: { index: number; coverage: number }[];
}

class Paths {
  shotId = $state<number | null>(null);
  list = $state<TargetPath[]>([]);
  selectedId = $state<number | null>(null);
  /** The selected keyframe of the selected path (its index), for the 3D view's gizmo. */
  selectedKey = $state<number | null>(null);
  coverage = $state<Coverage | null>(null);
  coverageError = $state<string | null>(null);
  busy = $state<string | null>(null);
  /** The last transfer's PCE values, for the path it made. */
  lastTransfer = $state<{
    pathId: number;
    parascale: number | null;
    raw: number | null;
    pi: { reference: (number | null)[]; parascale: (number | null)[] | null; raw: (number | null)[] | null };
  } | null>(null);

  /** The scene's up (geometry/pan-tilt-roll.ts sceneUp of the source camera); +Z until it is known. */
  up = $state<Vec3>([0, 0, 1]);

  selected: TargetPath | null = $derived(this.list.find((p) => p.id === this.selectedId) ?? null);

  async load(shotId: number | null): Promise<void> {
    if (shotId !== this.shotId) {
      this.shotId = shotId;
      this.list = [];
      this.selectedId = null;
      this.coverage = null;
      this.lastTransfer = null;
      this.up = [0, 0, 1];
      if (shotId !== null)
        void call('shots.sourceCamera', { shotId })
          .then((c) => {
            if (c && shotId === this.shotId) this.up = sceneUp(c.frames.map((f) => f.q));
          })
          .catch(() => undefined);
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const shotId = this.shotId;
    if (shotId === null) return;
    try {
      const list = await call('paths.list', { shotId });
      if (shotId !== this.shotId) return;
      this.list = list;
      if (this.selectedId !== null && !list.some((p) => p.id === this.selectedId)) this.selectedId = null;
      if (this.selectedId === null) this.selectedId = list.at(-1)?.id ?? null;
      if (this.coverage && this.selected && this.coverage.updatedAt !== this.selected.updatedAt)
        this.coverage = null;
    } catch (e) {
      notices.error(`Could not list the target paths: ${errorMessage(e)}`);
    }
  }

  clear(): void {
    this.shotId = null;
    this.list = [];
    this.selectedId = null;
    this.coverage = null;
  }

  private async run(what: string, action: () => Promise<TargetPath | null>): Promise<TargetPath | null> {
    this.busy = what;
    try {
      const p = await action();
      await this.refresh();
      if (p) this.selectedId = p.id;
      return p;
    } catch (e) {
      notices.error(`${what}: ${errorMessage(e)}`);
      return null;
    } finally {
      this.busy = null;
    }
  }

  preset(name: string, kind: PresetKind, amount: number, relative: boolean, frame: number) {
    const shotId = this.shotId;
    if (shotId === null) return Promise.resolve(null);
    return this.run('New path', () => call('paths.preset', { shotId, name, kind, amount, relative, frame }));
  }

  transfer(name: string, fromShotId: number, raw: boolean) {
    const shotId = this.shotId;
    if (shotId === null) return Promise.resolve(null);
    return this.run('Transfer', async () => {
      const r = await call('paths.transfer', { shotId, name, fromShotId, raw });
      this.lastTransfer = { pathId: r.path.id, ...r.pce, pi: r.pi };
      return r.path;
    });
  }

  duplicate(pathId: number, name: string) {
    return this.run('Duplicate', () => call('paths.duplicate', { pathId, name }));
  }

  rename(pathId: number, name: string) {
    return this.run('Rename', () => call('paths.rename', { pathId, name }));
  }

  setContent(pathId: number, content: TargetPath['content']) {
    return this.run('Edit path', () => call('paths.setContent', { pathId, content }));
  }

  async remove(pathId: number): Promise<void> {
    await this.run('Delete path', async () => {
      await call('paths.remove', { pathId });
      return null;
    });
  }

  async measureCoverage(): Promise<void> {
    const p = this.selected;
    if (!p) return;
    this.coverageError = null;
    this.busy = 'Coverage';
    try {
      const r = await call('paths.coverage', { pathId: p.id });
      this.coverage = { pathId: p.id, updatedAt: p.updatedAt, frames: r.frames };
    } catch (e) {
      this.coverage = null;
      this.coverageError = errorMessage(e);
    } finally {
      this.busy = null;
    }
  }

  /** A name not yet used on this shot: `base`, else `base 2`, `base 3`, … */
  freeName(base: string): string {
    const taken = new Set(this.list.map((p) => p.name));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
  }
}

export const paths = new Paths();
