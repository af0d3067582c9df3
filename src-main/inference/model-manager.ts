/**
 * The user's models folder: download (progress, resume, sha256), install from a local file, remove, list.
 *
 * Layout of `<models dir>` (RESHOOT_MODELS_DIR, else <configDir>/models):
 *   <id>/<file>…            installed files
 *   <id>/installed.json     what was installed (manifest version, sizes, sha256, verified or not,
 *                           when) and the provider that last ran it
 *   .partial/<id>/<file>.part   downloads in progress (kept so the next pull resumes)
 *   .staging-*              an install being assembled; renamed to <id> in one step
 * An install is atomic: files are verified and fsynced in a staging folder that is then renamed into
 * place, so a crash leaves either the old install or the new one, never half of one.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { configDir } from '../settings/app-settings';
import { fsyncDir, fsyncFile, writeFileAtomicSync } from '../util/atomic-write';
import { DownloadError, downloadToPart, sha256File } from './download';
import { builtinManifests, type ModelFile, type ModelManifest } from './manifest';
import { PROVIDERS, type ProviderName } from './types';

export type ModelErrorCode =
  | 'not-found'
  | 'not-installed'
  | 'not-downloadable'
  | 'unverified'
  | 'checksum'
  | 'size'
  | 'network'
  | 'invalid-file'
  | 'aborted';

export class ModelError extends Error {
  constructor(
    message: string,
    readonly code: ModelErrorCode,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RESHOOT_MODELS_DIR ? resolve(env.RESHOOT_MODELS_DIR) : join(configDir(env), 'models');
}

const InstallRecordSchema = z.object({
  id: z.string(),
  version: z.string(),
  installedAt: z.string(),
  source: z.enum(['download', 'file']),
  files: z.array(z.object({ name: z.string(), size: z.number(), sha256: z.string(), verified: z.boolean() })),
  lastProvider: z.enum(PROVIDERS).nullable(),
  lastUsedAt: z.string().nullable(),
});
export type InstallRecord = z.infer<typeof InstallRecordSchema>;

export interface ModelEntry {
  id: string;
  name: string;
  task: ModelManifest['task'];
  version: string;
  adapter: string;
  licence: string;
  licenceUrl: string;
  nonCommercial: boolean;
  /** Sum of the manifest's file sizes where known (bytes), else null. */
  downloadSize: number | null;
  /** Whether `pull` can fetch it (every file has a URL). */
  downloadable: boolean;
  /** 'verified' | 'published' | 'unknown': the weakest checksum status among its files. */
  checksum: ModelFile['checksum'];
  installed: boolean;
  /** Bytes on disk when installed. */
  installedSize: number | null;
  installedVersion: string | null;
  installedAt: string | null;
  /** The installed files matched the manifest's checksums (false: unverified install). */
  verified: boolean | null;
  lastProvider: ProviderName | null;
  note: string | null;
  /** The files the model consists of (what a folder given to `add` must contain). */
  files: string[];
  /** Where the model is (or would be) installed. */
  folder: string;
}

export interface PullProgress {
  id: string;
  file: string;
  fileIndex: number;
  fileCount: number;
  receivedBytes: number;
  totalBytes: number | null;
  phase: 'download' | 'verify' | 'install';
}

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** Install files whose manifest has no checksum (the computed sha256 is recorded as unverified). */
  allowUnverified?: boolean;
  retries?: number;
  fetchImpl?: typeof fetch;
  /** Replace each file's URL (tests, mirrors): called with the manifest's file. */
  resolveUrl?: (file: ModelFile, manifest: ModelManifest) => string | null;
}

export interface AddOptions {
  allowUnverified?: boolean;
  /** Extra check of the primary file before install (e.g. load it and compare with the contract). */
  validate?: (primaryPath: string, manifest: ModelManifest) => Promise<void>;
}

const RECORD = 'installed.json';

export class ModelManager {
  readonly dir: string;
  private readonly byId: Map<string, ModelManifest>;

  constructor(options: { dir?: string; env?: NodeJS.ProcessEnv; manifests?: ModelManifest[] } = {}) {
    this.dir = options.dir ?? modelsDir(options.env);
    this.byId = new Map((options.manifests ?? builtinManifests()).map((m) => [m.id, m]));
  }

  manifests(): ModelManifest[] {
    return [...this.byId.values()];
  }

  manifest(id: string): ModelManifest {
    const m = this.byId.get(id);
    if (!m)
      throw new ModelError(
        `Unknown model '${id}'; known models: ${[...this.byId.keys()].join(', ')}.`,
        'not-found',
      );
    return m;
  }

  private record(id: string): InstallRecord | null {
    const file = join(this.dir, id, RECORD);
    if (!existsSync(file)) return null;
    try {
      return InstallRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      return null; // A damaged record reads as "not installed"; pull or add repairs it.
    }
  }

  /** Path of the model's primary file if installed (and present), else null. */
  installedPath(id: string): string | null {
    const m = this.manifest(id);
    const rec = this.record(id);
    if (!rec) return null;
    const p = join(this.dir, id, m.primary);
    return existsSync(p) ? p : null;
  }

  /** Paths of all installed files of a model, by file name. */
  installedFiles(id: string): Record<string, string> {
    const m = this.manifest(id);
    if (!this.installedPath(id))
      throw new ModelError(`Model '${id}' is not installed (${join(this.dir, id)}).`, 'not-installed');
    return Object.fromEntries(m.files.map((f) => [f.name, join(this.dir, id, f.name)]));
  }

  requirePath(id: string): string {
    const p = this.installedPath(id);
    if (!p) {
      throw new ModelError(
        `Model '${id}' is not installed; run 'reshoot models pull ${id}' (or 'reshoot models add ${id} <file>').`,
        'not-installed',
      );
    }
    return p;
  }

  list(): ModelEntry[] {
    return this.manifests().map((m) => {
      const rec = this.record(m.id);
      const installed = !!rec && existsSync(join(this.dir, m.id, m.primary));
      const sizes = m.files.map((f) => f.size);
      const rank = { verified: 0, published: 1, unknown: 2 } as const;
      const checksum = m.files.reduce<ModelFile['checksum']>(
        (w, f) => (rank[f.checksum] > rank[w] ? f.checksum : w),
        'verified',
      );
      return {
        id: m.id,
        name: m.name,
        task: m.task,
        version: m.version,
        adapter: m.adapter,
        licence: m.licence.id,
        licenceUrl: m.licence.url,
        nonCommercial: m.licence.nonCommercial,
        downloadSize: sizes.every((s) => s !== null) ? sizes.reduce<number>((a, s) => a + (s ?? 0), 0) : null,
        downloadable: m.files.every((f) => f.url !== null),
        checksum,
        installed,
        installedSize: installed && rec ? rec.files.reduce((a, f) => a + f.size, 0) : null,
        installedVersion: installed && rec ? rec.version : null,
        installedAt: installed && rec ? rec.installedAt : null,
        verified: installed && rec ? rec.files.every((f) => f.verified) : null,
        lastProvider: installed && rec ? rec.lastProvider : null,
        note: m.note ?? null,
        files: m.files.map((f) => f.name),
        folder: join(this.dir, m.id),
      };
    });
  }

  entry(id: string): ModelEntry {
    this.manifest(id);
    return this.list().find((e) => e.id === id)!;
  }

  /** Records which provider last ran the model (shown in the Models panel). */
  recordUse(id: string, provider: ProviderName): void {
    const rec = this.record(id);
    if (!rec) return;
    rec.lastProvider = provider;
    rec.lastUsedAt = new Date().toISOString();
    writeFileAtomicSync(join(this.dir, id, RECORD), JSON.stringify(rec, null, 2));
  }

  /** Downloads every file (resuming partial ones), verifies, then installs atomically. */
  async pull(id: string, options: PullOptions = {}): Promise<ModelEntry> {
    const m = this.manifest(id);
    const urls = m.files.map((f) => (options.resolveUrl ? options.resolveUrl(f, m) : f.url));
    const missing = m.files.filter((_, i) => !urls[i]);
    if (missing.length) {
      throw new ModelError(
        `Model '${id}' has no established download for ${missing.map((f) => f.name).join(', ')}. ${m.note ?? ''} Install it from a file: reshoot models add ${id} <file>.`.trim(),
        'not-downloadable',
      );
    }
    const unverified = m.files.filter((f) => !f.sha256);
    if (unverified.length && !options.allowUnverified) {
      throw new ModelError(
        `Model '${id}': no checksum is known for ${unverified.map((f) => f.name).join(', ')}, so the download cannot be verified; pass --allow-unverified to install it anyway.`,
        'unverified',
      );
    }
    const partDir = join(this.dir, '.partial', id);
    mkdirSync(partDir, { recursive: true });
    const verifiedFiles: InstallRecord['files'] = [];
    for (const [i, f] of m.files.entries()) {
      const url = urls[i]!;
      const part = join(partDir, `${f.name}.part`);
      const progress = (phase: PullProgress['phase'], receivedBytes: number, totalBytes: number | null) =>
        options.onProgress?.({
          id,
          file: f.name,
          fileIndex: i,
          fileCount: m.files.length,
          receivedBytes,
          totalBytes,
          phase,
        });
      try {
        await downloadToPart(url, part, {
          expectedSize: f.size,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.retries !== undefined ? { retries: options.retries } : {}),
          ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
          onProgress: (p) => progress('download', p.receivedBytes, p.totalBytes ?? f.size),
        });
      } catch (e) {
        if (e instanceof DownloadError) {
          throw new ModelError(
            `Model '${id}': ${e.message}${e.code === 'network' || e.code === 'aborted' ? ` — pull again to resume from ${part}` : ''}.`,
            e.code === 'aborted' ? 'aborted' : 'network',
          );
        }
        throw e;
      }
      progress('verify', statSync(part).size, f.size);
      verifiedFiles.push(
        await this.verify(id, f, part, 'download', !!options.allowUnverified, () =>
          rmSync(part, { force: true }),
        ),
      );
    }
    this.install(id, m, 'download', verifiedFiles, (name) => join(partDir, `${name}.part`), 'move');
    rmSync(partDir, { recursive: true, force: true });
    this.dropEmptyPartial();
    options.onProgress?.({
      id,
      file: m.primary,
      fileIndex: m.files.length - 1,
      fileCount: m.files.length,
      receivedBytes: 0,
      totalBytes: null,
      phase: 'install',
    });
    return this.entry(id);
  }

  /**
   * Installs from local files: `source` is the file itself (single-file models, or a file named like one
   * of the manifest's files) or a folder holding the files by name. Checked against the manifest.
   */
  async add(id: string, source: string, options: AddOptions = {}): Promise<ModelEntry> {
    const m = this.manifest(id);
    const src = resolve(source);
    let st;
    try {
      st = statSync(src);
    } catch {
      throw new ModelError(`${src}: no such file or folder.`, 'invalid-file');
    }
    const locate: Record<string, string> = {};
    if (st.isDirectory()) {
      for (const f of m.files) {
        const p = join(src, f.name);
        if (!existsSync(p))
          throw new ModelError(
            `${src}: missing ${f.name} (model '${id}' needs ${m.files.map((x) => x.name).join(', ')}).`,
            'invalid-file',
          );
        locate[f.name] = p;
      }
    } else if (m.files.length === 1) {
      locate[m.files[0]!.name] = src;
    } else {
      throw new ModelError(
        `${src}: model '${id}' has ${m.files.length} files (${m.files.map((x) => x.name).join(', ')}); give the folder that holds them.`,
        'invalid-file',
      );
    }
    const files: InstallRecord['files'] = [];
    for (const f of m.files)
      files.push(
        await this.verify(id, f, locate[f.name]!, 'file', options.allowUnverified ?? true, () => undefined),
      );
    if (options.validate) {
      try {
        await options.validate(locate[m.primary]!, m);
      } catch (e) {
        throw new ModelError(
          `${locate[m.primary]}: does not fit model '${id}': ${(e as Error).message}`,
          'invalid-file',
        );
      }
    }
    this.install(id, m, 'file', files, (name) => locate[name]!, 'copy');
    return this.entry(id);
  }

  remove(id: string): boolean {
    this.manifest(id);
    const target = join(this.dir, id);
    rmSync(join(this.dir, '.partial', id), { recursive: true, force: true });
    this.dropEmptyPartial();
    if (!existsSync(target)) return false;
    const trash = join(this.dir, `.trash-${id}-${process.pid}-${Date.now()}`);
    renameSync(target, trash); // One step: the model is gone for readers before the files are deleted.
    rmSync(trash, { recursive: true, force: true });
    return true;
  }

  private async verify(
    id: string,
    f: ModelFile,
    path: string,
    how: 'download' | 'file',
    allowUnverified: boolean,
    discard: () => void,
  ): Promise<InstallRecord['files'][number]> {
    const size = statSync(path).size;
    const what = how === 'download' ? `downloaded ${f.name}` : path;
    if (f.size !== null && size !== f.size) {
      discard();
      throw new ModelError(
        `Model '${id}': ${what} is ${size} bytes, expected ${f.size}; nothing was installed.`,
        'size',
      );
    }
    const sha = await sha256File(path);
    if (f.sha256 && sha !== f.sha256) {
      discard();
      throw new ModelError(
        `Model '${id}': ${what} failed checksum verification (sha256 ${sha}, expected ${f.sha256})${how === 'download' ? '; the download was discarded' : ''} and nothing was installed.`,
        'checksum',
      );
    }
    if (!f.sha256 && !allowUnverified) {
      throw new ModelError(
        `Model '${id}': no checksum is known for ${f.name}; refusing an unverified install.`,
        'unverified',
      );
    }
    return { name: f.name, size, sha256: sha, verified: !!f.sha256 };
  }

  private install(
    id: string,
    m: ModelManifest,
    source: InstallRecord['source'],
    files: InstallRecord['files'],
    from: (name: string) => string,
    how: 'move' | 'copy',
  ): void {
    mkdirSync(this.dir, { recursive: true });
    const staging = join(this.dir, `.staging-${id}-${process.pid}-${Date.now()}`);
    mkdirSync(staging);
    try {
      for (const f of files) {
        const dest = join(staging, f.name);
        if (how === 'move') renameSync(from(f.name), dest);
        else copyFileSync(from(f.name), dest);
        fsyncFile(dest);
      }
      const previous = this.record(id);
      const rec: InstallRecord = {
        id,
        version: m.version,
        installedAt: new Date().toISOString(),
        source,
        files,
        lastProvider: previous?.lastProvider ?? null,
        lastUsedAt: previous?.lastUsedAt ?? null,
      };
      writeFileAtomicSync(join(staging, RECORD), JSON.stringify(rec, null, 2));
      fsyncDir(staging);
      const target = join(this.dir, id);
      if (existsSync(target)) {
        const trash = join(this.dir, `.trash-${id}-${process.pid}-${Date.now()}`);
        renameSync(target, trash);
        renameSync(staging, target);
        rmSync(trash, { recursive: true, force: true });
      } else {
        renameSync(staging, target);
      }
      fsyncDir(this.dir);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
  }

  private dropEmptyPartial(): void {
    const p = join(this.dir, '.partial');
    try {
      if (readdirSync(p).length === 0) rmSync(p, { recursive: true, force: true });
    } catch {
      // Not there: nothing to tidy.
    }
  }

  /** Leftovers of interrupted installs/removals (never partial downloads, which resume). */
  cleanStale(): void {
    if (!existsSync(this.dir)) return;
    for (const n of readdirSync(this.dir)) {
      if (n.startsWith('.staging-') || n.startsWith('.trash-'))
        rmSync(join(this.dir, n), { recursive: true, force: true });
    }
  }
}
