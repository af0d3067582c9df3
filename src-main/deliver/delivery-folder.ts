/**
 * The project's delivery folder: where every export dialog and the Deliver panel start. It is
 * `<Name>.reshoot/delivery/` unless the user chose another folder for this project (a project setting,
 * kept as the absolute path the user chose). The default moves with the project folder; a chosen folder
 * that no longer exists is reported, not silently replaced.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ApiError } from '../../src-shared/api/contract';
import { DELIVERY_FOLDER } from '../../src-shared/project-layout';
import type { Project } from '../store';
import { protectedReason, resolveOutputPath } from '../util/output-guard';

const SETTING = 'deliveryFolder';

export interface DeliveryFolder {
  /** Absolute path. */
  folder: string;
  /** True for `<project>/delivery` (nothing chosen). */
  isDefault: boolean;
  /** Whether the folder exists now (the default one is made by the first delivery). */
  exists: boolean;
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function deliveryFolderOf(project: Project): DeliveryFolder {
  const chosen = project.setting(SETTING);
  const folder = chosen ?? join(project.dir, DELIVERY_FOLDER);
  return { folder, isDefault: chosen === undefined, exists: isFolder(folder) };
}

/**
 * Chooses the project's delivery folder (null: back to the default). The folder must be absolute, an
 * existing folder (or not exist yet, with an existing parent), and never one of a project's own folders.
 */
export function setDeliveryFolder(project: Project, folder: string | null): DeliveryFolder {
  if (project.readonly) throw new ApiError('conflict', 'The project is open read-only.');
  if (folder === null) {
    project.clearSetting(SETTING);
    return deliveryFolderOf(project);
  }
  if (!isAbsolute(folder))
    throw new ApiError('invalid-argument', `'${folder}': the delivery folder must be an absolute path.`);
  const real = resolveOutputPath(folder, project.dir);
  const why = protectedReason(real);
  if (why) throw new ApiError('invalid-argument', `'${folder}' cannot be the delivery folder: it is ${why}.`);
  if (existsSync(real) && !statSync(real).isDirectory())
    throw new ApiError('invalid-argument', `'${folder}' is a file, not a folder.`);
  project.setSetting(SETTING, folder);
  return deliveryFolderOf(project);
}
