/**
 * XFeat tracking. Per frame: the model's keypoints and descriptors (resize, session.run, decode); active
 * tracks matched to them by gated mutual nearest neighbours + ratio test around their predicted
 * positions; then each track aligned at full resolution to the window it was anchored with (inverse-
 * compositional affine Lucas–Kanade, brightness and contrast matched, every other pixel of a 15×15
 * window: anchors.ts), starting at its constant-velocity prediction, or failing that at its matched
 * keypoint shifted by the track's offset from its keypoints. Only the pixels those windows read are
 * converted to luma and smoothed (smooth.ts); no pyramid, no full-frame pass. A window that has changed
 * shape a lot since it was anchored is re-anchored where it aligned. A track whose window does not align
 * follows a one-level frame-to-frame LK, checked forward and backward (flow.ts), for up to
 * `anchorPatience` frames and is then re-anchored; otherwise it goes to a lost list, from which it can
 * be re-identified by descriptor within `maxLostFrames` (its own window must align there). Every
 * `birthInterval` frames, free keypoints on real corners away from existing tracks become new tracks.
 */
import { PointGrid } from '../point-grid';
import { TrackRecorder, type TrackSet } from '../track-set';
import {
  optionsFromJson,
  optionsToJson,
  StateReader,
  StateWriter,
  TRACKER_STATE_XFEAT,
} from '../tracker-state';
import { AnchorBank, type AlignResult, type AnchorOptions } from './anchors';
import { XFEAT_DESCRIPTOR_DIM as D, type XFeatOutputs, type XFeatRunner } from './contract';
import { DEFAULT_DECODE_OPTIONS, XFeatDecoder, type DecodeOptions, type Keypoints } from './decode';
import { LocalFlow, type FlowResult } from './flow';
import { DEFAULT_MATCH_OPTIONS, GatedMatcher, type MatchOptions } from './match';
import { lumaToXFeatInput } from './preprocess';
import { SmoothedFrame } from './smooth';
import { readAhead } from '../../../util/read-ahead';

export interface XFeatTrackerOptions {
  /** Model input size (fixed by the ONNX graph). */
  inputWidth: number;
  inputHeight: number;
  targetTracks: number;
  /** Search radius around a track's predicted position, as a fraction of the frame width. */
  searchRadius: number;
  /** New tracks keep at least this distance (pixels) from live ones. */
  minDistance: number;
  /** Frames a track may go without a descriptor match before it is declared lost. */
  maxCoastFrames: number;
  /** Frames a lost track stays available for re-identification. */
  maxLostFrames: number;
  /**
   * Start the alignment at the matched keypoint (shifted by the track's offset from its keypoints)
   * rather than at the constant-velocity prediction; the other start is tried when the first fails.
   */
  guideByMatch: boolean;
  /** The aligned position must lie within this many model pixels (scaled to the frame, + 1 px) of its start. */
  alignGate: number;
  /** Largest mean absolute error (intensity levels, brightness and contrast matched) of an aligned window. */
  maxResidual: number;
  /**
   * When a track's window does not align: follow a one-level frame-to-frame LK (forward–backward error
   * ≤ `fbThreshold`) for up to `anchorPatience` frames, then re-anchor where it is. Off: the track is lost.
   */
  fallback: boolean;
  fbThreshold: number;
  anchorPatience: number;
  /**
   * Re-anchor a track (take its current window, where the old one aligned) when its window's affine
   * part has moved this far from the identity (largest entry of A − I): before scale or perspective
   * change stops it aligning at all.
   */
  reanchorDistortion: number;
  /**
   * A keypoint becomes a track only where the min-eigenvalue corner score (5×5 block, (intensity/px)²)
   * at its snapped position reaches max(minBirthScore, birthQuality × the best such score among this
   * frame's candidates): XFeat also fires on edges and blobs a window cannot pin down.
   */
  minBirthScore: number;
  birthQuality: number;
  /** New tracks are added every this many frames (on the others, the frame's keypoints only track). */
  birthInterval: number;
  /**
   * A keypoint is tested for a birth only where the luma gradient energy of the model input around it
   * ((intensity/px)², per frame pixel) reaches this fraction of the corner threshold: a cheap test that
   * skips flat ground (it let through 98–99 % of the keypoints that pass the full test on the shots
   * measured).
   */
  birthPrefilter: number;
  /** Gaussian σ (pixels) of the smoothing before alignment (0 = none): it tames aliased, staircased edges. */
  presmooth: number;
  /** With presmooth 1: the 5-tap binomial kernel [1 4 6 4 1]/16 (variance 1) instead of the sampled Gaussian. */
  binomial: boolean;
  border: number;
  decode: Partial<DecodeOptions>;
  match: Partial<MatchOptions>;
  /** Anchored-window alignment settings (anchors.ts). */
  anchors: Partial<AnchorOptions>;
  /** Stricter matching for re-identification (nothing geometric backs it up). */
  reidMatch: Partial<MatchOptions>;
  /** A lost track is looked for within `searchRadius` × min(reidGrowth, 1 + age/4) of its extrapolation. */
  reidGrowth: number;
}

export const DEFAULT_XFEAT_TRACKER_OPTIONS: XFeatTrackerOptions = {
  inputWidth: 320,
  inputHeight: 224,
  targetTracks: 1000,
  searchRadius: 0.04,
  minDistance: 8,
  maxCoastFrames: Infinity,
  maxLostFrames: 12,
  guideByMatch: false,
  alignGate: 2,
  maxResidual: 20,
  fallback: true,
  fbThreshold: 0.75,
  anchorPatience: 3,
  reanchorDistortion: 0.25,
  minBirthScore: 2,
  birthQuality: 0.012,
  birthInterval: 3,
  birthPrefilter: 1,
  presmooth: 1,
  binomial: true,
  border: 8,
  decode: {},
  match: {},
  anchors: {},
  reidMatch: { ratio: 0.8, minSimilarity: 0.8 },
  reidGrowth: 1.5,
};

/** Counters, and where the time went (milliseconds, summed over frames). */
export interface XFeatTrackingStats {
  frames: number;
  born: number;
  matched: number;
  coasted: number;
  lost: number;
  reidentified: number;
  died: number;
  /** Frames a track followed the frame-to-frame fallback; re-anchorings after it. */
  fellBack: number;
  reanchored: number;
  /** Model runner (session.run), resize to the model input, output decoding, descriptor matching. */
  modelMs: number;
  resizeMs: number;
  decodeMs: number;
  matchMs: number;
  /**
   * Aligning active tracks (frame-to-frame fallback and re-anchoring included), births,
   * re-identification; each with the smoothing of the pixels it reads, which is also totalled in smoothMs.
   */
  alignMs: number;
  birthMs: number;
  reidMs: number;
  /** The rest of push(): bookkeeping, keeping a copy of the frame. */
  otherMs: number;
  /** Of alignMs, birthMs and reidMs: computing the luma and smoothing of the pixels they read. */
  smoothMs: number;
}

/**
 * First field of an XFeat snapshot: the layout of what follows. A state written by an earlier tracker
 * (2: the last frame kept as RGB24; before that, pyramid and template-bank windows, beginning with the
 * options) is refused rather than misread.
 */
const STATE_LAYOUT = 'xfeat-anchored-3';

/** Frames pushAll reads ahead of the one it tracks. */
const READ_AHEAD = 3;

export class XFeatTracker {
  readonly width: number;
  readonly height: number;
  readonly options: XFeatTrackerOptions;
  readonly stats: XFeatTrackingStats = {
    frames: 0,
    born: 0,
    matched: 0,
    coasted: 0,
    lost: 0,
    reidentified: 0,
    died: 0,
    fellBack: 0,
    reanchored: 0,
    modelMs: 0,
    resizeMs: 0,
    decodeMs: 0,
    matchMs: 0,
    alignMs: 0,
    birthMs: 0,
    reidMs: 0,
    otherMs: 0,
    smoothMs: 0,
  };
  private readonly run: XFeatRunner;
  private readonly decoder: XFeatDecoder;
  private readonly decodeOptions: DecodeOptions;
  private readonly matchOptions: MatchOptions;
  private readonly reidOptions: MatchOptions;
  private readonly anchors: AnchorBank;
  private readonly flow: LocalFlow;
  private readonly aligned: AlignResult = { ok: false, x: 0, y: 0, residual: 0, iterations: 0 };
  private readonly fwd: FlowResult = { ok: false, x: 0, y: 0, residual: 0 };
  private readonly bwd: FlowResult = { ok: false, x: 0, y: 0, residual: 0 };
  private readonly recorder = new TrackRecorder();
  private readonly matcher = new GatedMatcher();
  private readonly reidMatcher = new GatedMatcher();
  /** Model pixel size in frame pixels (the larger axis). */
  private readonly scale: number;
  private input: Float32Array | undefined;
  /** The frame being tracked, resized to the model input (one plane of its input). */
  private small: Float32Array = new Float32Array(0);
  private cur: SmoothedFrame;
  private prev: SmoothedFrame;
  /** Whether `prev` holds the frame before (false before the first frame and after a restore without one). */
  private hasPrev = false;
  private frame = -1;
  private nextId = 0;
  private count = 0;
  private ids = new Int32Array(0);
  private xs = new Float32Array(0);
  private ys = new Float32Array(0);
  private vx = new Float32Array(0);
  private vy = new Float32Array(0);
  private miss = new Int32Array(0);
  /** Consecutive frames each track's anchor has failed to align (see `anchorPatience`). */
  private fails = new Int32Array(0);
  private desc = new Float32Array(0);
  /** Each track's position minus that of its last agreeing keypoint. */
  private offX = new Float32Array(0);
  private offY = new Float32Array(0);
  // Scratch (one entry per active track).
  private px = new Float32Array(0);
  private py = new Float32Array(0);
  private sim = new Float32Array(0);
  // Lost tracks, flat: id, frame lost (last seen), position and velocity, descriptor, anchored window.
  private lostCount = 0;
  private lostId = new Int32Array(0);
  private lostFrame = new Int32Array(0);
  private lostXY = new Float64Array(0);
  private lostDesc = new Float32Array(0);
  private lostTpl = new Float64Array(0);
  // Per-frame keypoint scratch.
  private used = new Uint8Array(0);
  private freeIdx = new Int32Array(0);
  private fx = new Float32Array(0);
  private fy = new Float32Array(0);
  private fd = new Float32Array(0);
  private lx = new Float32Array(0);
  private ly = new Float32Array(0);
  private lr = new Float32Array(0);
  private bx = new Float32Array(0);
  private by = new Float32Array(0);
  private bs = new Float32Array(0);
  private readonly corner: Float64Array;
  private readonly grid: PointGrid;
  private keepLost = new Uint8Array(0);

  constructor(width: number, height: number, run: XFeatRunner, options: Partial<XFeatTrackerOptions> = {}) {
    this.width = width;
    this.height = height;
    this.run = run;
    this.options = { ...DEFAULT_XFEAT_TRACKER_OPTIONS, ...options };
    const o = this.options;
    this.decoder = new XFeatDecoder(o.inputWidth, o.inputHeight);
    this.decodeOptions = { ...DEFAULT_DECODE_OPTIONS, ...o.decode };
    this.matchOptions = { ...DEFAULT_MATCH_OPTIONS, ...o.match };
    this.reidOptions = { ...DEFAULT_MATCH_OPTIONS, ...o.reidMatch };
    this.anchors = new AnchorBank(o.anchors);
    this.flow = new LocalFlow(this.anchors.options.halfWindow);
    this.cur = new SmoothedFrame(width, height, o.presmooth, o.binomial);
    this.prev = new SmoothedFrame(width, height, o.presmooth, o.binomial);
    this.scale = Math.max(width / o.inputWidth, height / o.inputHeight);
    const snap = Math.ceil(this.scale);
    this.corner = new Float64Array(4 * (2 * snap + 7) ** 2);
    this.grid = new PointGrid(width, height, o.minDistance, 2 * o.targetTracks);
    this.reserve(o.targetTracks * 2);
  }

  get activeCount(): number {
    return this.count;
  }

  private reserve(n: number): void {
    if (this.ids.length >= n) return;
    const keep = <A extends Float32Array | Int32Array>(a: A, b: A, per = 1): A => {
      b.set(a.subarray(0, this.count * per) as never);
      return b;
    };
    this.ids = keep(this.ids, new Int32Array(n));
    this.xs = keep(this.xs, new Float32Array(n));
    this.ys = keep(this.ys, new Float32Array(n));
    this.vx = keep(this.vx, new Float32Array(n));
    this.vy = keep(this.vy, new Float32Array(n));
    this.miss = keep(this.miss, new Int32Array(n));
    this.fails = keep(this.fails, new Int32Array(n));
    this.desc = keep(this.desc, new Float32Array(n * D), D);
    this.offX = keep(this.offX, new Float32Array(n));
    this.offY = keep(this.offY, new Float32Array(n));
    this.px = new Float32Array(n);
    this.py = new Float32Array(n);
    this.sim = new Float32Array(n);
    this.anchors.reserve(n);
  }

  private reserveLost(n: number): void {
    if (this.lostId.length >= n) return;
    const cap = Math.max(n, 2 * this.lostId.length, 64);
    const m = this.lostCount;
    const size = this.anchors.slotSize;
    const grow = <A extends Float32Array | Float64Array | Int32Array>(a: A, b: A, per: number): A => {
      b.set(a.subarray(0, m * per) as never);
      return b;
    };
    this.lostId = grow(this.lostId, new Int32Array(cap), 1);
    this.lostFrame = grow(this.lostFrame, new Int32Array(cap), 1);
    this.lostXY = grow(this.lostXY, new Float64Array(6 * cap), 6);
    this.lostDesc = grow(this.lostDesc, new Float32Array(cap * D), D);
    this.lostTpl = grow(this.lostTpl, new Float64Array(cap * size), size);
  }

  private reserveKeypoints(n: number): void {
    if (this.used.length >= n) return;
    const cap = Math.max(n, 2 * this.used.length);
    this.used = new Uint8Array(cap);
    this.freeIdx = new Int32Array(cap);
    this.fx = new Float32Array(cap);
    this.fy = new Float32Array(cap);
    this.fd = new Float32Array(cap * D);
    this.bx = new Float32Array(cap);
    this.by = new Float32Array(cap);
    this.bs = new Float32Array(cap);
  }

  /**
   * Tracks into the next frame: 8-bit luma of the tracker's size, one byte per pixel (lumaFrames; read
   * during the call only, the tracker keeps its own copy of what it needs). The model is given it in
   * all three channels (it averages them first); alignment smooths it where it reads it.
   */
  async push(luma: Uint8Array): Promise<void> {
    const o = this.options;
    const t0 = performance.now();
    this.input = lumaToXFeatInput(luma, this.width, this.height, o.inputWidth, o.inputHeight, this.input);
    const t1 = performance.now();
    const outputs = await this.run(this.input, this.inputDims);
    this.stats.resizeMs += t1 - t0;
    this.stats.modelMs += performance.now() - t1;
    this.track(luma, this.input.subarray(0, o.inputWidth * o.inputHeight), outputs);
  }

  /** The model input's shape. */
  get inputDims(): [1, 3, number, number] {
    return [1, 3, this.options.inputHeight, this.options.inputWidth];
  }

  /**
   * Tracks a whole run of frames with the model one frame ahead: frame t+1's inference runs while frame
   * t is tracked, so the runner should run the model off this thread (an InferenceRuntime worker); a
   * runner that blocks gives push()'s speed. Frames are read up to {@link READ_AHEAD} ahead (so a
   * decoder writing into a pipe keeps decoding while this thread waits for the model) and copied (the
   * source may reuse its buffer); each frame's model input is a new buffer the runner may take over.
   * The result is exactly that of push() frame by frame. `stats.modelMs` counts only the time spent
   * waiting for the model.
   */
  async pushAll(frames: AsyncIterable<Uint8Array>, onFrame?: () => void): Promise<void> {
    const o = this.options;
    const waiting: { luma: Uint8Array; small: Float32Array; outputs: Promise<XFeatOutputs> }[] = [];
    const next = async () => {
      const w = waiting.shift() as (typeof waiting)[number];
      const t = performance.now();
      const outputs = await w.outputs;
      this.stats.modelMs += performance.now() - t;
      this.track(w.luma, w.small, outputs);
      onFrame?.();
    };
    try {
      for await (const luma of readAhead(frames, READ_AHEAD, (f) => new Uint8Array(f))) {
        const t = performance.now();
        const input = lumaToXFeatInput(luma, this.width, this.height, o.inputWidth, o.inputHeight);
        const small = input.slice(0, o.inputWidth * o.inputHeight);
        this.stats.resizeMs += performance.now() - t;
        const outputs = this.run(input, this.inputDims);
        // Handled when its frame's turn comes (or below, if an earlier frame fails first).
        outputs.catch(() => undefined);
        waiting.push({ luma, small, outputs });
        if (waiting.length > 1) await next();
      }
      while (waiting.length) await next();
    } finally {
      waiting.length = 0;
    }
  }

  /**
   * Tracks into the next frame, given its luma resized to the model input (`small`, one plane) and the
   * model's outputs for it (see {@link push}).
   */
  private track(luma: Uint8Array, small: Float32Array, outputs: XFeatOutputs): void {
    const t2 = performance.now();
    this.small = small;
    this.frame++;
    this.stats.frames++;
    const o = this.options;
    const kp = this.decoder.decode(outputs, this.width, this.height, this.decodeOptions, true);
    const t3 = performance.now();
    // The frame before becomes `prev` (it owns a copy of its luma, made at the end of its push).
    const spare = this.prev;
    this.prev = this.cur;
    this.cur = spare;
    const prevMs = this.prev.ms;
    this.cur.reset(luma);
    this.reserveKeypoints(kp.count);
    const used = this.used;
    used.fill(0, 0, kp.count);
    const before = this.stats.matchMs + this.stats.alignMs;
    if (this.frame > 0 && this.count > 0) this.step(kp, used);
    const t4 = performance.now();
    const matchBefore = this.stats.matchMs;
    this.reidentify(kp, used);
    const t5 = performance.now();
    const reidMatch = this.stats.matchMs - matchBefore;
    this.birth(kp, used);
    const t6 = performance.now();
    // The caller may reuse its buffer: keep a copy for the next frame's fallback (and snapshots).
    if (o.fallback) this.cur.keep();
    this.hasPrev = o.fallback;
    const t7 = performance.now();
    const st = this.stats;
    const stepMs = st.matchMs - reidMatch + st.alignMs - before;
    st.smoothMs += this.cur.ms + this.prev.ms - prevMs;
    st.decodeMs += t3 - t2;
    st.reidMs += t5 - t4 - reidMatch;
    st.birthMs += t6 - t5;
    // Everything else: swapping frames, the step's bookkeeping outside matching and alignment, the copy.
    st.otherMs += t4 - t3 - stepMs + (t7 - t6);
  }

  private step(kp: Keypoints, used: Uint8Array): void {
    const o = this.options;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      this.px[i] = (this.xs[i] as number) + (this.vx[i] as number);
      this.py[i] = (this.ys[i] as number) + (this.vy[i] as number);
    }
    const radius = o.searchRadius * this.width;
    const tm = performance.now();
    const match = this.matcher.match(
      this.desc,
      this.px,
      this.py,
      n,
      kp.descriptors,
      kp.x,
      kp.y,
      kp.count,
      D,
      radius,
      this.width,
      this.height,
      this.matchOptions,
      this.sim,
    );
    const ta = performance.now();
    this.stats.matchMs += ta - tm;
    const b = o.border;
    const kpGate = 2 * this.scale + 1;
    const gate = o.alignGate * this.scale + 1;
    const r = this.aligned;
    const cur = this.cur;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const j = match[i] as number;
      const ox = this.xs[i] as number;
      const oy = this.ys[i] as number;
      const pxi = this.px[i] as number;
      const pyi = this.py[i] as number;
      const kx = j >= 0 ? (kp.x[j] as number) : pxi;
      const ky = j >= 0 ? (kp.y[j] as number) : pyi;
      this.anchors.move(i, k);
      // Aligned to the anchored window from the prediction, then from the matched keypoint shifted by the
      // track's offset from its keypoints (a keypoint is quantised to model pixels and often sits a few
      // pixels from the corner the track was born on, but moves with it).
      const gx2 = kx + (this.offX[i] as number);
      const gy2 = ky + (this.offY[i] as number);
      const first = o.guideByMatch && j >= 0;
      let sx = first ? gx2 : pxi;
      let sy = first ? gy2 : pyi;
      this.anchors.align(k, cur, sx, sy, r);
      let good = r.ok && r.residual <= o.maxResidual && Math.hypot(r.x - sx, r.y - sy) <= gate;
      if (!good && j >= 0 && Math.hypot(gx2 - pxi, gy2 - pyi) > 1) {
        sx = first ? pxi : gx2;
        sy = first ? pyi : gy2;
        this.anchors.align(k, cur, sx, sy, r);
        good = r.ok && r.residual <= o.maxResidual && Math.hypot(r.x - sx, r.y - sy) <= gate;
      }
      let x = r.x;
      let y = r.y;
      let fails = 0;
      let ok = good;
      let conf = good ? Math.max(0, 1 - r.residual / o.maxResidual) : 0;
      if (!good) {
        ok = false;
        if (o.fallback && this.hasPrev) {
          // Frame to frame from where the track was, checked backward. The backward pass starts as far
          // from the answer as the forward one started from its result (no hint at the answer).
          const f = this.fwd;
          const gx = j >= 0 ? gx2 : pxi;
          const gy = j >= 0 ? gy2 : pyi;
          this.flow.track(this.prev, cur, ox, oy, gx, gy, f);
          if (f.ok && f.residual <= o.maxResidual) {
            const bk = this.bwd;
            this.flow.track(cur, this.prev, f.x, f.y, ox + (f.x - gx), oy + (f.y - gy), bk);
            const fb = Math.hypot(bk.x - ox, bk.y - oy);
            if (bk.ok && fb <= o.fbThreshold) {
              x = f.x;
              y = f.y;
              ok = true;
              fails = (this.fails[i] as number) + 1;
              conf = 0.5 * Math.max(0, 1 - fb / o.fbThreshold);
              this.stats.fellBack++;
              if (fails > o.anchorPatience) {
                fails = 0;
                this.stats.reanchored++;
                if (!this.anchors.anchor(k, cur, x, y)) ok = false;
              }
            }
          }
        }
      }
      ok &&= x >= b && y >= b && x <= this.width - b && y <= this.height - b;
      // The window has changed shape a lot since it was anchored (scale, perspective): take the current
      // one, where the old one aligned, before it stops aligning at all.
      if (ok && good && this.anchors.distortion(k) > o.reanchorDistortion) {
        this.stats.reanchored++;
        if (!this.anchors.anchor(k, cur, x, y)) ok = false;
      }
      // A descriptor match must agree with where the pixels went.
      const agrees = j >= 0 && ok && Math.hypot(x - kx, y - ky) <= kpGate;
      const miss = agrees ? 0 : (this.miss[i] as number) + 1;
      if (!ok || miss > o.maxCoastFrames) {
        this.toLost(i, k);
        continue;
      }
      if (agrees) {
        used[j] = 1;
        this.stats.matched++;
        copy64(kp.descriptors, j * D, this.desc, k * D);
        conf *= Math.max(0, this.sim[i] as number);
        this.offX[k] = x - kx;
        this.offY[k] = y - ky;
      } else {
        this.stats.coasted++;
        this.desc.copyWithin(k * D, i * D, i * D + D);
        conf *= 0.5;
        this.offX[k] = this.offX[i] as number;
        this.offY[k] = this.offY[i] as number;
      }
      const id = this.ids[i] as number;
      this.ids[k] = id;
      this.vx[k] = x - ox;
      this.vy[k] = y - oy;
      this.xs[k] = x;
      this.ys[k] = y;
      this.miss[k] = miss;
      this.fails[k] = fails;
      k++;
      this.recorder.record(this.frame, id, x, y, conf);
    }
    this.count = k;
    this.stats.alignMs += performance.now() - ta;
  }

  /** Track i (its window in slot `slot`) goes to the lost list. */
  private toLost(i: number, slot: number): void {
    this.stats.lost++;
    this.reserveLost(this.lostCount + 1);
    const l = this.lostCount++;
    this.lostId[l] = this.ids[i] as number;
    this.lostFrame[l] = this.frame - 1;
    this.lostXY[6 * l] = this.xs[i] as number;
    this.lostXY[6 * l + 1] = this.ys[i] as number;
    this.lostXY[6 * l + 2] = this.vx[i] as number;
    this.lostXY[6 * l + 3] = this.vy[i] as number;
    this.lostXY[6 * l + 4] = this.offX[i] as number;
    this.lostXY[6 * l + 5] = this.offY[i] as number;
    this.lostDesc.set(this.desc.subarray(i * D, i * D + D), l * D);
    this.anchors.exportSlot(slot, this.lostTpl, l * this.anchors.slotSize);
  }

  /** Keeps the lost entries where keep[l] is set, in order. */
  private compactLost(keep: Uint8Array): void {
    const size = this.anchors.slotSize;
    let m = 0;
    for (let l = 0; l < this.lostCount; l++) {
      if (!keep[l]) continue;
      if (m !== l) {
        this.lostId[m] = this.lostId[l] as number;
        this.lostFrame[m] = this.lostFrame[l] as number;
        this.lostXY.copyWithin(6 * m, 6 * l, 6 * l + 6);
        this.lostDesc.copyWithin(m * D, l * D, l * D + D);
        this.lostTpl.copyWithin(m * size, l * size, l * size + size);
      }
      m++;
    }
    this.lostCount = m;
  }

  private reidentify(kp: Keypoints, used: Uint8Array): void {
    const o = this.options;
    const nL = this.lostCount;
    if (!nL) return;
    if (this.keepLost.length < nL) this.keepLost = new Uint8Array(Math.max(nL, 2 * this.keepLost.length));
    const keep = this.keepLost;
    keep.fill(0, 0, nL);
    let alive = 0;
    for (let l = 0; l < nL; l++) {
      if (this.frame - (this.lostFrame[l] as number) > o.maxLostFrames) this.stats.died++;
      else {
        keep[l] = 1;
        alive++;
      }
    }
    if (alive < nL) this.compactLost(keep);
    const nA = this.lostCount;
    if (!nA || !kp.count) return;
    // Candidates: free keypoints; lost tracks at their extrapolated positions, radius growing with age.
    let nB = 0;
    for (let j = 0; j < kp.count; j++) {
      if (used[j]) continue;
      this.freeIdx[nB] = j;
      this.fx[nB] = kp.x[j] as number;
      this.fy[nB] = kp.y[j] as number;
      copy64(kp.descriptors, j * D, this.fd, nB * D);
      nB++;
    }
    if (!nB) return;
    if (this.lx.length < nA) {
      const cap = Math.max(nA, 2 * this.lx.length);
      this.lx = new Float32Array(cap);
      this.ly = new Float32Array(cap);
      this.lr = new Float32Array(cap);
    }
    // Each lost track is looked for within a radius growing with its age.
    const base = o.searchRadius * this.width;
    for (let l = 0; l < nA; l++) {
      const age = this.frame - (this.lostFrame[l] as number);
      // Where its keypoint would be: extrapolated position minus the track's offset from its keypoints.
      this.lx[l] =
        (this.lostXY[6 * l] as number) +
        (this.lostXY[6 * l + 2] as number) * age -
        (this.lostXY[6 * l + 4] as number);
      this.ly[l] =
        (this.lostXY[6 * l + 1] as number) +
        (this.lostXY[6 * l + 3] as number) * age -
        (this.lostXY[6 * l + 5] as number);
      this.lr[l] = base * Math.min(o.reidGrowth, 1 + age / 4);
    }
    const tm = performance.now();
    const m = this.reidMatcher.match(
      this.lostDesc,
      this.lx,
      this.ly,
      nA,
      this.fd,
      this.fx,
      this.fy,
      nB,
      D,
      o.reidGrowth * base,
      this.width,
      this.height,
      this.reidOptions,
      undefined,
      this.lr,
    );
    this.stats.matchMs += performance.now() - tm;
    const kpGate = 2 * this.scale + 1;
    const size = this.anchors.slotSize;
    const r = this.aligned;
    const remaining = this.keepLost;
    remaining.fill(1, 0, nA);
    let found = 0;
    for (let l = 0; l < nA; l++) {
      const q = m[l] as number;
      const j = q >= 0 ? (this.freeIdx[q] as number) : -1;
      if (j < 0 || used[j]) continue;
      // Verify geometrically: the track's own window (from before it was lost) must align near the
      // keypoint; the aligned position, not the model-resolution keypoint, is where the track resumes.
      this.reserve(this.count + 1);
      this.anchors.importSlot(this.count, this.lostTpl, l * size);
      const kx = kp.x[j] as number;
      const ky = kp.y[j] as number;
      const x0 = kx + (this.lostXY[6 * l + 4] as number);
      const y0 = ky + (this.lostXY[6 * l + 5] as number);
      this.anchors.align(this.count, this.cur, x0, y0, r);
      if (!r.ok || r.residual > o.maxResidual || Math.hypot(r.x - x0, r.y - y0) > kpGate) continue;
      const b = o.border;
      if (r.x < b || r.y < b || r.x > this.width - b || r.y > this.height - b) continue;
      used[j] = 1;
      remaining[l] = 0;
      found++;
      this.add(this.lostId[l] as number, r.x, r.y, kx, ky, kp.descriptors.subarray(j * D, j * D + D), 0.5);
      this.stats.reidentified++;
    }
    if (found) this.compactLost(remaining);
  }

  private add(
    id: number,
    x: number,
    y: number,
    kx: number,
    ky: number,
    desc: Float32Array,
    conf: number,
  ): void {
    const c = this.count++;
    this.offX[c] = x - kx;
    this.offY[c] = y - ky;
    this.ids[c] = id;
    this.xs[c] = x;
    this.ys[c] = y;
    this.vx[c] = 0;
    this.vy[c] = 0;
    this.miss[c] = 0;
    this.fails[c] = 0;
    this.desc.set(desc, c * D);
    this.recorder.record(this.frame, id, x, y, conf);
  }

  /**
   * The strongest min-eigenvalue corner score (5×5 block) at the pixels within `snap` of pixel (cx, cy),
   * on the smoothed frame: its value to bs[q], the pixel centre to bx/by[q]. Ties: the first in raster order.
   */
  private snapCorner(cx: number, cy: number, snap: number, q: number): void {
    const f = this.cur;
    const w = f.width;
    const R = 2 * snap + 5; // gradient products needed: snap window ± the block half (2)
    const x0 = cx - snap - 2;
    const y0 = cy - snap - 2;
    f.ensure(x0 - 1, y0 - 1, x0 + R, y0 + R);
    const s = f.data;
    const c = this.corner;
    const P = R * R;
    // Gradient products over R×R (Scharr /32 on the smoothed pixels), then 5-wide box sums.
    for (let v = 0; v < R; v++) {
      const rc = (y0 + v) * w + x0;
      const ru = rc - w;
      const rd = rc + w;
      for (let u = 0; u < R; u++) {
        const ul = s[ru + u - 1] as number;
        const uc = s[ru + u] as number;
        const ur = s[ru + u + 1] as number;
        const dl = s[rd + u - 1] as number;
        const dc = s[rd + u] as number;
        const dr = s[rd + u + 1] as number;
        const gx =
          (3 * (ur - ul) + 10 * ((s[rc + u + 1] as number) - (s[rc + u - 1] as number)) + 3 * (dr - dl)) / 32;
        const gy = (3 * (dl - ul) + 10 * (dc - uc) + 3 * (dr - ur)) / 32;
        const p = v * R + u;
        c[p] = gx * gx;
        c[P + p] = gx * gy;
        c[2 * P + p] = gy * gy;
      }
    }
    // Horizontal 5-sums into the fourth plane (3 channels × R rows × (R−4) columns fit in P·… space).
    const S = 2 * snap + 1;
    const H = 3 * P; // offset of the horizontal sums: 3 channels × R rows × S columns
    for (let ch = 0; ch < 3; ch++)
      for (let v = 0; v < R; v++) {
        const row = ch * P + v * R;
        for (let u = 0; u < S; u++) {
          const p = row + u;
          c[H + ch * R * S + v * S + u] =
            (c[p] as number) +
            (c[p + 1] as number) +
            (c[p + 2] as number) +
            (c[p + 3] as number) +
            (c[p + 4] as number);
        }
      }
    let best = -1;
    let bx = 0;
    let by = 0;
    const norm = 1 / 25;
    for (let v = 0; v < S; v++)
      for (let u = 0; u < S; u++) {
        let a = 0;
        let b2 = 0;
        let cc = 0;
        for (let t = 0; t < 5; t++) {
          const o = (v + t) * S + u;
          a += c[H + o] as number;
          b2 += c[H + R * S + o] as number;
          cc += c[H + 2 * R * S + o] as number;
        }
        const A = a * norm;
        const B = b2 * norm;
        const C = cc * norm;
        const score = (A + C - Math.sqrt((A - C) * (A - C) + 4 * B * B)) / 2;
        if (score > best) {
          best = score;
          bx = cx - snap + u + 0.5;
          by = cy - snap + v + 0.5;
        }
      }
    this.bs[q] = best;
    this.bx[q] = bx;
    this.by[q] = by;
  }

  /**
   * Mean squared luma gradient ((intensity/px)², per frame pixel) over the 3×3 model-input pixels
   * around frame position (x, y): central differences on the luma resized to the model input, scaled
   * to frame pixels.
   */
  private inputEnergy(x: number, y: number): number {
    const o = this.options;
    const inp = this.small;
    const iw = o.inputWidth;
    const ih = o.inputHeight;
    const mx = Math.min(iw - 2, Math.max(1, Math.floor((x / this.width) * iw)));
    const my = Math.min(ih - 2, Math.max(1, Math.floor((y / this.height) * ih)));
    let e = 0;
    for (let yy = my - 1; yy <= my + 1; yy++)
      for (let xx = mx - 1; xx <= mx + 1; xx++) {
        const q = yy * iw + xx;
        const gx = (inp[q + 1] as number) - (inp[q - 1] as number);
        const gy = (inp[q + iw] as number) - (inp[q - iw] as number);
        e += gx * gx + gy * gy;
      }
    // 0…1 to intensity levels, central difference /2, mean of 9, per model pixel → per frame pixel.
    return (e * 255 * 255) / 4 / 9 / (this.scale * this.scale);
  }

  private birth(kp: Keypoints, used: Uint8Array): void {
    const o = this.options;
    if (this.count >= o.targetTracks || !kp.count) return;
    if (this.frame % o.birthInterval !== 0) return;
    const grid = this.grid;
    grid.clear();
    for (let i = 0; i < this.count; i++) grid.add(this.xs[i] as number, this.ys[i] as number);
    // Keypoints come at model resolution: each is snapped to the strongest corner within the model's
    // pixel footprint so new tracks start on a well-conditioned, precise point. A keypoint whose
    // footprint is certainly too close to a live track is not looked at, nor one on flat ground.
    const snap = Math.ceil(this.scale);
    const near = o.minDistance - (snap + 1) * Math.SQRT2;
    const b = o.border;
    let top = 0;
    for (let j = 0; j < kp.count; j++) {
      this.bs[j] = -1;
      if (used[j]) continue;
      const x = kp.x[j] as number;
      const y = kp.y[j] as number;
      if (x < b || y < b || x > this.width - b || y > this.height - b) continue;
      if (near > 0 && grid.hasNeighbour(x, y, near)) continue;
      // Nearly flat around the keypoint in the model's input: no corner there worth the full test.
      if (o.birthPrefilter > 0) {
        const floor = Math.max(o.minBirthScore, o.birthQuality * top);
        if (this.inputEnergy(x, y) < o.birthPrefilter * floor) continue;
      }
      this.snapCorner(Math.floor(x), Math.floor(y), snap, j);
      if ((this.bs[j] as number) > top) top = this.bs[j] as number;
    }
    const minScore = Math.max(o.minBirthScore, o.birthQuality * top);
    for (let j = 0; j < kp.count && this.count < o.targetTracks; j++) {
      if ((this.bs[j] as number) < minScore) continue;
      const x = this.bx[j] as number;
      const y = this.by[j] as number;
      if (x < b || y < b || x > this.width - b || y > this.height - b) continue;
      if (grid.hasNeighbour(x, y, o.minDistance)) continue;
      this.reserve(this.count + 1);
      if (!this.anchors.anchor(this.count, this.cur, x, y)) continue;
      grid.add(x, y);
      used[j] = 1;
      this.add(
        this.nextId++,
        x,
        y,
        kp.x[j] as number,
        kp.y[j] as number,
        kp.descriptors.subarray(j * D, j * D + D),
        1,
      );
      this.stats.born++;
    }
  }

  result(): TrackSet {
    return this.recorder.build(this.width, this.height, this.frame + 1);
  }

  /** Frames pushed so far (the next push is frame `framesPushed`). */
  get framesPushed(): number {
    return this.frame + 1;
  }

  /**
   * Everything needed to continue tracking, as compact binary (format: tracker-state.ts): a layout tag,
   * options, size, counters and timings, active tracks (ids, positions, velocities, counters,
   * descriptors, anchored windows), the lost list, the last frame's luma (its smoothed pixels are
   * recomputed as they are read) and every observation recorded so far (last). The model runner is not
   * part of it: pass one to {@link XFeatTracker.restore}. Does not change the tracker.
   */
  snapshot(): Uint8Array {
    const w = new StateWriter();
    w.string(STATE_LAYOUT);
    w.string(optionsToJson(this.options));
    w.num(this.width);
    w.num(this.height);
    const s = this.stats as unknown as Record<string, number>;
    const keys = Object.keys(s);
    w.string(keys.join(','));
    w.array(Float64Array.from(keys, (k) => s[k] as number));
    w.num(this.frame);
    w.num(this.nextId);
    const n = this.count;
    w.num(n);
    w.array(this.ids.subarray(0, n));
    w.array(this.xs.subarray(0, n));
    w.array(this.ys.subarray(0, n));
    w.array(this.vx.subarray(0, n));
    w.array(this.vy.subarray(0, n));
    w.array(this.miss.subarray(0, n));
    w.array(this.fails.subarray(0, n));
    w.array(this.desc.subarray(0, n * D));
    w.array(this.offX.subarray(0, n));
    w.array(this.offY.subarray(0, n));
    for (const a of this.anchors.state(n)) w.array(a);
    const nl = this.lostCount;
    w.num(nl);
    w.array(this.lostId.subarray(0, nl));
    w.array(this.lostFrame.subarray(0, nl));
    w.array(this.lostXY.subarray(0, 6 * nl));
    w.array(this.lostDesc.subarray(0, nl * D));
    w.array(this.lostTpl.subarray(0, nl * this.anchors.slotSize));
    w.array(this.hasPrev ? this.cur.source : new Uint8Array(0));
    this.recorder.writeState(w);
    return w.finish(TRACKER_STATE_XFEAT);
  }

  /** A tracker continuing from a {@link snapshot}, running the model through `run`. */
  static restore(bytes: Uint8Array, run: XFeatRunner): XFeatTracker {
    const r = new StateReader(bytes, TRACKER_STATE_XFEAT);
    if (r.string() !== STATE_LAYOUT)
      throw new Error(
        'Tracker state: an XFeat state from another version of the tracker; this job cannot be resumed, track the shot again',
      );
    const options = optionsFromJson<XFeatTrackerOptions>(r.string());
    const t = new XFeatTracker(r.num(), r.num(), run, options);
    const keys = r.string().split(',');
    const vals = r.f64();
    const s = t.stats as unknown as Record<string, number>;
    if (vals.length !== keys.length || keys.some((k) => !(k in s)))
      throw new Error('Tracker state: XFeat statistics do not match');
    keys.forEach((k, i) => (s[k] = vals[i] as number));
    t.frame = r.num();
    t.nextId = r.num();
    const n = r.num();
    const arrays = [r.i32(), r.f32(), r.f32(), r.f32(), r.f32(), r.i32(), r.i32(), r.f32()] as const;
    arrays.forEach((a, i) => {
      if (a.length !== (i === 7 ? n * D : n))
        throw new Error('Tracker state: track arrays do not match their count');
    });
    t.reserve(n);
    t.ids.set(arrays[0]);
    t.xs.set(arrays[1]);
    t.ys.set(arrays[2]);
    t.vx.set(arrays[3]);
    t.vy.set(arrays[4]);
    t.miss.set(arrays[5]);
    t.fails.set(arrays[6]);
    t.desc.set(arrays[7]);
    const offs = [r.f32(), r.f32()];
    if (offs.some((a) => a.length !== n))
      throw new Error('Tracker state: track arrays do not match their count');
    t.offX.set(offs[0] as Float32Array);
    t.offY.set(offs[1] as Float32Array);
    t.count = n;
    if (t.anchors.setState(r.f32(), r.f64()) !== n)
      throw new Error('Tracker state: anchored windows do not match the tracks');
    const nl = r.num();
    const lid = r.i32();
    const lframe = r.i32();
    const lxy = r.f64();
    const ldesc = r.f32();
    const ltpl = r.f64();
    if (
      lid.length !== nl ||
      lframe.length !== nl ||
      lxy.length !== 6 * nl ||
      ldesc.length !== nl * D ||
      ltpl.length !== nl * t.anchors.slotSize
    )
      throw new Error('Tracker state: lost list does not match its count');
    t.reserveLost(nl);
    t.lostCount = nl;
    t.lostId.set(lid);
    t.lostFrame.set(lframe);
    t.lostXY.set(lxy);
    t.lostDesc.set(ldesc);
    t.lostTpl.set(ltpl);
    const last = r.u8();
    if (last.length) {
      if (last.length !== t.width * t.height) throw new Error('Tracker state: last frame has the wrong size');
      t.cur.reset(last);
      t.cur.keep();
      t.hasPrev = true;
    }
    t.recorder.readState(r);
    r.end();
    return t;
  }
}

/** dst[to…to+64) = src[from…from+64) (descriptor rows; no subarray views in the per-track loops). */
function copy64(src: Float32Array, from: number, dst: Float32Array, to: number): void {
  for (let d = 0; d < D; d++) dst[to + d] = src[from + d] as number;
}
