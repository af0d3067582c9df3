/**
 * "Verify render" as the Render tab words it, apart from the DOM: the verdict in one plain line, the key
 * figures in a compact one, which verify job belongs to a render, and the per-frame RotErr sparkline's
 * geometry. docs/rendering.md ("Verify render") defines the figures and their thresholds.
 */
import type { Job, RenderVerificationSummary } from '../../../src-shared/api/contract';

/** Degrees: two decimals below 10°, one above. */
export function degrees(v: number): string {
  return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)}°`;
}

/** A share of the scene depth as a percentage: two decimals below 1 %, one above. */
export function depthShare(v: number): string {
  const p = 100 * v;
  return `${p.toFixed(Math.abs(p) < 1 ? 2 : 1)} %`;
}

/** PCE: three decimals below 0.1, two above. */
export function pceLabel(v: number): string {
  return v.toFixed(Math.abs(v) < 0.1 ? 3 : 2);
}

/** Strips one of the core's lead-ins ("the plate does not follow the path: …") from a verdict text. */
function afterLeadIn(text: string, leadIn: RegExp): string {
  return text.replace(leadIn, '').trim();
}

/**
 * The verdict in one line: "The plate follows the path"; "Deviates: " and the stretches that do not
 * follow (at most `maxStretches`, the core lists them longest first), or what the summary says when no
 * stretch of frames deviates on its own (a mean or PCE over its threshold); "Unverifiable: " and why.
 */
export function verdictHeadline(v: RenderVerificationSummary, maxStretches = 3): string {
  const { lead, detail } = verdictParts(v, maxStretches);
  return detail ? `${lead}: ${detail}` : lead;
}

/** The headline in two parts, the verdict (`lead`) and what it says about it, to set them apart. */
export function verdictParts(
  v: RenderVerificationSummary,
  maxStretches = 3,
): { lead: string; detail: string } {
  switch (v.verdict) {
    case 'follows':
      return { lead: 'The plate follows the path', detail: '' };
    case 'unverifiable': {
      const reason = afterLeadIn(v.text, /^could not verify:\s*/i);
      return { lead: 'Unverifiable', detail: reason || v.solve.message || 'the plate could not be solved' };
    }
    case 'deviates': {
      const stretches = v.spans.filter((s) => s.kind !== 'unsolved').map((s) => s.text);
      if (stretches.length === 0)
        return {
          lead: 'Deviates',
          detail: afterLeadIn(v.text, /^the plate does not follow the path:\s*/i) || 'see the figures',
        };
      const shown = stretches.slice(0, maxStretches);
      const more = stretches.length - shown.length;
      return { lead: 'Deviates', detail: `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}` };
    }
  }
}

export interface VerifyFigure {
  /** e.g. "RotErr 0.31° mean · 0.34° worst". */
  text: string;
  /** What it is and its threshold, for a tooltip. */
  title: string;
  /** Over its threshold. */
  over: boolean;
}

/**
 * The key figures: RotErr mean and worst (degrees), the camera's position error as a share of the scene
 * depth (mean and worst; in the shot's units where the depth was not known), PCE, and the frames solved.
 */
export function verdictFigures(v: RenderVerificationSummary): VerifyFigure[] {
  const t = v.thresholds;
  const m = v.metrics;
  const out: VerifyFigure[] = [];
  if (m) {
    out.push({
      text: `RotErr ${degrees(m.rotErrMeanDeg)} mean · ${degrees(m.rotErrMaxDeg)} worst`,
      title: `Rotation error after alignment: mean over the frames compared (threshold ${degrees(t.rotErrMeanDeg)}) and the worst frame (threshold ${degrees(t.rotErrFrameDeg)})`,
      over: m.rotErrMeanDeg > t.rotErrMeanDeg || m.rotErrMaxDeg > t.rotErrFrameDeg,
    });
    if (m.transErrMeanRel !== null && m.transErrMaxRel !== null)
      out.push({
        text: `position ${depthShare(m.transErrMeanRel)} mean · ${depthShare(m.transErrMaxRel)} worst of depth`,
        title: `Camera position error after alignment as a share of the scene depth: mean (threshold ${depthShare(t.transErrMeanRel)}) and the worst frame (threshold ${depthShare(t.transErrFrameRel)})`,
        over: m.transErrMeanRel > t.transErrMeanRel || m.transErrMaxRel > t.transErrFrameRel,
      });
    else
      out.push({
        text: `TransErr ${m.transErrMean.toPrecision(3)} mean`,
        title: "Camera position error after alignment, in the shot's units (the scene depth was not known)",
        over: false,
      });
    out.push(
      m.pce === null
        ? { text: 'PCE —', title: 'Parallax Consistency Error: not measurable here', over: false }
        : {
            text: `PCE ${pceLabel(m.pce)}`,
            title: `Parallax Consistency Error between the plate's and the path's Π (threshold ${t.pce})`,
            over: m.pce > t.pce,
          },
    );
    out.push({
      text: `${m.framesCompared}/${m.framesTotal} frames`,
      title: 'Frames whose camera was solved from the plate and compared with the path',
      over: m.framesCompared < t.minSolvedShare * m.framesTotal,
    });
  } else {
    out.push({
      text: `${v.solve.framesSolved} frames solved · ${v.solve.tracks} tracks`,
      title: `The plate's camera solve: ${v.solve.status}`,
      over: true,
    });
  }
  return out;
}

const isActive = (j: Job) => j.status === 'queued' || j.status === 'running';

/** The render a verify job verifies, from its detail ("render 12"); null when it does not say. */
export function verifiedRenderId(job: Job): number | null {
  if (job.type !== 'verify' || job.detail === null) return null;
  const m = /^render (\d+)$/.exec(job.detail);
  return m ? Number(m[1]) : null;
}

/**
 * The newest verify job of a render: the one its Verify started (`knownJobId`) or, after a reload, one
 * whose detail names the render.
 */
export function verifyJobOf(
  jobs: readonly Job[],
  renderId: number,
  knownJobId: number | null = null,
): Job | undefined {
  let best: Job | undefined;
  for (const j of jobs)
    if (j.type === 'verify' && (j.id === knownJobId || verifiedRenderId(j) === renderId))
      if (!best || j.id > best.id) best = j;
  return best;
}

/** A verify job of the shot that is queued or running: one at a time per shot. */
export function activeVerifyJob(jobs: readonly Job[], shotId: number): Job | undefined {
  return jobs.find((j) => j.type === 'verify' && j.shotId === shotId && isActive(j));
}

/**
 * Whether a render's newest verify job failed (or was stopped) after its latest verification, so
 * the row can say so: its message, or null.
 */
export function verifyFailure(job: Job | undefined, verifiedAt: string | null): string | null {
  if (!job || (job.status !== 'failed' && job.status !== 'interrupted')) return null;
  if (verifiedAt !== null && Date.parse(verifiedAt) >= Date.parse(job.createdAt)) return null;
  return (
    job.error ?? job.message ?? `the verify job ${job.status === 'failed' ? 'failed' : 'was interrupted'}`
  );
}

export interface Sparkline {
  width: number;
  height: number;
  /** The value at the top edge (the largest value or the threshold, whichever is more, plus a margin). */
  top: number;
  /** SVG path data of each run of solved frames. */
  segments: string[];
  /** Points above the threshold. */
  over: { x: number; y: number }[];
  /** x of frames with no value (not solved). */
  gaps: number[];
  /** y of the threshold line, when one is given. */
  thresholdY: number | null;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * A tiny line chart of per-frame values (null: no value) over `width`×`height` pixels, with the
 * threshold as a line: the scale runs from 0 to the larger of the largest value and the threshold, so
 * the line shows at once whether a frame crosses it. A lone value between gaps is a dot-length stroke.
 */
export function sparkline(
  values: readonly (number | null)[],
  width: number,
  height: number,
  threshold: number | null = null,
): Sparkline {
  const pad = 1.5;
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(threshold ?? 0, ...finite, 1e-9) * 1.1;
  const n = values.length;
  const x = (i: number) => r1(n <= 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const y = (v: number) => r1(height - pad - (Math.max(0, v) / top) * (height - 2 * pad));
  const segments: string[] = [];
  const over: { x: number; y: number }[] = [];
  const gaps: number[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) run.push(`h0.1`);
    if (run.length) segments.push(run.join(' '));
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      gaps.push(x(i));
      flush();
      return;
    }
    run.push(`${run.length ? 'L' : 'M'}${x(i)} ${y(v)}`);
    if (threshold !== null && v > threshold) over.push({ x: x(i), y: y(v) });
  });
  flush();
  return { width, height, top, segments, over, gaps, thresholdY: threshold === null ? null : y(threshold) };
}
