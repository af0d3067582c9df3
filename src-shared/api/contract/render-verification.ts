/**
 * "Verify render" (issue 14 item 4): the rendered plate tracked and solved by Reshoot's own analysis, its
 * recovered camera compared with the requested target path after a similarity alignment (SPEC §4's
 * RotErr and TransErr, ATE, and SPEC §3's PCE between the two Π sequences), and a plain verdict.
 * docs/rendering.md ("Verify render") defines every figure and the thresholds.
 */
import { z } from 'zod';

export const VERIFY_VERDICTS = ['follows', 'deviates', 'unverifiable'] as const;
export type VerifyVerdict = (typeof VERIFY_VERDICTS)[number];

/** What goes wrong over a stretch of frames: the rotation, the position, or no camera could be solved. */
export const VERIFY_SPAN_KINDS = ['rotation', 'translation', 'unsolved'] as const;

export const VerifySpanSchema = z.strictObject({
  /** Shot frames, inclusive. */
  first: z.number().int(),
  last: z.number().int(),
  kind: z.enum(VERIFY_SPAN_KINDS),
  /** The worst frame's rotation error (degrees) and position error (share of the scene depth) in the span. */
  worstRotErrDeg: z.number().nullable(),
  worstTransErrRel: z.number().nullable(),
  /** e.g. "frames 30–47 drift: RotErr up to 4.1°". */
  text: z.string(),
});
export type VerifySpan = z.infer<typeof VerifySpanSchema>;

export const VerifyThresholdsSchema = z.strictObject({
  /** Per frame: rotation error (degrees) and position error as a share of the scene depth Z̄. */
  rotErrFrameDeg: z.number(),
  transErrFrameRel: z.number(),
  /** Over the frames compared: mean rotation error and mean relative position error. */
  rotErrMeanDeg: z.number(),
  transErrMeanRel: z.number(),
  /** Parallax Consistency Error between the two Π sequences. */
  pce: z.number(),
  /** Share of the frames the solve must pose for a verdict at all. */
  minSolvedShare: z.number(),
});
export type VerifyThresholds = z.infer<typeof VerifyThresholdsSchema>;

export const VerifyMetricsSchema = z.strictObject({
  /** Frames with a recovered camera (compared) out of the render's frames. */
  framesCompared: z.number().int(),
  framesTotal: z.number().int(),
  /** RotErr (SPEC §4): Σ and mean over the frames compared of the geodesic angle, degrees; and the worst. */
  rotErrSumDeg: z.number(),
  rotErrMeanDeg: z.number(),
  rotErrMaxDeg: z.number(),
  /** TransErr (SPEC §4): Σ and mean of ‖Ĉ_j − C_j‖ after alignment, in the shot's units (its gauge). */
  transErrSum: z.number(),
  transErrMean: z.number(),
  /** The same per frame divided by the scene depth Z̄_j seen from the target camera (gauge-free): mean, worst. */
  transErrMeanRel: z.number().nullable(),
  transErrMaxRel: z.number().nullable(),
  /** ATE: RMSE of the centre errors after alignment (shot units), and divided by the path's length. */
  ateRmse: z.number(),
  ateRelative: z.number().nullable(),
  /** PCE between Π of the recovered camera and Π of the requested path (null: Π not measurable). */
  pce: z.number().nullable(),
  /** The similarity's scale (recovered units → shot units). */
  alignmentScale: z.number(),
});
export type VerifyMetrics = z.infer<typeof VerifyMetricsSchema>;

export const VerifySolveSchema = z.strictObject({
  /** The camera solve of the plate: solved, partial, rotation-only, static or failed, and its message. */
  status: z.string(),
  message: z.string(),
  framesSolved: z.number().int(),
  tracks: z.number().int(),
  /** Track observations left out because the render's mask calls their surroundings not seen. */
  maskedObservations: z.number().int(),
  reprojectionRmsPx: z.number().nullable(),
  /** Focal the solve used (pixels of the tracked size) and that size. */
  focalPx: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  seconds: z.number(),
});

/** What renders.list shows per render (no per-frame figures). */
export const RenderVerificationSummarySchema = z.strictObject({
  verdict: z.enum(VERIFY_VERDICTS),
  /** "the plate follows the path" / where it does not / why it could not be checked. */
  text: z.string(),
  metrics: VerifyMetricsSchema.nullable(),
  /** Stretches of frames that do not follow (at most 20, worst first by length). */
  spans: z.array(VerifySpanSchema),
  thresholds: VerifyThresholdsSchema,
  solve: VerifySolveSchema,
  /** e.g. the path zooms, frames not solved. */
  notes: z.array(z.string()),
  verifiedAt: z.string(),
  reshootVersion: z.string(),
});
export type RenderVerificationSummary = z.infer<typeof RenderVerificationSummarySchema>;

/** The whole result: the summary plus per-frame figures and the two Π sequences. */
export const RenderVerificationSchema = RenderVerificationSummarySchema.extend({
  frames: z.array(
    z.strictObject({
      frame: z.number().int(),
      solved: z.boolean(),
      rotErrDeg: z.number().nullable(),
      transErr: z.number().nullable(),
      transErrRel: z.number().nullable(),
    }),
  ),
  /** Π per step frame → frame + 1 (first frame's step first); null where either frame was not solved. */
  pi: z.strictObject({
    requested: z.array(z.number().nullable()),
    recovered: z.array(z.number().nullable()),
  }),
});
export type RenderVerification = z.infer<typeof RenderVerificationSchema>;
