/**
 * Models (the inference model manager). Owned by the inference runtime (src-main/inference, handlers in
 * src-main/api/handlers-models.ts). Download progress arrives as 'model-download' events, not as a job:
 * models are per user, not per project, and can be fetched with no project open.
 */
import { z } from 'zod';
import { method, ok, UiPath, none } from './common';

const ModelId = z
  .string()
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a model id is lower-case letters, digits and dashes');

export const MODEL_PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;

export const ModelEntrySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  task: z.enum(['features', 'depth', 'video-depth', 'point-tracking']),
  version: z.string(),
  adapter: z.string(),
  licence: z.string(),
  licenceUrl: z.string(),
  /** Show a warning: the licence forbids commercial use. */
  nonCommercial: z.boolean(),
  downloadSize: z.number().nullable(),
  downloadable: z.boolean(),
  /** verified: checksum hashed by us; published: from a public third-party record; unknown: none. */
  checksum: z.enum(['verified', 'published', 'unknown']),
  installed: z.boolean(),
  installedSize: z.number().nullable(),
  installedVersion: z.string().nullable(),
  installedAt: z.string().nullable(),
  verified: z.boolean().nullable(),
  /** The execution provider that last ran this model ("cpu", "cuda", …). */
  lastProvider: z.enum(MODEL_PROVIDERS).nullable(),
  note: z.string().nullable(),
  /** File names the model consists of (what a folder given to models.add must contain). */
  files: z.array(z.string()),
  /** Where the model is, or would be, installed. */
  folder: z.string(),
});
export type ModelEntryApi = z.infer<typeof ModelEntrySchema>;

export const ModelDownloadSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  phase: z.enum(['download', 'verify', 'install']),
  file: z.string(),
  fileIndex: z.number().int(),
  fileCount: z.number().int(),
  receivedBytes: z.number(),
  totalBytes: z.number().nullable(),
  error: z.string().nullable(),
});
export type ModelDownload = z.infer<typeof ModelDownloadSchema>;

export const modelsContract = {
  'models.list': method(none, z.array(ModelEntrySchema), 'Installed and available models.'),
  'models.pull': method(
    z.strictObject({ id: ModelId, allowUnverified: z.boolean().default(false) }),
    z.strictObject({ id: z.string(), started: z.boolean() }),
    "Start downloading a model (progress: 'model-download' events); started=false if already running.",
  ),
  'models.cancelPull': method(
    z.strictObject({ id: ModelId }),
    ok,
    'Stop a download (it resumes on the next pull).',
  ),
  'models.add': method(
    z.strictObject({ id: ModelId, path: UiPath, allowUnverified: z.boolean().default(true) }),
    ModelEntrySchema,
    'Install a model from a local file (or a folder of its files), checked against its manifest.',
  ),
  'models.remove': method(z.strictObject({ id: ModelId }), ok, 'Remove an installed model.'),
} as const;
