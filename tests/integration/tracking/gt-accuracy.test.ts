/**
 * Quality bar (issue 4): on the synthetic ../shared/gt shots at 640×360, the median endpoint error of
 * surviving tracks 24 frames after their birth is ≤ 1.0 px, for both methods; survival is reported.
 * How points are counted: see gt-eval.ts. Figures are printed for the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFigures, trackGtShot } from './gt-eval';
import { openXFeatSession, type XFeatSession } from './xfeat-session';

const BAR_PX = 1.0;

describe('2D tracking accuracy on ../shared/gt (640×360, 24-frame horizon)', () => {
  let xfeat: XFeatSession;
  beforeAll(async () => {
    xfeat = await openXFeatSession();
  });
  afterAll(async () => {
    await xfeat?.release();
  });

  for (const shot of ['orbit_a', 'dolly_a']) {
    it(`KLT on ${shot}`, async () => {
      const f = await trackGtShot(shot, 'klt');
      console.log(formatFigures(f));
      expect(f.counted).toBeGreaterThan(40);
      expect(f.survival).toBeGreaterThan(0.25);
      expect(f.median).toBeLessThanOrEqual(BAR_PX);
    });
    it(`XFeat on ${shot}`, async () => {
      const f = await trackGtShot(shot, 'xfeat', xfeat.run);
      console.log(formatFigures(f));
      expect(f.counted).toBeGreaterThan(40);
      expect(f.survival).toBeGreaterThan(0.2);
      expect(f.median).toBeLessThanOrEqual(BAR_PX);
    });
  }
});
