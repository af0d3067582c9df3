import type Database from 'better-sqlite3';

/**
 * The undo journal: each user edit is stored with its inverse, in the same transaction as the edit
 * itself, so undo history survives restarts and crashes. A new edit discards the redo branch.
 */
export interface JournalEntry<E> {
  id: number;
  label: string;
  forward: E;
  inverse: E;
}

interface Row {
  id: number;
  label: string;
  forward: string;
  inverse: string;
}

const MAX_ENTRIES = 500;

export class UndoJournal<E> {
  constructor(private readonly db: Database.Database) {}

  record(label: string, forward: E, inverse: E, now: string): void {
    this.db.prepare('DELETE FROM undo_journal WHERE undone = 1').run();
    this.db
      .prepare('INSERT INTO undo_journal (label, forward, inverse, created_at) VALUES (?, ?, ?, ?)')
      .run(label, JSON.stringify(forward), JSON.stringify(inverse), now);
    this.db
      .prepare('DELETE FROM undo_journal WHERE id <= (SELECT max(id) FROM undo_journal) - ?')
      .run(MAX_ENTRIES);
  }

  /** The edit Undo would revert. */
  nextUndo(): JournalEntry<E> | undefined {
    return this.parse(
      this.db.prepare('SELECT * FROM undo_journal WHERE undone = 0 ORDER BY id DESC LIMIT 1').get() as
        Row | undefined,
    );
  }

  /** The edit Redo would re-apply. */
  nextRedo(): JournalEntry<E> | undefined {
    return this.parse(
      this.db.prepare('SELECT * FROM undo_journal WHERE undone = 1 ORDER BY id ASC LIMIT 1').get() as
        Row | undefined,
    );
  }

  markUndone(id: number, undone: boolean): void {
    this.db.prepare('UPDATE undo_journal SET undone = ? WHERE id = ?').run(undone ? 1 : 0, id);
  }

  private parse(r: Row | undefined): JournalEntry<E> | undefined {
    if (!r) return undefined;
    return {
      id: r.id,
      label: r.label,
      forward: JSON.parse(r.forward) as E,
      inverse: JSON.parse(r.inverse) as E,
    };
  }
}
