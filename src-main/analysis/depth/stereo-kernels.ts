/**
 * The WebAssembly stereo kernels (native/stereo/kernels.ts, SIMD) behind the coarse-to-fine scorer: one
 * hypothesis surface scored against every view — warp, NCC, aggregation over the views that saw each
 * pixel — in the module's memory, so a hypothesis costs one copy in (the surface) and one out (the
 * aggregated cost). The results are bit-identical to the TypeScript functions they mirror (warpSurface,
 * nccCost, aggregateSeen), which stay the reference; tests compare the two.
 *
 * One module instance per thread (each worker has its own). A scorer lays out its data from the start of
 * the memory; a scorer made later takes the memory over, and an older one uploads its data again the
 * next time it scores (so interleaving scorers is correct, only slower).
 */
import type { FloatImage } from './image';
import type { RefStats } from './plane-sweep';
import type { SweepGeometry } from './homography';
import { STEREO_KERNELS_WASM } from './stereo-kernels.wasm';

/** The parts of the WebAssembly API used here (Node has it; this project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface Exports {
  memory: WasmMemory;
  warpSurface(
    src: number,
    sw: number,
    sh: number,
    geo: number,
    rho: number,
    hasRho: number,
    delta: number,
    width: number,
    height: number,
    out: number,
    mask: number,
  ): void;
  nccCost(
    image: number,
    warped: number,
    mask: number,
    count: number,
    sI: number,
    varSum: number,
    textured: number,
    cost: number,
    W: number,
    H: number,
    r: number,
    cols: number,
  ): void;
  aggregateSeen(costs: number, N: number, k: number, agg: number, n: number, best: number): void;
}

let instance: Exports | null | undefined;
/** Which scorer's data the memory holds. */
let owner = 0;
let nextOwner = 1;

/** The kernels, or null where this runtime has no WebAssembly SIMD (then the TypeScript kernels run). */
export function stereoKernels(): Exports | null {
  if (instance !== undefined) return instance;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(Buffer.from(STEREO_KERNELS_WASM, 'base64'));
    instance = new wasm.Instance(module, {}).exports as Exports;
  } catch {
    instance = null;
  }
  return instance;
}

const PAGE = 65536;
const align16 = (n: number) => (n + 15) & ~15;

/** Makes `id` the owner of the module's memory, grown to at least `bytes`; the memory's buffer. */
function claim(kernels: Exports, id: number, bytes: number): ArrayBuffer {
  const mem = kernels.memory;
  const need = bytes - mem.buffer.byteLength;
  if (need > 0) mem.grow(Math.ceil(need / PAGE));
  owner = id;
  return mem.buffer;
}

/** Lays out regions one after another, 16-byte aligned, from byte `from`: their offsets and the end. */
function layout<K extends string>(
  sizes: Record<K, number>,
  from = 0,
): { at: Record<K, number>; end: number } {
  let end = from;
  const at = {} as Record<K, number>;
  for (const k of Object.keys(sizes) as K[]) {
    at[k] = end;
    end += align16(sizes[k]);
  }
  return { at, end };
}

/** A view to match against: its image at the scorer's size and the plane-sweep geometry to it. */
export interface KernelView {
  image: FloatImage;
  geometry: SweepGeometry;
}

/**
 * Scores hypothesis surfaces of one reference against its views (coarse-to-fine.ts Scorer, in
 * WebAssembly): per view, the view warped through ρ(p) + delta and 1 − NCC against the reference; then
 * the mean of the k lowest costs among the views that measured the pixel.
 */
export class WasmScorer {
  private readonly id = nextOwner++;
  private readonly n: number;
  private readonly layout: Record<
    | 'image'
    | 'count'
    | 'sI'
    | 'varSum'
    | 'textured'
    | 'warped'
    | 'mask'
    | 'costs'
    | 'rho'
    | 'agg'
    | 'cols'
    | 'geo'
    | 'best'
    | 'views',
    number
  >;
  private readonly bytes: number;

  constructor(
    private readonly kernels: Exports,
    private readonly ref: FloatImage,
    private readonly views: readonly KernelView[],
    private readonly st: RefStats,
    private readonly r: number,
    private readonly k: number,
  ) {
    const { width: W, height: H } = ref;
    if (W < 2 || H < 2) throw new RangeError(`WasmScorer: a ${W}×${H} image is too small`);
    for (const v of views)
      if (v.image.width !== W || v.image.height !== H || v.image.data.length !== W * H)
        throw new RangeError('WasmScorer: views of different sizes');
    const n = W * H;
    this.n = n;
    const N = views.length;
    const l = layout({
      image: 4 * n,
      count: 4 * n,
      sI: 4 * n,
      varSum: 4 * n,
      textured: n,
      warped: 4 * n,
      mask: 4 * n,
      costs: 4 * n * N,
      rho: 4 * n,
      agg: 4 * n,
      cols: 32 * W,
      geo: 96 * N,
      best: 8 * N,
      views: 4 * n * N,
    });
    this.layout = l.at;
    this.bytes = l.end;
  }

  /** Puts this scorer's inputs into the module's memory (growing it) and makes it the owner. */
  private upload(): void {
    const buf = claim(this.kernels, this.id, this.bytes);
    const n = this.n;
    const L = this.layout;
    new Float32Array(buf, L.image, n).set(this.ref.data);
    new Float32Array(buf, L.count, n).set(this.st.count);
    new Float32Array(buf, L.sI, n).set(this.st.sI);
    new Float32Array(buf, L.varSum, n).set(this.st.varSum);
    new Uint8Array(buf, L.textured, n).set(this.st.textured);
    const geo = new Float64Array(buf, L.geo, 12 * this.views.length);
    this.views.forEach((v, j) => {
      geo.set(v.geometry.A, 12 * j);
      geo.set(v.geometry.b, 12 * j + 9);
      new Float32Array(buf, L.views + 4 * n * j, n).set(v.image.data);
    });
  }

  /** agg = the aggregated cost of the surface ρ + delta (ρ null: the plane ρ = delta). */
  score(rho: Float32Array | null, delta: number, agg: Float32Array): void {
    if (owner !== this.id) this.upload();
    const K = this.kernels;
    const { width: W, height: H } = this.ref;
    const n = this.n;
    const L = this.layout;
    if (rho) {
      if (rho.length !== n) throw new RangeError('WasmScorer: surface of the wrong size');
      new Float32Array(K.memory.buffer, L.rho, n).set(rho);
    }
    const N = this.views.length;
    for (let j = 0; j < N; j++) {
      K.warpSurface(
        L.views + 4 * n * j,
        W,
        H,
        L.geo + 96 * j,
        L.rho,
        rho ? 1 : 0,
        delta,
        W,
        H,
        L.warped,
        L.mask,
      );
      K.nccCost(
        L.image,
        L.warped,
        L.mask,
        L.count,
        L.sI,
        L.varSum,
        L.textured,
        L.costs + 4 * n * j,
        W,
        H,
        this.r,
        L.cols,
      );
    }
    K.aggregateSeen(L.costs, N, this.k, L.agg, n, L.best);
    agg.set(new Float32Array(K.memory.buffer, L.agg, n));
  }

  /** The cost maps of the last score, one per view (copies; for tests). */
  costs(): Float32Array[] {
    const buf = this.kernels.memory.buffer;
    return this.views.map((_, j) =>
      new Float32Array(buf, this.layout.costs + 4 * this.n * j, this.n).slice(),
    );
  }
}
