/// <reference types="svelte" />
import { beforeAll, describe, expect, it } from 'vitest';
import type * as ViewModule from '../../../src-renderer/src/lib/view';

/**
 * The unit project runs without the Svelte compiler, so `$state` in the view's `.svelte.ts` files is
 * given here as a plain value: this pins down the logic and that each view owns its state (nothing is
 * shared through the module), not the reactivity itself, which the E2E tests cover in the app.
 */
let view: typeof ViewModule;

beforeAll(async () => {
  Object.assign(globalThis, { $state: <T>(initial: T): T => initial });
  view = await import('../../../src-renderer/src/lib/view');
});

const FPS = { num: 24, den: 1 };

describe('two view states (source and target viewer side by side)', () => {
  it('keep their own playhead, transport and overlays', () => {
    const source = view.createViewState();
    const target = view.createViewState();
    source.playback.load(1, 100, FPS);
    target.playback.load(2, 50, FPS);

    source.playback.seek(40);
    source.playback.forward();
    source.overlays.toggleDepth();
    source.overlays.depthOpacity = 0.3;
    source.overlays.mode = '3d';

    expect(source.playback).toMatchObject({ shotId: 1, frame: 40, frameCount: 100, speed: 1 });
    expect(target.playback).toMatchObject({ shotId: 2, frame: 0, frameCount: 50, speed: 0 });
    expect(source.overlays).toMatchObject({ depth: true, depthOpacity: 0.3, mode: '3d', tracks: false });
    expect(target.overlays).toMatchObject({ depth: false, depthOpacity: 1, mode: 'picture', tracks: false });

    target.playback.toEnd();
    target.overlays.toggleTracks();
    expect(target.playback.frame).toBe(49);
    expect(source.playback.frame).toBe(40);
    expect(source.overlays.tracks).toBe(false);
  });

  it('remember where each of their own shots was left', () => {
    const a = view.createViewState();
    const b = view.createViewState();
    a.playback.load(7, 100, FPS);
    a.playback.seek(30);
    a.playback.load(8, 100, FPS);
    b.playback.load(7, 100, FPS);
    expect(b.playback.frame).toBe(0);
    a.playback.load(7, 100, FPS);
    expect(a.playback.frame).toBe(30);
  });

  it('take the same keys, each on its own view', () => {
    const a = view.createViewState();
    const b = view.createViewState();
    a.playback.load(1, 100, FPS);
    b.playback.load(1, 100, FPS);
    expect(view.viewerKey(a, 'End', false)).toBe(true);
    expect(view.viewerKey(a, 'ArrowLeft', true)).toBe(true);
    expect(view.viewerKey(a, 'd', false)).toBe(true);
    expect(view.viewerKey(a, 'x', false)).toBe(false);
    expect(a.playback.frame).toBe(89);
    expect(a.overlays.depth).toBe(true);
    expect(b.playback.frame).toBe(0);
    expect(b.overlays.depth).toBe(false);
  });
});

describe('which keys a focused control keeps', () => {
  const element = (tagName: string, type?: string, inMenu = false) => ({
    tagName,
    type,
    isContentEditable: false,
    closest: (selector: string) => (inMenu && selector === '[role="menu"]' ? {} : null),
  });

  it('tells a slider from a text field', () => {
    expect(view.focusKind(element('INPUT', 'range'))).toBe('slider');
    expect(view.focusKind(element('INPUT', 'text'))).toBe('field');
    expect(view.focusKind(element('INPUT', 'checkbox'))).toBe('field');
    expect(view.focusKind(element('SELECT'))).toBe('field');
    expect(view.focusKind(element('BUTTON', 'button', true))).toBe('field');
    expect(view.focusKind(element('BUTTON', 'button'))).toBe('other');
    expect(view.focusKind(null)).toBe('other');
  });

  it('a slider keeps the keys that nudge it; Home, End and the transport go to the viewer', () => {
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown'])
      expect(view.controlKeepsKey('slider', key)).toBe(true);
    for (const key of ['Home', 'End', ' ', 'j', 'K', 'l', 't', 'D', '1', '3'])
      expect(view.controlKeepsKey('slider', key)).toBe(false);
  });

  it('a text field keeps every key; elsewhere the viewer has them all', () => {
    for (const key of ['Home', 'End', 'ArrowLeft', ' ', 'l']) {
      expect(view.controlKeepsKey('field', key)).toBe(true);
      expect(view.controlKeepsKey('other', key)).toBe(false);
    }
  });
});
