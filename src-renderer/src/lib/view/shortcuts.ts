/**
 * The viewer's keys (the user guide's Viewer table), and which keys stay with a focused control.
 *
 * A text field, a select or a menu keeps every key. A focused slider (the depth blend) keeps only the
 * keys that nudge it — the arrows and Page Up/Down — as any slider does; Home and End move the playhead
 * and the letters and Space keep working, because in an editor the transport must not go dead just
 * because a slider was the last thing touched.
 */
import type { ViewState } from './view-state';

/** What has the keyboard focus, as far as the viewer's keys are concerned. */
export type FocusKind = 'field' | 'slider' | 'other';

const SLIDER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown']);

/** What the decision needs of the focused element (an HTMLElement; no DOM needed to test it). */
export interface FocusedElement {
  readonly tagName: string;
  readonly isContentEditable: boolean;
  /** An input's type. */
  readonly type?: string;
  closest(selector: string): unknown;
}

export function focusKind(el: FocusedElement | null): FocusKind {
  if (!el) return 'other';
  if (el.tagName === 'INPUT' && el.type === 'range') return 'slider';
  if (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) return 'field';
  return el.closest('[role="menu"]') !== null ? 'field' : 'other';
}

/** Whether the focused control keeps `key` for itself instead of the viewer. */
export function controlKeepsKey(focus: FocusKind, key: string): boolean {
  if (focus === 'field') return true;
  if (focus === 'slider') return SLIDER_KEYS.has(key);
  return false;
}

/** Applies a viewer key (no Ctrl, Cmd or Alt) to `view`; returns whether it was one. */
export function viewerKey(view: ViewState, key: string, shift: boolean): boolean {
  const { playback, overlays } = view;
  const big = shift ? 10 : 1;
  switch (key) {
    case 'ArrowLeft':
      playback.step(-big);
      break;
    case 'ArrowRight':
      playback.step(big);
      break;
    case 'Home':
      playback.toStart();
      break;
    case 'End':
      playback.toEnd();
      break;
    case ' ':
      playback.togglePlay();
      break;
    case 'j':
    case 'J':
      playback.reverse();
      break;
    case 'k':
    case 'K':
      playback.stop();
      break;
    case 'l':
    case 'L':
      playback.forward();
      break;
    case 't':
    case 'T':
      overlays.toggleTracks();
      break;
    case 'd':
    case 'D':
      overlays.toggleDepth();
      break;
    case '1':
      overlays.mode = 'picture';
      break;
    case '2':
      overlays.mode = 'dual';
      break;
    case '3':
      overlays.mode = '3d';
      break;
    default:
      return false;
  }
  return true;
}
