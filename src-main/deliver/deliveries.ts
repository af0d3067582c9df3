/**
 * One entry for every delivery the Deliver panel asks for: what it would write (exactly, before writing,
 * with the files that exist already), and the delivery itself — a plate as an export job, depth, a
 * camera or a timeline written at once. Each kind is built by its own module; this one only names the
 * files in the chosen folder and never lets a delivery replace a file.
 *
 * Where in the folder: a movie, a camera file and a timeline go into the folder itself; an image sequence
 * and a depth delivery (many files) into a subfolder named after them, so that the delivery folder stays
 * a list of deliveries.
 */
import { existsSync, lstatSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ApiError, type Job, type ParsedDeliveryRequest } from '../../src-shared/api/contract';
import type { JobRunner } from '../jobs';
import type { Project, ShotRecord } from '../store';
import { resolveOutputPath, refuseProjectFiles } from '../util/output-guard';
import { deliverCamera } from './camera';
import { deliverDepth, plannedDepthFiles } from './depth-delivery';
import { planPlateDelivery, startPlateDelivery, type PlateDeliveryRequest } from './deliver-job';
import { plateRender } from './plate-frames';
import { sanitizeFileName } from './plate-plan';
import { chosenRenders, deliverTimeline, previewTimeline } from './timeline-delivery';

export interface DeliveryPlan {
  /** Absolute paths, in order (a COLMAP delivery: its folder). */
  files: string[];
  existing: string[];
  notes: string[];
}

const CAMERA_EXTENSION = { usd: '.usda', chan: '.chan', nuke: '.nk', json: '.json', colmap: '' } as const;
const TIMELINE_EXTENSION = { otio: '.otio', fcpxml: '.fcpxml', edl: '.edl' } as const;

function shotOr404(project: Project, shotId: number): ShotRecord {
  const shot = project.shots.get(shotId);
  if (!shot) throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
  return shot;
}

function pathNameOf(project: Project, shot: ShotRecord, pathId: number): string {
  const p = project.targetPaths.get(pathId);
  if (!p || p.shotId !== shot.id)
    throw new ApiError('not-found', `Shot '${shot.name}' has no target path ${pathId}.`);
  return p.name;
}

/** The destination folder: absolute, never a project's own files. */
function destination(folder: string): string {
  if (!isAbsolute(folder))
    throw new ApiError('invalid-argument', `'${folder}': the delivery folder must be an absolute path.`);
  refuseProjectFiles(folder, resolveOutputPath(folder, '/'));
  return folder;
}

/** A file name the user typed: one name, no folders. */
function fileName(name: string): string {
  const safe = sanitizeFileName(name);
  if (safe !== name)
    throw new ApiError(
      'invalid-argument',
      `'${name}' is not a file name every system accepts (no folders, no / \\ : * ? " < > |, no reserved names); try '${safe}'.`,
    );
  return name;
}

const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return existsSync(p);
  }
};

/** `orbit_target_v001.0001.exr` → `orbit_target_v001`: the folder a sequence goes into. */
export function sequenceFolderName(firstFile: string): string {
  return firstFile.replace(/[._-]?\d+\.[A-Za-z0-9]+$/, '') || 'sequence';
}

interface Resolved {
  plan: DeliveryPlan;
  /** Where the kind's own writer is pointed (the folder, a subfolder, or the file). */
  out: string;
  pathName?: string;
  /** A timeline's shots whose rendered plate was delivered as a movie in the folder: that movie. */
  deliveredPlates?: Record<number, string>;
  /** A plate: what the export job is asked for, but the folder. */
  plate?: Omit<PlateDeliveryRequest, 'out'>;
}

/**
 * The plate movies delivered into `folder` under their default names ({shot}_{path}_v{version}.mov) for
 * the shots of a timeline whose one rendered plate is on it: the timeline references those movies (they
 * carry the source timecode and reel, so an NLE conforms them) instead of the render's PNG frames.
 */
function deliveredPlatesIn(
  project: Project,
  folder: string,
  shotIds: readonly number[] | null,
): { plates: Record<number, string>; notes: string[] } {
  const plates: Record<number, string> = {};
  const notes: string[] = [];
  const shots = shotIds ? shotIds.map((id) => shotOr404(project, id)) : project.shots.list();
  for (const shot of shots) {
    const renders = chosenRenders(project, shot.id);
    if (renders.length !== 1) continue;
    const { plan } = planPlateDelivery(project, {
      shotId: shot.id,
      renderId: renders[0]!.id,
      format: 'prores-hq',
    });
    const movie = join(folder, plan.files[0]!);
    if (exists(movie)) {
      plates[shot.id] = movie;
      notes.push(`Shot '${shot.name}': its plate is the delivered movie ${plan.files[0]}.`);
    } else
      notes.push(
        `Shot '${shot.name}': its plate is the render's PNG frames (deliver the plate as a movie into this folder first for a timeline an NLE conforms by timecode and reel).`,
      );
  }
  return { plates, notes };
}

function resolveDelivery(project: Project, req: ParsedDeliveryRequest): Resolved {
  const folder = destination(req.folder);
  const done = (files: string[], notes: string[], out: string, pathName?: string): Resolved => ({
    plan: { files, existing: files.filter(exists), notes },
    out,
    ...(pathName !== undefined ? { pathName } : {}),
  });
  switch (req.what) {
    case 'plate': {
      const shot = shotOr404(project, req.shotId);
      if (req.pathId !== null) pathNameOf(project, shot, req.pathId);
      const renderId =
        req.pathId === null ? undefined : plateRender(project, shot, req.pathId, req.version).id;
      const plate: Omit<PlateDeliveryRequest, 'out'> = {
        shotId: shot.id,
        ...(renderId !== undefined ? { renderId } : {}),
        format: req.format,
        ...(req.frames ? { frames: req.frames } : {}),
        handles: req.handles,
        ...(req.template ? { template: req.template } : {}),
        padding: req.padding,
      };
      const { plan } = planPlateDelivery(project, plate);
      const dir =
        plan.format.kind === 'sequence' ? join(folder, sequenceFolderName(plan.files[0] ?? '')) : folder;
      return {
        ...done(
          plan.files.map((f) => join(dir, f)),
          plan.notes,
          dir,
        ),
        plate,
      };
    }
    case 'depth': {
      const shot = shotOr404(project, req.shotId);
      const dir = join(folder, `${sanitizeFileName(shot.name)}_depth`);
      const notes =
        req.size === 'depth'
          ? ["Depth is written at the depth grid's resolution, which is lower than the shot's."]
          : [];
      return done(
        plannedDepthFiles(project, shot, req.format).map((f) => join(dir, f)),
        notes,
        dir,
      );
    }
    case 'camera': {
      const shot = shotOr404(project, req.shotId);
      const pathName = req.pathId === null ? undefined : pathNameOf(project, shot, req.pathId);
      const name = req.name
        ? fileName(req.name)
        : `${sanitizeFileName(`${shot.name}_${pathName ?? 'source'}${req.format === 'colmap' ? '_colmap' : ''}`)}${CAMERA_EXTENSION[req.format]}`;
      const file = join(folder, name);
      return done([file], [], file, pathName);
    }
    case 'timeline': {
      const ext = TIMELINE_EXTENSION[req.format];
      const only = req.shotIds && req.shotIds.length === 1 ? shotOr404(project, req.shotIds[0]!) : null;
      const name = req.name
        ? fileName(req.name)
        : `${sanitizeFileName(only ? only.name : project.name)}${ext}`;
      const delivered = deliveredPlatesIn(project, folder, req.shotIds);
      const preview = previewTimeline(project, {
        format: req.format,
        ...(req.shotIds ? { shots: req.shotIds } : {}),
        deliveredPlates: delivered.plates,
      });
      const file = join(folder, name);
      return {
        ...done([file], [...delivered.notes, ...preview.warnings], file),
        deliveredPlates: delivered.plates,
      };
    }
  }
}

/** What a delivery would write; nothing is written. */
export function previewDelivery(project: Project, req: ParsedDeliveryRequest): DeliveryPlan {
  return resolveDelivery(project, req).plan;
}

/**
 * Delivers: a plate is queued as an export job (returned), everything else is written before this
 * returns. Refused, with nothing written, while any of its files exists.
 */
export async function startDelivery(
  project: Project,
  runner: JobRunner,
  req: ParsedDeliveryRequest,
): Promise<{ files: string[]; job: Job | null }> {
  const resolved = resolveDelivery(project, req);
  const { plan, out, pathName } = resolved;
  if (plan.existing.length > 0) {
    const more = plan.existing.length > 1 ? ` and ${plan.existing.length - 1} more` : '';
    throw new ApiError(
      'conflict',
      `${plan.existing[0]}${more} already exist${plan.existing.length > 1 ? '' : 's'}: a delivery never overwrites. Choose another folder or name.`,
    );
  }
  const cwd = '/';
  switch (req.what) {
    case 'plate': {
      const { job } = startPlateDelivery(project, runner, { ...resolved.plate!, out }, cwd);
      return { files: plan.files, job: runner.toApi(job) };
    }
    case 'depth': {
      const shot = shotOr404(project, req.shotId);
      await deliverDepth(project, shot, out, {
        format: req.format,
        units: req.units,
        size: req.size,
        cwd,
      });
      return { files: plan.files, job: null };
    }
    case 'camera': {
      const shot = shotOr404(project, req.shotId);
      deliverCamera(project, shot, {
        ...(pathName !== undefined ? { pathName } : {}),
        format: req.format === 'usd' ? 'usda' : req.format,
        out,
        worldUp: req.worldUp,
      });
      return { files: plan.files, job: null };
    }
    case 'timeline': {
      deliverTimeline(project, {
        format: req.format,
        ...(req.shotIds ? { shots: req.shotIds } : {}),
        ...(resolved.deliveredPlates ? { deliveredPlates: resolved.deliveredPlates } : {}),
        out,
        overwrite: false,
        cwd,
      });
      return { files: plan.files, job: null };
    }
  }
}
