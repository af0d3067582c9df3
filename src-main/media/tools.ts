/**
 * Finding ffmpeg and ffprobe. Order: the environment variables RESHOOT_FFMPEG / RESHOOT_FFPROBE, then
 * the optional npm package `ffmpeg-static` (only when its binary really exists; ffprobe is looked for
 * beside it), then PATH. The result is cached for the process.
 */
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ToolName = 'ffmpeg' | 'ffprobe';
export type ToolSource = 'env' | 'ffmpeg-static' | 'path';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  source: { ffmpeg: ToolSource; ffprobe: ToolSource };
}

export const INSTALL_HELP =
  'Install ffmpeg (it includes ffprobe): on Debian/Ubuntu `sudo apt install ffmpeg`, on macOS `brew install ffmpeg`, ' +
  'on Windows `winget install Gyan.FFmpeg` (then restart Reshoot so the new PATH is seen). ' +
  'Or point Reshoot at existing binaries with the environment variables RESHOOT_FFMPEG and RESHOOT_FFPROBE (full paths).';

export class MissingToolError extends Error {
  readonly tool: ToolName;
  constructor(tool: ToolName, problem?: string) {
    super(
      `${problem ?? `Reshoot needs ${tool}, but it was not found (looked at RESHOOT_${tool.toUpperCase()}, the ffmpeg-static package and PATH).`} ${INSTALL_HELP}`,
    );
    this.name = 'MissingToolError';
    this.tool = tool;
  }
}

const isWindows = process.platform === 'win32';

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    if (!s.isFile()) return false;
    if (!isWindows) await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a command up on PATH (PATHEXT on Windows), without a shell. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const exts = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

/** The binary path the optional `ffmpeg-static` package points to, when the package and its binary exist. */
async function ffmpegStaticPath(): Promise<string | null> {
  try {
    // Works in ESM (tsx, vitest, the CLI bundle) and in the CommonJS Electron bundle alike.
    const req: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url);
    const p: unknown = req('ffmpeg-static');
    if (typeof p === 'string' && (await isExecutableFile(p))) return p;
  } catch {
    // Not installed (it is optional) or its install script did not fetch the binary.
  }
  return null;
}

async function fromEnv(tool: ToolName, env: NodeJS.ProcessEnv): Promise<string | null> {
  const name = `RESHOOT_${tool.toUpperCase()}`;
  const value = env[name];
  if (!value) return null;
  if (await isExecutableFile(value)) return value;
  throw new MissingToolError(tool, `${name} is set to "${value}", but that is not an executable file.`);
}

export interface FindToolsOptions {
  env?: NodeJS.ProcessEnv;
  /** Skip the cache and look again (after the user installed ffmpeg, or in tests). */
  refresh?: boolean;
  /** Tests only: pretend ffmpeg-static is (not) there. */
  ffmpegStatic?: string | null;
}

let cached: Promise<MediaTools> | null = null;

/** Locates ffmpeg and ffprobe (cached). Rejects with {@link MissingToolError} saying how to install them. */
export function findMediaTools(options: FindToolsOptions = {}): Promise<MediaTools> {
  const useCache = !options.refresh && options.env === undefined && options.ffmpegStatic === undefined;
  if (useCache && cached) return cached;
  const p = locate(options);
  if (useCache || options.refresh) {
    cached = p;
    // A failure is not cached: the user may install ffmpeg and try again.
    p.catch(() => {
      if (cached === p) cached = null;
    });
  }
  return p;
}

/** Forgets the cached lookup. */
export function resetMediaToolsCache(): void {
  cached = null;
}

async function locate(options: FindToolsOptions): Promise<MediaTools> {
  const env = options.env ?? process.env;
  const staticFfmpeg = options.ffmpegStatic !== undefined ? options.ffmpegStatic : await ffmpegStaticPath();

  let ffmpeg: string | null = await fromEnv('ffmpeg', env);
  let ffmpegSource: ToolSource = 'env';
  if (!ffmpeg && staticFfmpeg) {
    ffmpeg = staticFfmpeg;
    ffmpegSource = 'ffmpeg-static';
  }
  if (!ffmpeg) {
    ffmpeg = await findOnPath('ffmpeg', env);
    ffmpegSource = 'path';
  }
  if (!ffmpeg) throw new MissingToolError('ffmpeg');

  let ffprobe: string | null = await fromEnv('ffprobe', env);
  let ffprobeSource: ToolSource = 'env';
  if (!ffprobe && staticFfmpeg) {
    const beside = path.join(path.dirname(staticFfmpeg), isWindows ? 'ffprobe.exe' : 'ffprobe');
    if (await isExecutableFile(beside)) {
      ffprobe = beside;
      ffprobeSource = 'ffmpeg-static';
    }
  }
  if (!ffprobe && ffmpegSource === 'env') {
    // RESHOOT_FFMPEG=/opt/ffmpeg/bin/ffmpeg usually has ffprobe beside it.
    const beside = path.join(path.dirname(ffmpeg), isWindows ? 'ffprobe.exe' : 'ffprobe');
    if (await isExecutableFile(beside)) {
      ffprobe = beside;
      ffprobeSource = 'env';
    }
  }
  if (!ffprobe) {
    ffprobe = await findOnPath('ffprobe', env);
    ffprobeSource = 'path';
  }
  if (!ffprobe) throw new MissingToolError('ffprobe');
  return { ffmpeg, ffprobe, source: { ffmpeg: ffmpegSource, ffprobe: ffprobeSource } };
}
