/** Shots: the shot record the UI shows, its lens and source camera, and the shots.* methods. */
import { z } from 'zod';
import { Id, method, ok, RationalSchema, UiPath, none } from './common';
import { ShotDepthSchema, ShotTracksSchema, StageReportSchema } from './analysis';
import { CameraReportSchema } from './camera-report';

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

export const WORLD_UPS = ['z', 'y', '-y'] as const;

const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);
/** src-shared/geometry/orientation.ts SceneOrientation. */
export const SceneOrientationSchema = z.strictObject({
  up: Vec3Schema,
  origin: Vec3Schema,
  method: z.enum(['auto-floor', 'three-points', 'origin']),
});
export const CAMERA_FILE_FORMATS = ['json', 'chan', 'usda', 'colmap', 'nuke'] as const;

/** A shot's source camera: imported from the user's solve, or solved by Reshoot. */
export const SourceCameraSchema = z.strictObject({
  origin: z.enum(['imported', 'solved']),
  /** 'imported', or the solver's verdict: 'solved' | 'static' | 'rotation-only' | 'partial' | 'failed'. */
  status: z.string(),
  message: z.string().nullable(),
  sourceFile: z.string().nullable(),
  format: z.string().nullable(),
  /** Frames that have a pose (a partial camera has fewer than the shot). */
  frames: z.number().int(),
  /** Per-frame status, segments and summary; null for a camera made before Reshoot kept one. */
  report: CameraReportSchema.nullable(),
  createdAt: z.string(),
});
export type SourceCamera = z.infer<typeof SourceCameraSchema>;

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
  camera: SourceCameraSchema.nullable(),
  /** The lens the camera solve uses; null = unknown (the focal is estimated). */
  lens: ShotLensSchema.nullable(),
  /** How the scene is oriented (the floor's up and an origin on it); null = as the solve left it. */
  orientation: SceneOrientationSchema.nullable(),
  analysis: z.array(StageReportSchema),
  depth: ShotDepthSchema.nullable(),
  importedAt: z.string(),
});
export type Shot = z.infer<typeof ShotSchema>;

export const ImportFailureSchema = z.strictObject({ path: z.string(), message: z.string() });

export const shotsContract = {
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
  'shots.orient': method(
    z.discriminatedUnion('method', [
      /** Fit the dominant floor to the shot's point cloud. */
      z.strictObject({ shotId: Id, method: z.literal('auto-floor') }),
      /** The floor through three picked points (world coordinates). */
      z.strictObject({
        shotId: Id,
        method: z.literal('three-points'),
        points: z.tuple([Vec3Schema, Vec3Schema, Vec3Schema]),
      }),
      /** Keep the up, put the origin at a picked point. */
      z.strictObject({ shotId: Id, method: z.literal('origin'), origin: Vec3Schema }),
      /** Back to the world the solve or the imported camera defines. */
      z.strictObject({ shotId: Id, method: z.literal('clear') }),
    ]),
    ShotSchema,
    "Orient the shot's scene: its floor (up) and origin, used by presets, the angle editor and exports. Undoable.",
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
  'shots.sourceCamera': method(
    z.strictObject({ shotId: Id }),
    z
      .strictObject({
        width: z.number().int(),
        height: z.number().int(),
        /**
         * Per frame that has a pose (a partial camera leaves some out), in frame order: its index, centre C
         * (world), rotation R_wc as a unit quaternion [w,x,y,z], focal fx, fy (px).
         */
        frames: z.array(
          z.strictObject({
            index: z.number().int().nonnegative(),
            C: z.tuple([z.number(), z.number(), z.number()]),
            q: z.tuple([z.number(), z.number(), z.number(), z.number()]),
            fx: z.number(),
            fy: z.number(),
          }),
        ),
      })
      .nullable(),
    "The shot's source camera, frame by frame, for the 3D view (OpenCV axes: x right, y down, z forward).",
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
} as const;
