import { describe, it } from 'vitest';
import { checkShot } from './gt-bar';

describe('dense depth without a model: ../shared/gt handheld_a', () => {
  it('AbsRel ≤ 0.10 on ≥ 80 % valid non-sky pixels (GT cameras, 640×360)', async () => {
    await checkShot('handheld_a', [6, 30, 53]);
  });
});
