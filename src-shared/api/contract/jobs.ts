/** Jobs: long work on a shot, persisted, with progress, cancel and resume. */
import { z } from 'zod';
import { Id, method, none } from './common';
import { TrackMethodSchema } from './analysis';

export const JOB_TYPES = ['thumbnails', 'proxy', 'track', 'analyze', 'render', 'verify', 'deliver'] as const;
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

export const jobsContract = {
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
} as const;
