import type Database from 'better-sqlite3';
import type { MediaFacts } from '../media/types';
import { parseOrientation, type SceneOrientation } from '../../src-shared/geometry/orientation';

/** A shot as stored. The API's `Shot` adds what only the file system can tell (offline, cache files). */
export interface ShotRecord {
  id: number;
  name: string;
  kind: 'video' | 'sequence';
  mediaPath: string;
  mediaRelativePath: string | null;
  fingerprint: string;
  width: number;
  height: number;
  parNum: number;
  parDen: number;
  rotation: number;
  fpsNum: number;
  fpsDen: number;
  frameCount: number;
  startTimecode: string | null;
  reelName: string | null;
  colourTag: string;
  facts: MediaFacts;
  importedAt: string;
  sortOrder: number;
  /** The lens as the user gave it (mm); null = not given. */
  lensFocalMm: number | null;
  lensSensorWidthMm: number | null;
  /** The scene's orientation (src-shared/geometry/orientation.ts) as JSON; null = not oriented. */
  orientationJson: string | null;
}

interface ShotRow {
  id: number;
  name: string;
  kind: 'video' | 'sequence';
  media_path: string;
  media_relpath: string | null;
  fingerprint: string;
  width: number;
  height: number;
  par_num: number;
  par_den: number;
  rotation: number;
  fps_num: number;
  fps_den: number;
  frame_count: number;
  start_timecode: string | null;
  reel_name: string | null;
  colour_tag: string;
  facts_json: string;
  imported_at: string;
  sort_order: number;
  lens_focal_mm: number | null;
  lens_sensor_width_mm: number | null;
  orientation_json: string | null;
}

const COLUMNS = `id, name, kind, media_path, media_relpath, fingerprint, width, height, par_num, par_den, rotation,
  fps_num, fps_den, frame_count, start_timecode, reel_name, colour_tag, facts_json, imported_at, sort_order,
  lens_focal_mm, lens_sensor_width_mm, orientation_json`;

function fromRow(r: ShotRow): ShotRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    mediaPath: r.media_path,
    mediaRelativePath: r.media_relpath,
    fingerprint: r.fingerprint,
    width: r.width,
    height: r.height,
    parNum: r.par_num,
    parDen: r.par_den,
    rotation: r.rotation,
    fpsNum: r.fps_num,
    fpsDen: r.fps_den,
    frameCount: r.frame_count,
    startTimecode: r.start_timecode,
    reelName: r.reel_name,
    colourTag: r.colour_tag,
    facts: JSON.parse(r.facts_json) as MediaFacts,
    importedAt: r.imported_at,
    sortOrder: r.sort_order,
    lensFocalMm: r.lens_focal_mm,
    lensSensorWidthMm: r.lens_sensor_width_mm,
    orientationJson: r.orientation_json,
  };
}

function toRow(s: ShotRecord): ShotRow {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    media_path: s.mediaPath,
    media_relpath: s.mediaRelativePath,
    fingerprint: s.fingerprint,
    width: s.width,
    height: s.height,
    par_num: s.parNum,
    par_den: s.parDen,
    rotation: s.rotation,
    fps_num: s.fpsNum,
    fps_den: s.fpsDen,
    frame_count: s.frameCount,
    start_timecode: s.startTimecode,
    reel_name: s.reelName,
    colour_tag: s.colourTag,
    facts_json: JSON.stringify(s.facts),
    imported_at: s.importedAt,
    sort_order: s.sortOrder,
    lens_focal_mm: s.lensFocalMm ?? null,
    lens_sensor_width_mm: s.lensSensorWidthMm ?? null,
    orientation_json: s.orientationJson ?? null,
  };
}

export type NewShot = Omit<
  ShotRecord,
  'id' | 'sortOrder' | 'importedAt' | 'colourTag' | 'lensFocalMm' | 'lensSensorWidthMm' | 'orientationJson'
> & {
  colourTag?: string;
};

/** Fields a user may edit on a shot (each edit goes through the undo journal). */
export type ShotEdit = Partial<
  Pick<
    ShotRecord,
    | 'name'
    | 'colourTag'
    | 'reelName'
    | 'mediaPath'
    | 'mediaRelativePath'
    | 'fpsNum'
    | 'fpsDen'
    | 'lensFocalMm'
    | 'lensSensorWidthMm'
    | 'orientationJson'
  >
>;

const EDIT_COLUMNS: Record<keyof ShotEdit, string> = {
  name: 'name',
  colourTag: 'colour_tag',
  reelName: 'reel_name',
  mediaPath: 'media_path',
  mediaRelativePath: 'media_relpath',
  fpsNum: 'fps_num',
  fpsDen: 'fps_den',
  lensFocalMm: 'lens_focal_mm',
  lensSensorWidthMm: 'lens_sensor_width_mm',
  orientationJson: 'orientation_json',
};

export class ShotRepository {
  constructor(private readonly db: Database.Database) {}

  list(): ShotRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM shots ORDER BY sort_order, id`).all() as ShotRow[]).map(
      fromRow,
    );
  }

  get(id: number): ShotRecord | undefined {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM shots WHERE id = ?`).get(id) as ShotRow | undefined;
    return r ? fromRow(r) : undefined;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM shots').get() as { n: number }).n;
  }

  insert(shot: NewShot, now: string): ShotRecord {
    const sortOrder =
      ((this.db.prepare('SELECT max(sort_order) AS m FROM shots').get() as { m: number | null }).m ?? 0) + 1;
    const row = toRow({
      ...shot,
      id: 0,
      sortOrder,
      importedAt: now,
      colourTag: shot.colourTag ?? 'none',
      lensFocalMm: null,
      lensSensorWidthMm: null,
      orientationJson: null,
    });
    const { id: _id, ...values } = row;
    const names = Object.keys(values);
    const info = this.db
      .prepare(`INSERT INTO shots (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})`)
      .run(values);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Puts back a shot exactly as it was (same id): used by undo of a removal and redo of an import. */
  restore(shot: ShotRecord): void {
    const row = toRow(shot);
    const names = Object.keys(row);
    this.db
      .prepare(`INSERT INTO shots (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})`)
      .run(row);
  }

  update(id: number, edit: ShotEdit): void {
    const keys = Object.keys(edit) as (keyof ShotEdit)[];
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${EDIT_COLUMNS[k]} = @${k}`).join(', ');
    this.db.prepare(`UPDATE shots SET ${sets} WHERE id = @id`).run({ ...edit, id });
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM shots WHERE id = ?').run(id);
  }
}

/** The lens of a shot as the solve should use it: the user's, else the media's metadata, else none. */
export function shotLens(s: ShotRecord): {
  focalMm: number;
  sensorWidthMm: number;
  source: 'user' | 'metadata';
  note: string | null;
  focalPx: number;
} | null {
  const px = (focalMm: number, sensorWidthMm: number) => (focalMm / sensorWidthMm) * s.width;
  if (s.lensFocalMm && s.lensSensorWidthMm) {
    const { lensFocalMm: f, lensSensorWidthMm: w } = s;
    return { focalMm: f, sensorWidthMm: w, source: 'user', note: null, focalPx: px(f, w) };
  }
  const m = s.facts.lens;
  if (m) {
    return {
      focalMm: m.focalMm,
      sensorWidthMm: m.sensorWidthMm,
      source: 'metadata',
      note: m.source,
      focalPx: px(m.focalMm, m.sensorWidthMm),
    };
  }
  return null;
}

/** The shot's scene orientation, or null when it has none (or the stored value is not a sound one). */
export function shotOrientation(s: ShotRecord): SceneOrientation | null {
  if (s.orientationJson === null) return null;
  try {
    return parseOrientation(JSON.parse(s.orientationJson));
  } catch {
    return null;
  }
}
