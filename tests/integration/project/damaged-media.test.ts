/**
 * A shot whose media is damaged after import (or was imported before import checked it): its jobs fail
 * naming the frames, never report done with frames missing or shifted.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { probeMedia } from '../../../src-main/media';
import { makeClip, overwriteWithNoise } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId: number;
/** The first frame the damage makes undecodable, as import would name it. */
let firstBad: number;

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Damaged' });
  mkdirSync(join(tmp.dir, 'media'));
  const clip = await makeClip(join(tmp.dir, 'media'), {
    name: 'A001_C007.mp4',
    frames: 96,
    width: 320,
    height: 180,
    pattern: 'testsrc',
  });
  const [shot] = (await api['shots.import']({ paths: [clip], skipBad: false })).imported;
  shotId = shot!.id;
  await core.require().runner.whenIdle();
  // The file is damaged in place (same size, same name) after the import.
  await overwriteWithNoise(clip, Math.floor(statSync(clip).size / 2), 4096, 7);
  const refused = await probeMedia(clip).catch((e: Error) => e);
  expect(refused).toBeInstanceOf(Error);
  firstBad = Number(/frames? (\d+)/.exec((refused as Error).message)![1]);
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

async function runJob(type: 'proxy' | 'track') {
  const job = await api['jobs.start']({
    type,
    shotId,
    ...(type === 'track' ? { method: 'klt' as const } : {}),
  });
  await core.require().runner.whenIdle();
  return (await api['jobs.list']()).find((j) => j.id === job.id)!;
}

describe('jobs on a damaged shot', () => {
  it('the proxy job fails naming the segment and the frames, and leaves no proxy', async () => {
    const job = await runJob('proxy');
    expect(job.status).toBe('failed');
    const segment = Math.floor(firstBad / 48);
    expect(job.error).toMatch(
      new RegExp(
        `proxy segment ${segment}: .*the proxy of frames ${segment * 48}…${segment * 48 + 47}: frames? ${firstBad}\\b.*could not be decoded`,
      ),
    );
    const shot = (await api['shots.list']()).find((s) => s.id === shotId)!;
    expect(shot.hasProxy).toBe(false);
  });

  it('the track job fails naming the first frame the decoder skipped', async () => {
    const job = await runJob('track');
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(
      new RegExp(`frames? ${firstBad}(–\\d+)? \\(at [\\d.]+ s\\) could not be decoded`),
    );
  });
});
