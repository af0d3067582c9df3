import { ApiError } from '../../src-shared/api/contract';
import type { EditRegistry } from '../edits';
import { fingerprintMedia, probeMedia } from '../media';
import type { Project, ShotRecord } from '../store';
import { updateShot } from './shot-edits';
import { relativeMediaPath } from './shot-media';

/**
 * Points a shot at media found elsewhere (moved or renamed). The new file must be the same media: same
 * content fingerprint, or at least the same size, frame count and rate. Undoable.
 */
export async function relinkShot(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  path: string,
): Promise<void> {
  const facts = await probeMedia(path, { sequenceFps: { num: shot.fpsNum, den: shot.fpsDen } });
  const fingerprint = await fingerprintMedia(facts);
  const mismatch: string[] = [];
  if (facts.width !== shot.width || facts.height !== shot.height) {
    mismatch.push(`size ${facts.width}×${facts.height} instead of ${shot.width}×${shot.height}`);
  }
  if (facts.frameCount !== shot.frameCount)
    mismatch.push(`${facts.frameCount} frames instead of ${shot.frameCount}`);
  if (facts.fps.num * shot.fpsDen !== shot.fpsNum * facts.fps.den) {
    mismatch.push(`${facts.fps.num}/${facts.fps.den} fps instead of ${shot.fpsNum}/${shot.fpsDen}`);
  }
  if (fingerprint !== shot.fingerprint && mismatch.length) {
    throw new ApiError(
      'media',
      `${facts.path}: not the media of shot '${shot.name}': ${mismatch.join(', ')}.`,
    );
  }
  project.transaction(() => {
    updateShot(
      edits,
      project,
      shot,
      { mediaPath: facts.path, mediaRelativePath: relativeMediaPath(project.dir, facts.path) },
      `Relink ${shot.name}`,
    );
    project.db
      .prepare('UPDATE shots SET facts_json = ?, fingerprint = ? WHERE id = ?')
      .run(JSON.stringify(facts), fingerprint, shot.id);
  });
}
