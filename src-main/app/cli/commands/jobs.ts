import type { Job } from '../../../../src-shared/api/contract';
import type { AppCore } from '../../../api';
import { optionError, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand, type CliIO } from '../command';
import { openCore, openProject } from './common';

function line(j: Job): string {
  const pct = `${Math.round(j.fraction * 100)}%`.padStart(4);
  return `#${j.id} ${j.type} ${j.shotName ?? ''} ${j.status} ${pct} (${j.framesDone}/${j.framesTotal})${j.error ? ` — ${j.error}` : ''}`;
}

/** Waits for the given jobs, printing progress to stderr; exit code says whether all finished. */
export async function follow(core: AppCore, io: CliIO, ids: number[]): Promise<number> {
  const { runner, project } = core.require();
  let last = 0;
  const off = core.bus.subscribe((e) => {
    if (e.type !== 'job' || !ids.includes(e.job.id)) return;
    if (Date.now() - last > 1000 || e.job.status !== 'running') {
      last = Date.now();
      io.err(line(e.job) + '\n');
    }
  });
  await runner.whenIdle();
  off();
  const jobs = ids.map((id) => project.jobs.get(id)!);
  return jobs.every((j) => j.status === 'done') ? EXIT.ok : EXIT.failure;
}

export const proxyCommand: CliCommand = {
  path: ['proxy'],
  summary: 'Make H.264 review proxies for shots (all shots if none named)',
  help: `Usage: reshoot proxy <project> [<shot id or name>…]

Runs proxy jobs in the foreground with progress on stderr. Work is committed in segments: if the
process is stopped, 'reshoot jobs resume' (or Resume in the app) continues where it stopped.`,
  async run(argv, io) {
    const { positionals } = parseCommandArgs(argv, {}, 'proxy');
    if (positionals.length < 1)
      throw new CliError('reshoot proxy: expected <project>. See --help.', EXIT.usage);
    const { core } = await openCore(io, positionals[0]!);
    try {
      const { project, runner } = core.require();
      const shots = project.shots.list();
      const wanted = positionals.slice(1);
      const chosen = wanted.length
        ? wanted.map((w) => {
            const s = shots.find((x) => String(x.id) === w || x.name === w);
            if (!s) throw new CliError(`reshoot proxy: no shot '${w}' in ${project.dir}.`, EXIT.notFound);
            return s;
          })
        : shots;
      const ids = chosen.map((s) => runner.start('proxy', s.id).id);
      return await follow(core, io, ids);
    } finally {
      await core.closeProject();
    }
  },
};

export const jobsCommand: CliCommand = {
  path: ['jobs'],
  summary: "List a project's jobs",
  help: `Usage: reshoot jobs <project> [--json]

Lists jobs, newest first, with status and progress. It only reads, so it works while another process
has the project open. A job whose process was killed (it is still marked running, but that process is
gone) is listed as 'interrupted'. Interrupted jobs can be continued with
'reshoot jobs resume <project> <job id>'.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'jobs');
    if (positionals.length !== 1)
      throw new CliError('reshoot jobs: expected <project>. See --help.', EXIT.usage);
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const jobs = project.jobs.list();
      if (values.json) io.out(JSON.stringify(jobs, null, 2) + '\n');
      else if (!jobs.length) io.out('No jobs.\n');
      else
        for (const j of jobs) {
          io.out(
            `#${j.id} ${j.type} shot ${j.shotId ?? '-'} ${j.status} ${j.framesDone}/${j.framesTotal}${j.error ? ` — ${j.error}` : j.status === 'interrupted' && j.message ? ` — ${j.message}` : ''}\n`,
          );
        }
      return EXIT.ok;
    } finally {
      project.close();
    }
  },
};

export const jobsResumeCommand: CliCommand = {
  path: ['jobs', 'resume'],
  summary: 'Resume an interrupted, cancelled or failed job and wait for it',
  help: `Usage: reshoot jobs resume <project> <job id>

Continues the job from the work it already committed, in the foreground.`,
  async run(argv, io) {
    const { positionals } = parseCommandArgs(argv, {}, 'jobs resume');
    if (positionals.length !== 2) {
      throw new CliError('reshoot jobs resume: expected <project> <job id>. See --help.', EXIT.usage);
    }
    if (!/^\d+$/.test(positionals[1]!)) {
      throw optionError(
        'jobs resume',
        `the job id '${positionals[1]}' is not a number ('reshoot jobs <project>' lists them)`,
      );
    }
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const job = await handlers['jobs.resume']({ jobId: Number(positionals[1]) });
      return await follow(core, io, [job.id]);
    } finally {
      await core.closeProject();
    }
  },
};
