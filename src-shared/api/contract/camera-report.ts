/**
 * What the camera solve says about each frame of a shot (issue 11): a status per frame, the segments it
 * solved (each with its own gauge unless joined to another), and a plain summary. Stored with the shot's
 * source camera and shown in the Analysis panel and by `reshoot camera status`.
 */
import { z } from 'zod';

/**
 * - solved: the pose is measured (registered against the scene's 3D points);
 * - rotation-only: the orientation is measured but the shot shows no parallax there, so the camera
 *   centre is held (a pan or tilt from a tripod);
 * - interpolated: the frame could not be measured (an occlusion, a flash, a whip pan) and its pose is
 *   interpolated between the measured frames around it, in the same gauge;
 * - unsolved: no pose.
 */
export const FRAME_STATUSES = ['solved', 'rotation-only', 'interpolated', 'unsolved'] as const;
export const FrameStatusSchema = z.enum(FRAME_STATUSES);
export type FrameStatus = z.infer<typeof FrameStatusSchema>;

export const CameraReportFrameSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  status: FrameStatusSchema,
  /** The segment the frame belongs to; null when unsolved. */
  segment: z.number().int().nonnegative().nullable(),
});
export type CameraReportFrame = z.infer<typeof CameraReportFrameSchema>;

/** A run of frames solved together (one reconstruction), inclusive bounds. */
export const CameraSegmentSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  first: z.number().int().nonnegative(),
  last: z.number().int().nonnegative(),
  /** 'solved' when the segment has parallax (3D points, camera centres measured), else 'rotation-only'. */
  kind: z.enum(['solved', 'rotation-only']),
  /**
   * Segments with the same gauge share one world and one scale. A segment that could not be joined to the
   * one before it has a gauge of its own: it is placed where the previous one ended, but its scale and
   * position relative to it are unknown.
   */
  gauge: z.number().int().nonnegative(),
  /** The segment this one was joined to (same gauge), and by how many shared 3D points; null if not joined. */
  joinedTo: z.number().int().nonnegative().nullable(),
  joinPoints: z.number().int().nonnegative(),
  /** 0–1: how well the segment's frames are constrained (registered share, inliers, reprojection error). */
  confidence: z.number().min(0).max(1),
  /** RMS reprojection error of the segment's observations, px; null for none. */
  rmsPx: z.number().nullable(),
  /**
   * Median standard deviation of the segment's camera centres, in units of the median scene depth (the
   * gauge): how well the parallax pins the translation down; null when it carries no translation.
   */
  translationUncertainty: z.number().nullable(),
});
export type CameraSegment = z.infer<typeof CameraSegmentSchema>;

export const CameraReportSchema = z.strictObject({
  frames: z.array(CameraReportFrameSchema),
  segments: z.array(CameraSegmentSchema),
  /** Tracks found to be on moving subjects and left out of the solve (flagged "moving"). */
  movingTracks: z.number().int().nonnegative(),
  /** The 2D tracks the solve used: 'klt', 'xfeat', or null (an imported camera). */
  tracker: z.string().nullable(),
  /** One line, e.g. "frames 0–87 solved; 88–104 interpolated; 105–279 solved, joined to segment 1 by 412 points". */
  summary: z.string(),
});
export type CameraReport = z.infer<typeof CameraReportSchema>;
