import type { EditKind, EditRegistry } from '../edits';
import type {
  Project,
  SourceCameraRecord,
  ShotEdit,
  ShotRecord,
  TargetPathRecord,
  TrackRecord,
} from '../store';

/** An undoable change to the shot bin. Records carry whole shots so every edit has an exact inverse. */
export type ShotEditRecord =
  | { op: 'update'; shotId: number; fields: ShotEdit }
  | { op: 'insert'; shots: ShotRecord[]; attached?: ShotAttachments }
  | { op: 'delete'; shots: ShotRecord[]; attached?: ShotAttachments }
  /** A shot's source camera set (after) or cleared (null), e.g. an imported camera solve. */
  | { op: 'camera'; shotId: number; camera: SourceCameraRecord | null };

/** What hangs off a shot and goes with it when it is removed, so that undoing the removal loses nothing. */
export interface ShotAttachments {
  cameras: SourceCameraRecord[];
  tracks: TrackRecord[];
  /** Absent in edits journalled before target paths existed. */
  targetPaths?: TargetPathRecord[];
}

export function attachmentsOf(project: Project, shotIds: number[]): ShotAttachments {
  return {
    cameras: shotIds.flatMap((id) => project.sourceCameras.get(id) ?? []),
    tracks: shotIds.flatMap((id) => project.tracks.list(id)),
    targetPaths: shotIds.flatMap((id) => project.targetPaths.list(id)),
  };
}

/** The edit kinds of the shots capability, registered with the app's EditRegistry. */
export const shotEditKinds: EditKind[] = [
  {
    op: 'update',
    apply: (project, e: Extract<ShotEditRecord, { op: 'update' }>) =>
      project.shots.update(e.shotId, e.fields),
  } as EditKind,
  {
    op: 'insert',
    apply(project, e: Extract<ShotEditRecord, { op: 'insert' }>) {
      for (const s of e.shots) project.shots.restore(s);
      for (const c of e.attached?.cameras ?? []) project.sourceCameras.put(c);
      for (const t of e.attached?.tracks ?? []) project.tracks.put(t);
      for (const p of e.attached?.targetPaths ?? []) project.targetPaths.put(p);
    },
  } as EditKind,
  {
    op: 'delete',
    apply(project, e: Extract<ShotEditRecord, { op: 'delete' }>) {
      for (const s of e.shots) project.shots.remove(s.id);
    },
  } as EditKind,
  {
    op: 'camera',
    apply(project, e: Extract<ShotEditRecord, { op: 'camera' }>) {
      if (e.camera) project.sourceCameras.put(e.camera);
      else project.sourceCameras.remove(e.shotId);
    },
  } as EditKind,
];

/** Field-by-field update of one shot, with the previous values as its inverse. */
export function updateShot(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  fields: ShotEdit,
  label: string,
): void {
  const before: ShotEdit = {};
  for (const k of Object.keys(fields) as (keyof ShotEdit)[]) {
    (before as Record<string, unknown>)[k] = shot[k];
  }
  edits.commit<ShotEditRecord>(
    project,
    label,
    { op: 'update', shotId: shot.id, fields },
    { op: 'update', shotId: shot.id, fields: before },
  );
}

/** Removes a shot with everything that hangs off it, so that Undo brings it all back. */
export function removeShot(edits: EditRegistry, project: Project, shot: ShotRecord): void {
  const attached = attachmentsOf(project, [shot.id]);
  edits.commit<ShotEditRecord>(
    project,
    `Remove ${shot.name}`,
    { op: 'delete', shots: [shot] },
    { op: 'insert', shots: [shot], attached },
  );
}
