import { isAbsolute, join } from 'node:path';
import { validateAgainstContract } from '../../../api/handlers-models';
import { ModelError, ModelManager, type ModelEntry } from '../../../inference/model-manager';
import { configDir } from '../../../settings/app-settings';
import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand, type CliIO } from '../command';

function manager(io: CliIO): ModelManager {
  return new ModelManager({ dir: io.env.RESHOOT_MODELS_DIR ?? join(configDir(io.env), 'models') });
}

function failure(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof ModelError) {
    const code =
      e.code === 'not-found' || e.code === 'not-installed' || e.code === 'invalid-file'
        ? EXIT.notFound
        : EXIT.failure;
    return new CliError(e.message, code);
  }
  return new CliError((e as Error).message ?? String(e), EXIT.failure);
}

function mb(n: number | null): string {
  return n === null ? '?' : `${(n / 1e6).toFixed(1)} MB`;
}

function row(e: ModelEntry): string {
  const state = e.installed
    ? `installed ${mb(e.installedSize)}${e.verified ? '' : ' (unverified)'}${e.lastProvider ? `, last ran on ${e.lastProvider}` : ''}`
    : e.downloadable
      ? `available ${mb(e.downloadSize)}`
      : 'install from file only';
  return `${e.id.padEnd(28)} ${e.task.padEnd(15)} ${(e.licence + (e.nonCommercial ? ' (NON-COMMERCIAL)' : '')).padEnd(30)} ${state}`;
}

export const modelsListCommand: CliCommand = {
  path: ['models', 'list'],
  summary: 'List installed and available models (size, licence, last provider)',
  help: `Usage: reshoot models list [--json]

Lists the models Reshoot knows, whether each is installed in the models folder
(RESHOOT_MODELS_DIR, else <config dir>/models), its size, licence (non-commercial ones are marked)
and the execution provider that ran it last.`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'models list');
    if (positionals.length)
      throw new CliError('reshoot models list: takes no arguments. See --help.', EXIT.usage);
    const m = manager(io);
    const list = m.list();
    if (values.json) io.out(JSON.stringify({ dir: m.dir, models: list }, null, 2) + '\n');
    else {
      io.out(`Models folder: ${m.dir}\n`);
      for (const e of list) io.out(row(e) + '\n');
    }
    return EXIT.ok;
  },
};

export const modelsPullCommand: CliCommand = {
  path: ['models', 'pull'],
  summary: 'Download a model, verify its checksum and install it',
  help: `Usage: reshoot models pull <id> [--allow-unverified] [--url-base <url>]

Downloads every file of the model with progress on stderr, resuming a partial download left by an
earlier attempt, verifies sizes and sha256 checksums, then installs atomically. A checksum mismatch
discards the download and installs nothing.

Options:
  --allow-unverified   install files whose manifest has no checksum (recorded as unverified)
  --url-base <url>     fetch files from <url>/<file name> instead (a mirror)`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'allow-unverified': { type: 'boolean' }, 'url-base': { type: 'string' } },
      'models pull',
    );
    if (positionals.length !== 1)
      throw new CliError('reshoot models pull: expected <id>. See --help.', EXIT.usage);
    const m = manager(io);
    const base = values['url-base']?.replace(/\/+$/, '');
    let last = 0;
    try {
      const e = await m.pull(positionals[0]!, {
        allowUnverified: !!values['allow-unverified'],
        ...(base ? { resolveUrl: (f) => `${base}/${f.name}` } : {}),
        onProgress: (p) => {
          const now = Date.now();
          if (p.phase === 'download' && now - last < 1000 && p.receivedBytes !== p.totalBytes) return;
          last = now;
          const pct = p.totalBytes ? ` ${Math.floor((100 * p.receivedBytes) / p.totalBytes)}%` : '';
          io.err(`${p.phase} ${p.file} (${p.fileIndex + 1}/${p.fileCount}) ${mb(p.receivedBytes)}${pct}\n`);
        },
      });
      io.out(
        `Installed ${e.id} ${e.version} (${mb(e.installedSize)}, ${e.licence}${e.nonCommercial ? ', non-commercial use only' : ''}).\n`,
      );
      return EXIT.ok;
    } catch (e) {
      throw failure(e);
    }
  },
};

export const modelsAddCommand: CliCommand = {
  path: ['models', 'add'],
  summary: 'Install a model from a local file (offline install)',
  help: `Usage: reshoot models add <id> <file or folder> [--require-checksum]

Installs a model from a file you already have (a single-file model) or a folder holding its files by
name. Files are checked against the manifest (size and sha256 where known) and the model is loaded once
to check its inputs and outputs against the manifest's contract.

Options:
  --require-checksum   refuse files whose manifest has no checksum`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'require-checksum': { type: 'boolean' } },
      'models add',
    );
    if (positionals.length !== 2)
      throw new CliError('reshoot models add: expected <id> <file>. See --help.', EXIT.usage);
    try {
      const e = await manager(io).add(
        positionals[0]!,
        isAbsolute(positionals[1]!) ? positionals[1]! : join(io.cwd, positionals[1]!),
        {
          allowUnverified: !values['require-checksum'],
          validate: validateAgainstContract,
        },
      );
      io.out(
        `Installed ${e.id} from ${positionals[1]}${e.verified ? ' (checksum verified)' : ' (no published checksum: unverified)'}.\n`,
      );
      return EXIT.ok;
    } catch (e) {
      throw failure(e);
    }
  },
};

export const modelsRemoveCommand: CliCommand = {
  path: ['models', 'rm'],
  summary: 'Remove an installed model',
  help: `Usage: reshoot models rm <id>

Deletes the model's files from the models folder (and any partial download).`,
  async run(argv, io) {
    const { positionals } = parseCommandArgs(argv, {}, 'models rm');
    if (positionals.length !== 1)
      throw new CliError('reshoot models rm: expected <id>. See --help.', EXIT.usage);
    try {
      const removed = manager(io).remove(positionals[0]!);
      io.out(removed ? `Removed ${positionals[0]}.\n` : `${positionals[0]} was not installed.\n`);
      return EXIT.ok;
    } catch (e) {
      throw failure(e);
    }
  },
};

export const modelsCommands: CliCommand[] = [
  modelsListCommand,
  modelsPullCommand,
  modelsAddCommand,
  modelsRemoveCommand,
];
