import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as build from '../../../scripts/build-wasm.mjs';

describe('the committed WebAssembly modules', () => {
  it('are what their sources compile to (run `node scripts/build-wasm.mjs` after changing native/)', async () => {
    expect(build.MODULES.length).toBeGreaterThan(0);
    for (const mod of build.MODULES) {
      const text = build.generated(mod, await build.compile(mod.source));
      expect(readFileSync(mod.out, 'utf8'), mod.out).toBe(text);
    }
  }, 60_000);
});
