/** What every area of the API contract shares: paths and ids from the UI, the method helper, errors. */
import { z } from 'zod';

/** A path coming from the UI. Checked again on the main side (absolute, exists, right kind). */
export const UiPath = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL character');

export const Id = z.number().int().positive();

export const RationalSchema = z.strictObject({
  num: z.number().int().positive(),
  den: z.number().int().positive(),
});

export const none = z.strictObject({}).optional();
export const ok = z.strictObject({ ok: z.literal(true) });

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) {
  return { input, output, summary };
}

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
