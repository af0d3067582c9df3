/**
 * Classical tracker (the no-model default): Shi–Tomasi corners, pyramidal Lucas–Kanade frame to frame,
 * forward–backward check, and track management — births in empty regions to keep a target count,
 * deaths when a point leaves the frame, loses texture, diverges or fails the FB check.
 */
import { gaussianBlur, gaussianKernel } from './blur';
import { CornerDetector, DEFAULT_CORNER_OPTIONS, type CornerOptions } from './corners';
import { forwardBackwardErrors, trackConfidence } from './forward-backward';
import { createGray, type GrayImage } from './image';
import { LK_OK, LucasKanade, type LucasKanadeOptions } from './lucas-kanade';
import { buildPyramid, pyramidDepth, type Pyramid } from './pyramid';
import { TemplateBank, type RefineResult, type TemplateOptions } from './template-bank';
import { TrackRecorder, type TrackSet } from './track-set';
import { optionsFromJson, optionsToJson, StateReader, StateWriter, TRACKER_STATE_KLT } from './tracker-state';

export interface KltOptions {
  /** Tracks to keep alive; births top the count back up. */
  targetTracks: number;
  /** Look for new corners every this many frames (and whenever the count drops below 70 % of target). */
  redetectInterval: number;
  /** Reject a step whose forward–backward error exceeds this many pixels. */
  fbThreshold: number;
  /** Reject a step whose mean absolute window residual exceeds this (intensity levels, 0…255). */
  maxResidual: number;
  /** Drop points closer than this to the border (pixels). */
  border: number;
  pyramidLevels: number;
  /** Gaussian σ (pixels) applied to each frame before tracking; 0 = none. */
  presmooth: number;
  /**
   * Re-align every track to the window it was anchored with (affine, see template-bank) so per-frame
   * errors do not accumulate. A track re-anchors when that fails or strays more than `anchorGate` px
   * from the frame-to-frame estimate.
   */
  anchored: boolean;
  anchorGate: number;
  /**
   * Frames a track may go without its anchor aligning (it follows the frame-to-frame estimate meanwhile,
   * keeping its anchor) before it is re-anchored where it is. Re-anchoring bakes the frame-to-frame error
   * into the track for good, so a brief failure (noise, haze, a compression glitch, a passing edge) should
   * not trigger it. 0 = re-anchor at the first failure — the default for KLT: on the gt orbit, waiting
   * 3 frames raised the 24-frame error (0.65 → 0.84 px) without lowering the static drift measurably.
   */
  anchorPatience: number;
  lk: Partial<LucasKanadeOptions>;
  corners: Partial<CornerOptions>;
  /** Anchored re-alignment (template-bank) settings; its window size follows `lk.halfWindow`. */
  templates: Partial<TemplateOptions>;
}

export const DEFAULT_KLT_OPTIONS: KltOptions = {
  targetTracks: 1000,
  redetectInterval: 5,
  fbThreshold: 0.75,
  maxResidual: 20,
  border: 4,
  pyramidLevels: 4,
  presmooth: 1,
  anchored: true,
  anchorGate: 1.5,
  anchorPatience: 0,
  lk: {},
  corners: {},
  templates: {},
};

/** Counters a caller can show or log. */
export interface TrackingStats {
  frames: number;
  born: number;
  diedFb: number;
  diedLost: number;
  diedOutOfFrame: number;
  reanchored: number;
}

export class KltTracker {
  readonly width: number;
  readonly height: number;
  readonly options: KltOptions;
  readonly stats: TrackingStats = {
    frames: 0,
    born: 0,
    diedFb: 0,
    diedLost: 0,
    diedOutOfFrame: 0,
    reanchored: 0,
  };
  private readonly lk: LucasKanade;
  private readonly detector: CornerDetector;
  private readonly templates: TemplateBank;
  private readonly refined: RefineResult = { ok: false, x: 0, y: 0, residual: 0 };
  private readonly recorder = new TrackRecorder();
  private readonly levels: number;
  private prev: Pyramid | null = null;
  private spare: Pyramid | undefined;
  private readonly kernel: Float32Array | null;
  private readonly blurTmp: Float32Array;
  private frame = -1;
  private nextId = 0;
  // Active tracks (first `count` entries) and per-step scratch, grown together.
  private count = 0;
  private ids = new Int32Array(0);
  private xs = new Float32Array(0);
  private ys = new Float32Array(0);
  /** Consecutive frames each track's anchor has failed to align. */
  private fails = new Int32Array(0);
  private fx = new Float32Array(0);
  private fy = new Float32Array(0);
  private bx = new Float32Array(0);
  private by = new Float32Array(0);
  private st = new Uint8Array(0);
  private stb = new Uint8Array(0);
  private res = new Float32Array(0);
  private resb = new Float32Array(0);
  private fb = new Float32Array(0);

  constructor(width: number, height: number, options: Partial<KltOptions> = {}) {
    this.width = width;
    this.height = height;
    this.options = { ...DEFAULT_KLT_OPTIONS, ...options };
    this.lk = new LucasKanade(this.options.lk);
    this.detector = new CornerDetector(width, height);
    this.templates = new TemplateBank({ ...this.options.templates, halfWindow: this.lk.options.halfWindow });
    this.kernel = this.options.presmooth > 0 ? gaussianKernel(this.options.presmooth) : null;
    this.blurTmp = new Float32Array(this.kernel ? width * height : 0);
    this.levels = pyramidDepth(width, height, this.options.pyramidLevels);
    this.reserve(this.options.targetTracks * 2);
  }

  /** Number of tracks alive after the last frame. */
  get activeCount(): number {
    return this.count;
  }

  private reserve(n: number): void {
    if (this.ids.length >= n) return;
    const grow = <A extends Float32Array | Int32Array | Uint8Array>(a: A, make: (k: number) => A): A => {
      const b = make(n);
      b.set(a.subarray(0, this.count) as never);
      return b;
    };
    this.ids = grow(this.ids, (k) => new Int32Array(k));
    this.xs = grow(this.xs, (k) => new Float32Array(k));
    this.ys = grow(this.ys, (k) => new Float32Array(k));
    this.fails = grow(this.fails, (k) => new Int32Array(k));
    this.fx = new Float32Array(n);
    this.fy = new Float32Array(n);
    this.bx = new Float32Array(n);
    this.by = new Float32Array(n);
    this.st = new Uint8Array(n);
    this.stb = new Uint8Array(n);
    this.res = new Float32Array(n);
    this.resb = new Float32Array(n);
    this.fb = new Float32Array(n);
  }

  /** Tracks into the next frame of the shot (frames must come in order, all of the tracker's size). */
  push(image: GrayImage): void {
    if (image.width !== this.width || image.height !== this.height) {
      throw new RangeError(
        `Frame is ${image.width}×${image.height}, the tracker was made for ${this.width}×${this.height}`,
      );
    }
    this.frame++;
    this.stats.frames++;
    // Level 0 of a pyramid is its frame's pixels: copy into the buffer of the pyramid from two frames
    // ago (no longer needed), so callers may reuse their frame buffer.
    const base = this.spare?.levels[0]?.image ?? createGray(this.width, this.height);
    if (this.kernel) gaussianBlur(image, base, this.kernel, this.blurTmp);
    else base.data.set(image.data);
    const next = buildPyramid(base, this.levels, this.spare);
    if (this.prev) this.step(this.prev, next);
    this.spare = this.prev ?? undefined;
    this.prev = next;
    const o = this.options;
    if (this.frame % o.redetectInterval === 0 || this.count < 0.7 * o.targetTracks) this.birth(next);
  }

  private step(prev: Pyramid, next: Pyramid): void {
    const n = this.count;
    const o = this.options;
    this.lk.track(prev, next, this.xs, this.ys, n, this.fx, this.fy, this.st, this.res);
    this.lk.track(next, prev, this.fx, this.fy, n, this.bx, this.by, this.stb, this.resb);
    forwardBackwardErrors(this.xs, this.ys, this.bx, this.by, n, this.fb);
    const b = o.border;
    const level0 = next.levels[0];
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = this.fx[i] as number;
      const y = this.fy[i] as number;
      if (this.st[i] !== LK_OK || x < b || y < b || x > this.width - b || y > this.height - b) {
        if (this.st[i] === LK_OK || x < 0 || y < 0 || x > this.width || y > this.height)
          this.stats.diedOutOfFrame++;
        else this.stats.diedLost++;
        continue;
      }
      const fbe = this.fb[i] as number;
      const r = this.res[i] as number;
      if (this.stb[i] !== LK_OK || !(fbe <= o.fbThreshold) || r > o.maxResidual) {
        this.stats.diedFb++;
        continue;
      }
      const id = this.ids[i] as number;
      let px = x;
      let py = y;
      let conf = trackConfidence(fbe, o.fbThreshold, r, o.maxResidual);
      let fails = 0;
      if (o.anchored && level0) {
        this.templates.move(i, k);
        const ref = this.refined;
        this.templates.refine(k, level0.image, x, y, ref);
        if (ref.ok && Math.hypot(ref.x - x, ref.y - y) <= o.anchorGate && ref.residual <= o.maxResidual) {
          px = ref.x;
          py = ref.y;
          conf = trackConfidence(fbe, o.fbThreshold, ref.residual, o.maxResidual);
        } else if ((fails = (this.fails[i] as number) + 1) <= o.anchorPatience) {
          conf *= 0.5;
        } else {
          fails = 0;
          this.stats.reanchored++;
          if (!this.templates.anchor(k, level0.image, level0.grad.gx, level0.grad.gy, x, y)) {
            this.stats.diedLost++;
            continue;
          }
        }
      }
      this.fails[k] = fails;
      this.ids[k] = id;
      this.xs[k] = px;
      this.ys[k] = py;
      k++;
      this.recorder.record(this.frame, id, px, py, conf);
    }
    this.count = k;
  }

  private birth(pyr: Pyramid): void {
    const o = this.options;
    const want = o.targetTracks - this.count;
    if (want <= 0) return;
    const level0 = pyr.levels[0];
    if (!level0) return;
    const corners = this.detector.detect(
      level0.grad,
      {
        ...DEFAULT_CORNER_OPTIONS,
        border: Math.max(o.border, (this.lk.options.halfWindow ?? 7) + 1),
        ...o.corners,
        maxCorners: want,
      },
      this.xs,
      this.ys,
      this.count,
    );
    this.reserve(this.count + corners.count);
    for (let i = 0; i < corners.count; i++) {
      const x = corners.x[i] as number;
      const y = corners.y[i] as number;
      if (
        o.anchored &&
        !this.templates.anchor(this.count, level0.image, level0.grad.gx, level0.grad.gy, x, y)
      )
        continue;
      const id = this.nextId++;
      this.ids[this.count] = id;
      this.xs[this.count] = x;
      this.ys[this.count] = y;
      this.fails[this.count] = 0;
      this.count++;
      this.recorder.record(this.frame, id, x, y, 1);
      this.stats.born++;
    }
  }

  /** The tracks so far as a dense N × T set (T = frames pushed). */
  result(): TrackSet {
    return this.recorder.build(this.width, this.height, this.frame + 1);
  }

  /** Frames pushed so far (the next push is frame `framesPushed`). */
  get framesPushed(): number {
    return this.frame + 1;
  }

  /**
   * Everything needed to continue tracking, as compact binary (format: tracker-state.ts): options, size,
   * counters, active tracks (ids, positions, template-bank windows), the last frame's smoothed pixels
   * (its pyramid is rebuilt from them) and every observation recorded so far. Restoring it with
   * {@link KltTracker.restore} and pushing the following frames gives bit-identical results to never
   * having stopped. Does not change the tracker.
   */
  snapshot(): Uint8Array {
    const w = new StateWriter();
    w.string(optionsToJson(this.options));
    w.num(this.width);
    w.num(this.height);
    const s = this.stats;
    for (const v of [s.frames, s.born, s.diedFb, s.diedLost, s.diedOutOfFrame, s.reanchored]) w.num(v);
    w.num(this.frame);
    w.num(this.nextId);
    w.num(this.count);
    w.array(this.ids.subarray(0, this.count));
    w.array(this.xs.subarray(0, this.count));
    w.array(this.ys.subarray(0, this.count));
    w.array(this.fails.subarray(0, this.count));
    this.templates.writeState(w, this.options.anchored ? this.count : 0);
    const base = this.prev?.levels[0]?.image;
    w.array(base ? base.data : new Float32Array(0));
    this.recorder.writeState(w);
    return w.finish(TRACKER_STATE_KLT);
  }

  /** A tracker continuing from a {@link snapshot} (throws on a corrupt or foreign snapshot). */
  static restore(bytes: Uint8Array): KltTracker {
    const r = new StateReader(bytes, TRACKER_STATE_KLT);
    const options = optionsFromJson<KltOptions>(r.string());
    const t = new KltTracker(r.num(), r.num(), options);
    const s = t.stats;
    s.frames = r.num();
    s.born = r.num();
    s.diedFb = r.num();
    s.diedLost = r.num();
    s.diedOutOfFrame = r.num();
    s.reanchored = r.num();
    t.frame = r.num();
    t.nextId = r.num();
    const count = r.num();
    const ids = r.i32();
    const xs = r.f32();
    const ys = r.f32();
    const fails = r.i32();
    if (ids.length !== count || xs.length !== count || ys.length !== count || fails.length !== count)
      throw new Error('Tracker state: track arrays do not match their count');
    t.reserve(count);
    t.ids.set(ids);
    t.xs.set(xs);
    t.ys.set(ys);
    t.fails.set(fails);
    t.count = count;
    t.templates.readState(r);
    const base = r.f32();
    if (base.length) {
      if (base.length !== t.width * t.height) throw new Error('Tracker state: last frame has the wrong size');
      t.prev = buildPyramid({ width: t.width, height: t.height, data: base }, t.levels);
    }
    t.recorder.readState(r);
    r.end();
    return t;
  }
}
