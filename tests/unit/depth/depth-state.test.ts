import { describe, expect, it } from 'vitest';
import {
  DepthState,
  countDepthStates,
  depthConfidenceOf,
  depthStateFileFor,
  depthStateOf,
  depthStatesFromDepth,
  encodeDepthState,
  projectDepthFileName,
} from '../../../src-shared/depth-layout';
import { storedDepth } from '../../../src-main/analysis/depth/stages';

describe('depth state bytes', () => {
  it('keep the state in the low 2 bits and the confidence, quantised to 64 steps, in the high 6', () => {
    for (const state of Object.values(DepthState))
      for (let q = 0; q <= 63; q++) {
        const b = encodeDepthState(state, q / 63);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(256);
        expect(depthStateOf(b)).toBe(state);
        expect(depthConfidenceOf(b)).toBeCloseTo(q / 63, 12);
      }
    // out of range and NaN confidence clamp to 0..1
    expect(depthConfidenceOf(encodeDepthState(DepthState.measured, 7))).toBe(1);
    expect(depthConfidenceOf(encodeDepthState(DepthState.measured, -1))).toBe(0);
    expect(depthConfidenceOf(encodeDepthState(DepthState.measured, NaN))).toBe(0);
    expect(encodeDepthState(DepthState.invalid, 0)).toBe(0);
  });

  it('sit beside the depth file: frame_00000.state for frame_00000.f16', () => {
    expect(projectDepthFileName(0, 'state')).toBe('frame_00000.state');
    expect(depthStateFileFor('/p/cache/depth/3/frame_00012.f16')).toBe('/p/cache/depth/3/frame_00012.state');
    expect(depthStateFileFor('C:\\p\\cache\\depth\\3\\frame_00012.f16')).toBe(
      'C:\\p\\cache\\depth\\3\\frame_00012.state',
    );
    // only at the end: a folder named like a depth file is not touched
    expect(depthStateFileFor('/tmp/a.f16/frame_00001.f16')).toBe('/tmp/a.f16/frame_00001.state');
    expect(() => depthStateFileFor('/p/frame_00000.f32')).toThrow(/not a depth file/);
    expect(() => depthStateFileFor('/p/frame_00000.f16.bak')).toThrow(/not a depth file/);
  });

  it('of depth without a state file (an older Reshoot): measured where depth > 0, invalid elsewhere', () => {
    const depth = new Float32Array([2.5, 0, -1, NaN, Infinity, 1e-6]);
    const states = depthStatesFromDepth(depth);
    expect(Array.from(states, depthStateOf)).toEqual([
      DepthState.measured,
      DepthState.invalid,
      DepthState.invalid,
      DepthState.invalid,
      DepthState.invalid,
      DepthState.measured,
    ]);
    expect(depthConfidenceOf(states[0]!)).toBe(1);
    expect(states[1]).toBe(0);
    expect(Array.from(countDepthStates(states))).toEqual([4, 2, 0, 0]);
  });

  it('are counted per state whatever their confidence', () => {
    const s = Uint8Array.from([
      encodeDepthState(DepthState.measured, 0.2),
      encodeDepthState(DepthState.measured, 1),
      encodeDepthState(DepthState.propagated, 0.25),
      encodeDepthState(DepthState.infinity, 0.5),
      encodeDepthState(DepthState.infinity, 0),
      encodeDepthState(DepthState.infinity, 1),
      0,
    ]);
    expect(Array.from(countDepthStates(s))).toEqual([1, 2, 1, 3]);
  });
});

describe('stored depth and states agree', () => {
  it('depth only where measured or propagated; a state without a usable depth is stored invalid', () => {
    const m = encodeDepthState(DepthState.measured, 0.8);
    const p = encodeDepthState(DepthState.propagated, 0.25);
    const inf = encodeDepthState(DepthState.infinity, 0.5);
    const depth = new Float32Array([3, 4, 5, 6, 0, NaN]);
    const state = Uint8Array.from([m, p, inf, 0, m, p]);
    const r = storedDepth(depth, state);
    // filled depth under an invalid or infinity pixel is not stored
    expect(Array.from(r.depth)).toEqual([3, 4, 0, 0, 0, 0]);
    expect(Array.from(r.valid)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Array.from(r.state)).toEqual([m, p, inf, 0, 0, 0]);
    // the estimator's own bytes are left as they were
    expect(Array.from(state)).toEqual([m, p, inf, 0, m, p]);
  });
});
