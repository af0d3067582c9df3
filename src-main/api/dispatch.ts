import {
  ApiError,
  contract,
  describeValidation,
  isMethodName,
  type ErrorCode,
} from '../../src-shared/api/contract';
import type { Handlers } from './handlers';

/** Maps any error to what the UI may see: a code and a message. Internal details go to the log only. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const err = e as Error & { code?: string };
  switch (err.name) {
    case 'ProjectError':
      return new ApiError(err.code as ErrorCode, err.message);
    case 'MediaError':
      return new ApiError('media', err.message);
    case 'MissingToolError':
      return new ApiError('missing-tool', err.message);
  }
  console.error('[reshoot] internal error:', err?.stack ?? err);
  return new ApiError('internal', `Internal error: ${err?.message ?? String(e)}`);
}

/**
 * The single entry for calls from an untrusted UI: the method must be in the contract and its argument
 * must satisfy the contract's schema (unknown keys refused) before the handler sees it.
 */
export async function dispatch(handlers: Handlers, method: string, rawInput: unknown): Promise<unknown> {
  if (!isMethodName(method)) throw new ApiError('unknown-method', `Unknown method '${method.slice(0, 80)}'.`);
  const schema = contract[method].input;
  const parsed = schema.safeParse(rawInput ?? undefined);
  if (!parsed.success) throw new ApiError('invalid-argument', describeValidation(method, parsed.error));
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return await handler(parsed.data);
  } catch (e) {
    throw toApiError(e);
  }
}
