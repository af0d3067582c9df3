/** Analysis of a shot as the UI sees it: tracks, the stages of "Analyze shot", depth. */
import { z } from 'zod';

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
