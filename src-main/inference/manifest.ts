/**
 * Model manifests: one JSON file per model under assets/models/, validated here. They are bundled into
 * the app at build time (static JSON imports), so the product never looks for them on disk.
 */
import { z } from 'zod';
import { ADAPTER_IDS } from './adapters';
import { TENSOR_DTYPES, type SessionInfo } from './types';
import cotracker3 from '../../assets/models/cotracker3.json';
import depthAnythingV2Small from '../../assets/models/depth-anything-v2-small.json';
import videoDepthAnythingSmall from '../../assets/models/video-depth-anything-small.json';
import xfeat from '../../assets/models/xfeat.json';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits');

export const ModelFileSchema = z.strictObject({
  /** File name inside the model's folder. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name'),
  /** Where to download it; null when no public download could be established (install from a file). */
  url: z.url({ protocol: /^https?$/ }).nullable(),
  sha256: Sha256.nullable(),
  size: z.number().int().positive().nullable(),
  /**
   * verified: we hashed the upstream file ourselves; published: taken from a public third-party record,
   * not hashed by us; unknown: no checksum (sha256 is null).
   */
  checksum: z.enum(['verified', 'published', 'unknown']),
});

export const TensorContractSchema = z.strictObject({
  name: z.string().min(1),
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
  description: z.string().optional(),
});

export const ManifestSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    name: z.string().min(1),
    task: z.enum(['features', 'depth', 'video-depth', 'point-tracking']),
    version: z.string().min(1),
    adapter: z.enum(ADAPTER_IDS),
    /** The file loaded as the session (others are auxiliary graphs). */
    primary: z.string(),
    files: z.array(ModelFileSchema).min(1),
    licence: z.strictObject({
      id: z.string().min(1),
      url: z.url(),
      nonCommercial: z.boolean(),
      attribution: z.string().optional(),
    }),
    upstream: z.strictObject({
      project: z.url(),
      weights: z.url().optional(),
      conversion: z.url().optional(),
    }),
    contract: z.strictObject({
      inputs: z.array(TensorContractSchema).min(1),
      outputs: z.array(TensorContractSchema).min(1),
      normalisation: z.strictObject({
        layout: z.enum(['NCHW', 'NTCHW']),
        colour: z.enum(['rgb', 'bgr', 'gray']),
        range: z.tuple([z.number(), z.number()]),
        mean: z.array(z.number()).nullable(),
        std: z.array(z.number()).nullable(),
        patchMultiple: z.number().int().positive().optional(),
        resize: z.string().optional(),
      }),
    }),
    note: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (!m.files.some((f) => f.name === m.primary)) {
      ctx.addIssue({ code: 'custom', path: ['primary'], message: `'${m.primary}' is not one of the files` });
    }
    const names = new Set<string>();
    m.files.forEach((f, i) => {
      if (names.has(f.name))
        ctx.addIssue({ code: 'custom', path: ['files', i, 'name'], message: 'duplicate file name' });
      names.add(f.name);
      if ((f.sha256 === null) !== (f.checksum === 'unknown')) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', i, 'checksum'],
          message: "'unknown' exactly when sha256 is null",
        });
      }
      if (f.sha256 === null && !m.note) {
        ctx.addIssue({
          code: 'custom',
          path: ['note'],
          message: 'a file without a checksum needs a note saying why',
        });
      }
    });
  });

export type ModelManifest = z.infer<typeof ManifestSchema>;
export type ModelFile = z.infer<typeof ModelFileSchema>;

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Validates one manifest; errors name the file and every problem. */
export function parseManifest(data: unknown, file: string): ModelManifest {
  const r = ManifestSchema.safeParse(data);
  if (!r.success) {
    const parts = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ManifestError(`${file}: invalid model manifest — ${parts.join('; ')}`);
  }
  return r.data;
}

/** The manifests shipped with the app (assets/models/*.json). */
export const BUILTIN_MANIFEST_SOURCES: readonly { file: string; data: unknown }[] = [
  { file: 'assets/models/xfeat.json', data: xfeat },
  { file: 'assets/models/depth-anything-v2-small.json', data: depthAnythingV2Small },
  { file: 'assets/models/video-depth-anything-small.json', data: videoDepthAnythingSmall },
  { file: 'assets/models/cotracker3.json', data: cotracker3 },
];

let builtin: ModelManifest[] | null = null;
export function builtinManifests(): ModelManifest[] {
  builtin ??= BUILTIN_MANIFEST_SOURCES.map((s) => parseManifest(s.data, s.file));
  return builtin;
}

/**
 * Differences between a loaded session and the manifest's contract (names, dtypes, fixed dims); empty
 * when the file fits. Symbolic dims in the manifest match anything; fixed ones must match or be symbolic
 * in the file.
 */
export function contractMismatches(
  m: ModelManifest,
  info: Pick<SessionInfo, 'inputs' | 'outputs'>,
): string[] {
  const problems: string[] = [];
  const check = (
    kind: 'input' | 'output',
    want: ModelManifest['contract']['inputs'],
    have: SessionInfo['inputs'],
  ) => {
    for (const w of want) {
      const h = have.find((x) => x.name === w.name);
      if (!h) {
        problems.push(
          `${kind} '${w.name}' missing (file has ${have.map((x) => x.name).join(', ') || 'none'})`,
        );
        continue;
      }
      if (h.type && h.type !== w.dtype)
        problems.push(`${kind} '${w.name}' is ${h.type}, expected ${w.dtype}`);
      if (h.shape.length !== w.shape.length) {
        problems.push(`${kind} '${w.name}' has rank ${h.shape.length}, expected ${w.shape.length}`);
        continue;
      }
      w.shape.forEach((d, i) => {
        const hd = h.shape[i];
        if (typeof d === 'number' && typeof hd === 'number' && d !== hd) {
          problems.push(`${kind} '${w.name}' dim ${i} is ${hd}, expected ${d}`);
        }
      });
    }
  };
  check('input', m.contract.inputs, info.inputs);
  check('output', m.contract.outputs, info.outputs);
  return problems;
}
