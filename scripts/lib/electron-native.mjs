// Native modules for the desktop app. `npm install` builds better-sqlite3 for Node's ABI, which the CLI,
// web mode and the tests use. Electron has an ABI of its own, so the desktop app loads a second build,
// made here into build/electron-native/<platform>-<arch>/ and handed to better-sqlite3 through its
// `nativeBinding` option. onnxruntime-node is an N-API module: one binary serves Node and Electron alike.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BINDING_FILE = 'better_sqlite3.node';

/** Where the Electron build of better-sqlite3 lives, relative to the app's root. */
export function electronNativeDir(platform = process.platform, arch = process.arch) {
  return join('build', 'electron-native', `${platform}-${arch}`);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** What the build must match: the installed Electron and better-sqlite3. */
export function wantedBuild(root, platform = process.platform, arch = process.arch) {
  const electronPkg = join(root, 'node_modules', 'electron', 'package.json');
  const sqlitePkg = join(root, 'node_modules', 'better-sqlite3', 'package.json');
  if (!existsSync(electronPkg))
    throw new NativeBuildError('Electron is not installed: run `npm install` first.');
  if (!existsSync(sqlitePkg))
    throw new NativeBuildError('better-sqlite3 is not installed: run `npm install` first.');
  const abiFile = join(root, 'node_modules', 'electron', 'abi_version');
  return {
    electron: readJson(electronPkg).version,
    abi: existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null,
    betterSqlite3: readJson(sqlitePkg).version,
    platform,
    arch,
  };
}

export class NativeBuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NativeBuildError';
  }
}

function sameBuild(a, b) {
  return ['electron', 'betterSqlite3', 'platform', 'arch'].every((k) => a?.[k] === b[k]);
}

/** The recorded build when it matches the wanted one and its file is there, else null. */
export function currentBuild(root, wanted) {
  const dir = join(root, electronNativeDir(wanted.platform, wanted.arch));
  const stamp = join(dir, 'build.json');
  if (!existsSync(stamp) || !existsSync(join(dir, BINDING_FILE))) return null;
  try {
    const rec = readJson(stamp);
    return sameBuild(rec, wanted) ? rec : null;
  } catch {
    return null;
  }
}

/**
 * Makes build/electron-native/<platform>-<arch>/better_sqlite3.node for the installed Electron, unless
 * a matching one is there. Works in a temp copy of the package so node_modules keeps its Node build.
 * First a prebuilt binary (prebuild-install, a download); then a compile against Electron's headers
 * (node-gyp, also a download). `run(command, args, { cwd })` runs a program and returns
 * `{ status, stderr }`: the one boundary to the network, replaced in tests.
 */
export function ensureElectronNative({ root, run, log = () => {}, platform, arch }) {
  const wanted = wantedBuild(root, platform, arch);
  const existing = currentBuild(root, wanted);
  if (existing)
    return {
      built: false,
      build: existing,
      file: join(root, electronNativeDir(wanted.platform, wanted.arch), BINDING_FILE),
    };

  const pkgDir = join(root, 'node_modules', 'better-sqlite3');
  const work = mkdtempSync(join(tmpdir(), 'reshoot-electron-native-'));
  const copy = join(work, 'better-sqlite3');
  const tried = [];
  try {
    cpSync(pkgDir, copy, { recursive: true, filter: (src) => !src.includes(`${pkgDir}/build`) });
    const target = [
      '--runtime',
      'electron',
      '--target',
      wanted.electron,
      '--arch',
      wanted.arch,
      '--platform',
      wanted.platform,
    ];
    log(
      `Fetching better-sqlite3 ${wanted.betterSqlite3} built for Electron ${wanted.electron} (${wanted.platform}-${wanted.arch})…`,
    );
    const prebuild = join(root, 'node_modules', 'prebuild-install', 'bin.js');
    let r = run(process.execPath, [prebuild, ...target, '--verbose'], { cwd: copy });
    tried.push(`prebuild-install: ${reasonOf(r.stderr)}`);
    if (r.status !== 0) {
      log('No prebuilt binary could be fetched; compiling against Electron headers…');
      const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
      r = run(
        process.execPath,
        [
          gyp,
          'rebuild',
          '--release',
          `--target=${wanted.electron}`,
          `--arch=${wanted.arch}`,
          '--runtime=electron',
          '--dist-url=https://electronjs.org/headers',
        ],
        { cwd: copy },
      );
      tried.push(`node-gyp: ${reasonOf(r.stderr)}`);
    }
    const made = join(copy, 'build', 'Release', BINDING_FILE);
    if (r.status !== 0 || !existsSync(made)) {
      throw new NativeBuildError(
        [
          `Could not make better-sqlite3 for Electron ${wanted.electron}: both ways need a download this machine could not make.`,
          ...tried.map((t) => `  ${t}`),
          'On a machine that can reach GitHub and electronjs.org, run:',
          '    npm run electron:native',
          '(behind a proxy or mirror, set npm_config_electron_mirror / ELECTRON_MIRROR and npm_config_disturl).',
          'The CLI, web mode (`npm run web`) and the tests do not need it.',
        ].join('\n'),
      );
    }
    const outDir = join(root, electronNativeDir(wanted.platform, wanted.arch));
    mkdirSync(outDir, { recursive: true });
    cpSync(made, join(outDir, BINDING_FILE));
    const build = { ...wanted, madeAt: new Date().toISOString() };
    writeFileSync(join(outDir, 'build.json'), JSON.stringify(build, null, 2) + '\n');
    return { built: true, build, file: join(outDir, BINDING_FILE) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The line of a tool's error output that says why: the first `stack Error:` line, else the last line. */
export function reasonOf(text) {
  const lines = String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const why = lines.find((l) => /stack Error:|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|fetch failed/.test(l));
  return (why ?? lines.at(-1) ?? 'failed').replace(/^gyp ERR! stack /, '');
}
