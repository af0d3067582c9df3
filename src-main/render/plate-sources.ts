/**
 * A shot's frames as reprojection sources for a render: colour at the shot's resolution with 16 bits per
 * channel (ffmpeg's rgb48le: an 8-bit source is scaled exactly, ×257), the whole depth map with its
 * infinity states, and the source camera. Frames are decoded in short runs (the windows of neighbouring
 * target frames overlap) and kept in a cache bounded in bytes, so a 4K shot of any length stays within
 * a fixed amount of memory.
 */
import { decodeFrames, type MediaFacts } from '../media';
import { ApiError } from '../../src-shared/api/contract';
import type { Camera, PathSample } from '../../src-shared/geometry';
import { DepthSources } from '../paths/depth-sources';
import { shotMedia } from '../shots';
import type { Project, ShotRecord } from '../store';
import type { PlateSource } from './reproject';
import { chooseWindow, WINDOW_GRID_WIDTH } from './render-window';

/** Colour kept decoded, in bytes (about 14 frames of 4K, 60 of 1080p). */
const COLOUR_BUDGET_BYTES = 768 * 1024 * 1024;
/** Frames decoded in one run when a frame is missing. */
const DECODE_RUN = 6;

export class PlateSources {
  readonly facts: MediaFacts;
  private readonly depth: DepthSources;
  private readonly coarse: DepthSources;
  private readonly colour = new Map<number, Uint16Array>();
  private readonly capacity: number;

  constructor(
    private readonly project: Project,
    private readonly shot: ShotRecord,
    window: number,
    /** The camera only turns: depth is ignored and every pixel is at infinity (the rotation homography). */
    private readonly rotationOnly = false,
  ) {
    this.facts = shotMedia(project, shot);
    const d = project.analysis.depth(shot.id);
    if (!d) throw new ApiError('not-found', `Shot '${shot.name}' has no depth yet: analyse it first.`);
    this.depth = new DepthSources(project, shot, d.width);
    this.coarse = new DepthSources(project, shot, WINDOW_GRID_WIDTH);
    const frameBytes = shot.width * shot.height * 6;
    this.capacity = Math.max(window + 1, Math.min(64, Math.floor(COLOUR_BUDGET_BYTES / frameBytes)));
  }

  /** The target camera of a path sample (the source camera's aspect and principal point). */
  targetCamera(s: PathSample): Camera {
    return this.depth.targetCamera(s);
  }

  get cameras(): readonly Camera[] {
    return this.depth.cameras;
  }

  /** The window for the target camera of shot frame `frame` (render-window.ts). */
  windowFor(target: Camera, count: number, frame?: number): Promise<{ frames: number[]; primary: boolean }> {
    return chooseWindow(target, count, frame, {
      cameras: this.coarse.cameras,
      // a rotation-only shot has no scene depth; its cameras are all at one place, ranked by angle alone
      sceneDepths: this.rotationOnly ? this.coarse.medians.map(() => 1) : this.coarse.medians,
      coarse: async (f) => this.asDirections(await this.coarse.source(f)),
      stride: this.coarse.stride,
    });
  }

  /** The frames as reprojection sources, in the given order. */
  async load(frames: readonly number[], signal?: AbortSignal): Promise<PlateSource[]> {
    const out: PlateSource[] = [];
    for (const f of frames) {
      const colour = await this.colourOf(f, signal);
      const d = this.asDirections(await this.depth.source(f));
      out.push({
        camera: this.depth.cameras[f]!,
        width: this.shot.width,
        height: this.shot.height,
        colour,
        depthWidth: d.width,
        depthHeight: d.height,
        depth: d.depth,
        infinity: d.infinity ?? null,
      });
    }
    return out;
  }

  /** For a rotation-only shot, a depth map as all directions. */
  private asDirections<T extends { depth: Float32Array; infinity?: Uint8Array }>(d: T): T {
    if (!this.rotationOnly) return d;
    return {
      ...d,
      depth: new Float32Array(d.depth.length),
      infinity: new Uint8Array(d.depth.length).fill(1),
    };
  }

  /** Decodes under way, by the frame they start at (two windows loading at once share one). */
  private readonly decoding = new Map<number, Promise<void>>();

  private async colourOf(f: number, signal?: AbortSignal): Promise<Uint16Array> {
    for (;;) {
      const hit = this.colour.get(f);
      if (hit) {
        this.colour.delete(f);
        this.colour.set(f, hit);
        return hit;
      }
      // a run under way that may hold f: wait for it, then look again
      const pending = [...this.decoding.entries()].find(([start]) => start <= f && f < start + DECODE_RUN);
      if (!pending) break;
      await pending[1];
    }
    let done!: () => void;
    this.decoding.set(f, new Promise<void>((r) => (done = r)));
    try {
      return await this.decodeRun(f, signal);
    } finally {
      this.decoding.delete(f);
      done();
    }
  }

  private async decodeRun(f: number, signal?: AbortSignal): Promise<Uint16Array> {
    // decode a short run from f: the frames after it are usually the next windows' frames
    let count = 1;
    while (count < DECODE_RUN && f + count < this.shot.frameCount && !this.colour.has(f + count)) count++;
    let got: Uint16Array | undefined;
    for await (const frame of decodeFrames(this.facts, {
      start: f,
      count,
      width: this.shot.width,
      height: this.shot.height,
      pixelFormat: 'rgb48le',
      signal,
    })) {
      const n = frame.width * frame.height * 3;
      if (frame.width !== this.shot.width || frame.height !== this.shot.height)
        throw new ApiError(
          'internal',
          `${this.facts.path}: frame ${frame.index} decoded at ${frame.width}×${frame.height}, not the shot's ${this.shot.width}×${this.shot.height}.`,
        );
      // rgb48le: copy out of ffmpeg's buffer (reused between frames), little-endian as the machine is, into
      // shared memory: the render workers read it without a copy
      const px = new Uint16Array(new SharedArrayBuffer(2 * n));
      const bytes = frame.data;
      for (let i = 0, b = 0; i < n; i++, b += 2) px[i] = bytes[b]! | (bytes[b + 1]! << 8);
      this.keep(frame.index, px);
      if (frame.index === f) got = px;
    }
    if (!got)
      throw new ApiError('internal', `${this.facts.path}: frame ${f} could not be decoded for the render.`);
    return got;
  }

  private keep(f: number, px: Uint16Array): void {
    this.colour.set(f, px);
    while (this.colour.size > this.capacity) this.colour.delete(this.colour.keys().next().value!);
  }
}
