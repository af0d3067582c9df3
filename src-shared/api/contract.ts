/**
 * The one API between the UI (untrusted renderer) and the core. Both adapters — Electron IPC (preload
 * allow-list + ipcMain handlers) and web mode (HTTP RPC + server-sent events) — are generated from this
 * object, and every argument is validated against it at the boundary before any handler runs.
 *
 * Bulk data (frames, thumbnails, proxies, depth, tracks) never goes through RPC: see `media-routes.ts`.
 */
import { z } from 'zod';
import { appContract, MENU_COMMANDS } from './contract/app';
import { jobsContract, JobSchema } from './contract/jobs';
import { ModelDownloadSchema, modelsContract } from './contract/models';
import { EditStateSchema, ProjectSummarySchema, projectContract } from './contract/project';
import { shotsContract } from './contract/shots';
import { pathsContract } from './contract/paths';
import { rendersContract } from './contract/renders';
import { deliverContract, deliverRunContract } from './contract/deliver';

export * from './contract/common';
export * from './contract/analysis';
export * from './contract/shots';
export * from './contract/paths';
export * from './contract/renders';
export * from './contract/deliver';
export * from './contract/project';
export * from './contract/jobs';
export * from './contract/app';
export * from './contract/models';
export * from './contract/camera-report';

/** The one table of methods, assembled from the areas (each area's file says what its methods do). */
export const contract = {
  ...appContract,
  ...projectContract,
  ...shotsContract,
  ...pathsContract,
  ...rendersContract,
  ...deliverContract,
  ...deliverRunContract,
  ...jobsContract,
  ...modelsContract,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

// ---- Events (main → UI) --------------------------------------------------------------------------

export const EventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('job'), job: JobSchema }),
  z.strictObject({ type: z.literal('shots-changed') }),
  z.strictObject({ type: z.literal('project-changed'), project: ProjectSummarySchema.nullable() }),
  z.strictObject({ type: z.literal('edit-state'), state: EditStateSchema }),
  z.strictObject({ type: z.literal('menu'), command: z.enum(MENU_COMMANDS) }),
  z.strictObject({ type: z.literal('model-download'), download: ModelDownloadSchema }),
]);
export type AppEvent = z.infer<typeof EventSchema>;
