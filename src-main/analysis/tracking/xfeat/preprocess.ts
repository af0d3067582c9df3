/**
 * A frame → the model's fixed-size NCHW float input (bilinear resize, 0…1). XFeat's graph starts by
 * averaging the three channels (ReduceMean over C, then InstanceNormalization), so the tracker feeds it
 * the frame's luma in all three: one interpolation instead of three, and the model sees a gray image
 * exactly as it would from an RGB frame of that gray.
 */

interface ResizeTable {
  key: string;
  /** Per output column: the source columns x0, x1 and the weight of x1. */
  x0: Int32Array;
  x1: Int32Array;
  ax: Float64Array;
  /** Per output row: offsets of the source row starts (y0·width, y1·width) and the weight of y1. */
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
    t.y0[j] = y0 * width;
    t.y1[j] = y1 * width;
    t.ay[j] = fy - y0;
  }
  for (let i = 0; i < inW; i++) {
    let fx = (i + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    if (fx > width - 1) fx = width - 1;
    const x0 = Math.min(Math.floor(fx), width - 2 < 0 ? 0 : width - 2);
    const x1 = x0 + 1 < width ? x0 + 1 : x0;
    t.x0[i] = x0;
    t.x1[i] = x1;
    t.ax[i] = fx - x0;
  }
  table = t;
  return t;
}

/** An 8-bit luma frame (one byte per pixel) → the model input, the resized luma in each of the 3 planes. */
export function lumaToXFeatInput(
  luma: Uint8Array,
  width: number,
  height: number,
  inW: number,
  inH: number,
  out?: Float32Array,
): Float32Array {
  if (luma.length !== width * height) throw new RangeError('Frame has the wrong size');
  const plane = inW * inH;
  const dst = out && out.length === 3 * plane ? out : new Float32Array(3 * plane);
  const t = resizeTable(width, height, inW, inH);
  const k = 1 / 255;
  for (let j = 0; j < inH; j++) {
    const r0 = t.y0[j] as number;
    const r1 = t.y1[j] as number;
    const ay = t.ay[j] as number;
    const ay1 = 1 - ay;
    for (let i = 0, o = j * inW; i < inW; i++, o++) {
      const x0 = t.x0[i] as number;
      const x1 = t.x1[i] as number;
      const ax = t.ax[i] as number;
      const top = (1 - ax) * (luma[r0 + x0] as number) + ax * (luma[r0 + x1] as number);
      const bottom = (1 - ax) * (luma[r1 + x0] as number) + ax * (luma[r1 + x1] as number);
      dst[o] = k * (ay1 * top + ay * bottom);
    }
  }
  dst.copyWithin(plane, 0, plane);
  dst.copyWithin(2 * plane, 0, plane);
  return dst;
}
