import { ApiError, type ProjectSummary } from '../../src-shared/api/contract';
import { join } from 'node:path';
import { ModelManager } from '../inference/model-manager';
import { JobRunner, type JobKind } from '../jobs';
import { EditRegistry } from '../edits';
import { proxyJob, shotEditKinds, thumbnailsJob } from '../shots';
import { pathEditKinds } from '../paths';
import { renderJob, verifyJob } from '../render';
import { deliverJob } from '../deliver';
import { closeTrackSessions, createAnalyzeJob, createTrackJob, type AnalyzeJobDeps } from '../analysis';
import { SettingsStore, configDir } from '../settings/app-settings';
import { Project } from '../store';
import { EventBus } from './events';

/** Native dialogs exist only in Electron; web mode leaves them out and the UI uses its file browser. */
export interface Dialogs {
  pickMedia(): Promise<string[]>;
  pickProject(): Promise<string | null>;
  pickFolder(): Promise<string | null>;
  pickFile(title: string): Promise<string | null>;
  /** Shows a file or folder in the system's file manager. */
  reveal(path: string): Promise<void>;
}

export interface CoreOptions {
  mode: 'electron' | 'web';
  configDir?: string;
  dialogs?: Dialogs;
  jobConcurrency?: number;
}

/**
 * The application core behind every adapter (Electron IPC, web server, CLI): the open project, its job
 * runner, per-user settings and the event bus. One core serves one window.
 */
/** Every job kind the app runs, from the capabilities that own them; some need the app's model manager. */
function createJobKinds(deps: AnalyzeJobDeps): JobKind[] {
  return [
    thumbnailsJob,
    proxyJob,
    createTrackJob(deps),
    createAnalyzeJob(deps),
    renderJob,
    verifyJob,
    deliverJob,
  ];
}

export class AppCore {
  readonly bus = new EventBus();
  /** Undoable edits: every capability's edit kinds, over the open project's journal. */
  readonly edits = new EditRegistry([...shotEditKinds, ...pathEditKinds]);
  readonly settings: SettingsStore;
  /** The user's models: RESHOOT_MODELS_DIR, else <config dir>/models. */
  readonly models: ModelManager;
  private current: { project: Project; runner: JobRunner } | null = null;

  constructor(readonly options: CoreOptions) {
    this.settings = new SettingsStore(options.configDir ?? configDir());
    this.models = new ModelManager({
      dir: process.env.RESHOOT_MODELS_DIR ?? join(options.configDir ?? configDir(), 'models'),
    });
  }

  get project(): Project | null {
    return this.current?.project ?? null;
  }

  /** The open project and its runner, or a 'no-project' error for the UI. */
  require(): { project: Project; runner: JobRunner } {
    if (!this.current)
      throw new ApiError('no-project', 'No project is open. Create or open a project first.');
    return this.current;
  }

  async createProject(parentDir: string, name: string): Promise<ProjectSummary> {
    await this.closeProject();
    return this.attach(Project.create(parentDir, name));
  }

  async openProject(path: string): Promise<ProjectSummary> {
    if (this.current && this.current.project.dir === path) return this.summary();
    const project = Project.open(path); // Throws before we let go of the project already open.
    await this.closeProject();
    return this.attach(project);
  }

  async closeProject(): Promise<void> {
    if (!this.current) return;
    const { project, runner } = this.current;
    this.current = null;
    await runner.dispose();
    // A job stopped between two chunks may have left its tracking worker waiting for the next one.
    await closeTrackSessions();
    project.close();
    this.bus.emit({ type: 'project-changed', project: null });
  }

  summary(): ProjectSummary {
    const { project } = this.require();
    return {
      path: project.dir,
      name: project.name,
      schemaVersion: project.schemaVersion,
      createdAt: project.setting('created_at') ?? '',
      shotCount: project.shots.count(),
    };
  }

  private attach(project: Project): ProjectSummary {
    const installed = (id: string) => {
      try {
        return this.models.requirePath(id);
      } catch {
        return null;
      }
    };
    const kinds = createJobKinds({
      xfeatModel: () => installed('xfeat'),
      depthModel: () => installed('depth-anything-v2-small'),
      recordProvider: (provider) =>
        this.models.recordUse('xfeat', provider as Parameters<ModelManager['recordUse']>[1]),
    });
    const runner = new JobRunner(project, this.bus, kinds, this.options.jobConcurrency ?? 2);
    this.current = { project, runner };
    this.settings.addRecent(project.dir, project.name);
    const s = this.summary();
    this.bus.emit({ type: 'project-changed', project: s });
    return s;
  }
}
