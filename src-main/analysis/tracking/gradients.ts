/**
 * Scharr derivatives (3/10/3 smoothing, central difference, normalised by 1/32 so they are in intensity
 * per pixel). Borders replicate the edge pixel.
 */
import { createGray, type GrayImage } from './image';

export interface Gradients {
  gx: GrayImage;
  gy: GrayImage;
}

export function scharrGradients(img: GrayImage, out?: Gradients): Gradients {
  const { width: w, height: h, data: s } = img;
  const fits = out && out.gx.width === w && out.gx.height === h;
  const g: Gradients = fits ? out : { gx: createGray(w, h), gy: createGray(w, h) };
  const gx = g.gx.data;
  const gy = g.gy.data;
  for (let y = 0; y < h; y++) {
    const ru = (y > 0 ? y - 1 : 0) * w;
    const rc = y * w;
    const rd = (y < h - 1 ? y + 1 : h - 1) * w;
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : 0;
      const xr = x < w - 1 ? x + 1 : w - 1;
      const ul = s[ru + xl] as number;
      const uc = s[ru + x] as number;
      const ur = s[ru + xr] as number;
      const cl = s[rc + xl] as number;
      const cr = s[rc + xr] as number;
      const dl = s[rd + xl] as number;
      const dc = s[rd + x] as number;
      const dr = s[rd + xr] as number;
      gx[rc + x] = (3 * (ur - ul) + 10 * (cr - cl) + 3 * (dr - dl)) / 32;
      gy[rc + x] = (3 * (dl - ul) + 10 * (dc - uc) + 3 * (dr - ur)) / 32;
    }
  }
  return g;
}
