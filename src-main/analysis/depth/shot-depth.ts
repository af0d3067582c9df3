/**
 * The no-model dense depth of a shot: views chosen by parallax and overlap → coarse-to-fine stereo per
 * frame (or, as the reference, a full plane sweep) → multi-view geometric consistency against other
 * frames' sweeps (validity) → inverse-depth fusion → infinity → anchoring to sparse points → edge-aware
 * hole filling. Pure computation over in-memory frames (worker-friendly); frames are normally the shot at
 * the depth grid (640 on the long side) with cameras whose intrinsics are scaled to it.
 *
 * Sweeps are memoised, so asking for every frame in order costs one sweep per frame; asking for a few
 * frames costs their sweeps plus those of their consistency partners.
 */
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import { geometricConsistency, type ConsistencyOptions } from './consistency';
import { fillHoles, type FillOptions } from './fill';
import { planarFill, type PlanarFillOptions } from './planar-fill';
import { chooseNeighbours, type NeighbourOptions } from './neighbours';
import { coarseToFineSweep, type CoarseToFineOptions } from './coarse-to-fine';
import { sweepGeometry } from './homography';
import { confirmInfinity, featurelessSky } from './infinity';
import { chooseViews } from './view-selection';
import type { SweepHelper, SweepRequest } from './sweep-helper';
import {
  planeSweep,
  SweepBuffers,
  type PlaneSweepOptions,
  type PlaneSweepResult,
  type StereoView,
} from './plane-sweep';
import { anchorToSparse, depthRangeFromSamples, projectSparsePoints, type AnchorReport } from './sparse';

export interface ShotDepthOptions {
  /**
   * 'coarse-to-fine' (default): views by parallax and overlap within ±`viewWindow` frames, stereo refined
   * from a coarse sweep (coarse-to-fine.ts). 'plane-sweep': the reference — every plane at the full grid
   * against the frames at fixed offsets (neighbours.ts), kept for tests and to quote speed-ups against.
   */
  method?: 'coarse-to-fine' | 'plane-sweep';
  /** Sweep settings; minDepth/maxDepth default to the sparse points' range (required without points). */
  sweep?: Partial<PlaneSweepOptions>;
  /** Coarse-to-fine settings (minDepth comes from the range). */
  coarseToFine?: Partial<Omit<CoarseToFineOptions, 'minDepth' | 'signal'>>;
  /** Frames either side considered as views (coarse-to-fine; default DEFAULT_VIEW_WINDOW). */
  viewWindow?: number;
  neighbours?: NeighbourOptions;
  /** Frames checked against, as offsets from the reference (default ±1, ±2; mirrored at the ends of the shot). */
  consistencyOffsets?: readonly number[];
  consistency?: ConsistencyOptions;
  /** Carry partner frames' measured depth into pixels this frame did not measure (default true). */
  propagate?: boolean;
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
  /** 1 where not measured here but carried from partner frames that measured the same surface. */
  propagated: Uint8Array;
  /** 1 where a textureless hole was filled by a plane fitted to its measured rim. */
  interpolated: Uint8Array;
  /** 1 where the value comes from free hole filling (or a sparse-point seed): not valid. */
  filled: Uint8Array;
  /** 1 where the pixel is at infinity (sky, background without parallax): depth 0, not valid, not a hole. */
  infinity: Uint8Array;
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

/** Sweeps the helper thread is given at once (one running, one waiting, so it never idles between). */
const HELPER_QUEUE = 2;

/** Lets messages from the helper thread (its answers) be handled. */
const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Frames either side of a reference that may serve as its stereo views (coarse-to-fine). */
export const DEFAULT_VIEW_WINDOW = 16;

/** How precisely a match locates a point in the image (pixels, one sigma): sets the consistency tolerance. */
export const MATCH_PRECISION_PX = 0.25;

/** How far (relative) a frame's own match may be from a propagated depth before it vetoes it. */
export const PROPAGATION_TOLERANCE = 0.1;

interface MeasuredDepth {
  /** Fused depth where measured, 0 elsewhere. */
  depth: Float32Array;
  measured: Uint8Array;
  confidence: Float32Array;
  /** The relative depth tolerance of each pixel (what its baselines can measure). */
  tolerance: Float32Array;
  ms: number;
}

interface SweepEntry {
  result: PlaneSweepResult;
  /** The sweep's own infinity mask (coarse-to-fine only). */
  infinity: Uint8Array | null;
  neighbours: number[];
  ms: number;
}

export class ShotDepthEstimator {
  private readonly sweeps = new Map<number, SweepEntry>();
  private readonly checked = new Map<number, MeasuredDepth>();
  private readonly pending = new Map<number, Promise<void>>();
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

  /** The raw sweep of frame i (memoised), with the frames it was matched against, best first. */
  sweep(i: number): SweepEntry {
    const hit = this.sweeps.get(i);
    if (hit) return hit;
    const ref = this.views[i];
    if (!ref) throw new RangeError(`no frame ${i}`);
    const t0 = performance.now();
    let entry: SweepEntry;
    if ((this.options.method ?? 'coarse-to-fine') === 'coarse-to-fine') {
      const req = this.sweepRequest(i);
      const opts: CoarseToFineOptions = { ...req.options };
      if (this.options.signal) opts.signal = this.options.signal;
      const result = coarseToFineSweep(
        ref,
        req.neighbours.map((j) => this.views[j]!),
        opts,
      );
      entry = { result, infinity: result.infinity, neighbours: req.neighbours, ms: performance.now() - t0 };
    } else {
      const nbOpts: NeighbourOptions = { ...this.options.neighbours };
      if (nbOpts.sceneDepth === undefined)
        nbOpts.sceneDepth = Math.sqrt(this.range.minDepth * this.range.maxDepth);
      const neighbours = chooseNeighbours(
        this.views.map((v) => v.camera),
        i,
        nbOpts,
      );
      if (neighbours.length === 0) throw new NoBaselineError(i);
      const sweepOpts: PlaneSweepOptions = { ...this.options.sweep, ...this.range };
      if (this.options.signal) sweepOpts.signal = this.options.signal;
      const result = planeSweep(
        ref,
        neighbours.map((j) => this.views[j]!),
        sweepOpts,
        this.buffers,
      );
      entry = { result, infinity: null, neighbours, ms: performance.now() - t0 };
    }
    this.sweeps.set(i, entry);
    return entry;
  }

  /** What sweeping frame i takes (coarse-to-fine): its views, best first, and the settings. */
  sweepRequest(i: number): SweepRequest {
    const chosen = chooseViews(
      this.views.map((v) => v.camera),
      i,
      { sceneDepth: this.sceneDepth(i), window: this.options.viewWindow ?? DEFAULT_VIEW_WINDOW, count: 4 },
    );
    if (chosen.length === 0) throw new NoBaselineError(i);
    return {
      ref: i,
      neighbours: chosen.map((c) => c.frame),
      options: { ...this.options.coarseToFine, minDepth: this.range.minDepth },
    };
  }

  /**
   * Makes sure every sweep frame(i) needs is there, sharing the work with a helper thread: the helper
   * takes the nearest missing sweeps (up to HELPER_QUEUE at once) while this thread sweeps the farthest;
   * while the helper still works on one frame i needs, this thread sweeps one the next frames will need
   * instead of waiting; at the end the helper is given the next frames' sweeps, so it works while this
   * thread checks and fills frame i. The sweeps are the same whichever thread made them. `indexOf` maps
   * this estimator's frames to the helper's views; `last` is the last frame that will be asked for (no
   * sweep is made ahead for frames after it).
   */
  async prepare(
    i: number,
    helper: SweepHelper,
    indexOf: (k: number) => number = (k) => k,
    last = this.views.length - 1,
  ): Promise<void> {
    if ((this.options.method ?? 'coarse-to-fine') !== 'coarse-to-fine') return;
    const start = (k: number): boolean => {
      if (this.sweeps.has(k) || this.pending.has(k)) return false;
      let req: SweepRequest;
      try {
        req = this.sweepRequest(k);
      } catch (e) {
        if (e instanceof NoBaselineError) return false;
        throw e;
      }
      const t0 = performance.now();
      const remote = { ...req, ref: indexOf(k), neighbours: req.neighbours.map(indexOf) };
      this.pending.set(
        k,
        helper.sweep(remote).then(
          (result) => {
            this.pending.delete(k);
            this.sweeps.set(k, {
              result,
              infinity: result.infinity,
              neighbours: req.neighbours,
              ms: performance.now() - t0,
            });
          },
          // the helper stopped (closed with the chunk, or failed): this thread sweeps it when needed
          () => void this.pending.delete(k),
        ),
      );
      return true;
    };
    const need = this.sweepsFor(i);
    const missing = (k: number) => !this.sweeps.has(k) && !this.pending.has(k);
    const sweepHere = (k: number) => {
      try {
        this.sweep(k);
      } catch (e) {
        if (!(e instanceof NoBaselineError)) throw e;
      }
    };
    // what frame i needs: the nearest to the helper while it has room, the farthest here; the helper's
    // answers are let in between (the first frame of a chunk needs nine sweeps: both threads share them)
    const todo = need.filter(missing);
    while (todo.length > 0) {
      if (this.pending.size < HELPER_QUEUE && start(todo[0]!)) {
        todo.shift();
        continue;
      }
      const k = todo.pop()!;
      if (missing(k)) sweepHere(k);
      await yieldToMessages();
    }
    // while the helper still works on what frame i needs, this thread sweeps a frame the next ones will
    // need instead of waiting
    const ahead = () =>
      [
        ...(i + 1 <= last ? this.sweepsFor(i + 1) : []),
        ...(i + 2 <= last ? this.sweepsFor(i + 2) : []),
      ].filter(missing);
    while (need.some((k) => this.pending.has(k))) {
      const k = ahead().pop();
      if (k === undefined) break;
      sweepHere(k);
      await yieldToMessages();
    }
    for (const k of need) await this.pending.get(k);
    // keep the helper busy while this thread checks and fills frame i
    for (const k of ahead()) if (this.pending.size >= HELPER_QUEUE || !start(k)) break;
  }

  /** The frames whose sweeps frame(i) reads: i, its partners, and theirs (for propagation). */
  sweepsFor(i: number): number[] {
    if (i < 0 || i >= this.views.length) return [];
    const out = new Set<number>([i]);
    for (const j of this.partnersOf(i)) {
      out.add(j);
      for (const k of this.partnersOf(j)) out.add(k);
    }
    return [...out].sort((a, b) => Math.abs(a - i) - Math.abs(b - i) || a - b);
  }

  /** The median depth of the sparse points frame i sees, else the middle of the range (geometric). */
  private sceneDepth(i: number): number {
    const pts = this.options.sparsePoints;
    if (pts) {
      const smp = projectSparsePoints(this.views[i]!.camera, pts);
      if (smp.count >= 8) {
        const d = Array.from(smp.depth).sort((a, b) => a - b);
        return d[d.length >> 1]!;
      }
    }
    return Math.sqrt(this.range.minDepth * this.range.maxDepth);
  }

  /** Infinity: the sweep's own, confirmed by a partner frame's, plus featureless sky (infinity.ts). */
  private infinityOf(
    i: number,
    own: SweepEntry,
    partners: readonly number[],
    depth: Float32Array,
    measured: Uint8Array,
  ): Uint8Array {
    const { width: W, height: H } = own.result;
    if (!own.infinity) return new Uint8Array(W * H);
    const view = (j: number) => ({
      camera: this.views[j]!.camera,
      width: W,
      height: H,
      infinity: this.sweep(j).infinity!,
    });
    const inf = confirmInfinity(view(i), partners.map(view));
    for (let p = 0; p < inf.length; p++) if (measured[p]) inf[p] = 0;
    const sky = featurelessSky(W, H, own.result.textured, depth, measured, inf);
    for (let p = 0; p < inf.length; p++) if (sky[p]) inf[p] = 1;
    return inf;
  }

  /** Drops memoised sweeps of frames outside [from, to] (to bound memory when walking a long shot). */
  forget(from: number, to: number): void {
    for (const k of [...this.sweeps.keys()]) if (k < from || k > to) this.sweeps.delete(k);
    for (const k of [...this.checked.keys()]) if (k < from || k > to) this.checked.delete(k);
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

  /**
   * Frame i's measured pixels: its sweep checked against its partners' sweeps, depths fused over the
   * views that agree (memoised: the partners' checks use them for propagation).
   */
  measuredOf(i: number): MeasuredDepth {
    const hit = this.checked.get(i);
    if (hit) return hit;
    const own = this.sweep(i);
    const partners = this.partnersOf(i);
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
    const t0 = performance.now();
    // depth agreement within what the baselines can measure at each pixel: MATCH_PRECISION_PX of image
    // motion, as relative depth (z / parallax per unit inverse depth), between 3 % and 12 %
    const r = own.result;
    const relTolerance = new Float32Array(r.depth.length);
    for (let p = 0; p < relTolerance.length; p++) {
      const t = (2 * MATCH_PRECISION_PX * r.depth[p]!) / r.parallax[p]!;
      relTolerance[p] = t > 0.03 ? (t < 0.12 ? t : 0.12) : 0.03;
    }
    const cons = geometricConsistency(view(i), partners.map(view), {
      // in pixels of the 320-wide grid the reprojection tolerance was tuned on
      maxReprojErrorPx: Math.max(1, own.result.width / 320),
      maxRelDepthError: 0.05,
      relTolerance,
      ...this.options.consistency,
    });
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
    const out = { depth, measured, confidence, tolerance: relTolerance, ms: performance.now() - t0 };
    this.checked.set(i, out);
    return out;
  }

  /**
   * Temporal fusion and propagation, from what the partner frames measured (their measured points
   * projected into frame i, the nearest in front winning per partner):
   * - a measured pixel averages (in inverse depth) its own depth with every partner's that agrees within
   *   the pixel's tolerance — neighbouring frames share most of their partners, so they come out alike
   *   instead of each carrying its own noise (a flickering depth makes a flickering plate);
   * - a pixel frame i matched itself but could not confirm (its partners' sweeps disagreed, or did not
   *   see it) is **propagated**: it takes the partners' depth when within `PROPAGATION_TOLERANCE` of its
   *   own match; confidence half the partner's. A pixel without a match of its own is not propagated
   *   into: nothing in frame i says the partner's surface is the one it sees (an unmatched occluder would
   *   let the background through).
   * Writes depth and confidence; returns the propagated mask.
   */
  private fuseAndPropagate(
    i: number,
    partners: readonly number[],
    depth: Float32Array,
    measured: Uint8Array,
    confidence: Float32Array,
    tolerance: Float32Array,
  ): Uint8Array {
    const own = this.sweep(i).result;
    const { width: W, height: H } = own;
    const n = W * H;
    const zbufs = partners.map(() => new Float32Array(n).fill(Infinity));
    const cbuf = new Float32Array(n);
    const cam = this.views[i]!.camera;
    const ki = cam.intrinsics;
    for (const [pj, j] of partners.entries()) {
      const zbuf = zbufs[pj]!;
      const mj = this.measuredOf(j);
      const cj = this.views[j]!.camera;
      const kj = cj.intrinsics;
      // X_i = Riᵀ (Rj X_j + Cj − Ci) = M X_j + t
      const { R: M, t } = sweepGeometry(cj, cam);
      const t0 = t[0]!,
        t1 = t[1]!,
        t2 = t[2]!;
      const m0 = M[0]!,
        m1 = M[1]!,
        m2 = M[2]!,
        m3 = M[3]!,
        m4 = M[4]!,
        m5 = M[5]!,
        m6 = M[6]!,
        m7 = M[7]!,
        m8 = M[8]!;
      const ifx = 1 / kj.fx;
      const ify = 1 / kj.fy;
      const mjMeasured = mj.measured;
      const mjDepth = mj.depth;
      const mjConf = mj.confidence;
      const ownValid = own.valid;
      for (let y = 0; y < H; y++) {
        const yn = (y + 0.5 - kj.cy) * ify;
        for (let x = 0; x < W; x++) {
          const q = y * W + x;
          if (!mjMeasured[q]) continue;
          const z = mjDepth[q]!;
          const X0 = (x + 0.5 - kj.cx) * ifx * z;
          const X1 = yn * z;
          const P2 = m6 * X0 + m7 * X1 + m8 * z + t2;
          if (!(P2 > 0)) continue;
          const iP2 = 1 / P2;
          const u = Math.floor(ki.fx * (m0 * X0 + m1 * X1 + m2 * z + t0) * iP2 + ki.cx);
          const v = Math.floor(ki.fy * (m3 * X0 + m4 * X1 + m5 * z + t1) * iP2 + ki.cy);
          if (u < 0 || v < 0 || u >= W || v >= H) continue;
          const p = v * W + u;
          if (!(measured[p] || ownValid[p]) || !(P2 < zbuf[p]!)) continue;
          zbuf[p] = P2;
          if (!measured[p]) cbuf[p] = Math.max(cbuf[p]!, mjConf[q]!);
        }
      }
    }
    const out = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      if (measured[p]) {
        // the mean inverse depth of this frame's value and the partners' that agree with it
        const z0 = depth[p]!;
        const tol = tolerance[p]! * z0;
        let sum = 1 / z0;
        let cnt = 1;
        for (const zb of zbufs) {
          const z = zb[p]!;
          if (z !== Infinity && Math.abs(z - z0) <= tol) {
            sum += 1 / z;
            cnt++;
          }
        }
        depth[p] = cnt / sum;
        continue;
      }
      if (!own.valid[p]) continue;
      let z = Infinity;
      for (const zb of zbufs) if (zb[p]! < z) z = zb[p]!;
      if (z === Infinity || Math.abs(own.depth[p]! - z) > PROPAGATION_TOLERANCE * z) continue;
      out[p] = 1;
      depth[p] = z;
      confidence[p] = 0.5 * cbuf[p]!;
    }
    return out;
  }

  frame(i: number): FrameDepth {
    const own = this.sweep(i);
    const partners = this.partnersOf(i);
    const ref = this.views[i]!;
    const m = this.measuredOf(i);
    const t0 = performance.now();
    const W = own.result.width;
    const n = own.result.depth.length;
    const depth = m.depth.slice();
    const measured = m.measured;
    const confidence = m.confidence.slice();
    const propagated =
      this.options.propagate === false
        ? new Uint8Array(n)
        : this.fuseAndPropagate(i, partners, depth, measured, confidence, m.tolerance);
    const known = measured.slice();
    for (let p = 0; p < n; p++) if (propagated[p]) known[p] = 1;
    // sky and far background first, so that no plane is fitted across the sky
    const infinity = this.infinityOf(i, own, partners, depth, known);
    let interpolated: Uint8Array = new Uint8Array(n);
    if (this.options.planar !== false) {
      const k = ref.image.width / 320;
      const notHole = own.result.textured.slice();
      for (let p = 0; p < n; p++) if (infinity[p]) notHole[p] = 1;
      interpolated = planarFill(depth, known, notHole, ref.image, {
        ringRadius: Math.max(3, Math.round(3 * k)),
        minRegion: Math.max(20, Math.round(20 * k * k)),
        ...this.options.planar,
      }).interpolated;
      for (let p = 0; p < n; p++) if (interpolated[p]) confidence[p] = 0.25;
    }
    const valid = new Uint8Array(n);
    for (let p = 0; p < n; p++) valid[p] = measured[p] || propagated[p] || interpolated[p] ? 1 : 0;
    known.set(valid);
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
      else if (propagated[p] || interpolated[p])
        state[p] = encodeDepthState(DepthState.propagated, confidence[p]!);
      else if (infinity[p]) {
        state[p] = encodeDepthState(DepthState.infinity, 1);
        filled[p] = 0;
      }
    }
    const res: FrameDepth = {
      index: i,
      width: W,
      height: own.result.height,
      depth: out,
      valid,
      measured,
      propagated,
      interpolated,
      filled,
      infinity,
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
