/** Interleaved RGB24 frame → the model's fixed-size NCHW float input (bilinear resize, 0…1). */

interface ResizeTable {
  key: string;
  /** Per output column: byte offsets (3·x0, 3·x1) and the weight of x1. */
  x0: Int32Array;
  x1: Int32Array;
  ax: Float64Array;
  /** Per output row: byte offsets of the row starts (3·y0·width, 3·y1·width) and the weight of y1. */
  y0: Int32Array;
  y1: Int32Array;
  ay: Float64Array;
}

let table: ResizeTable | undefined;

/** Sample positions and weights depend only on the sizes: computed once per size pair. */
function resizeTable(width: number, height: number, inW: number, inH: number): ResizeTable {
  const key = `${width}x${height}>${inW}x${inH}`;
  if (table?.key === key) return table;
  const sx = width / inW;
  const sy = height / inH;
  const t: ResizeTable = {
    key,
    x0: new Int32Array(inW),
    x1: new Int32Array(inW),
    ax: new Float64Array(inW),
    y0: new Int32Array(inH),
    y1: new Int32Array(inH),
    ay: new Float64Array(inH),
  };
  for (let j = 0; j < inH; j++) {
    let fy = (j + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    if (fy > height - 1) fy = height - 1;
    const y0 = Math.min(Math.floor(fy), height - 2 < 0 ? 0 : height - 2);
    const y1 = y0 + 1 < height ? y0 + 1 : y0;
    t.y0[j] = 3 * y0 * width;
    t.y1[j] = 3 * y1 * width;
    t.ay[j] = fy - y0;
  }
  for (let i = 0; i < inW; i++) {
    let fx = (i + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    if (fx > width - 1) fx = width - 1;
    const x0 = Math.min(Math.floor(fx), width - 2 < 0 ? 0 : width - 2);
    const x1 = x0 + 1 < width ? x0 + 1 : x0;
    t.x0[i] = 3 * x0;
    t.x1[i] = 3 * x1;
    t.ax[i] = fx - x0;
  }
  table = t;
  return t;
}

export function rgbToXFeatInput(
  rgb: Uint8Array,
  width: number,
  height: number,
  inW: number,
  inH: number,
  out?: Float32Array,
): Float32Array {
  const plane = inW * inH;
  const dst = out && out.length === 3 * plane ? out : new Float32Array(3 * plane);
  const t = resizeTable(width, height, inW, inH);
  const k = 1 / 255;
  const plane2 = 2 * plane;
  for (let j = 0; j < inH; j++) {
    const r0 = t.y0[j] as number;
    const r1 = t.y1[j] as number;
    const ay = t.ay[j] as number;
    const ay1 = 1 - ay;
    for (let i = 0; i < inW; i++) {
      const x0 = t.x0[i] as number;
      const x1 = t.x1[i] as number;
      const ax = t.ax[i] as number;
      const p00 = r0 + x0;
      const p10 = r0 + x1;
      const p01 = r1 + x0;
      const p11 = r1 + x1;
      const w00 = (1 - ax) * ay1;
      const w10 = ax * ay1;
      const w01 = (1 - ax) * ay;
      const w11 = ax * ay;
      const o = j * inW + i;
      dst[o] =
        k *
        (w00 * (rgb[p00] as number) +
          w10 * (rgb[p10] as number) +
          w01 * (rgb[p01] as number) +
          w11 * (rgb[p11] as number));
      dst[plane + o] =
        k *
        (w00 * (rgb[p00 + 1] as number) +
          w10 * (rgb[p10 + 1] as number) +
          w01 * (rgb[p01 + 1] as number) +
          w11 * (rgb[p11 + 1] as number));
      dst[plane2 + o] =
        k *
        (w00 * (rgb[p00 + 2] as number) +
          w10 * (rgb[p10 + 2] as number) +
          w01 * (rgb[p01 + 2] as number) +
          w11 * (rgb[p11 + 2] as number));
    }
  }
  return dst;
}
