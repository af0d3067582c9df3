import type { ChunkPlan } from './kinds';

/**
 * Time left for a job whose stages run at very different speeds ("Analyze shot": tracking at tens of
 * frames a second, depth at about one). Each chunk carries a planned cost (its expected seconds on a
 * reference machine, or its frame count when the kind gives none). The seconds a stage really takes per
 * unit of planned cost calibrate that stage; a stage not measured yet borrows the job's overall scale,
 * so the first stage's speed on this machine carries over to the others in proportion to their costs.
 * Pure: the runner feeds it chunk starts, live progress and commits.
 */
export class EtaEstimator {
  private readonly pending = new Map<number, ChunkPlan>();
  private readonly spent = new Map<string, { seconds: number; cost: number }>();
  private current: { chunk: ChunkPlan; startedAt: number; done: number } | null = null;

  constructor(plan: readonly ChunkPlan[], committed: ReadonlySet<number>) {
    for (const c of plan) if (!committed.has(c.index)) this.pending.set(c.index, c);
  }

  chunkStarted(index: number, t: number): void {
    const chunk = this.pending.get(index);
    this.current = chunk ? { chunk, startedAt: t, done: 0 } : null;
  }

  /** `done` units of the current chunk are finished (live progress between commits). */
  progress(done: number): void {
    if (this.current)
      this.current.done = Math.min(this.current.chunk.count, Math.max(this.current.done, done));
  }

  chunkFinished(index: number, t: number): void {
    const chunk = this.pending.get(index);
    if (!chunk) return;
    this.pending.delete(index);
    if (this.current?.chunk.index === index) {
      this.add(stageOf(chunk), t - this.current.startedAt, costOf(chunk));
      this.current = null;
    }
  }

  /** Seconds left, or null while nothing has been measured yet. */
  secondsLeft(t: number): number | null {
    const stages = new Map(this.spent);
    let current = 0;
    if (this.current && this.current.done > 0) {
      // The chunk under way counts as measured for the part of it that is done.
      const { chunk, startedAt, done } = this.current;
      const s = stages.get(stageOf(chunk)) ?? { seconds: 0, cost: 0 };
      stages.set(stageOf(chunk), {
        seconds: s.seconds + (t - startedAt),
        cost: s.cost + (costOf(chunk) * done) / chunk.count,
      });
      current = chunk.index;
    }
    let seconds = 0;
    let cost = 0;
    for (const s of stages.values()) {
      seconds += s.seconds;
      cost += s.cost;
    }
    if (cost <= 0 || seconds <= 0) return null;
    const overall = seconds / cost;
    const scale = (stage: string) => {
      const s = stages.get(stage);
      return s && s.cost > 0 && s.seconds > 0 ? s.seconds / s.cost : overall;
    };
    let left = 0;
    for (const c of this.pending.values()) {
      const share = this.current && c.index === current ? 1 - this.current.done / c.count : 1;
      left += costOf(c) * share * scale(stageOf(c));
    }
    return left;
  }

  private add(stage: string, seconds: number, cost: number): void {
    const s = this.spent.get(stage) ?? { seconds: 0, cost: 0 };
    this.spent.set(stage, { seconds: s.seconds + Math.max(0, seconds), cost: s.cost + cost });
  }
}

const stageOf = (c: ChunkPlan) => c.stage ?? '';
const costOf = (c: ChunkPlan) => c.cost ?? c.count;
