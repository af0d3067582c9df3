import { readFile } from 'node:fs/promises';
import { decodeFloat16, encodeDepthF32LE, depthFileName, float16FromBytesLE } from '../../../analysis/depth';
import { sourceCameraTrack } from '../../../shots/source-camera';
import { serializeCamerasJson, trackToDocument } from '../../../../src-shared/geometry';
import { guardOutputFolder, writeOutputFile } from '../../../util/output-guard';
import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openProject } from './common';

export const exportDepthCommand: CliCommand = {
  path: ['export', 'depth'],
  summary:
    "Write a shot's depth maps in the ground-truth shot layout (docs/depth.md) (float32 planar z per frame)",
  help: `Usage: reshoot export depth <project> <shot id or name> --out <dir> [--overwrite]

Writes <dir>/depth/frame_0001.f32 … (frame index 0 is frame_0001): little-endian float32, planar z
along the optical axis, depth-height × depth-width, row-major, top row first, 0 = invalid — in the
same gauge as 'reshoot export camera'. Also writes <dir>/cameras.json with the source camera, each
frame's depth_file and the depth grid (depth_width, depth_height, depth_K), as in the ground-truth shots.

Nothing is written when any of these files already exists, unless --overwrite (which replaces only
these files; others in <dir> are left alone). A Reshoot project's own files and folders (project.db,
cache/, renders/, media/, the project folder itself) are refused as <dir> (exit 2).`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { out: { type: 'string' }, overwrite: { type: 'boolean' } },
      'export depth',
    );
    if (positionals.length !== 2 || !values.out) {
      throw new CliError(
        'reshoot export depth: expected <project> <shot> --out <dir>. See --help.',
        EXIT.usage,
      );
    }
    // The folder itself is checked before the project is read; its files once their names are known.
    guardOutputFolder(values.out, [], { cwd: io.cwd, overwrite: false });
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shot = findShot(project, positionals[1]!);
      const depth = project.analysis.depth(shot.id);
      const track = sourceCameraTrack(project, shot.id);
      if (!depth || !track) {
        throw new CliError(
          `shot '${shot.name}' has no depth yet: run 'reshoot analyze ${positionals[0]} ${shot.id}'.`,
          EXIT.notFound,
        );
      }
      const frameFiles = Array.from({ length: depth.frames }, (_, f) => `depth/${depthFileName(f)}`);
      // Every file is checked (and, without --overwrite, found not to exist) before the first is written.
      const out = guardOutputFolder(values.out, [...frameFiles, 'cameras.json'], {
        cwd: io.cwd,
        overwrite: values.overwrite === true,
        overwriteHint: 'pass --overwrite to replace them',
      });
      for (let f = 0; f < depth.frames; f++) {
        const bytes = new Uint8Array(await readFile(project.paths.depthFrame(shot.id, f)));
        writeOutputFile(out.file(frameFiles[f]!), encodeDepthF32LE(decodeFloat16(float16FromBytesLE(bytes))));
      }
      const doc = trackToDocument(track);
      for (const fr of doc.frames) fr.depth_file = `depth/${depthFileName(fr.index)}`;
      const s = depth.width / shot.width;
      // K is row-major 3×3: the first two rows scale with the image, the last stays [0, 0, 1].
      const K = doc.K.map((v, i) => (i < 6 ? v * s : v)) as typeof doc.K;
      writeOutputFile(
        out.file('cameras.json'),
        serializeCamerasJson({ ...doc, depth: { width: depth.width, height: depth.height, K } }),
      );
      io.out(
        `Wrote ${depth.frames} depth maps (${depth.width}×${depth.height}) and cameras.json to ${out.dir}\n`,
      );
      return EXIT.ok;
    } finally {
      project.close();
    }
  },
};
