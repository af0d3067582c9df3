/** Target camera paths: a shot's named camera moves and the paths.* methods (src-main/paths). */
import { z } from 'zod';
import { NAMED_EASINGS } from '../../geometry/easing';
import { PRESET_KINDS } from '../../geometry/presets';
import { Id, method, ok, UiPath } from './common';
import { CAMERA_FILE_FORMATS, WORLD_UPS } from './shots';

const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);
const QuatSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const SampleSchema = z.strictObject({
  frame: z.number(),
  position: Vec3Schema,
  /** R_wc, [w, x, y, z]. */
  orientation: QuatSchema,
  focalPx: z.number(),
});
/** A named easing or Bézier handles (geometry/easing.ts); their ranges are checked with the values. */
const EasingSchema = z.union([
  z.enum(NAMED_EASINGS),
  z.strictObject({
    kind: z.literal('bezier'),
    x1: z.number(),
    y1: z.number(),
    x2: z.number(),
    y2: z.number(),
  }),
]);
const KeyframeSchema = SampleSchema.extend({ easing: EasingSchema.optional() });

/**
 * A path's content: keyframes, or one sample per frame. The shapes are checked here; the values (finite,
 * unit quaternions, frames inside the shot, focal > 0, order) by the main side against the shot.
 */
export const TargetPathContentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keyframes'), keyframes: z.array(KeyframeSchema).min(1).max(100_000) }),
  z.strictObject({ kind: z.literal('samples'), samples: z.array(SampleSchema).min(1).max(1_000_000) }),
]);

export const TargetPathSchema = z.strictObject({
  id: z.number().int(),
  shotId: z.number().int(),
  name: z.string(),
  /** How it was made: 'keyframes', 'preset:<kind>[:relative]', 'import:<format>', … */
  origin: z.string(),
  content: TargetPathContentSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TargetPath = z.infer<typeof TargetPathSchema>;

const Name = z.string().min(1, 'name is empty').max(120, 'name is longer than 120 characters');

export const pathsContract = {
  'paths.list': method(
    z.strictObject({ shotId: Id }),
    z.array(TargetPathSchema),
    "A shot's target camera paths, oldest first.",
  ),
  'paths.create': method(
    z.strictObject({ shotId: Id, name: Name, content: TargetPathContentSchema }),
    TargetPathSchema,
    'Make a target path from keyframes or samples. Undoable.',
  ),
  'paths.duplicate': method(
    z.strictObject({ pathId: Id, name: Name }),
    TargetPathSchema,
    'Copy a target path under a new name. Undoable.',
  ),
  'paths.rename': method(
    z.strictObject({ pathId: Id, name: Name }),
    TargetPathSchema,
    'Rename a target path. Undoable.',
  ),
  'paths.setContent': method(
    z.strictObject({ pathId: Id, content: TargetPathContentSchema }),
    TargetPathSchema,
    "Replace a target path's keyframes or samples (an edit in the 3D or curve editor). Undoable.",
  ),
  'paths.remove': method(z.strictObject({ pathId: Id }), ok, 'Delete a target path. Undoable.'),
  'paths.preset': method(
    z.strictObject({
      shotId: Id,
      name: Name,
      kind: z.enum(PRESET_KINDS),
      /** Fraction of the scene depth Z̄ (dolly, truck, pedestal, dollyzoom), degrees (arc, pan, tilt), a focal factor (zoom), strength 0–1 (stabilise). */
      amount: z.number(),
      relative: z.boolean().optional(),
      /** Anchor frame: where the move starts and Z̄ is measured (default 0). */
      frame: z.number().int().nonnegative().optional(),
    }),
    TargetPathSchema,
    'Make a target path from a camera-move preset in gauge-free units (src-shared/geometry/presets.ts). Undoable.',
  ),
  'paths.transfer': method(
    z.strictObject({ shotId: Id, name: Name, fromShotId: Id, raw: z.boolean().optional() }),
    z.strictObject({
      path: TargetPathSchema,
      /** Mean |log| ratio of the output's Π to the reference's Π, for both modes (lower is better; null: not measurable). */
      pce: z.strictObject({ parascale: z.number().nullable(), raw: z.number().nullable() }),
      /** Π per step (frame i → i+1): the reference's and the output's in each mode; null where not measurable. */
      pi: z.strictObject({
        reference: z.array(z.number().nullable()),
        parascale: z.array(z.number().nullable()).nullable(),
        raw: z.array(z.number().nullable()).nullable(),
      }),
      frames: z.number().int(),
    }),
    "Make a target path by transferring another analysed shot's camera move: ParaScale (scale by Π = ‖ΔC‖/Z̄) or raw. Undoable.",
  ),
  'paths.coverage': method(
    z.strictObject({ pathId: Id }),
    z.strictObject({
      /** Per frame of the shot, the share (0–1) of the target view the shot's own pixels can cover. */
      frames: z.array(z.strictObject({ index: z.number().int(), coverage: z.number() })),
      gridWidth: z.number().int(),
    }),
    "How much of each target frame the shot's own pixels (depth reprojected from a window of source frames) can cover, before anything is rendered.",
  ),
  'paths.import': method(
    z.strictObject({ shotId: Id, name: Name, path: UiPath, worldUp: z.enum(WORLD_UPS).default('z') }),
    TargetPathSchema,
    'Read a camera file (cameras.json, COLMAP text, Nuke .chan, USD) as a target path: every frame gives samples, some frames keyframes. Undoable.',
  ),
  'paths.export': method(
    z.strictObject({
      pathId: Id,
      format: z.enum(CAMERA_FILE_FORMATS),
      /** The file to write (a folder for COLMAP); its folder must exist; never a project's own files. */
      path: UiPath,
      worldUp: z.enum(WORLD_UPS).default('z'),
      overwrite: z.boolean().optional(),
    }),
    z.strictObject({ path: z.string(), frames: z.number().int() }),
    'Write a target path as one camera per shot frame (cameras.json, Nuke .chan, USD or COLMAP text).',
  ),
};
