import type { EditState } from '../../src-shared/api/contract';
import type { Project } from '../store';

/**
 * An undoable change as the project's undo journal stores it (JSON): `op` names its kind. Every entry
 * keeps the record that makes the change and the record that reverts it, so undo applies the inverse
 * record and redo the forward one, after a restart or a crash as well.
 */
export interface EditRecord {
  op: string;
}

/**
 * One kind of edit, registered by the capability that owns it (shots: 'update', 'insert', 'delete',
 * 'camera'; target camera paths will add keyframe edits). `apply` makes a record's change; it must be
 * exact, since the same function reverts an edit by applying its inverse record.
 */
export interface EditKind<R extends EditRecord = EditRecord> {
  op: R['op'];
  apply(project: Project, record: R): void;
}

/** The undoable edits the app knows, and the one way to commit, undo and redo them. */
export class EditRegistry {
  private readonly kinds = new Map<string, EditKind>();

  constructor(kinds: readonly EditKind[] = []) {
    this.register(...kinds);
  }

  register(...kinds: readonly EditKind[]): void {
    for (const kind of kinds) {
      if (this.kinds.has(kind.op)) throw new Error(`Two edit kinds are named '${kind.op}'.`);
      this.kinds.set(kind.op, kind as EditKind);
    }
  }

  private apply(project: Project, record: EditRecord): void {
    const kind = this.kinds.get(record.op);
    if (!kind) {
      throw new Error(
        `The undo history holds an edit of kind '${record.op}' that this version of Reshoot does not know.`,
      );
    }
    kind.apply(project, record);
  }

  /** Applies an edit and journals it with its inverse and label, in one transaction. */
  commit<R extends EditRecord>(project: Project, label: string, forward: R, inverse: R): void {
    project.transaction(() => {
      this.apply(project, forward);
      project.journal.record(label, forward, inverse, new Date().toISOString());
    });
  }

  /** Journals an edit already applied inside the caller's transaction (e.g. an import's inserts). */
  journal<R extends EditRecord>(project: Project, label: string, forward: R, inverse: R): void {
    if (!this.kinds.has(forward.op) || !this.kinds.has(inverse.op))
      throw new Error(`Edit kind '${forward.op}' / '${inverse.op}' is not registered.`);
    project.journal.record(label, forward, inverse, new Date().toISOString());
  }

  undo(project: Project): boolean {
    const entry = project.journal.nextUndo();
    if (!entry) return false;
    project.transaction(() => {
      this.apply(project, entry.inverse as EditRecord);
      project.journal.markUndone(entry.id, true);
    });
    return true;
  }

  redo(project: Project): boolean {
    const entry = project.journal.nextRedo();
    if (!entry) return false;
    project.transaction(() => {
      this.apply(project, entry.forward as EditRecord);
      project.journal.markUndone(entry.id, false);
    });
    return true;
  }

  state(project: Project | null): EditState {
    const u = project?.journal.nextUndo();
    const r = project?.journal.nextRedo();
    return { canUndo: !!u, undoLabel: u?.label ?? null, canRedo: !!r, redoLabel: r?.label ?? null };
  }
}
