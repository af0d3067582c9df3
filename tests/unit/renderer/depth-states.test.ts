import { describe, expect, it } from 'vitest';
import { DepthState, encodeDepthState } from '../../../src-shared/depth-layout';
import { paintDepth } from '../../../src-renderer/src/lib/colormap';
import {
  DEPTH_STATE_STYLES,
  depthStateShares,
  paintDepthStates,
  sharesLabel,
} from '../../../src-renderer/src/lib/depth-states';

const rgbOf = (state: number) => DEPTH_STATE_STYLES.find((s) => s.state === state)!.rgb;

describe('the State view of the depth overlay', () => {
  it('has four distinct colours, one per state', () => {
    expect(DEPTH_STATE_STYLES.map((s) => s.state).sort()).toEqual([0, 1, 2, 3]);
    const colours = new Set(DEPTH_STATE_STYLES.map((s) => s.rgb.join()));
    expect(colours.size).toBe(4);
  });

  it('paints each pixel in its state’s colour, more opaque the surer, and counts the states', () => {
    const states = Uint8Array.from([
      encodeDepthState(DepthState.measured, 1),
      encodeDepthState(DepthState.measured, 0),
      encodeDepthState(DepthState.propagated, 0.25),
      encodeDepthState(DepthState.infinity, 1),
      0,
    ]);
    const out = new Uint8ClampedArray(4 * states.length);
    const counts = paintDepthStates(states, out);
    expect(Array.from(counts)).toEqual([1, 2, 1, 1]);
    const px = (i: number) => Array.from(out.subarray(4 * i, 4 * i + 4));
    expect(px(0)).toEqual([...rgbOf(DepthState.measured), 255]);
    expect(px(1).slice(0, 3)).toEqual(rgbOf(DepthState.measured));
    expect(px(1)[3]).toBeLessThan(px(2)[3]!);
    expect(px(2).slice(0, 3)).toEqual(rgbOf(DepthState.propagated));
    expect(px(3)).toEqual([...rgbOf(DepthState.infinity), 255]);
    // invalid (confidence 0) is still shown, not left transparent
    expect(px(4).slice(0, 3)).toEqual(rgbOf(DepthState.invalid));
    expect(px(4)[3]).toBeGreaterThan(100);
  });

  it('gives each state’s share of the frame in the legend’s order', () => {
    const counts = Uint32Array.from([8, 71, 12, 9]);
    const shares = depthStateShares(counts);
    expect(shares.map((s) => s.style.label)).toEqual(['measured', 'propagated', 'infinity', 'invalid']);
    expect(sharesLabel(shares)).toBe('measured 71 % · propagated 12 % · infinity 9 % · invalid 8 %');
    expect(depthStateShares(new Uint32Array(4)).every((s) => s.share === 0)).toBe(true);
  });
});

describe('the Depth view of the depth overlay', () => {
  it('dims and hatches propagated pixels, leaves measured ones as they were', () => {
    // 5×2: measured at (0, 0), invalid at (4, 1), propagated elsewhere
    const W = 5;
    const depth = new Float32Array(2 * W).fill(2);
    depth[9] = 0;
    const m = encodeDepthState(DepthState.measured, 1);
    const p = encodeDepthState(DepthState.propagated, 0.25);
    const state = new Uint8Array(2 * W).fill(p);
    state[0] = m;
    state[9] = 0;
    const plain = new Uint8ClampedArray(4 * depth.length);
    expect(paintDepth(depth, 1, 4, plain)).toBe(9);
    const out = new Uint8ClampedArray(4 * depth.length);
    expect(paintDepth(depth, 1, 4, out, { state, width: W })).toBe(9);
    const px = (a: Uint8ClampedArray, i: number) => Array.from(a.subarray(4 * i, 4 * i + 4));
    const bright = (a: number[]) => a[0]! + a[1]! + a[2]!;
    expect(px(out, 0)).toEqual(px(plain, 0));
    for (let i = 1; i < 9; i++) {
      expect(px(out, i)[3]).toBe(255);
      expect(bright(px(out, i))).toBeLessThan(bright(px(plain, i)));
    }
    // the hatch: the diagonal x + y ≡ 0 (mod 4), here (4, 0) and (3, 1), is darker than the rest
    for (const i of [4, 8]) expect(bright(px(out, i))).toBeLessThan(0.7 * bright(px(out, 1)));
    // invalid stays transparent
    expect(px(out, 9)[3]).toBe(0);
  });
});
