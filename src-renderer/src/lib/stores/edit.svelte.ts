/** Undo/Redo availability and labels, kept in step with the core's undo journal. */
import type { EditState } from '../../../../src-shared/api/contract';
import { call, errorMessage } from '../api';
import { notices } from './notices.svelte';

const EMPTY: EditState = { canUndo: false, undoLabel: null, canRedo: false, redoLabel: null };

class Edit {
  state = $state<EditState>(EMPTY);

  async refresh(): Promise<void> {
    try {
      this.state = await call('edit.state');
    } catch {
      this.state = EMPTY;
    }
  }

  reset(): void {
    this.state = EMPTY;
  }

  async undo(): Promise<void> {
    if (!this.state.canUndo) return;
    try {
      this.state = await call('edit.undo');
    } catch (e) {
      notices.error(`Undo failed: ${errorMessage(e)}`);
    }
  }

  async redo(): Promise<void> {
    if (!this.state.canRedo) return;
    try {
      this.state = await call('edit.redo');
    } catch (e) {
      notices.error(`Redo failed: ${errorMessage(e)}`);
    }
  }
}

export const edit = new Edit();
