/** Inference: onnxruntime sessions in workers, execution-provider choice, model manifests and downloads. */
export * from './types';
export { InferenceRuntime, type RuntimeOptions, type RuntimeRunOptions, type BatchOptions } from './runtime';
export { SessionHost, InferenceError, type SessionHostOptions } from './session-host';
export {
  providerChain,
  parseProviderPreference,
  cudaInstalled,
  onnxruntimeBinDir,
  ProviderSettingError,
  type ProviderPreference,
  type ProviderChain,
} from './providers';
export {
  ManifestSchema,
  ManifestError,
  parseManifest,
  builtinManifests,
  contractMismatches,
  type ModelManifest,
  type ModelFile,
} from './manifest';
export {
  ModelManager,
  ModelError,
  modelsDir,
  type ModelEntry,
  type PullOptions,
  type PullProgress,
  type AddOptions,
  type InstallRecord,
} from './model-manager';
export { downloadToPart, sha256File, DownloadError } from './download';
export * as adapters from './adapters';
