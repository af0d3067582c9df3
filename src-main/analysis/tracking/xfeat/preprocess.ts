/** Interleaved RGB24 frame → the model's fixed-size NCHW float input (bilinear resize, 0…1). */
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
  const sx = width / inW;
  const sy = height / inH;
  const k = 1 / 255;
  for (let j = 0; j < inH; j++) {
    let fy = (j + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    if (fy > height - 1) fy = height - 1;
    const y0 = Math.min(Math.floor(fy), height - 2 < 0 ? 0 : height - 2);
    const y1 = y0 + 1 < height ? y0 + 1 : y0;
    const ay = fy - y0;
    for (let i = 0; i < inW; i++) {
      let fx = (i + 0.5) * sx - 0.5;
      if (fx < 0) fx = 0;
      if (fx > width - 1) fx = width - 1;
      const x0 = Math.min(Math.floor(fx), width - 2 < 0 ? 0 : width - 2);
      const x1 = x0 + 1 < width ? x0 + 1 : x0;
      const ax = fx - x0;
      const p00 = 3 * (y0 * width + x0);
      const p10 = 3 * (y0 * width + x1);
      const p01 = 3 * (y1 * width + x0);
      const p11 = 3 * (y1 * width + x1);
      const w00 = (1 - ax) * (1 - ay);
      const w10 = ax * (1 - ay);
      const w01 = (1 - ax) * ay;
      const w11 = ax * ay;
      const o = j * inW + i;
      for (let c = 0; c < 3; c++) {
        dst[c * plane + o] =
          k *
          (w00 * (rgb[p00 + c] as number) +
            w10 * (rgb[p10 + c] as number) +
            w01 * (rgb[p01 + c] as number) +
            w11 * (rgb[p11 + c] as number));
      }
    }
  }
  return dst;
}
