/**
 * The one API between the UI (untrusted renderer) and the core. Both adapters — Electron IPC (preload
 * allow-list + ipcMain handlers) and web mode (HTTP RPC + server-sent events) — are generated from this
 * object, and every argument is validated against it at the boundary before any handler runs.
 *
 * Bulk data (frames, thumbnails, proxies, depth, tracks) never goes through RPC: see `media-routes.ts`.
 */
import { z } from 'zod';

// ---- Shared shapes -------------------------------------------------------------------------------

/** A path coming from the UI. Checked again on the main side (absolute, exists, right kind). */
const UiPath = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL character');

const Id = z.number().int().positive();

export const RationalSchema = z.strictObject({
  num: z.number().int().positive(),
  den: z.number().int().positive(),
});

export const COLOUR_TAGS = [
  'none',
  'red',
  'orange',
  'yellow',
  'green',
  'cyan',
  'blue',
  'purple',
  'pink',
] as const;
export const ColourTagSchema = z.enum(COLOUR_TAGS);

export const TRACK_METHODS = ['klt', 'xfeat'] as const;
export const TrackMethodSchema = z.enum(TRACK_METHODS);
export type TrackMethod = z.infer<typeof TrackMethodSchema>;

/** A shot's 2D tracks by one method (the arrays are served by the media route 'tracks'). */
export const ShotTracksSchema = z.strictObject({
  method: TrackMethodSchema,
  numTracks: z.number().int(),
  numFrames: z.number().int(),
  /** Execution provider that ran the model (XFeat), null for the classical tracker. */
  provider: z.string().nullable(),
  /** The media changed since (relinked to other content): the tracks no longer belong to it. */
  stale: z.boolean(),
  createdAt: z.string(),
});
export type ShotTracks = z.infer<typeof ShotTracksSchema>;

export const WORLD_UPS = ['z', 'y', '-y'] as const;
export const CAMERA_FILE_FORMATS = ['json', 'chan', 'usda', 'colmap'] as const;

/** A shot's source camera: imported from the user's solve, or solved by Reshoot. */
export const ShotCameraSchema = z.strictObject({
  origin: z.enum(['imported', 'solved']),
  /** 'imported', or the solver's verdict: 'solved' | 'static' | 'rotation-only' | 'failed'. */
  status: z.string(),
  message: z.string().nullable(),
  sourceFile: z.string().nullable(),
  format: z.string().nullable(),
  frames: z.number().int(),
  createdAt: z.string(),
});
export type ShotCamera = z.infer<typeof ShotCameraSchema>;

export const ANALYSIS_STAGES = ['tracks', 'camera', 'depth', 'tracks3d'] as const;
export const AnalysisStageSchema = z.enum(ANALYSIS_STAGES);
export type AnalysisStage = z.infer<typeof AnalysisStageSchema>;

/** How one stage of "Analyze shot" went the last time it ran. */
export const StageReportSchema = z.strictObject({
  stage: AnalysisStageSchema,
  /** done: computed now; reused: its inputs had not changed; failed: see message (later stages wait). */
  status: z.enum(['done', 'reused', 'failed']),
  seconds: z.number(),
  message: z.string().nullable(),
  finishedAt: z.string(),
});
export type StageReport = z.infer<typeof StageReportSchema>;

/** The per-frame depth of a shot (served by the media route 'depth'). */
export const ShotDepthSchema = z.strictObject({
  method: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  frames: z.number().int(),
  /** Shot-wide 5th/95th percentile of valid depth: the range of the false-colour legend. */
  near: z.number(),
  far: z.number(),
  validFraction: z.number(),
});
export type ShotDepth = z.infer<typeof ShotDepthSchema>;

/**
 * The lens the camera solve uses for a shot instead of estimating the focal: given by the user, or read
 * from the media's metadata (a 35 mm equivalent focal, as phones write it).
 */
export const ShotLensSchema = z.strictObject({
  focalMm: z.number(),
  /** Width of the sensor (film back) the focal refers to, mm. */
  sensorWidthMm: z.number(),
  source: z.enum(['user', 'metadata']),
  /** For metadata: the key and value it came from. */
  note: z.string().nullable(),
  /** The horizontal focal in pixels of the shot's width. */
  focalPx: z.number(),
});
export type ShotLens = z.infer<typeof ShotLensSchema>;

/** A lens a user types: focal and sensor width in mm. */
export const LensInputSchema = z.strictObject({
  focalMm: z
    .number()
    .min(1, 'a focal length of at least 1 mm')
    .max(2000, 'a focal length of at most 2000 mm'),
  sensorWidthMm: z
    .number()
    .min(1, 'a sensor width of at least 1 mm')
    .max(100, 'a sensor width of at most 100 mm'),
});

export const ShotSchema = z.strictObject({
  id: Id,
  name: z.string(),
  kind: z.enum(['video', 'sequence']),
  /** Absolute path of the media (first frame file for a sequence). */
  mediaPath: z.string(),
  /** Path relative to the project folder, used to find media again when a project moves with its media. */
  mediaRelativePath: z.string().nullable(),
  fingerprint: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  pixelAspect: RationalSchema,
  rotation: z.number().int(),
  fps: RationalSchema,
  vfr: z.boolean(),
  frameCount: z.number().int(),
  startTimecode: z.string().nullable(),
  reelName: z.string().nullable(),
  colourTag: ColourTagSchema,
  codec: z.string(),
  hasAudio: z.boolean(),
  /** The media file is not where the project expects it: relink it. */
  offline: z.boolean(),
  /**
   * Damage import found and let through (frames that decode with errors), each naming the frame and its
   * time; empty when none (files with frames that cannot be decoded at all are refused).
   */
  mediaWarnings: z.array(z.string()),
  hasThumbnail: z.boolean(),
  hasFilmstrip: z.boolean(),
  hasProxy: z.boolean(),
  tracks: z.array(ShotTracksSchema),
  camera: ShotCameraSchema.nullable(),
  /** The lens the camera solve uses; null = unknown (the focal is estimated). */
  lens: ShotLensSchema.nullable(),
  analysis: z.array(StageReportSchema),
  depth: ShotDepthSchema.nullable(),
  importedAt: z.string(),
});
export type Shot = z.infer<typeof ShotSchema>;

export const ProjectSummarySchema = z.strictObject({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  shotCount: z.number().int(),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const RecentProjectSchema = z.strictObject({
  path: z.string(),
  name: z.string(),
  openedAt: z.string(),
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProjectSchema>;

export const JOB_TYPES = ['thumbnails', 'proxy', 'track', 'analyze'] as const;
export const JobTypeSchema = z.enum(JOB_TYPES);
export type JobType = z.infer<typeof JobTypeSchema>;

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobSchema = z.strictObject({
  id: Id,
  type: JobTypeSchema,
  /** What kind of work within the type, e.g. the tracking method. */
  detail: z.string().nullable(),
  shotId: Id.nullable(),
  shotName: z.string().nullable(),
  status: JobStatusSchema,
  fraction: z.number().min(0).max(1),
  framesDone: z.number().int(),
  framesTotal: z.number().int(),
  /** Estimated seconds left, from the rate of the work done in this run; null until it can be told. */
  etaSeconds: z.number().nullable(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof JobSchema>;

export const ImportFailureSchema = z.strictObject({ path: z.string(), message: z.string() });

export const EditStateSchema = z.strictObject({
  canUndo: z.boolean(),
  undoLabel: z.string().nullable(),
  canRedo: z.boolean(),
  redoLabel: z.string().nullable(),
});
export type EditState = z.infer<typeof EditStateSchema>;

export const FileEntrySchema = z.strictObject({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'project', 'media', 'sequence-frame', 'other']),
  size: z.number().nullable(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const AppInfoSchema = z.strictObject({
  mode: z.enum(['electron', 'web']),
  version: z.string(),
  platform: z.string(),
  /** Whether native file dialogs exist (Electron). Web mode uses the in-app file browser instead. */
  nativeDialogs: z.boolean(),
  ffmpeg: z.strictObject({ available: z.boolean(), detail: z.string() }),
  homeDir: z.string(),
});

// ---- Methods -------------------------------------------------------------------------------------

const none = z.strictObject({}).optional();
const ok = z.strictObject({ ok: z.literal(true) });

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) {
  return { input, output, summary };
}

// ---- Models (inference model manager; see docs/models.md) ------------------------------------------
// Owned by the inference runtime (src-main/inference, handlers in src-main/api/handlers-models.ts).
// Download progress arrives as 'model-download' events, not as a job: models are per user, not per
// project, and can be fetched with no project open.

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
// ---- end Models ------------------------------------------------------------------------------------

export const contract = {
  'app.info': method(none, AppInfoSchema, 'What is running: mode, version, ffmpeg availability.'),

  'project.current': method(none, ProjectSummarySchema.nullable(), 'The open project, if any.'),
  'project.recent': method(none, z.array(RecentProjectSchema), 'Recently opened projects, newest first.'),
  'project.create': method(
    z.strictObject({
      parentDir: UiPath,
      name: z
        .string()
        .trim()
        .min(1, 'the project needs a name')
        .max(120)
        .refine((n) => !/[/\\:*?"<>|\0]/.test(n), 'a project name cannot contain / \\ : * ? " < > |'),
    }),
    ProjectSummarySchema,
    'Create <parentDir>/<name>.reshoot and open it.',
  ),
  'project.open': method(
    z.strictObject({ path: UiPath }),
    ProjectSummarySchema,
    'Open a .reshoot project folder.',
  ),
  'project.close': method(none, ok, 'Close the open project.'),

  'shots.list': method(none, z.array(ShotSchema), 'Shots of the open project in bin order.'),
  'shots.import': method(
    z.strictObject({
      paths: z.array(UiPath).min(1, 'nothing to import').max(500),
      /** Import the good files and report the bad ones (UI); otherwise all-or-nothing (CLI). */
      skipBad: z.boolean().default(true),
      /** Frame rate for image sequences, which carry none. */
      sequenceFps: RationalSchema.optional(),
    }),
    z.strictObject({ imported: z.array(ShotSchema), failed: z.array(ImportFailureSchema) }),
    'Import video files or image sequences as shots (media are referenced, never copied).',
  ),
  'shots.rename': method(
    z.strictObject({ shotId: Id, name: z.string().trim().min(1, 'a shot needs a name').max(200) }),
    ShotSchema,
    'Rename a shot.',
  ),
  'shots.setColourTag': method(
    z.strictObject({ shotId: Id, tag: ColourTagSchema }),
    ShotSchema,
    'Set a colour tag.',
  ),
  'shots.setReel': method(
    z.strictObject({ shotId: Id, reelName: z.string().trim().max(64).nullable() }),
    ShotSchema,
    'Override the reel name.',
  ),
  'shots.setLens': method(
    z.strictObject({ shotId: Id, lens: LensInputSchema.nullable() }),
    ShotSchema,
    'Set the lens (focal length and sensor width in mm) the camera solve uses instead of estimating the focal; null = unknown. Undoable; the next Analyze re-solves the camera.',
  ),
  'shots.interpretFps': method(
    z.strictObject({ shotId: Id, fps: RationalSchema }),
    ShotSchema,
    'Set the frame rate an image sequence plays at (sequences carry none; video keeps its own).',
  ),
  'shots.importCamera': method(
    z.strictObject({
      shotId: Id,
      path: UiPath,
      /** Up axis of the file's world (cameras.json, COLMAP: as stored; .chan/USD: their Y-up mapped to it). */
      worldUp: z.enum(WORLD_UPS).default('z'),
      /**
       * The file may give cameras for only some of the shot's frames (each at most once, all inside the
       * shot); the others are interpolated. Without it every frame must be given exactly once.
       */
      interpolate: z.boolean().optional(),
    }),
    ShotSchema,
    "Use an existing camera solve (cameras.json, COLMAP text, Nuke .chan, USD) as the shot's source camera. The file's frames must be the shot's, each once; with interpolate, a subset whose gaps are interpolated.",
  ),
  'shots.exportCamera': method(
    z.strictObject({
      shotId: Id,
      format: z.enum(CAMERA_FILE_FORMATS),
      /**
       * The file to write (a folder for COLMAP); its folder must exist. A project's own files are refused;
       * a file named here is replaced atomically when it exists.
       */
      path: UiPath,
      worldUp: z.enum(WORLD_UPS).default('z'),
      /** COLMAP: replace cameras.txt/images.txt/points3D.txt already in the folder (else refused). */
      overwrite: z.boolean().optional(),
    }),
    /** `path` is the real path written (symlinks followed). */
    z.strictObject({ path: z.string(), frames: z.number().int() }),
    "Write the shot's source camera as cameras.json, Nuke .chan, USD or COLMAP text.",
  ),
  'shots.cameraPath': method(
    z.strictObject({ shotId: Id }),
    z
      .strictObject({
        width: z.number().int(),
        height: z.number().int(),
        /** Per frame: centre C (world), rotation R_wc as a unit quaternion [w,x,y,z], focal fx, fy (px). */
        frames: z.array(
          z.strictObject({
            C: z.tuple([z.number(), z.number(), z.number()]),
            q: z.tuple([z.number(), z.number(), z.number(), z.number()]),
            fx: z.number(),
            fy: z.number(),
          }),
        ),
      })
      .nullable(),
    "The shot's source camera path for the 3D view (OpenCV axes: x right, y down, z forward).",
  ),
  'shots.remove': method(
    z.strictObject({ shotId: Id }),
    ok,
    'Remove a shot from the project (media untouched).',
  ),
  'shots.relink': method(
    z.strictObject({ shotId: Id, path: UiPath }),
    ShotSchema,
    'Point an offline shot at its moved media file.',
  ),

  'edit.state': method(none, EditStateSchema, 'What Undo and Redo would do.'),
  'edit.undo': method(none, EditStateSchema, 'Undo the last edit.'),
  'edit.redo': method(none, EditStateSchema, 'Redo the last undone edit.'),

  'jobs.list': method(none, z.array(JobSchema), 'Jobs of the open project, newest first.'),
  'jobs.start': method(
    z.strictObject({
      type: JobTypeSchema,
      shotId: Id,
      /** For 'track': the tracker (default klt, which needs no model). */
      method: TrackMethodSchema.optional(),
    }),
    JobSchema,
    'Queue a job for a shot.',
  ),
  'jobs.cancel': method(
    z.strictObject({ jobId: Id }),
    JobSchema,
    'Cancel a queued or running job; answers once its work has stopped (status cancelled).',
  ),
  'jobs.resume': method(
    z.strictObject({ jobId: Id }),
    JobSchema,
    'Resume an interrupted, cancelled or failed job from its committed work.',
  ),

  'files.list': method(
    z.strictObject({ dir: UiPath.optional() }),
    z.strictObject({ dir: z.string(), parent: z.string().nullable(), entries: z.array(FileEntrySchema) }),
    'List a folder for the in-app file browser (web mode).',
  ),
  'dialog.pickMedia': method(none, z.array(z.string()), 'Native file dialog for shots (Electron only).'),
  'dialog.pickProject': method(
    none,
    z.string().nullable(),
    'Native dialog to open a project (Electron only).',
  ),
  'dialog.pickFolder': method(
    none,
    z.string().nullable(),
    'Native dialog to choose a folder (Electron only).',
  ),
  'dialog.pickFile': method(
    z.strictObject({ title: z.string().max(120) }),
    z.string().nullable(),
    'Native dialog to choose any one file, e.g. a model file (Electron only).',
  ),
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

export const MENU_COMMANDS = [
  'new-project',
  'open-project',
  'close-project',
  'import-shots',
  'undo',
  'redo',
  'toggle-jobs',
  'open-models',
] as const;

export const EventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('job'), job: JobSchema }),
  z.strictObject({ type: z.literal('shots-changed') }),
  z.strictObject({ type: z.literal('project-changed'), project: ProjectSummarySchema.nullable() }),
  z.strictObject({ type: z.literal('edit-state'), state: EditStateSchema }),
  z.strictObject({ type: z.literal('menu'), command: z.enum(MENU_COMMANDS) }),
  z.strictObject({ type: z.literal('model-download'), download: ModelDownloadSchema }),
]);
export type AppEvent = z.infer<typeof EventSchema>;

// ---- Errors --------------------------------------------------------------------------------------

export const ERROR_CODES = [
  'invalid-argument',
  'unknown-method',
  'no-project',
  'not-found',
  'project-locked',
  'newer-schema',
  'media',
  'missing-tool',
  'not-available',
  'conflict',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error every adapter carries to the UI: a code to branch on and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns a zod failure into one readable sentence naming the argument. */
export function describeValidation(method: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : 'arguments';
    return `${where}: ${i.message}`;
  });
  return `${method}: invalid arguments — ${parts.join('; ')}`;
}
