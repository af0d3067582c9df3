import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeFloat16, encodeDepthF32LE, depthFileName, float16FromBytesLE } from '../../../analysis/depth';
import { shotCameraTrack } from '../../../api/shot-camera';
import { serializeCamerasJson, trackToDocument } from '../../../../src-shared/geometry';
import { writeFileAtomicSync } from '../../../util/atomic-write';
import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openProject } from './common';

export const exportDepthCommand: CliCommand = {
  path: ['export', 'depth'],
  summary:
    "Write a shot's depth maps in the ground-truth shot layout (docs/depth.md) (float32 planar z per frame)",
  help: `Usage: reshoot export depth <project> <shot id or name> --out <dir>

Writes <dir>/depth/frame_0001.f32 … (frame index 0 is frame_0001): little-endian float32, planar z
along the optical axis, depth-height × depth-width, row-major, top row first, 0 = invalid — in the
same gauge as 'reshoot export camera'. Also writes <dir>/cameras.json with the source camera, each
frame's depth_file and the depth grid (depth_width, depth_height, depth_K), as in the ground-truth shots.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(argv, { out: { type: 'string' } }, 'export depth');
    if (positionals.length !== 2 || !values.out) {
      throw new CliError(
        'reshoot export depth: expected <project> <shot> --out <dir>. See --help.',
        EXIT.usage,
      );
    }
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shot = findShot(project, positionals[1]!);
      const depth = project.analysis.depth(shot.id);
      const track = shotCameraTrack(project, shot.id);
      if (!depth || !track) {
        throw new CliError(
          `shot '${shot.name}' has no depth yet: run 'reshoot analyze ${positionals[0]} ${shot.id}'.`,
          EXIT.notFound,
        );
      }
      const out = resolve(io.cwd, values.out);
      mkdirSync(join(out, 'depth'), { recursive: true });
      for (let f = 0; f < depth.frames; f++) {
        const bytes = new Uint8Array(await readFile(project.paths.depthFrame(shot.id, f)));
        writeFileAtomicSync(
          join(out, 'depth', depthFileName(f)),
          encodeDepthF32LE(decodeFloat16(float16FromBytesLE(bytes))),
        );
      }
      const doc = trackToDocument(track);
      for (const fr of doc.frames) fr.depth_file = `depth/${depthFileName(fr.index)}`;
      const s = depth.width / shot.width;
      // K is row-major 3×3: the first two rows scale with the image, the last stays [0, 0, 1].
      const K = doc.K.map((v, i) => (i < 6 ? v * s : v)) as typeof doc.K;
      writeFileAtomicSync(
        join(out, 'cameras.json'),
        serializeCamerasJson({ ...doc, depth: { width: depth.width, height: depth.height, K } }),
      );
      io.out(
        `Wrote ${depth.frames} depth maps (${depth.width}×${depth.height}) and cameras.json to ${out}\n`,
      );
      return EXIT.ok;
    } finally {
      project.close();
    }
  },
};
