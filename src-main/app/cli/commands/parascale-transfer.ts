import { resolve } from 'node:path';
import {
  backprojectPixels,
  documentToTrack,
  intrinsicsFromK,
  representativeDepth,
  representativeDepthFromPoints,
  serializeCamerasJson,
  trackToDocument,
  transfer,
  type CamerasDocument,
  type CameraTrack,
} from '../../../../src-shared/geometry';
import { readCamerasFile, readDepthFrame } from '../../../geometry-io';
import { guardOutputFile, writeOutputFile } from '../../../util/output-guard';
import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';

/** The target scene as a point cloud: every `stride`-th depth pixel of up to `maxFrames` frames, lifted to world. */
function targetPointCloud(
  doc: CamerasDocument,
  track: CameraTrack,
  depthDir: string,
  stride = 4,
  maxFrames = 12,
): Float64Array {
  const dk = doc.depth
    ? intrinsicsFromK(doc.depth.K, doc.depth.width, doc.depth.height)
    : intrinsicsFromK(doc.K, doc.width, doc.height);
  const step = Math.max(1, Math.ceil(doc.frames.length / maxFrames));
  const chunks: Float64Array[] = [];
  for (let fi = 0; fi < doc.frames.length; fi += step) {
    const depth = readDepthFrame(depthDir, doc, fi);
    const uv: number[] = [];
    const z: number[] = [];
    for (let y = 0; y < dk.height; y += stride) {
      for (let x = 0; x < dk.width; x += stride) {
        const d = depth[y * dk.width + x]!;
        if (d > 0 && Number.isFinite(d)) {
          uv.push(x + 0.5, y + 0.5);
          z.push(d);
        }
      }
    }
    const cam = { ...track.frames[fi]!.camera, intrinsics: dk };
    chunks.push(backprojectPixels(cam, new Float64Array(uv), new Float64Array(z)) as Float64Array);
  }
  const out = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const parascaleTransferCommand: CliCommand = {
  path: ['parascale', 'transfer'],
  summary: "Transfer a reference shot's camera move onto a target scene, scale-calibrated (ParaScale)",
  help: `Usage: reshoot parascale transfer --reference <cameras.json> --reference-depth <dir>
                                 --target <cameras.json> --target-depth <dir> --out <cameras.json> [--raw]

Reads the reference move's Parallax Numbers Π_i = ‖ΔC_i‖ / Z̄_i (Z̄ = median valid depth of each reference
frame) and re-realises them in the target scene: the output starts at the target's first camera, has one
camera per reference frame, copies the reference's rotation increments untouched, and gives each step the
length Π_i · Z̄ᵗᵍᵗ, where Z̄ᵗᵍᵗ is the median depth of the target's point cloud (lifted from its depth maps)
as seen from the output pose reached so far. The output uses the target's intrinsics and units (gauge).
Depth folders use the ground-truth shot layout (docs/depth.md) (float32 little-endian, depth_width × depth_height).
--raw writes the uncalibrated baseline (reference step lengths copied) instead.
--out is written atomically (an existing file there is replaced); a Reshoot project's own files
(project.db, its -wal/-shm, project.lock, cache/, renders/, media/) are refused (exit 2).

Example:
  reshoot parascale transfer --reference gt/dolly_a/cameras.json --reference-depth gt/dolly_a/depth \\
    --target gt/orbit_a/cameras.json --target-depth gt/orbit_a/depth --out dolly_on_orbit.json`,
  async run(argv, io) {
    const { values } = parseCommandArgs(
      argv,
      {
        reference: { type: 'string' },
        'reference-depth': { type: 'string' },
        target: { type: 'string' },
        'target-depth': { type: 'string' },
        out: { type: 'string' },
        raw: { type: 'boolean' },
      },
      'parascale transfer',
    );
    for (const k of ['reference', 'reference-depth', 'target', 'target-depth', 'out'] as const) {
      if (!values[k])
        throw new CliError(
          `reshoot parascale transfer: --${k} is required. See 'reshoot parascale transfer --help'.`,
          EXIT.usage,
        );
    }
    const p = (k: 'reference' | 'reference-depth' | 'target' | 'target-depth') =>
      resolve(io.cwd, values[k] as string);
    // Checked before the work: never a project's own file, nor a folder.
    const out = guardOutputFile(values.out!, { cwd: io.cwd });
    let refDoc: CamerasDocument;
    let tgtDoc: CamerasDocument;
    try {
      refDoc = readCamerasFile(p('reference'));
      tgtDoc = readCamerasFile(p('target'));
    } catch (e) {
      throw new CliError(`reshoot parascale transfer: ${(e as Error).message}`, EXIT.notFound);
    }
    const ref = documentToTrack(refDoc);
    const tgt = documentToTrack(tgtDoc);
    let refDepths: number[];
    let cloud: Float64Array;
    try {
      const dw = refDoc.depth?.width ?? refDoc.width;
      refDepths = refDoc.frames.map((_, i) =>
        representativeDepth(readDepthFrame(p('reference-depth'), refDoc, i), { width: dw, stride: 2 }),
      );
      cloud = targetPointCloud(tgtDoc, tgt, p('target-depth'));
    } catch (e) {
      throw new CliError(`reshoot parascale transfer: ${(e as Error).message}`, EXIT.notFound);
    }
    const bad = refDepths.findIndex((z) => !(z > 0));
    if (bad >= 0)
      throw new CliError(
        `reshoot parascale transfer: reference frame ${refDoc.frames[bad]!.index} has no valid depth`,
        EXIT.failure,
      );
    const first = tgt.frames[0]!.camera;
    const scratch = new Float64Array(cloud.length / 3);
    const result = transfer(
      { poses: ref.frames.map((f) => f.camera), depths: refDepths },
      {
        start: first,
        depthAt: (pose) =>
          representativeDepthFromPoints({ ...pose, intrinsics: first.intrinsics }, cloud, {
            minPoints: 50,
            scratch,
          }),
      },
      values.raw ? 'raw' : 'parascale',
    );
    const outTrack: CameraTrack = {
      fps: [...ref.fps],
      frames: result.poses.map((pose, i) => ({
        index: ref.frames[i]!.index,
        camera: { ...pose, intrinsics: { ...first.intrinsics } },
      })),
    };
    const doc = trackToDocument(outTrack);
    doc.extra.generator = values.raw ? 'reshoot parascale transfer --raw' : 'reshoot parascale transfer';
    writeOutputFile(out, serializeCamerasJson(doc));
    if (result.fallbackSteps.length)
      io.err(
        `warning: the target scene was not seen from output frames ${result.fallbackSteps.join(', ')}; the previous depth was reused\n`,
      );
    io.out(`${outTrack.frames.length} cameras → ${out}\n`);
    return EXIT.ok;
  },
};
