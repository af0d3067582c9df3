import { resolve } from 'node:path';
import { AppCore, createHandlers, type Handlers } from '../../../api';
import { Project, type OpenOptions, type ShotRecord } from '../../../store';
import { CliError, EXIT, type CliIO } from '../command';

/** Turns project and media errors into CLI errors with the right exit code. */
export function projectFailure(e: unknown): CliError {
  if (e instanceof CliError) return e;
  const err = e as Error & { code?: string };
  switch (err.code) {
    case 'not-found':
      return new CliError(err.message, EXIT.notFound);
    case 'project-locked':
    case 'newer-schema':
      return new CliError(err.message, EXIT.projectUnavailable);
    case 'invalid-argument':
      return new CliError(err.message, EXIT.usage);
    case 'missing-tool':
      return new CliError(err.message, EXIT.missingTool);
  }
  if (err.name === 'MissingToolError') return new CliError(err.message, EXIT.missingTool);
  return new CliError(err.message, EXIT.failure);
}

export function openProject(io: CliIO, dir: string, options: OpenOptions = {}): Project {
  try {
    return Project.open(resolve(io.cwd, dir), options);
  } catch (e) {
    throw projectFailure(e);
  }
}

/** A core with the project open, for commands that act like the app does (import, jobs). */
export async function openCore(io: CliIO, dir: string): Promise<{ core: AppCore; handlers: Handlers }> {
  const core = new AppCore({
    mode: 'web',
    ...(io.env.RESHOOT_CONFIG_DIR ? { configDir: io.env.RESHOOT_CONFIG_DIR } : {}),
  });
  try {
    await core.openProject(resolve(io.cwd, dir));
  } catch (e) {
    throw projectFailure(e);
  }
  return { core, handlers: createHandlers(core) };
}

/** The shot a command names by id or name; a clear "not found" (exit 3) otherwise. */
export function findShot(project: Project, wanted: string): ShotRecord {
  const s = project.shots.list().find((x) => String(x.id) === wanted || x.name === wanted);
  if (!s)
    throw new CliError(
      `no shot '${wanted}' in ${project.dir} (give its id or name; 'reshoot info' lists them).`,
      EXIT.notFound,
    );
  return s;
}
