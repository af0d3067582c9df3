/**
 * XFeat tracking: per frame, XFeat keypoints and descriptors; active tracks are matched to them by gated
 * mutual nearest neighbours + ratio test around their predicted positions; each match is refined to
 * subpixel at full resolution (pyramidal LK from the previous frame, started at the keypoint, with a
 * forward–backward check, then the anchored affine re-alignment shared with KLT). A track the detector
 * misses coasts on LK for a few frames; one that fails goes to a lost list and can be re-identified by
 * descriptor within `maxLostFrames`. Free keypoints away from existing tracks are born as new tracks.
 */
import { gaussianBlur, gaussianKernel } from '../blur';
import { CornerDetector } from '../corners';
import { createGray, type GrayImage } from '../image';
import { LK_OK, LucasKanade } from '../lucas-kanade';
import { PointGrid } from '../point-grid';
import { buildPyramid, pyramidDepth, type Pyramid } from '../pyramid';
import { TemplateBank, type RefineResult, type TemplateOptions } from '../template-bank';
import { TrackRecorder, type TrackSet } from '../track-set';
import {
  optionsFromJson,
  optionsToJson,
  StateReader,
  StateWriter,
  TRACKER_STATE_XFEAT,
} from '../tracker-state';
import { XFEAT_DESCRIPTOR_DIM as D, type XFeatRunner } from './contract';
import { DEFAULT_DECODE_OPTIONS, XFeatDecoder, type DecodeOptions, type Keypoints } from './decode';
import { DEFAULT_MATCH_OPTIONS, matchGated, type MatchOptions } from './match';
import { rgbToXFeatInput } from './preprocess';

export interface XFeatTrackerOptions {
  /** Model input size (fixed by the ONNX graph). */
  inputWidth: number;
  inputHeight: number;
  targetTracks: number;
  /** Search radius around a track's predicted position, as a fraction of the frame width. */
  searchRadius: number;
  /** New tracks keep at least this distance (pixels) from live ones. */
  minDistance: number;
  /** Frames a track may go without a descriptor match (coasting on LK) before it is declared lost. */
  maxCoastFrames: number;
  /** Frames a lost track stays available for re-identification. */
  maxLostFrames: number;
  /** Start LK at the matched keypoint (helps fast motion) rather than at the constant-velocity prediction. */
  guideByMatch: boolean;
  fbThreshold: number;
  maxResidual: number;
  anchorGate: number;
  /** As in KLT: frames a track may follow LK without its anchor aligning before it is re-anchored. */
  anchorPatience: number;
  /**
   * A keypoint becomes a track only where the min-eigenvalue corner score (5×5 block, (intensity/px)²)
   * at its snapped position reaches max(minBirthScore, birthQuality × the frame's best score) — the same
   * rule as KLT's corners: XFeat also fires on edges and blobs a window cannot pin down.
   */
  minBirthScore: number;
  birthQuality: number;
  presmooth: number;
  border: number;
  decode: Partial<DecodeOptions>;
  match: Partial<MatchOptions>;
  /** Anchored re-alignment (template-bank) settings (window fixed at 15×15). */
  templates: Partial<TemplateOptions>;
  /** Stricter matching for re-identification (nothing geometric backs it up). */
  reidMatch: Partial<MatchOptions>;
}

export const DEFAULT_XFEAT_TRACKER_OPTIONS: XFeatTrackerOptions = {
  inputWidth: 320,
  inputHeight: 224,
  targetTracks: 1000,
  searchRadius: 0.06,
  minDistance: 8,
  maxCoastFrames: Infinity,
  maxLostFrames: 12,
  guideByMatch: true,
  fbThreshold: 0.75,
  maxResidual: 20,
  anchorGate: 1.5,
  anchorPatience: 3,
  minBirthScore: 2,
  birthQuality: 0.01,
  presmooth: 1,
  border: 8,
  decode: {},
  match: {},
  templates: {},
  reidMatch: { ratio: 0.8, minSimilarity: 0.8 },
};

export interface XFeatTrackingStats {
  frames: number;
  born: number;
  matched: number;
  coasted: number;
  lost: number;
  reidentified: number;
  died: number;
  /** Milliseconds in the model runner, in the adapter (resize + decode) and matching, and in the rest of push() (pyramid, LK, refinement, track management). */
  modelMs: number;
  adapterMs: number;
  matchMs: number;
  otherMs: number;
}

interface Lost {
  id: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  frame: number;
  desc: Float32Array;
  template: Float64Array;
}

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
    modelMs: 0,
    adapterMs: 0,
    matchMs: 0,
    otherMs: 0,
  };
  private readonly run: XFeatRunner;
  private readonly decoder: XFeatDecoder;
  private readonly lk = new LucasKanade({ halfWindow: 7 });
  private readonly templates: TemplateBank;
  private readonly refined: RefineResult = { ok: false, x: 0, y: 0, residual: 0 };
  private readonly recorder = new TrackRecorder();
  private readonly kernel: Float32Array | null;
  private readonly blurTmp: Float32Array;
  private readonly levels: number;
  private readonly corners: CornerDetector;
  private input: Float32Array | undefined;
  private prev: Pyramid | null = null;
  private spare: Pyramid | undefined;
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
  private lost: Lost[] = [];
  // Scratch (one entry per active track).
  private px = new Float32Array(0);
  private py = new Float32Array(0);
  private gx = new Float32Array(0);
  private gy = new Float32Array(0);
  private fx = new Float32Array(0);
  private fy = new Float32Array(0);
  private bx = new Float32Array(0);
  private by = new Float32Array(0);
  private st = new Uint8Array(0);
  private stb = new Uint8Array(0);
  private res = new Float32Array(0);
  private resb = new Float32Array(0);
  private sim = new Float32Array(0);

  constructor(width: number, height: number, run: XFeatRunner, options: Partial<XFeatTrackerOptions> = {}) {
    this.width = width;
    this.height = height;
    this.run = run;
    this.options = { ...DEFAULT_XFEAT_TRACKER_OPTIONS, ...options };
    this.templates = new TemplateBank({ ...this.options.templates, halfWindow: 7 });
    this.decoder = new XFeatDecoder(this.options.inputWidth, this.options.inputHeight);
    this.kernel = this.options.presmooth > 0 ? gaussianKernel(this.options.presmooth) : null;
    this.blurTmp = new Float32Array(this.kernel ? width * height : 0);
    this.levels = pyramidDepth(width, height, 3);
    this.corners = new CornerDetector(width, height);
    this.reserve(this.options.targetTracks * 2);
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
    for (const k of ['px', 'py', 'gx', 'gy', 'fx', 'fy', 'bx', 'by', 'res', 'resb', 'sim'] as const)
      this[k] = new Float32Array(n);
    this.st = new Uint8Array(n);
    this.stb = new Uint8Array(n);
    this.templates.reserve(n);
  }

  /** Tracks into the next frame: interleaved RGB24 of the tracker's size. */
  async push(rgb: Uint8Array, gray: GrayImage): Promise<void> {
    const t0 = performance.now();
    const o = this.options;
    this.frame++;
    this.stats.frames++;
    this.input = rgbToXFeatInput(rgb, this.width, this.height, o.inputWidth, o.inputHeight, this.input);
    const t1 = performance.now();
    const outputs = await this.run(this.input, [1, 3, o.inputHeight, o.inputWidth]);
    const t2 = performance.now();
    const kp = this.decoder.decode(
      outputs,
      this.width,
      this.height,
      { ...DEFAULT_DECODE_OPTIONS, ...o.decode },
      true,
    );
    const t3 = performance.now();
    const matchBefore = this.stats.matchMs;
    const base = this.spare?.levels[0]?.image ?? createGray(this.width, this.height);
    if (this.kernel) gaussianBlur(gray, base, this.kernel, this.blurTmp);
    else base.data.set(gray.data);
    const next = buildPyramid(base, this.levels, this.spare);
    const used = new Uint8Array(kp.count);
    if (this.prev) this.step(this.prev, next, kp, used);
    this.reidentify(next, kp, used);
    this.birth(next, kp, used);
    this.spare = this.prev ?? undefined;
    this.prev = next;
    this.stats.modelMs += t2 - t1;
    this.stats.adapterMs += t1 - t0 + (t3 - t2);
    this.stats.otherMs += performance.now() - t3 - (this.stats.matchMs - matchBefore);
  }

  private step(prev: Pyramid, next: Pyramid, kp: Keypoints, used: Uint8Array): void {
    const o = this.options;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      this.px[i] = (this.xs[i] as number) + (this.vx[i] as number);
      this.py[i] = (this.ys[i] as number) + (this.vy[i] as number);
    }
    const radius = o.searchRadius * this.width;
    const tm = performance.now();
    const match = matchGated(
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
      { ...DEFAULT_MATCH_OPTIONS, ...o.match },
      this.sim,
    );
    this.stats.matchMs += performance.now() - tm;
    for (let i = 0; i < n; i++) {
      const j = match[i] as number;
      this.gx[i] = j >= 0 && o.guideByMatch ? (kp.x[j] as number) : (this.px[i] as number);
      this.gy[i] = j >= 0 && o.guideByMatch ? (kp.y[j] as number) : (this.py[i] as number);
    }
    this.lk.track(prev, next, this.xs, this.ys, n, this.fx, this.fy, this.st, this.res, this.gx, this.gy);
    // Backward from where the forward pass landed, with no hint: a hint would make the check pass trivially.
    this.lk.track(next, prev, this.fx, this.fy, n, this.bx, this.by, this.stb, this.resb);
    const level0 = next.levels[0];
    const b = o.border;
    const kpGate = 2 * Math.max(this.width / o.inputWidth, this.height / o.inputHeight) + 1;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = this.fx[i] as number;
      const y = this.fy[i] as number;
      const j = match[i] as number;
      const fb = Math.hypot(
        (this.bx[i] as number) - (this.xs[i] as number),
        (this.by[i] as number) - (this.ys[i] as number),
      );
      let ok =
        this.st[i] === LK_OK &&
        this.stb[i] === LK_OK &&
        fb <= o.fbThreshold &&
        (this.res[i] as number) <= o.maxResidual;
      ok &&= x >= b && y >= b && x <= this.width - b && y <= this.height - b;
      // A descriptor match must agree with where the pixels went.
      const agrees = j >= 0 && ok && Math.hypot(x - (kp.x[j] as number), y - (kp.y[j] as number)) <= kpGate;
      const miss = agrees ? 0 : (this.miss[i] as number) + 1;
      let fx = x;
      let fy = y;
      let conf = 0;
      let fails = 0;
      if (ok && level0) {
        this.templates.move(i, k);
        const r = this.refined;
        this.templates.refine(k, level0.image, x, y, r);
        if (r.ok && Math.hypot(r.x - x, r.y - y) <= o.anchorGate && r.residual <= o.maxResidual) {
          fx = r.x;
          fy = r.y;
        } else if ((fails = (this.fails[i] as number) + 1) > o.anchorPatience) {
          fails = 0;
          if (!this.templates.anchor(k, level0.image, level0.grad.gx, level0.grad.gy, x, y)) ok = false;
        }
        conf = Math.max(0, 1 - fb / o.fbThreshold) * (agrees ? Math.max(0, this.sim[i] as number) : 0.5);
        if (fails > 0) conf *= 0.5;
      }
      if (!ok || miss > o.maxCoastFrames) {
        this.toLost(i);
        continue;
      }
      if (agrees) {
        used[j] = 1;
        this.stats.matched++;
        this.desc.set(kp.descriptors.subarray(j * D, j * D + D), k * D);
      } else {
        this.stats.coasted++;
        this.desc.copyWithin(k * D, i * D, i * D + D);
      }
      this.ids[k] = this.ids[i] as number;
      this.vx[k] = fx - (this.xs[i] as number);
      this.vy[k] = fy - (this.ys[i] as number);
      this.xs[k] = fx;
      this.ys[k] = fy;
      this.miss[k] = miss;
      this.fails[k] = fails;
      k++;
      this.recorder.record(this.frame, this.ids[k - 1] as number, fx, fy, conf);
    }
    this.count = k;
  }

  private toLost(i: number): void {
    this.stats.lost++;
    this.lost.push({
      id: this.ids[i] as number,
      x: this.xs[i] as number,
      y: this.ys[i] as number,
      vx: this.vx[i] as number,
      vy: this.vy[i] as number,
      frame: this.frame - 1,
      desc: this.desc.slice(i * D, i * D + D),
      template: this.templates.exportSlot(i),
    });
  }

  private reidentify(pyr: Pyramid, kp: Keypoints, used: Uint8Array): void {
    const o = this.options;
    const keep: Lost[] = [];
    for (const l of this.lost) {
      if (this.frame - l.frame > o.maxLostFrames) this.stats.died++;
      else keep.push(l);
    }
    this.lost = keep;
    if (!keep.length || !kp.count) return;
    // Candidates: free keypoints; lost tracks at their extrapolated positions, radius growing with age.
    const free: number[] = [];
    for (let j = 0; j < kp.count; j++) if (!used[j]) free.push(j);
    if (!free.length) return;
    const nB = free.length;
    const bx = new Float32Array(nB);
    const by = new Float32Array(nB);
    const bd = new Float32Array(nB * D);
    free.forEach((j, q) => {
      bx[q] = kp.x[j] as number;
      by[q] = kp.y[j] as number;
      bd.set(kp.descriptors.subarray(j * D, j * D + D), q * D);
    });
    const nA = keep.length;
    const ax = new Float32Array(nA);
    const ay = new Float32Array(nA);
    const ad = new Float32Array(nA * D);
    let maxAge = 1;
    keep.forEach((l, i) => {
      const age = this.frame - l.frame;
      maxAge = Math.max(maxAge, age);
      ax[i] = l.x + l.vx * age;
      ay[i] = l.y + l.vy * age;
      ad.set(l.desc, i * D);
    });
    const radius = o.searchRadius * this.width * Math.min(3, 1 + maxAge / 4);
    const tm = performance.now();
    const m = matchGated(ad, ax, ay, nA, bd, bx, by, nB, D, radius, this.width, this.height, {
      ...DEFAULT_MATCH_OPTIONS,
      ...o.reidMatch,
    });
    this.stats.matchMs += performance.now() - tm;
    const level0 = pyr.levels[0];
    if (!level0) return;
    const remaining: Lost[] = [];
    keep.forEach((l, i) => {
      const q = m[i] as number;
      const j = q >= 0 ? (free[q] as number) : -1;
      if (j < 0 || used[j]) {
        remaining.push(l);
        return;
      }
      // Verify geometrically: the track's own template (from before it was lost) must align near the
      // keypoint; the aligned position, not the model-resolution keypoint, is where the track resumes.
      this.reserve(this.count + 1);
      this.templates.importSlot(this.count, l.template);
      const r = this.refined;
      this.templates.refine(this.count, level0.image, kp.x[j] as number, kp.y[j] as number, r);
      const kpGate = 2 * Math.max(this.width / o.inputWidth, this.height / o.inputHeight) + 1;
      if (
        !r.ok ||
        r.residual > o.maxResidual ||
        Math.hypot(r.x - (kp.x[j] as number), r.y - (kp.y[j] as number)) > kpGate
      ) {
        remaining.push(l);
        return;
      }
      const x = r.x;
      const y = r.y;
      used[j] = 1;
      this.add(l.id, x, y, kp.descriptors.subarray(j * D, j * D + D), 0.5);
      this.stats.reidentified++;
    });
    this.lost = remaining;
  }

  private add(id: number, x: number, y: number, desc: Float32Array, conf: number): void {
    const c = this.count++;
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

  private birth(pyr: Pyramid, kp: Keypoints, used: Uint8Array): void {
    const o = this.options;
    const level0 = pyr.levels[0];
    if (!level0 || this.count >= o.targetTracks) return;
    const grid = new PointGrid(this.width, this.height, o.minDistance, this.count + kp.count + 16);
    // Keypoints come at model resolution: snap each to the strongest corner (min-eigenvalue maximum)
    // within the model's pixel footprint so new tracks start on a well-conditioned, precise point.
    const score = this.corners.minEigenMap(level0.grad, 2);
    const snap = Math.ceil(Math.max(this.width / o.inputWidth, this.height / o.inputHeight));
    let top = 0;
    for (let i = 0; i < score.length; i++) if ((score[i] as number) > top) top = score[i] as number;
    const minScore = Math.max(o.minBirthScore, o.birthQuality * top);
    for (let i = 0; i < this.count; i++) grid.add(this.xs[i] as number, this.ys[i] as number);
    const b = o.border;
    for (let j = 0; j < kp.count && this.count < o.targetTracks; j++) {
      if (used[j]) continue;
      let x = kp.x[j] as number;
      let y = kp.y[j] as number;
      if (x < b || y < b || x > this.width - b || y > this.height - b) continue;
      let best = -1;
      const cx = Math.floor(x);
      const cy = Math.floor(y);
      for (let yy = cy - snap; yy <= cy + snap; yy++) {
        for (let xx = cx - snap; xx <= cx + snap; xx++) {
          const v = score[yy * this.width + xx] as number;
          if (v > best) {
            best = v;
            x = xx + 0.5;
            y = yy + 0.5;
          }
        }
      }
      if (best < minScore || grid.hasNeighbour(x, y, o.minDistance)) continue;
      this.reserve(this.count + 1);
      if (!this.templates.anchor(this.count, level0.image, level0.grad.gx, level0.grad.gy, x, y)) continue;
      grid.add(x, y);
      used[j] = 1;
      this.add(this.nextId++, x, y, kp.descriptors.subarray(j * D, j * D + D), 1);
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
   * Everything needed to continue tracking, as compact binary (format: tracker-state.ts): options, size,
   * counters and timings, active tracks (ids, positions, velocities, coast counters, descriptors,
   * template-bank windows), the lost list (with descriptors and windows), the last frame's smoothed
   * pixels (its pyramid is rebuilt from them) and every observation recorded so far. The model runner is
   * not part of it: pass one to {@link XFeatTracker.restore}. Does not change the tracker.
   */
  snapshot(): Uint8Array {
    const w = new StateWriter();
    w.string(optionsToJson(this.options));
    w.num(this.width);
    w.num(this.height);
    const s = this.stats;
    for (const v of [
      s.frames,
      s.born,
      s.matched,
      s.coasted,
      s.lost,
      s.reidentified,
      s.died,
      s.modelMs,
      s.adapterMs,
      s.matchMs,
      s.otherMs,
    ])
      w.num(v);
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
    this.templates.writeState(w, n);
    const nl = this.lost.length;
    const scalars = new Float64Array(6 * nl);
    const descs = new Float32Array(nl * D);
    // A lost track's window: its single-precision part (pixels, gradients, affine) as f32, exactly; the
    // normal-matrix inverses as f64.
    const size = this.templates.slotSize;
    const single = this.templates.singleSize;
    const tpl32 = new Float32Array(nl * single);
    const tpl64 = new Float64Array(nl * (size - single));
    this.lost.forEach((l, i) => {
      scalars.set([l.id, l.x, l.y, l.vx, l.vy, l.frame], 6 * i);
      descs.set(l.desc, i * D);
      tpl32.set(l.template.subarray(0, single), i * single);
      tpl64.set(l.template.subarray(single), i * (size - single));
    });
    w.num(nl);
    w.array(scalars);
    w.array(descs);
    w.array(tpl32);
    w.array(tpl64);
    const base = this.prev?.levels[0]?.image;
    w.array(base ? base.data : new Float32Array(0));
    this.recorder.writeState(w);
    return w.finish(TRACKER_STATE_XFEAT);
  }

  /** A tracker continuing from a {@link snapshot}, running the model through `run`. */
  static restore(bytes: Uint8Array, run: XFeatRunner): XFeatTracker {
    const r = new StateReader(bytes, TRACKER_STATE_XFEAT);
    const options = optionsFromJson<XFeatTrackerOptions>(r.string());
    const t = new XFeatTracker(r.num(), r.num(), run, options);
    const s = t.stats;
    s.frames = r.num();
    s.born = r.num();
    s.matched = r.num();
    s.coasted = r.num();
    s.lost = r.num();
    s.reidentified = r.num();
    s.died = r.num();
    s.modelMs = r.num();
    s.adapterMs = r.num();
    s.matchMs = r.num();
    s.otherMs = r.num();
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
    t.count = n;
    if (t.templates.readState(r) !== n)
      throw new Error('Tracker state: template bank does not match the tracks');
    const nl = r.num();
    const scalars = r.f64();
    const descs = r.f32();
    const tpl32 = r.f32();
    const tpl64 = r.f64();
    const size = t.templates.slotSize;
    const single = t.templates.singleSize;
    if (
      scalars.length !== 6 * nl ||
      descs.length !== nl * D ||
      tpl32.length !== nl * single ||
      tpl64.length !== nl * (size - single)
    )
      throw new Error('Tracker state: lost list does not match its count');
    for (let i = 0; i < nl; i++) {
      const template = new Float64Array(size);
      template.set(tpl32.subarray(i * single, (i + 1) * single));
      template.set(tpl64.subarray(i * (size - single), (i + 1) * (size - single)), single);
      t.lost.push({
        id: scalars[6 * i] as number,
        x: scalars[6 * i + 1] as number,
        y: scalars[6 * i + 2] as number,
        vx: scalars[6 * i + 3] as number,
        vy: scalars[6 * i + 4] as number,
        frame: scalars[6 * i + 5] as number,
        desc: descs.slice(i * D, i * D + D),
        template,
      });
    }
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
