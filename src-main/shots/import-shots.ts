import { statSync } from 'node:fs';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { ApiError, type Shot } from '../../src-shared/api/contract';
import { fingerprintMedia, probeMedia } from '../media';
import type { MediaFacts, Rational } from '../media/types';
import type { NewShot, Project, ShotRecord } from '../store';
import { relativeMediaPath, toApiShot } from './shot-media';
import type { EditRegistry } from '../edits';
import type { ShotEditRecord } from './shot-edits';

export interface ImportOptions {
  skipBad: boolean;
  sequenceFps?: Rational;
}

export interface ImportResult {
  imported: Shot[];
  failed: { path: string; message: string }[];
}

/** A shot's name: the file name without extension; for a sequence, its name without the frame number. */
export function shotName(facts: MediaFacts): string {
  if (facts.sequence) {
    const n = facts.sequence.prefix.replace(/[._\-\s]+$/, '');
    return n || basename(facts.sequence.dir);
  }
  return basename(facts.path, extname(facts.path));
}

/**
 * Imports media as shots. Everything is probed first; nothing touches the project until all probing is
 * done, and then all good shots land in one transaction with one undo entry. A bad file is reported by
 * path and reason; with `skipBad: false` (the CLI) one bad file means nothing is imported at all.
 */
export async function importShots(
  edits: EditRegistry,
  project: Project,
  paths: string[],
  opts: ImportOptions,
): Promise<ImportResult> {
  const probed: { facts: MediaFacts; fingerprint: string }[] = [];
  const failed: ImportResult['failed'] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (!isAbsolute(p)) {
      failed.push({ path: p, message: `${p}: not an absolute path` });
      continue;
    }
    const abs = resolve(p);
    try {
      const facts = await probeMedia(abs, opts.sequenceFps ? { sequenceFps: opts.sequenceFps } : {});
      const key = facts.sequence?.ffmpegPattern ?? facts.path;
      if (seen.has(key)) continue; // Two frames of one sequence picked together: one shot.
      seen.add(key);
      probed.push({ facts, fingerprint: await fingerprintMedia(facts) });
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.name === 'MissingToolError') throw new ApiError('missing-tool', err.message);
      failed.push({ path: abs, message: err.message });
    }
  }
  if (failed.length > 0 && !opts.skipBad) {
    throw new ApiError('media', failed.map((f) => f.message).join('\n'));
  }
  if (probed.length === 0) return { imported: [], failed };

  const inserted: ShotRecord[] = project.transaction(() => {
    const now = new Date().toISOString();
    const rows = probed.map(({ facts, fingerprint }) => {
      const shot: NewShot = {
        name: shotName(facts),
        kind: facts.kind,
        mediaPath: facts.path,
        mediaRelativePath: relativeMediaPath(project.dir, facts.path),
        fingerprint,
        width: facts.width,
        height: facts.height,
        parNum: facts.pixelAspect.num,
        parDen: facts.pixelAspect.den,
        rotation: facts.rotation,
        fpsNum: facts.fps.num,
        fpsDen: facts.fps.den,
        frameCount: facts.frameCount,
        startTimecode: facts.startTimecode,
        reelName: facts.reelName,
        facts,
      };
      return project.shots.insert(shot, now);
    });
    const label = rows.length === 1 ? `Import ${rows[0]!.name}` : `Import ${rows.length} shots`;
    edits.journal<ShotEditRecord>(
      project,
      label,
      { op: 'insert', shots: rows },
      { op: 'delete', shots: rows },
    );
    return rows;
  });
  return { imported: inserted.map((s) => toApiShot(project, s)), failed };
}

/** Checks a path handed over by the UI names an existing folder. */
export function requireDirectory(p: string, what: string): string {
  if (!isAbsolute(p)) throw new ApiError('invalid-argument', `${p}: ${what} must be an absolute path.`);
  const abs = resolve(p);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new ApiError('not-found', `${abs}: no such folder.`);
  }
  if (!st.isDirectory()) throw new ApiError('invalid-argument', `${abs}: not a folder.`);
  return abs;
}
