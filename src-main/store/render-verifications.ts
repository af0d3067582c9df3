import type Database from 'better-sqlite3';

export type VerificationVerdict = 'follows' | 'deviates' | 'unverifiable';

/** The latest verification of a render version (src-main/render owns what the JSON says). */
export interface RenderVerificationRecord {
  renderId: number;
  verdict: VerificationVerdict;
  resultJson: string;
  jobId: number | null;
  verifiedAt: string;
}

interface Row {
  render_id: number;
  verdict: VerificationVerdict;
  result_json: string;
  job_id: number | null;
  verified_at: string;
}

const toRecord = (r: Row): RenderVerificationRecord => ({
  renderId: r.render_id,
  verdict: r.verdict,
  resultJson: r.result_json,
  jobId: r.job_id,
  verifiedAt: r.verified_at,
});

export class RenderVerificationRepository {
  constructor(private readonly db: Database.Database) {}

  get(renderId: number): RenderVerificationRecord | undefined {
    const r = this.db.prepare('SELECT * FROM render_verifications WHERE render_id = ?').get(renderId) as
      Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Records a verification, replacing the render's earlier one. */
  put(v: RenderVerificationRecord): void {
    this.db
      .prepare(
        `INSERT INTO render_verifications (render_id, verdict, result_json, job_id, verified_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (render_id) DO UPDATE SET verdict = excluded.verdict, result_json = excluded.result_json,
           job_id = excluded.job_id, verified_at = excluded.verified_at`,
      )
      .run(v.renderId, v.verdict, v.resultJson, v.jobId, v.verifiedAt);
  }
}
