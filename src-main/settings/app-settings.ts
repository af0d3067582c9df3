import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write';

/** Per-user settings (not per project): recent projects and window state. */
export interface AppSettings {
  recentProjects: { path: string; name: string; openedAt: string }[];
  window?: { x?: number; y?: number; width: number; height: number; maximized: boolean };
}

const MAX_RECENT = 12;

/** `RESHOOT_CONFIG_DIR` overrides the platform's place (tests and portable installs use it). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RESHOOT_CONFIG_DIR) return env.RESHOOT_CONFIG_DIR;
  if (process.platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Reshoot');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Reshoot');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Reshoot');
}

export class SettingsStore {
  private readonly file: string;
  private data: AppSettings;

  constructor(dir: string = configDir()) {
    this.file = join(dir, 'settings.json');
    this.data = { recentProjects: [] };
    if (existsSync(this.file)) {
      try {
        const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<AppSettings>;
        this.data = {
          ...this.data,
          ...parsed,
          recentProjects: Array.isArray(parsed.recentProjects) ? parsed.recentProjects : [],
        };
      } catch {
        // A damaged settings file only loses the recent list; the projects themselves are untouched.
        this.data = { recentProjects: [] };
      }
    }
  }

  get(): AppSettings {
    return this.data;
  }

  update(fn: (s: AppSettings) => void): void {
    fn(this.data);
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeFileAtomicSync(this.file, JSON.stringify(this.data, null, 2));
  }

  addRecent(path: string, name: string): void {
    this.update((s) => {
      s.recentProjects = [
        { path, name, openedAt: new Date().toISOString() },
        ...s.recentProjects.filter((r) => r.path !== path),
      ].slice(0, MAX_RECENT);
    });
  }
}
