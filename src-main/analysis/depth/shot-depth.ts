/**
 * The no-model dense depth of a shot: plane sweep per frame → multi-view geometric consistency against
 * other frames' sweeps (validity) → inverse-depth fusion → anchoring to sparse points → edge-aware hole
 * filling. Pure computation over in-memory frames (worker-friendly); frames are normally the shot at
 * the depth grid (e.g. 320×180) with cameras whose intrinsics are scaled to it.
 *
 * Sweeps are memoised, so asking for every frame in order costs one sweep per frame; asking for a few
 * frames costs their sweeps plus those of their consistency partners.
 */
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import { geometricConsistency, type ConsistencyOptions } from './consistency';
import { fillHoles, type FillOptions } from './fill';
import { planarFill, type PlanarFillOptions } from './planar-fill';
import { chooseNeighbours, type NeighbourOptions } from './neighbours';
import {
  planeSweep,
  SweepBuffers,
  type PlaneSweepOptions,
  type PlaneSweepResult,
  type StereoView,
} from './plane-sweep';
import { anchorToSparse, depthRangeFromSamples, projectSparsePoints, type AnchorReport } from './sparse';

export interface ShotDepthOptions {
  /** Sweep settings; minDepth/maxDepth default to the sparse points' range (required without points). */
  sweep?: Partial<PlaneSweepOptions>;
  neighbours?: NeighbourOptions;
  /** Frames checked against, as offsets from the reference (default ±1, ±2; mirrored at the ends of the shot). */
  consistencyOffsets?: readonly number[];
  consistency?: ConsistencyOptions;
  /** Plane fits over textureless holes (see planar-fill.ts); false disables. */
  planar?: PlanarFillOptions | false;
  /** Hole filling; false keeps holes (depth 0). */
  fill?: FillOptions | false;
  /** Triangulated world points (xyz interleaved) in the cameras' gauge. */
  sparsePoints?: Float64Array | Float32Array;
  signal?: AbortSignal;
}

export interface FrameDepth {
  index: number;
  width: number;
  height: number;
  /** Planar z-depth, hole-filled unless fill is false (then 0 = unknown). */
  depth: Float32Array;
  /** valid = measured ∪ interpolated: the pixels whose depth is backed by the images. */
  valid: Uint8Array;
  /** 1 where measured: photometrically matched and geometrically consistent with another view. */
  measured: Uint8Array;
  /** 1 where a textureless hole was filled by a plane fitted to its measured rim. */
  interpolated: Uint8Array;
  /** 1 where the value comes from free hole filling (or a sparse-point seed): not valid. */
  filled: Uint8Array;
  /**
   * 0..1: measured: photometric confidence × share of agreeing views; interpolated: 0.25; filled: 0.
   */
  confidence: Float32Array;
  /** Per pixel, what it is and how sure (src-shared/depth-layout.ts: DepthState in the low 2 bits). */
  state: Uint8Array;
  neighbours: number[];
  consistencyPartners: number[];
  anchor?: AnchorReport;
  /** Milliseconds: sweep of this frame, and the check/fuse/fill stage. */
  timing: { sweepMs: number; postMs: number };
}

/**
 * A frame with no neighbour far enough from it to measure depth against: around it the camera only
 * turned or held still (a rotation-only stretch, a static camera), so stereo has no parallax there.
 */
export class NoBaselineError extends RangeError {
  constructor(frame: number) {
    super(`frame ${frame}: no neighbouring frame with a usable baseline`);
    this.name = 'NoBaselineError';
  }
}

export class ShotDepthEstimator {
  private readonly sweeps = new Map<number, { result: PlaneSweepResult; neighbours: number[]; ms: number }>();
  private readonly buffers: SweepBuffers;
  private readonly range: { minDepth: number; maxDepth: number };

  constructor(
    private readonly views: readonly StereoView[],
    private readonly options: ShotDepthOptions = {},
  ) {
    const v0 = views[0];
    if (!v0) throw new RangeError('ShotDepthEstimator: no frames');
    this.buffers = new SweepBuffers(v0.image.width, v0.image.height);
    const s = options.sweep ?? {};
    if (s.minDepth !== undefined && s.maxDepth !== undefined)
      this.range = { minDepth: s.minDepth, maxDepth: s.maxDepth };
    else if (options.sparsePoints) {
      const all: number[] = [];
      const step = Math.max(1, Math.floor(views.length / 8));
      for (let i = 0; i < views.length; i += step) {
        const smp = projectSparsePoints(views[i]!.camera, options.sparsePoints);
        for (let k = 0; k < smp.count; k++) all.push(smp.depth[k]!);
      }
      const r = depthRangeFromSamples(all);
      this.range = { minDepth: s.minDepth ?? r.minDepth, maxDepth: s.maxDepth ?? r.maxDepth };
    } else throw new RangeError('ShotDepthEstimator: give sweep.minDepth/maxDepth or sparse points');
  }

  get depthRange(): { minDepth: number; maxDepth: number } {
    return { ...this.range };
  }

  /** The raw plane sweep of frame i (memoised). */
  sweep(i: number): { result: PlaneSweepResult; neighbours: number[]; ms: number } {
    const hit = this.sweeps.get(i);
    if (hit) return hit;
    const ref = this.views[i];
    if (!ref) throw new RangeError(`no frame ${i}`);
    const cams = this.views.map((v) => v.camera);
    const nbOpts: NeighbourOptions = { ...this.options.neighbours };
    if (nbOpts.sceneDepth === undefined)
      nbOpts.sceneDepth = Math.sqrt(this.range.minDepth * this.range.maxDepth);
    const neighbours = chooseNeighbours(cams, i, nbOpts);
    if (neighbours.length === 0) throw new NoBaselineError(i);
    const t0 = performance.now();
    const sweepOpts: PlaneSweepOptions = { ...this.options.sweep, ...this.range };
    if (this.options.signal) sweepOpts.signal = this.options.signal;
    const result = planeSweep(
      ref,
      neighbours.map((j) => this.views[j]!),
      sweepOpts,
      this.buffers,
    );
    const entry = { result, neighbours, ms: performance.now() - t0 };
    this.sweeps.set(i, entry);
    return entry;
  }

  /** Drops memoised sweeps of frames outside [from, to] (to bound memory when walking a long shot). */
  forget(from: number, to: number): void {
    for (const k of [...this.sweeps.keys()]) if (k < from || k > to) this.sweeps.delete(k);
  }

  partnersOf(i: number): number[] {
    const T = this.views.length;
    const offs = this.options.consistencyOffsets ?? [-2, -1, 1, 2];
    const out: number[] = [];
    for (const o of offs) {
      let j = i + o;
      if (j < 0 || j >= T) j = i - o; // mirror at the ends
      if (j >= 0 && j < T && j !== i && !out.includes(j)) out.push(j);
    }
    return out;
  }

  frame(i: number): FrameDepth {
    const own = this.sweep(i);
    const partners = this.partnersOf(i);
    const ref = this.views[i]!;
    const view = (j: number) => {
      const s = this.sweep(j).result;
      return {
        camera: this.views[j]!.camera,
        width: s.width,
        height: s.height,
        depth: s.depth,
        valid: s.valid,
      };
    };
    const refView = view(i);
    const partnerViews = partners.map(view);
    const t0 = performance.now();
    const cons = geometricConsistency(refView, partnerViews, this.options.consistency);
    const W = own.result.width;
    const n = own.result.depth.length;
    const depth = new Float32Array(n);
    const measured = new Uint8Array(n);
    const confidence = new Float32Array(n);
    const denom = Math.max(1, partners.length);
    for (let p = 0; p < n; p++) {
      if (!cons.valid[p]) continue;
      measured[p] = 1;
      depth[p] = cons.fused[p]!;
      confidence[p] = own.result.confidence[p]! * Math.min(1, cons.agree[p]! / denom);
    }
    let interpolated: Uint8Array = new Uint8Array(n);
    if (this.options.planar !== false) {
      interpolated = planarFill(
        depth,
        measured,
        own.result.textured,
        ref.image,
        this.options.planar || {},
      ).interpolated;
      for (let p = 0; p < n; p++) if (interpolated[p]) confidence[p] = 0.25;
    }
    const valid = new Uint8Array(n);
    for (let p = 0; p < n; p++) valid[p] = measured[p] || interpolated[p] ? 1 : 0;
    const known = valid.slice();
    let anchor: AnchorReport | undefined;
    if (this.options.sparsePoints) {
      anchor = anchorToSparse(depth, known, W, projectSparsePoints(ref.camera, this.options.sparsePoints));
    }
    let out: Float32Array = depth;
    let filled: Uint8Array = new Uint8Array(n);
    if (this.options.fill !== false) {
      const f = fillHoles(depth, known, ref.image, this.options.fill || {});
      out = f.depth;
      filled = f.filled;
    }
    for (let p = 0; p < n; p++) if (known[p] && !valid[p]) filled[p] = 1;
    const state = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      if (measured[p]) state[p] = encodeDepthState(DepthState.measured, confidence[p]!);
      else if (interpolated[p]) state[p] = encodeDepthState(DepthState.propagated, confidence[p]!);
    }
    const res: FrameDepth = {
      index: i,
      width: W,
      height: own.result.height,
      depth: out,
      valid,
      measured,
      interpolated,
      filled,
      confidence,
      state,
      neighbours: own.neighbours,
      consistencyPartners: partners,
      timing: { sweepMs: own.ms, postMs: performance.now() - t0 },
    };
    if (anchor) res.anchor = anchor;
    return res;
  }
}
