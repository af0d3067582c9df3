/** Renders of target paths: versions with their provenance, and the renders.* methods (src-main/render). */
import { z } from 'zod';
import { Id, method } from './common';
import { JobSchema } from './jobs';
import { RenderVerificationSchema, RenderVerificationSummarySchema } from './render-verification';

export * from './render-verification';

export const RENDER_STATUSES = ['rendering', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export const RENDER_FILLS = ['none', 'inpaint'] as const;
export const MAX_RENDER_WINDOW = 16;

export const RenderSchema = z.strictObject({
  id: z.number().int(),
  shotId: z.number().int(),
  pathId: z.number().int(),
  /** The path's name when the render was made. */
  pathName: z.string(),
  version: z.number().int(),
  /** 'v001', 'v002', …: the name of its folder. */
  name: z.string(),
  /** 'rendering' while its job runs; failed, cancelled or interrupted renders resume with their job. */
  status: z.enum(RENDER_STATUSES),
  /** 'reprojection' (geometric); never a generated plate. */
  method: z.string(),
  firstFrame: z.number().int(),
  lastFrame: z.number().int(),
  framesDone: z.number().int(),
  /** Mean and worst share of the frames the mask calls seen, and the mean share inpainted; null until a frame is done. */
  seenMean: z.number().nullable(),
  seenWorst: z.number().nullable(),
  filledMean: z.number().nullable(),
  /** Frames copied from earlier renders with the same inputs. */
  reused: z.number().int(),
  settings: z.strictObject({ window: z.number().int(), fill: z.enum(RENDER_FILLS) }),
  /** Content hashes of the inputs (sha-256, hex) and Reshoot's version. */
  inputs: z.strictObject({
    shot: z.string(),
    sourceCamera: z.string(),
    depth: z.string(),
    targetPath: z.string(),
  }),
  reshootVersion: z.string(),
  message: z.string().nullable(),
  jobId: z.number().int().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The latest "Verify render" of this version (null: never verified). */
  verification: RenderVerificationSummarySchema.nullable(),
});
export type Render = z.infer<typeof RenderSchema>;

export const rendersContract = {
  'renders.list': method(
    z.strictObject({ shotId: Id }),
    z.array(RenderSchema),
    "A shot's renders, by path and version.",
  ),
  'renders.start': method(
    z.strictObject({
      pathId: Id,
      first: z.number().int().min(0).optional(),
      last: z.number().int().min(0).optional(),
      window: z.number().int().min(1).max(MAX_RENDER_WINDOW).optional(),
      fill: z.enum(RENDER_FILLS).optional(),
    }),
    z.strictObject({ render: RenderSchema, job: JobSchema }),
    'Render a new version of a target path (reprojection of the shot along it) as a job.',
  ),
  'renders.frames': method(
    z.strictObject({ renderId: Id }),
    z.array(
      z.strictObject({
        frame: z.number().int(),
        seen: z.number(),
        filled: z.number(),
        reused: z.boolean(),
      }),
    ),
    'What the mask of each finished frame of a render says (shares seen and inpainted).',
  ),
  'renders.verify': method(
    z.strictObject({ renderId: Id }),
    z.strictObject({ render: RenderSchema, job: JobSchema }),
    'Verify a finished render as a job: track and solve the plate, compare its camera with the path.',
  ),
  'renders.verification': method(
    z.strictObject({ renderId: Id }),
    RenderVerificationSchema.nullable(),
    "A render's latest verification with its per-frame errors and Π sequences (null: never verified).",
  ),
} as const;
