import { execFile, spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedPsnr, maskedSsim } from '../../../src-shared/image';
import { makeTempDir } from '../../helpers/media-fixtures';

// maskedPsnr and maskedSsim on real frames against a reference written here with OpenCV and numpy (Debian's
// python3-opencv): an unwarped source frame of orbit_a against the true target plate of orbit_a_target,
// over every pixel and over a real mask (where the target's true depth sees geometry, not sky).

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const hasCv2 = spawnSync(PY, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status === 0;
const here = path.dirname(fileURLToPath(import.meta.url));
const GT = path.resolve(here, '../../../../shared/gt');
const [W, H] = [640, 360];
const FRAMES = ['frame_0001', 'frame_0024', 'frame_0048'];

/** SSIM as OpenCV's tutorial computes it (GaussianBlur 11×11, σ 1.5, float64), on BT.709 luma. */
const REFERENCE = `
import cv2, json, math, sys
import numpy as np
a_path, b_path, mask_path, out_prefix = sys.argv[1:5]
a = cv2.imread(a_path, cv2.IMREAD_UNCHANGED)
b = cv2.imread(b_path, cv2.IMREAD_UNCHANGED)
h, w = a.shape[:2]
mask = np.fromfile(mask_path, np.uint8).reshape(h, w) != 0
for img, name in ((a, 'a'), (b, 'b')):
    with open(out_prefix + name + '.rgb', 'wb') as f:
        f.write(cv2.cvtColor(img, cv2.COLOR_BGR2RGB).tobytes())

def luma(img):
    x = img.astype(np.float64)
    return 0.2126 * x[..., 2] + 0.7152 * x[..., 1] + 0.0722 * x[..., 0]

L = 255.0
C1, C2 = (0.01 * L) ** 2, (0.03 * L) ** 2
ya, yb = luma(a), luma(b)
blur = lambda z: cv2.GaussianBlur(z, (11, 11), 1.5)
mu_a, mu_b = blur(ya), blur(yb)
s_aa = blur(ya * ya) - mu_a ** 2
s_bb = blur(yb * yb) - mu_b ** 2
s_ab = blur(ya * yb) - mu_a * mu_b
ssim_map = ((2 * mu_a * mu_b + C1) * (2 * s_ab + C2)) / ((mu_a ** 2 + mu_b ** 2 + C1) * (s_aa + s_bb + C2))
valid = ssim_map[5:-5, 5:-5]
diff = a.astype(np.float64) - b.astype(np.float64)
mse_masked = float((diff[mask] ** 2).mean())
print(json.dumps({
    'psnr_all': cv2.PSNR(a, b, 255),
    'psnr_masked': 10 * math.log10(L * L / mse_masked),
    'pixels_masked': int(mask.sum()),
    'ssim_all': float(valid.mean()),
    'ssim_masked': float(valid[mask[5:-5, 5:-5]].mean()),
    'windows_all': int(valid.size),
    'windows_masked': int(mask[5:-5, 5:-5].sum()),
}))
`;

interface Reference {
  psnr_all: number;
  psnr_masked: number;
  pixels_masked: number;
  ssim_all: number;
  ssim_masked: number;
  windows_all: number;
  windows_masked: number;
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('reshoot-metrics-');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Target pixels whose true depth (320×180, 0 = sky) sees geometry, at full resolution (nearest). */
async function geometryMask(frame: string): Promise<Uint8Array> {
  const bytes = await readFile(path.join(GT, 'orbit_a_target/depth', `${frame}.f32`));
  const depth = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  expect(depth.length).toBe((W / 2) * (H / 2));
  return Uint8Array.from({ length: W * H }, (_, i) => {
    const [x, y] = [i % W, Math.floor(i / W)];
    return depth[(y >> 1) * (W / 2) + (x >> 1)]! > 0 ? 255 : 0;
  });
}

describe('picture metrics against OpenCV on ../shared/gt frames', () => {
  for (const frame of FRAMES)
    it(`${frame}: orbit_a (unwarped) against the orbit_a_target plate`, async (ctx) => {
      if (!hasCv2) ctx.skip();
      const mask = await geometryMask(frame);
      const maskPath = path.join(dir, `${frame}.mask`);
      await writeFile(maskPath, mask);
      const prefix = path.join(dir, `${frame}.`);
      const { stdout } = await run(PY, [
        '-c',
        REFERENCE,
        path.join(GT, 'orbit_a/frames', `${frame}.png`),
        path.join(GT, 'orbit_a_target/frames', `${frame}.png`),
        maskPath,
        prefix,
      ]);
      const ref = JSON.parse(stdout) as Reference;
      const a = new Uint8Array(await readFile(prefix + 'a.rgb'));
      const b = new Uint8Array(await readFile(prefix + 'b.rgb'));
      const layout = { width: W, height: H, channels: 3 as const, peak: 255 };
      // The mask is a real one: sky (depth 0) at the top of the frame, geometry below.
      expect(ref.pixels_masked).toBeGreaterThan(0.3 * W * H);
      expect(ref.pixels_masked).toBeLessThan(0.95 * W * H);

      const all = maskedPsnr(a, b, null, layout);
      const masked = maskedPsnr(a, b, mask, layout);
      expect(all.pixels).toBe(W * H);
      expect(all.psnr).toBeCloseTo(ref.psnr_all, 9);
      expect(masked.pixels).toBe(ref.pixels_masked);
      expect(masked.psnr).toBeCloseTo(ref.psnr_masked, 9);

      const ssimAll = maskedSsim(a, b, null, layout);
      const ssimMasked = maskedSsim(a, b, mask, layout);
      expect(ssimAll.windows).toBe(ref.windows_all);
      expect(ssimAll.ssim).toBeCloseTo(ref.ssim_all, 9);
      expect(ssimMasked.windows).toBe(ref.windows_masked);
      expect(ssimMasked.ssim).toBeCloseTo(ref.ssim_masked, 9);
      // And the plate against itself: the upper bounds.
      expect(maskedPsnr(b, b, mask, layout).psnr).toBe(Infinity);
      expect(maskedSsim(b, b, mask, layout).ssim).toBeCloseTo(1, 12);
    });
});
