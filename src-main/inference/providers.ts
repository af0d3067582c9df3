/**
 * Execution-provider choice. The default chain per platform is
 *   CUDA (when its provider binaries are installed) → DirectML (Windows) → CoreML (macOS) → WebGPU → CPU.
 * `RESHOOT_EP` (or the runtime's `provider` option) forces one provider; CPU stays behind it as the last
 * resort so that a provider failing to initialise never stops the work — the fallback is logged and
 * recorded in the session's `fallbacks`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PROVIDERS, type ProviderName } from './types';

export type ProviderPreference = ProviderName | 'auto';

export class ProviderSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderSettingError';
  }
}

/** Parses `RESHOOT_EP` / a setting value. Empty or 'auto' means the platform chain. */
export function parseProviderPreference(
  value: string | undefined,
  source = 'RESHOOT_EP',
): ProviderPreference {
  const v = (value ?? '').trim().toLowerCase();
  if (!v || v === 'auto') return 'auto';
  const alias: Record<string, ProviderName> = { directml: 'dml', gpu: 'webgpu' };
  const name = alias[v] ?? v;
  if ((PROVIDERS as readonly string[]).includes(name)) return name as ProviderName;
  throw new ProviderSettingError(
    `${source}=${value}: unknown execution provider; use one of auto, ${PROVIDERS.join(', ')}.`,
  );
}

/** The folder holding onnxruntime-node's native binding for this platform, or null if not found. */
export function onnxruntimeBinDir(
  platform: string = process.platform,
  arch: string = process.arch,
): string | null {
  try {
    const req = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    const pkg = req.resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', platform, arch);
  } catch {
    return null;
  }
}

/**
 * Whether the CUDA provider's binaries are installed next to onnxruntime-node's binding (they are not
 * shipped in the npm package; `ONNXRUNTIME_NODE_INSTALL=cuda12` fetches them, see docs/inference.md).
 * The CUDA toolkit and cuDNN must also be present at run time; if not, session creation fails and the
 * chain falls back.
 */
export function cudaInstalled(
  binDir: string | null = onnxruntimeBinDir(),
  platform: string = process.platform,
): boolean {
  if (!binDir) return false;
  const file = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(binDir, file));
}

export interface ChainInput {
  platform?: string;
  preference?: ProviderPreference;
  cuda?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ProviderChain {
  providers: ProviderName[];
  /** Providers left out of the automatic chain, and why (shown in logs and docs). */
  skipped: { provider: ProviderName; reason: string }[];
}

/** The providers to try, in order. Always ends with 'cpu'. */
export function providerChain(input: ChainInput = {}): ProviderChain {
  const platform = input.platform ?? process.platform;
  const env = input.env ?? process.env;
  const preference = input.preference ?? parseProviderPreference(env.RESHOOT_EP);
  if (preference !== 'auto') {
    return { providers: preference === 'cpu' ? ['cpu'] : [preference, 'cpu'], skipped: [] };
  }
  const providers: ProviderName[] = [];
  const skipped: ProviderChain['skipped'] = [];
  const cuda = input.cuda ?? cudaInstalled(onnxruntimeBinDir(platform), platform);
  if (cuda && (platform === 'linux' || platform === 'win32')) providers.push('cuda');
  else skipped.push({ provider: 'cuda', reason: 'CUDA provider binaries are not installed' });
  if (platform === 'win32') providers.push('dml');
  if (platform === 'darwin') providers.push('coreml');
  const icd = env.VK_ICD_FILENAMES ?? '';
  if (/swiftshader|lvp_icd/i.test(icd)) {
    // A software Vulkan driver makes WebGPU orders of magnitude slower than the CPU provider: only
    // use it when asked for by name (RESHOOT_EP=webgpu).
    skipped.push({ provider: 'webgpu', reason: `software Vulkan driver (${icd})` });
  } else {
    providers.push('webgpu');
  }
  providers.push('cpu');
  return { providers, skipped };
}
