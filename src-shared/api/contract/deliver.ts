/** Delivery (src-main/deliver): where deliveries go, and the deliver.* methods. */
import { z } from 'zod';
import { Id, method, none, UiPath } from './common';
import { JobSchema } from './jobs';
import { WORLD_UPS } from './shots';

export const DeliveryFolderSchema = z.strictObject({
  /** Absolute path: `<project>/delivery` unless the user chose another folder for the project. */
  folder: z.string(),
  isDefault: z.boolean(),
  /** The default folder is made by the first delivery. */
  exists: z.boolean(),
});
export type DeliveryFolder = z.infer<typeof DeliveryFolderSchema>;

export const deliverContract = {
  'deliver.folder': method(none, DeliveryFolderSchema, "The project's delivery folder."),
  'deliver.setFolder': method(
    z.strictObject({ folder: UiPath.nullable() }),
    DeliveryFolderSchema,
    "Choose the project's delivery folder (null: back to <project>/delivery).",
  ),
  'deliver.defaults': method(
    z.strictObject({ shotId: Id }),
    z.strictObject({ folder: DeliveryFolderSchema, worldUp: z.enum(WORLD_UPS) }),
    'Where an export of this shot starts: the delivery folder, and the world up the scene was oriented to.',
  ),
} as const;

/** Plate formats (docs/delivery-plates.md): movies are QuickTime .mov; png16 and exr are sequences. */
export const PLATE_FORMATS = [
  'prores-hq',
  'prores-4444',
  'dnxhr-hq',
  'dnxhr-hqx',
  'dnxhr-444',
  'h264',
  'h265',
  'png16',
  'exr',
] as const;
export const DEPTH_FORMATS = ['exr', 'raw'] as const;
export const DEPTH_UNITS = ['gauge', 'metric'] as const;
export const DEPTH_SIZES = ['depth', 'shot'] as const;
export const CAMERA_DELIVERY_FORMATS = ['usd', 'chan', 'colmap', 'json', 'nuke'] as const;
export const TIMELINE_FORMATS = ['otio', 'fcpxml', 'edl'] as const;
export const DELIVERABLES = ['plate', 'depth', 'camera', 'timeline'] as const;

const FrameNumber = z.number().int().min(0).max(10_000_000);
/** A file name template: tokens in braces ({shot} {path} {version} {frame} {reel} {format}). */
const Template = z.string().trim().min(1, 'the name template is empty').max(200);

/** What to deliver and where; `folder` is the destination folder (absolute), checked again on the main side. */
export const DeliveryRequestSchema = z.discriminatedUnion('what', [
  z.strictObject({
    what: z.literal('plate'),
    shotId: Id,
    /** A render of this target path; null = the shot as it is. */
    pathId: Id.nullable(),
    /** The render version (1 = v001); null = the newest finished one. */
    version: z.number().int().min(1).nullable(),
    format: z.enum(PLATE_FORMATS),
    /** Shot frames from 0, inclusive; absent = all the source has. */
    frames: z.strictObject({ first: FrameNumber, last: FrameNumber }).optional(),
    handles: z.number().int().min(0).max(1000).default(0),
    template: Template.optional(),
    padding: z.number().int().min(1).max(9).default(4),
    folder: UiPath,
  }),
  z.strictObject({
    what: z.literal('depth'),
    shotId: Id,
    format: z.enum(DEPTH_FORMATS),
    units: z.enum(DEPTH_UNITS).default('gauge'),
    size: z.enum(DEPTH_SIZES).default('depth'),
    folder: UiPath,
  }),
  z.strictObject({
    what: z.literal('camera'),
    shotId: Id,
    /** A target path; null = the source camera. */
    pathId: Id.nullable(),
    format: z.enum(CAMERA_DELIVERY_FORMATS),
    worldUp: z.enum(WORLD_UPS),
    /** The file name (a folder name for colmap); absent = named after the shot and path. */
    name: z.string().trim().min(1).max(200).optional(),
    folder: UiPath,
  }),
  z.strictObject({
    what: z.literal('timeline'),
    /** The shots on the timeline; null = every shot of the project. */
    shotIds: z.array(Id).min(1).max(10_000).nullable(),
    format: z.enum(TIMELINE_FORMATS),
    name: z.string().trim().min(1).max(200).optional(),
    folder: UiPath,
  }),
]);
export type DeliveryRequest = z.input<typeof DeliveryRequestSchema>;

export const DeliveryPreviewSchema = z.strictObject({
  /** Every file (or folder, for COLMAP) the delivery writes, absolute, in order. */
  files: z.array(z.string()),
  /** Those of `files` that exist already: a delivery never overwrites, so it is refused while any does. */
  existing: z.array(z.string()),
  /** What the user should know first (handles clamped, depth at its own resolution…). */
  notes: z.array(z.string()),
});
export type DeliveryPreview = z.infer<typeof DeliveryPreviewSchema>;

export const deliverRunContract = {
  'deliver.preview': method(
    DeliveryRequestSchema,
    DeliveryPreviewSchema,
    'The exact files a delivery would write, before writing anything.',
  ),
  'deliver.start': method(
    DeliveryRequestSchema,
    z.strictObject({
      files: z.array(z.string()),
      /** Plates are written by a job (progress, cancel, resume); the rest is written before this returns. */
      job: JobSchema.nullable(),
    }),
    'Deliver: plates as an export job, depth, cameras and timelines at once. Never overwrites.',
  ),
} as const;

/** A delivery request as the handlers receive it (defaults applied). */
export type ParsedDeliveryRequest = z.output<typeof DeliveryRequestSchema>;
