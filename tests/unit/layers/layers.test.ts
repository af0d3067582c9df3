import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp';

/**
 * The layer check (`npm run check:layers`, dependency-cruiser with .dependency-cruiser.cjs) must fail on
 * a tree that breaks a rule. Each fixture below breaks exactly one rule; the test runs the real tool
 * on them and on the real tree.
 */

const root = resolve('.');
const tmp = tempDir('reshoot-layers-');
afterAll(() => tmp.cleanup());

function cruise(cwd: string, dirs: string[]) {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      ...dirs,
      '--config',
      join(root, '.dependency-cruiser.cjs'),
      '--output-type',
      'json',
    ],
    // the whole tree's JSON is more than spawnSync's default 1 MB of output
    { cwd, encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  if (r.error) throw r.error;
  const out = JSON.parse(r.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return { violations: out.summary.violations };
}

const FIXTURE: Record<string, string> = {
  'src-shared/ok.ts': `export const ok = 1;`,
  'src-shared/uses-node.ts': `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;`,
  'src-shared/uses-main.ts': `import { y } from '../src-main/store/y';\nexport const z = y;`,
  'src-main/store/y.ts': `export const y = 1;`,
  'src-renderer/src/uses-main.ts': `import { y } from '../../src-main/store/y';\nexport const w = y;`,
  'src-renderer/src/uses-node.ts': `import { join } from 'node:path';\nexport const j = join;`,
  'src-main/render/uses-api.ts': `import { a } from '../api/a';\nexport const b = a;`,
  'src-main/api/a.ts': `export const a = 1;`,
  'src-main/api/uses-app.ts': `import { c } from '../app/cli/c';\nexport const d = c;`,
  'src-main/app/cli/c.ts': `export const c = 1;`,
  'src-main/store/uses-electron.ts': `import { app } from 'electron';\nexport const e = app;`,
  'src-main/app/electron/main.ts': `import { app } from 'electron';\nexport const e = app;`,
  'src-main/jobs/j.ts': `import { p } from '../paths/p';\nexport const j = p;`,
  'src-main/jobs/k.ts': `export const k = 1;`,
  'src-main/paths/p.ts': `export const p = 1;`,
  'src-main/paths/q.ts': `import { k } from '../jobs/k';\nexport const q = k;`,
};

describe('layer rules (dependency-cruiser)', () => {
  it('each rule fires on a fixture that breaks it, and only there', () => {
    for (const [file, text] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(tmp.dir, file)), { recursive: true });
      writeFileSync(join(tmp.dir, file), text + '\n');
    }
    copyFileSync(join(root, 'tsconfig.base.json'), join(tmp.dir, 'tsconfig.base.json'));
    symlinkSync(join(root, 'node_modules'), join(tmp.dir, 'node_modules'));
    const { violations } = cruise(tmp.dir, ['src-main', 'src-shared', 'src-renderer']);
    // node_modules is a link to the repository's own: its packages resolve through the link's target.
    const seen = violations
      .map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*\/(?=node_modules\/)/, '')}`)
      .sort();
    expect(seen).toEqual(
      [
        'shared-no-node-builtins: src-shared/uses-node.ts → fs',
        'shared-is-portable: src-shared/uses-main.ts → src-main/store/y.ts',
        'renderer-only-shared: src-renderer/src/uses-main.ts → src-main/store/y.ts',
        'renderer-no-node-builtins: src-renderer/src/uses-node.ts → path',
        'capabilities-never-import-api-or-app: src-main/render/uses-api.ts → src-main/api/a.ts',
        'api-never-imports-app: src-main/api/uses-app.ts → src-main/app/cli/c.ts',
        'only-app-electron-imports-electron: src-main/store/uses-electron.ts → node_modules/electron/index.js',
        'no-folder-cycles-in-main: src-main/jobs → src-main/paths',
        'no-folder-cycles-in-main: src-main/paths → src-main/jobs',
      ].sort(),
    );
  }, 60_000);

  it('the real tree keeps every rule', () => {
    const { violations } = cruise(root, ['src-main', 'src-shared', 'src-renderer']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);
});
