/**
 * Pinhole intrinsics in pixels of the stored resolution (SPEC §2). The image's top-left CORNER is (0, 0) and
 * pixel (i, j)'s centre is (i + 0.5, j + 0.5), so a centred principal point is (W/2, H/2).
 * Brown–Conrady distortion (OpenCV's k1, k2, p1, p2, k3) acts on normalised coordinates and is for
 * import/export only: the rest of Reshoot works on undistorted pinhole images.
 */
export interface Distortion {
  k1: number;
  k2: number;
  p1: number;
  p2: number;
  k3: number;
}

export interface Intrinsics {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  distortion?: Distortion;
}

export function intrinsicsFromFov(width: number, height: number, hfovRad: number): Intrinsics {
  const f = focalPxFromFov(hfovRad, width);
  return { width, height, fx: f, fy: f, cx: width / 2, cy: height / 2 };
}

/** Focal in pixels from focal in mm and the film-back size (mm) along the same image axis. */
export const focalPxFromMm = (focalMm: number, sensorMm: number, imagePx: number): number =>
  (focalMm * imagePx) / sensorMm;
export const focalMmFromPx = (focalPx: number, sensorMm: number, imagePx: number): number =>
  (focalPx * sensorMm) / imagePx;
/** Full field of view (radians) across `imagePx` pixels for a focal of `focalPx` pixels. */
export const fovFromFocalPx = (focalPx: number, imagePx: number): number =>
  2 * Math.atan(imagePx / (2 * focalPx));
export const focalPxFromFov = (fovRad: number, imagePx: number): number =>
  imagePx / (2 * Math.tan(fovRad / 2));

export const horizontalFov = (k: Intrinsics): number => fovFromFocalPx(k.fx, k.width);
export const verticalFov = (k: Intrinsics): number => fovFromFocalPx(k.fy, k.height);

/** Scales intrinsics to another resolution of the same image (e.g. depth at half size: scaleIntrinsics(K, 0.5)). */
export function scaleIntrinsics(k: Intrinsics, sx: number, sy: number = sx): Intrinsics {
  const out: Intrinsics = {
    width: Math.round(k.width * sx),
    height: Math.round(k.height * sy),
    fx: k.fx * sx,
    fy: k.fy * sy,
    cx: k.cx * sx,
    cy: k.cy * sy,
  };
  if (k.distortion) out.distortion = { ...k.distortion };
  return out;
}

/** Applies Brown–Conrady distortion to normalised coordinates (x, y) = (X/Z, Y/Z). */
export function distortNormalized(d: Distortion, x: number, y: number): [number, number] {
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
  return [
    x * radial + 2 * d.p1 * x * y + d.p2 * (r2 + 2 * x * x),
    y * radial + d.p1 * (r2 + 2 * y * y) + 2 * d.p2 * x * y,
  ];
}

/**
 * Inverts distortNormalized by Newton iteration on the 2×2 Jacobian (converges in a few steps for
 * realistic lenses; plain fixed-point iteration stalls on strong barrel distortion). Returns NaN when it
 * does not converge, e.g. outside the region where the distortion model is invertible.
 */
export function undistortNormalized(
  d: Distortion,
  xd: number,
  yd: number,
  maxIter = 30,
  tol = 1e-14,
): [number, number] {
  let x = xd;
  let y = yd;
  for (let i = 0; i < maxIter; i++) {
    const [fx, fy] = distortNormalized(d, x, y);
    const ex = fx - xd;
    const ey = fy - yd;
    if (Math.abs(ex) < tol && Math.abs(ey) < tol) return [x, y];
    const r2 = x * x + y * y;
    const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
    const dRadial = d.k1 + r2 * (2 * d.k2 + 3 * r2 * d.k3); // d(radial)/d(r²)
    const j00 = radial + 2 * x * x * dRadial + 2 * d.p1 * y + 6 * d.p2 * x;
    const j01 = 2 * x * y * dRadial + 2 * d.p1 * x + 2 * d.p2 * y;
    const j10 = 2 * x * y * dRadial + 2 * d.p1 * x + 2 * d.p2 * y;
    const j11 = radial + 2 * y * y * dRadial + 6 * d.p1 * y + 2 * d.p2 * x;
    const det = j00 * j11 - j01 * j10;
    if (!(Math.abs(det) > 1e-12)) return [NaN, NaN];
    x -= (j11 * ex - j01 * ey) / det;
    y -= (-j10 * ex + j00 * ey) / det;
  }
  const [fx, fy] = distortNormalized(d, x, y);
  return Math.abs(fx - xd) < 1e-9 && Math.abs(fy - yd) < 1e-9 ? [x, y] : [NaN, NaN];
}

/** Undistorted pixel → distorted pixel. */
export function distortPixel(k: Intrinsics, u: number, v: number): [number, number] {
  if (!k.distortion) return [u, v];
  const [xd, yd] = distortNormalized(k.distortion, (u - k.cx) / k.fx, (v - k.cy) / k.fy);
  return [xd * k.fx + k.cx, yd * k.fy + k.cy];
}

/** Distorted pixel → undistorted pixel (NaN where the iteration does not converge). */
export function undistortPixel(k: Intrinsics, u: number, v: number): [number, number] {
  if (!k.distortion) return [u, v];
  const [x, y] = undistortNormalized(k.distortion, (u - k.cx) / k.fx, (v - k.cy) / k.fy);
  return [x * k.fx + k.cx, y * k.fy + k.cy];
}
