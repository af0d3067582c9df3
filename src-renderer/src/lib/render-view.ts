/**
 * What the Render tab and the dual view's render side decide, apart from the DOM: which render version
 * of a path is shown, what a render request from the form is, the mask's colours, the wipe's split.
 */
import { MAX_RENDER_WINDOW, RENDER_FILLS, type Render } from '../../../src-shared/api/contract';

/** What the dual view's target side shows for a path: a render version (its id) or the cloud preview. */
export type RenderChoice = number | 'cloud';

/** A path's render versions, newest first. */
export function pathVersions(renders: readonly Render[], pathId: number): Render[] {
  return renders.filter((r) => r.pathId === pathId).sort((a, b) => b.version - a.version);
}

/** The finished versions of a path, newest first: those the dual view can show. */
export function doneVersions(renders: readonly Render[], pathId: number): Render[] {
  return pathVersions(renders, pathId).filter((r) => r.status === 'done');
}

/**
 * The render the dual view shows for a path: the one chosen while it is still there and finished, else
 * the newest finished one; none when the cloud preview is chosen or nothing is finished.
 */
export function shownRender(
  renders: readonly Render[],
  pathId: number,
  choice: RenderChoice | undefined,
): Render | null {
  if (choice === 'cloud') return null;
  const done = doneVersions(renders, pathId);
  return done.find((r) => r.id === choice) ?? done[0] ?? null;
}

export interface RenderForm {
  first: number;
  last: number;
  window: number;
  fill: string;
}

export type RenderRequest = {
  first: number;
  last: number;
  window: number;
  fill: (typeof RENDER_FILLS)[number];
};

/** The form's values as a request, or why they are not one (worded for the form). */
export function renderRequest(
  form: RenderForm,
  frameCount: number,
): { request: RenderRequest } | { error: string } {
  const { first, last, window, fill } = form;
  const lastFrame = frameCount - 1;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last > lastFrame || first > last)
    return { error: `Frames must be a range within 0–${lastFrame}.` };
  if (!Number.isInteger(window) || window < 1 || window > MAX_RENDER_WINDOW)
    return { error: `The window is 1–${MAX_RENDER_WINDOW} source frames.` };
  const f = RENDER_FILLS.find((x) => x === fill);
  if (!f) return { error: `Fill is ${RENDER_FILLS.join(' or ')}.` };
  return { request: { first, last, window, fill: f } };
}

/** A share 0…1 as the panel writes it, e.g. `90.2 %`; a dash when unknown. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${(100 * share).toFixed(1)} %`;
}

/** Mask values (render-files.ts): 255 seen, 128 filled, 0 empty; read with margins, as PNGs get resampled. */
export type MaskClass = 'seen' | 'filled' | 'empty';

export function maskClass(value: number): MaskClass {
  return value >= 192 ? 'seen' : value >= 64 ? 'filled' : 'empty';
}

/** The overlay's colours (RGBA, straight alpha): seen lightly green, filled yellow, empty strong magenta. */
export const MASK_RGBA: Record<MaskClass, readonly [number, number, number, number]> = {
  seen: [53, 196, 106, 70],
  filled: [255, 210, 63, 150],
  empty: [255, 47, 210, 190],
};

export const maskCss = (c: MaskClass): string => {
  const [r, g, b] = MASK_RGBA[c];
  return `rgb(${r} ${g} ${b})`;
};

/**
 * Turns a decoded grey mask (RGBA pixels, as a canvas gives them: the value in R) into the overlay's
 * colours, in place; answers the share of each class.
 */
export function colouriseMask(rgba: Uint8ClampedArray): Record<MaskClass, number> {
  const n = rgba.length >> 2;
  const counts = { seen: 0, filled: 0, empty: 0 };
  for (let i = 0; i < rgba.length; i += 4) {
    const c = maskClass(rgba[i]!);
    counts[c]++;
    const [r, g, b, a] = MASK_RGBA[c];
    rgba[i] = r;
    rgba[i + 1] = g;
    rgba[i + 2] = b;
    rgba[i + 3] = a;
  }
  return { seen: counts.seen / n, filled: counts.filled / n, empty: counts.empty / n };
}

/** The wipe's split (0 = all render … 1 = all source) for a pointer at `x` over a picture at `left`, `width`. */
export function wipeAt(x: number, left: number, width: number): number {
  if (!(width > 0)) return 0.5;
  return Math.min(1, Math.max(0, (x - left) / width));
}
