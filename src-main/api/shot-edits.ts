import type { EditState } from '../../src-shared/api/contract';
import type { Project, ShotEdit, ShotRecord } from '../store';

/** An undoable change to the shot bin. Records carry whole shots so every edit has an exact inverse. */
export type ShotEditRecord =
  | { op: 'update'; shotId: number; fields: ShotEdit }
  | { op: 'insert'; shots: ShotRecord[] }
  | { op: 'delete'; shots: ShotRecord[] };

function apply(project: Project, e: ShotEditRecord): void {
  switch (e.op) {
    case 'update':
      project.shots.update(e.shotId, e.fields);
      break;
    case 'insert':
      for (const s of e.shots) project.shots.restore(s);
      break;
    case 'delete':
      for (const s of e.shots) project.shots.remove(s.id);
      break;
  }
}

/** Applies an edit and journals it in one transaction. */
export function commitEdit(
  project: Project,
  label: string,
  forward: ShotEditRecord,
  inverse: ShotEditRecord,
): void {
  project.transaction(() => {
    apply(project, forward);
    project.journal.record(label, forward, inverse, new Date().toISOString());
  });
}

/** Journals an edit already applied inside the caller's transaction (e.g. an import's inserts). */
export function journalEdit(
  project: Project,
  label: string,
  forward: ShotEditRecord,
  inverse: ShotEditRecord,
): void {
  project.journal.record(label, forward, inverse, new Date().toISOString());
}

/** Field-by-field update of one shot, with the previous values as its inverse. */
export function updateShot(project: Project, shot: ShotRecord, fields: ShotEdit, label: string): void {
  const before: ShotEdit = {};
  for (const k of Object.keys(fields) as (keyof ShotEdit)[]) {
    (before as Record<string, unknown>)[k] = shot[k];
  }
  commitEdit(
    project,
    label,
    { op: 'update', shotId: shot.id, fields },
    { op: 'update', shotId: shot.id, fields: before },
  );
}

export function undo(project: Project): boolean {
  const entry = project.journal.nextUndo();
  if (!entry) return false;
  project.transaction(() => {
    apply(project, entry.inverse as ShotEditRecord);
    project.journal.markUndone(entry.id, true);
  });
  return true;
}

export function redo(project: Project): boolean {
  const entry = project.journal.nextRedo();
  if (!entry) return false;
  project.transaction(() => {
    apply(project, entry.forward as ShotEditRecord);
    project.journal.markUndone(entry.id, false);
  });
  return true;
}

export function editState(project: Project | null): EditState {
  const u = project?.journal.nextUndo();
  const r = project?.journal.nextRedo();
  return { canUndo: !!u, undoLabel: u?.label ?? null, canRedo: !!r, redoLabel: r?.label ?? null };
}
