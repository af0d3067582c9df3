import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { typePath } from './support';

/** Projects prepared for the E2E specs through Reshoot's CLI, from the ground-truth shots (tests only). */

export const GT_ORBIT = resolve('../shared/gt/orbit_a');
export const GT_ORBIT_TARGET = resolve('../shared/gt/orbit_a_target');

/** Runs `reshoot …` and returns its standard output. */
export const cli = (...args: string[]): string =>
  execFileSync(process.execPath, ['bin/reshoot.js', ...args], { encoding: 'utf8' });

/** The first `frames` frames of orbit_a as an H.264 clip in `work`; returns its path. */
export function orbitClip(work: string, frames: number): string {
  const clip = join(work, 'orbit_short.mp4');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-framerate', '24', '-i', join(GT_ORBIT, 'frames/frame_%04d.png')],
    ...['-frames:v', String(frames), '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', clip],
  ]);
  return clip;
}

/** A gt cameras.json (in folder `from`) cut to its first `frames` frames, written to `to`. */
export function cutCameras(from: string, to: string, frames: number): void {
  const doc = JSON.parse(readFileSync(join(from, 'cameras.json'), 'utf8')) as { frames: unknown[] };
  doc.frames = doc.frames.slice(0, frames);
  writeFileSync(to, JSON.stringify(doc));
}

/**
 * A project `<work>/<name>.reshoot` with the `frames`-frame cut of orbit_a as shot 1, its true camera
 * imported, analysed, and orbit_a_target's cameras as its target path "target". Returns the project path.
 */
export function analysedOrbitWithTarget(work: string, name: string, frames: number): string {
  const clip = orbitClip(work, frames);
  cutCameras(GT_ORBIT, join(work, 'cams.json'), frames);
  cutCameras(GT_ORBIT_TARGET, join(work, 'target.json'), frames);
  cli('new', join(work, name));
  const project = join(work, `${name}.reshoot`);
  cli('import', project, clip);
  cli('camera', 'import', project, '1', join(work, 'cams.json'));
  cli('analyze', project, '1');
  cli('path', 'import', project, '1', join(work, 'target.json'), '--name', 'target');
  return project;
}

/** Opens `project` in the web app at `url` through the app's own file browser. */
export async function openProject(page: Page, url: string, project: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('open-project').click();
  const browser = await typePath(page, project);
  await browser.getByTestId('file-browser-choose').click();
  await expect(page.getByTestId('project-view')).toBeVisible();
}
