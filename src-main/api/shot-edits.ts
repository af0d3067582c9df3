import type { EditState } from '../../src-shared/api/contract';
import type { Project, ShotCameraRecord, ShotEdit, ShotRecord, TrackRecord } from '../store';

/** An undoable change to the shot bin. Records carry whole shots so every edit has an exact inverse. */
export type ShotEditRecord =
  | { op: 'update'; shotId: number; fields: ShotEdit }
  | { op: 'insert'; shots: ShotRecord[]; attached?: ShotAttachments }
  | { op: 'delete'; shots: ShotRecord[]; attached?: ShotAttachments }
  /** A shot's source camera set (after) or cleared (null), e.g. an imported camera solve. */
  | { op: 'camera'; shotId: number; camera: ShotCameraRecord | null };

/** What hangs off a shot and goes with it when it is removed, so that undoing the removal loses nothing. */
export interface ShotAttachments {
  cameras: ShotCameraRecord[];
  tracks: TrackRecord[];
}

export function attachmentsOf(project: Project, shotIds: number[]): ShotAttachments {
  return {
    cameras: shotIds.flatMap((id) => project.cameras.get(id) ?? []),
    tracks: shotIds.flatMap((id) => project.tracks.list(id)),
  };
}

function apply(project: Project, e: ShotEditRecord): void {
  switch (e.op) {
    case 'update':
      project.shots.update(e.shotId, e.fields);
      break;
    case 'insert':
      for (const s of e.shots) project.shots.restore(s);
      for (const c of e.attached?.cameras ?? []) project.cameras.put(c);
      for (const t of e.attached?.tracks ?? []) project.tracks.put(t);
      break;
    case 'delete':
      for (const s of e.shots) project.shots.remove(s.id);
      break;
    case 'camera':
      if (e.camera) project.cameras.put(e.camera);
      else project.cameras.remove(e.shotId);
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
