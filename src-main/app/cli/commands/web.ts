import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppCore, createHandlers, createMediaHandler, isLoopback, startWebServer } from '../../../api';
import { numberInRange, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { projectFailure } from './common';

export function rendererDir(env: NodeJS.ProcessEnv): string {
  if (env.RESHOOT_RENDERER_DIR) return env.RESHOOT_RENDERER_DIR;
  // In the bundle this file is dist/main/cli.js; the UI is built to dist/renderer.
  return fileURLToPath(new URL('../renderer', import.meta.url));
}

export const webCommand: CliCommand = {
  path: ['web'],
  summary: 'Serve the Reshoot UI on 127.0.0.1 (web mode), optionally with a project open',
  help: `Usage: reshoot web [<project>] [--port <n>] [--host <addr>] [--allow-remote]

Starts the same core as the desktop app and serves its UI to a browser on this machine. Prints
the URL to open; it carries a secret token for this launch only. Stop with Ctrl+C.

Options:
  --port <n>        port to listen on (default: a free one)
  --host <addr>     address to listen on (default 127.0.0.1)
  --allow-remote    required to listen on a non-loopback address; anyone who can reach it and
                    has the token gets full access to your projects and files. Think twice.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        project: { type: 'string' },
      },
      'web',
    );
    const projectArg = positionals[0] ?? values.project;
    if (positionals.length > 1)
      throw new CliError('reshoot web: at most one project. See --help.', EXIT.usage);
    const port = numberInRange(values.port, 'port', { min: 0, max: 65535, integer: true }, 'web') ?? 0;
    const host = values.host ?? '127.0.0.1';
    if (!isLoopback(host) && !values['allow-remote']) {
      throw new CliError(
        `reshoot web: ${host} is not a loopback address; add --allow-remote if you really mean it.`,
        EXIT.usage,
      );
    }
    const dir = rendererDir(io.env);
    if (!existsSync(resolve(dir, 'index.html'))) {
      throw new CliError(
        `reshoot web: the UI is not built (${dir} has no index.html). Run 'npm run build' first.`,
        EXIT.failure,
      );
    }
    const core = new AppCore({
      mode: 'web',
      ...(io.env.RESHOOT_CONFIG_DIR ? { configDir: io.env.RESHOOT_CONFIG_DIR } : {}),
    });
    if (projectArg) {
      try {
        await core.openProject(resolve(io.cwd, projectArg));
      } catch (e) {
        throw projectFailure(e);
      }
    }
    const server = await startWebServer({
      core,
      handlers: createHandlers(core),
      media: createMediaHandler(core),
      rendererDir: dir,
      host,
      port,
      allowRemote: !!values['allow-remote'],
    });
    if (!isLoopback(host)) {
      io.err(
        `WARNING: listening on ${host}, reachable from other machines. Anyone with the link controls Reshoot.\n`,
      );
    }
    io.out(`Reshoot is serving on ${server.launchUrl}\n`);
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await core.closeProject();
    return EXIT.ok;
  },
};
