/**
 * Spatial hash of points on a uniform grid (cell = radius), for minimum-distance checks and radius
 * queries without per-point objects: heads per cell and a `next` chain per point, in Int32Arrays.
 */
export class PointGrid {
  readonly cell: number;
  readonly cols: number;
  readonly rows: number;
  private readonly head: Int32Array;
  private next: Int32Array;
  private xs: Float32Array;
  private ys: Float32Array;
  private n = 0;

  constructor(width: number, height: number, cell: number, capacity = 1024) {
    this.cell = Math.max(1, cell);
    this.cols = Math.max(1, Math.ceil(width / this.cell));
    this.rows = Math.max(1, Math.ceil(height / this.cell));
    this.head = new Int32Array(this.cols * this.rows).fill(-1);
    this.next = new Int32Array(capacity);
    this.xs = new Float32Array(capacity);
    this.ys = new Float32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.head.fill(-1);
    this.n = 0;
  }

  private cellOf(x: number, y: number): number {
    const cx = Math.min(this.cols - 1, Math.max(0, Math.floor(x / this.cell)));
    const cy = Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.cell)));
    return cy * this.cols + cx;
  }

  /** Adds a point; returns its index (0, 1, 2, … in insertion order). */
  add(x: number, y: number): number {
    if (this.n === this.next.length) {
      const cap = this.n * 2;
      const nn = new Int32Array(cap);
      nn.set(this.next);
      this.next = nn;
      const nx = new Float32Array(cap);
      nx.set(this.xs);
      this.xs = nx;
      const ny = new Float32Array(cap);
      ny.set(this.ys);
      this.ys = ny;
    }
    const i = this.n++;
    const c = this.cellOf(x, y);
    this.xs[i] = x;
    this.ys[i] = y;
    this.next[i] = this.head[c] as number;
    this.head[c] = i;
    return i;
  }

  /** True when some stored point lies strictly closer than `radius` (≤ cell) to (x, y). */
  hasNeighbour(x: number, y: number, radius: number): boolean {
    const r2 = radius * radius;
    const cx = Math.floor(x / this.cell);
    const cy = Math.floor(y / this.cell);
    for (let gy = Math.max(0, cy - 1); gy <= Math.min(this.rows - 1, cy + 1); gy++) {
      for (let gx = Math.max(0, cx - 1); gx <= Math.min(this.cols - 1, cx + 1); gx++) {
        for (let i = this.head[gy * this.cols + gx] as number; i >= 0; i = this.next[i] as number) {
          const dx = (this.xs[i] as number) - x;
          const dy = (this.ys[i] as number) - y;
          if (dx * dx + dy * dy < r2) return true;
        }
      }
    }
    return false;
  }

  /**
   * Writes the indices of points within `radius` of (x, y) into `out` (up to its length); returns how many.
   * Looks at as many cells as the radius needs.
   */
  query(x: number, y: number, radius: number, out: Int32Array): number {
    const r2 = radius * radius;
    const span = Math.ceil(radius / this.cell);
    const cx = Math.floor(x / this.cell);
    const cy = Math.floor(y / this.cell);
    let m = 0;
    for (let gy = Math.max(0, cy - span); gy <= Math.min(this.rows - 1, cy + span); gy++) {
      for (let gx = Math.max(0, cx - span); gx <= Math.min(this.cols - 1, cx + span); gx++) {
        for (let i = this.head[gy * this.cols + gx] as number; i >= 0; i = this.next[i] as number) {
          const dx = (this.xs[i] as number) - x;
          const dy = (this.ys[i] as number) - y;
          if (dx * dx + dy * dy <= r2 && m < out.length) out[m++] = i;
        }
      }
    }
    return m;
  }
}
