import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/store';
import { tempDir } from '../../helpers/temp';
import { copyFileSync, mkdirSync, statSync, truncateSync } from 'node:fs';
import { probeMedia } from '../../../src-main/media';
import { makeClip, makeSequence, overwriteWithNoise, videoPackets } from '../../helpers/media-fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Runs the real CLI entry (from source) as a separate process, as a user would. */
function reshoot(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/app/cli/entry.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RESHOOT_CONFIG_DIR: join(tmp.dir, 'config'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const project = join(tmp.dir, 'Cli.reshoot');

describe('reshoot CLI', () => {
  it('--help everywhere, usage errors exit 2', () => {
    const top = reshoot(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['new', 'import', 'info', 'web']) expect(top.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    for (const c of [['new'], ['import'], ['info'], ['web'], ['jobs', 'resume']]) {
      const h = reshoot([...c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/^Usage: reshoot /);
    }
    expect(reshoot(['frobnicate']).code).toBe(2);
    const bad = reshoot(['info', project, '--colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--colour/);
    expect(reshoot([]).code).toBe(2);
  });

  it('new, import, info --json: the probed facts of real clips', () => {
    expect(reshoot(['new', project]).code).toBe(0);
    const imp = reshoot([
      'import',
      project,
      resolve('../shared/media/10_cat_leash_portrait_60fps.mp4'),
      resolve('../shared/media/12_dog_courtyard_static_cam.mp4'),
      '--no-thumbnails',
    ]);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    const info = reshoot(['info', project, '--json']);
    expect(info.code).toBe(0);
    const { shots } = JSON.parse(info.stdout) as { shots: Record<string, unknown>[] };
    expect(shots).toMatchObject([
      {
        name: '10_cat_leash_portrait_60fps',
        width: 882,
        height: 1568,
        fps: { num: 60000, den: 1001 },
        frameCount: 120,
      },
      {
        name: '12_dog_courtyard_static_cam',
        width: 1280,
        height: 720,
        fps: { num: 30000, den: 1001 },
        frameCount: 289,
      },
    ]);
    const table = reshoot(['info', project]);
    expect(table.stdout).toMatch(
      /12_dog_courtyard_static_cam\s+1280x720\s+29\.97 \(30000\/1001\)\s+289\s+00:00:00:00/,
    );
  });

  it('a bad file: exit 1, its path and reason on stderr, nothing imported', () => {
    const r = reshoot([
      'import',
      project,
      '/etc/hostname',
      resolve('../shared/media/13_camel_static_cam.mp4'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/etc\/hostname/);
    const p = Project.open(project, { readonly: true });
    expect(p.shots.count()).toBe(2);
    p.close();
  });

  it('--skip-bad: damaged media are listed with file, frame and reason; damage let through is a warning', async () => {
    const media = join(tmp.dir, 'damaged');
    mkdirSync(media, { recursive: true });
    const noise = await makeClip(media, {
      name: 'noise.mp4',
      frames: 96,
      width: 320,
      height: 180,
      pattern: 'testsrc',
    });
    await overwriteWithNoise(noise, Math.floor(statSync(noise).size / 2), 4096, 7);
    const frames = await makeSequence(join(media, 'seq'), { frames: 6 });
    truncateSync(frames[2]!, 100);
    // A clip whose damage the decoder conceals (not all noise is noticed: find one that is).
    const base = await makeClip(media, {
      name: 'base.mp4',
      frames: 96,
      width: 320,
      height: 180,
      pattern: 'testsrc',
    });
    const candidates = (await videoPackets(base)).filter((p) => !p.key && p.frame >= 30 && p.size >= 800);
    const concealed = join(media, 'concealed.mp4');
    for (let seed = 2; seed <= 8; seed++) {
      const p = candidates[seed % candidates.length]!;
      copyFileSync(base, concealed);
      await overwriteWithNoise(concealed, p.pos + 64, 256, seed);
      const f = await probeMedia(concealed).catch(() => null);
      if (f && f.integrity!.warnings.length > 0) break;
    }
    const r = reshoot(['import', project, noise, frames[0]!, concealed, '--skip-bad', '--no-thumbnails']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Not imported: Cannot use ".*noise\.mp4": frames? \d+.*\(at [\d.]+ s\).* cannot be decoded: the video data there is damaged/,
    );
    expect(r.stderr).toMatch(
      /Not imported: Cannot use ".*plate\.0001\.png": frame 3 \(plate\.0003\.png\): truncated: no IEND chunk at its end/,
    );
    expect(r.stdout).toMatch(/^Imported concealed: 320x180, 24\/1 fps, 96 frames$/m);
    expect(r.stderr).toMatch(
      /^Warning: concealed: frame \d+ \(at [\d.]+ s\) decodes with errors, parts of its picture may be wrong \(/m,
    );
  });

  it('exit codes: 3 for a missing project, 4 while it is open elsewhere, 5 without ffmpeg', () => {
    const missing = reshoot(['info', join(tmp.dir, 'nope.reshoot')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nope\.reshoot: no such project folder/);
    const open = Project.open(project);
    try {
      const locked = reshoot(['import', project, resolve('../shared/media/13_camel_static_cam.mp4')]);
      expect(locked.code).toBe(4);
      expect(locked.stderr).toMatch(/open in another window or process/);
      expect(reshoot(['info', project]).code).toBe(0); // reading is fine meanwhile
    } finally {
      open.close();
    }
    const noTool = reshoot(['import', project, resolve('../shared/media/13_camel_static_cam.mp4')], {
      PATH: '/nonexistent',
    });
    expect(noTool.code).toBe(5);
    expect(noTool.stderr).toMatch(/sudo apt install ffmpeg/);
  });

  it('track: a job of several chunks runs to the end in its own process, which then exits', async () => {
    const dir = join(tmp.dir, 'Track.reshoot');
    const clip = await makeClip(tmp.dir, {
      name: 'three-chunks.mp4',
      pattern: 'testsrc',
      width: 320,
      height: 180,
      frames: 116,
    });
    expect(reshoot(['new', dir]).code).toBe(0);
    expect(reshoot(['import', dir, clip]).code).toBe(0);
    const t = reshoot(['track', dir, '1']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/[\d,]+ tracks · KLT/);
    const jobs = reshoot(['jobs', dir]);
    expect(jobs.stdout).toMatch(/track .* done 116\/116/);
  });
});
