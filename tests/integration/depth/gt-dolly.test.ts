import { describe, it } from 'vitest';
import { checkShot } from './gt-bar';

describe('dense depth without a model: ../shared/gt dolly_a', () => {
  it('AbsRel ≤ 0.10 on ≥ 80 % valid non-sky pixels (GT cameras, 640×360)', async () => {
    await checkShot('dolly_a', [4, 24, 43]);
  });
});
