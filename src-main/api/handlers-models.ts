/**
 * API handlers for the Models panel: list, pull (in the background, progress as 'model-download'
 * events), cancel a pull, add from a local file (checked against the manifest and, by loading it in an
 * inference worker, against its input/output contract), remove.
 */
import { ApiError, type ErrorCode, type ModelDownload } from '../../src-shared/api/contract';
import { contractMismatches } from '../inference/manifest';
import { ModelError, ModelManager, type ModelErrorCode } from '../inference/model-manager';
import { InferenceRuntime } from '../inference/runtime';
import type { AppCore } from './core';
import type { Handlers } from './handlers';

type ModelHandlers = Pick<
  Handlers,
  'models.list' | 'models.pull' | 'models.cancelPull' | 'models.add' | 'models.remove'
>;

const CODE: Record<ModelErrorCode, ErrorCode> = {
  'not-found': 'not-found',
  'not-installed': 'not-found',
  'not-downloadable': 'not-available',
  unverified: 'invalid-argument',
  checksum: 'invalid-argument',
  size: 'invalid-argument',
  'invalid-file': 'invalid-argument',
  network: 'not-available',
  aborted: 'conflict',
};

function toApi(e: unknown): unknown {
  return e instanceof ModelError ? new ApiError(CODE[e.code], e.message) : e;
}

/** Loads a file in a throwaway inference worker and compares it with the manifest's contract. */
export async function validateAgainstContract(
  path: string,
  manifest: Parameters<typeof contractMismatches>[0],
): Promise<void> {
  const rt = new InferenceRuntime({ providers: ['cpu'] });
  try {
    const problems = contractMismatches(manifest, await rt.load({ path }));
    if (problems.length) throw new Error(problems.join('; '));
  } finally {
    await rt.close();
  }
}

export function createModelHandlers(core: AppCore, manager: ModelManager = core.models): ModelHandlers {
  const pulls = new Map<string, AbortController>();
  const mirror = process.env.RESHOOT_MODELS_MIRROR?.replace(/\/+$/, '') || null;
  const emit = (download: ModelDownload) => core.bus.emit({ type: 'model-download', download });

  return {
    async 'models.list'() {
      return manager.list();
    },

    async 'models.pull'({ id, allowUnverified }) {
      try {
        manager.manifest(id);
      } catch (e) {
        throw toApi(e);
      }
      if (pulls.has(id)) return { id, started: false };
      const ac = new AbortController();
      pulls.set(id, ac);
      let last: ModelDownload = {
        id,
        status: 'running',
        phase: 'download',
        file: '',
        fileIndex: 0,
        fileCount: manager.manifest(id).files.length,
        receivedBytes: 0,
        totalBytes: null,
        error: null,
      };
      let lastEmit = 0;
      emit(last);
      void manager
        .pull(id, {
          // A studio mirror (RESHOOT_MODELS_MIRROR=<url>): files are fetched from <url>/<file name>,
          // still checked against the manifest's checksums.
          ...(mirror ? { resolveUrl: (f: { name: string }) => `${mirror}/${f.name}` } : {}),
          signal: ac.signal,
          allowUnverified,
          onProgress: (p) => {
            last = { ...last, ...p, status: 'running' };
            const now = Date.now();
            if (p.phase !== 'download' || now - lastEmit > 200) {
              lastEmit = now;
              emit(last);
            }
          },
        })
        .then(
          () => emit({ ...last, status: 'done', phase: 'install' }),
          (e: unknown) =>
            emit({
              ...last,
              status: ac.signal.aborted ? 'cancelled' : 'failed',
              error: (e as Error).message ?? String(e),
            }),
        )
        .finally(() => pulls.delete(id));
      return { id, started: true };
    },

    async 'models.cancelPull'({ id }) {
      pulls.get(id)?.abort('cancelled');
      return { ok: true as const };
    },

    async 'models.add'({ id, path, allowUnverified }) {
      try {
        return await manager.add(id, path, { allowUnverified, validate: validateAgainstContract });
      } catch (e) {
        throw toApi(e);
      }
    },

    async 'models.remove'({ id }) {
      if (pulls.has(id))
        throw new ApiError('conflict', `Model '${id}' is downloading; cancel the download first.`);
      try {
        manager.remove(id);
      } catch (e) {
        throw toApi(e);
      }
      return { ok: true as const };
    },
  };
}
