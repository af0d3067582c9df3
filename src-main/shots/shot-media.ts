import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { ApiError, type Shot } from '../../src-shared/api/contract';
import type { MediaFacts } from '../media/types';
import { shotLens, shotOrientation, type Project, type ShotRecord } from '../store';

/**
 * Where a shot's media is now: the recorded absolute path, or — when the project folder was moved
 * together with its media — the recorded project-relative path. Null when the shot is offline.
 */
export function resolveShotMediaPath(project: Project, shot: ShotRecord): string | null {
  if (existsSync(shot.mediaPath)) return shot.mediaPath;
  if (shot.mediaRelativePath) {
    const p = resolve(project.dir, shot.mediaRelativePath);
    if (existsSync(p)) return p;
  }
  return null;
}

/** The shot's media facts pointing at where the media is now; an offline shot is an error. */
export function shotMedia(project: Project, shot: ShotRecord): MediaFacts {
  const path = resolveShotMediaPath(project, shot);
  if (!path) {
    throw new ApiError(
      'media',
      `${shot.mediaPath}: the media of shot '${shot.name}' is offline (moved or deleted). Relink it.`,
    );
  }
  // An image sequence's frame rate is the user's interpretation (shots.interpretFps), not the file's.
  const fps = { num: shot.fpsNum, den: shot.fpsDen };
  const sameFps = fps.num === shot.facts.fps.num && fps.den === shot.facts.fps.den;
  if (path === shot.facts.path && sameFps) return shot.facts;
  const facts: MediaFacts = {
    ...shot.facts,
    path,
    fps,
    durationSeconds: sameFps ? shot.facts.durationSeconds : (shot.frameCount * fps.den) / fps.num,
  };
  if (facts.sequence) {
    const dir = dirname(path);
    facts.sequence = {
      ...facts.sequence,
      dir,
      ffmpegPattern: join(dir, basename(facts.sequence.ffmpegPattern)),
    };
  }
  return facts;
}

/** Project-relative path stored next to the absolute one (null when on another drive). */
export function relativeMediaPath(projectDir: string, mediaPath: string): string | null {
  const rel = relative(projectDir, mediaPath);
  return rel && !isAbsolute(rel) ? rel : null;
}

function cameraSummary(project: Project, shotId: number): Shot['camera'] {
  const c = project.sourceCameras.get(shotId);
  if (!c) return null;
  return {
    origin: c.origin,
    status: c.status,
    message: c.message,
    sourceFile: c.sourceFile,
    format: c.format,
    frames: c.frames,
    report: c.report,
    createdAt: c.createdAt,
  };
}

export function toApiShot(project: Project, s: ShotRecord): Shot {
  const media = resolveShotMediaPath(project, s);
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    mediaPath: media ?? s.mediaPath,
    mediaRelativePath: s.mediaRelativePath,
    fingerprint: s.fingerprint,
    width: s.width,
    height: s.height,
    pixelAspect: { num: s.parNum, den: s.parDen },
    rotation: s.rotation,
    fps: { num: s.fpsNum, den: s.fpsDen },
    vfr: s.facts.vfr,
    frameCount: s.frameCount,
    startTimecode: s.startTimecode,
    reelName: s.reelName,
    colourTag: s.colourTag as Shot['colourTag'],
    codec: s.facts.codec,
    hasAudio: s.facts.hasAudio,
    offline: media === null,
    mediaWarnings: s.facts.integrity?.warnings ?? [],
    hasThumbnail: existsSync(project.paths.thumbnail(s.id)),
    hasFilmstrip: existsSync(project.paths.filmstrip(s.id)),
    hasProxy: existsSync(project.paths.proxy(s.id)),
    tracks: project.tracks.list(s.id).map((t) => ({
      method: t.method,
      numTracks: t.numTracks,
      numFrames: t.numFrames,
      provider: t.provider,
      stale: t.sourceFingerprint !== s.fingerprint,
      createdAt: t.createdAt,
    })),
    camera: cameraSummary(project, s.id),
    lens: shotLens(s),
    orientation: shotOrientation(s),
    analysis: project.analysis.stages(s.id).map((r) => ({
      stage: r.stage,
      status: r.status,
      seconds: r.seconds,
      message: r.message,
      finishedAt: r.finishedAt,
    })),
    depth: project.analysis.depth(s.id) ?? null,
    importedAt: s.importedAt,
  };
}
