/**
 * Where the viewer puts the picture on its canvas: fitted inside the box (letterboxed or pillarboxed),
 * honouring the pixel aspect, on whole device pixels. The frame and every overlay drawn over it use
 * this one rectangle so they line up exactly.
 */
import { devicePixelRatio } from 'svelte/reactivity/window';
import type { Shot } from '../../../src-shared/api/contract';

export interface PictureRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The picture's rectangle in a canvas of `cw`×`ch` device pixels. */
export function pictureRect(
  cw: number,
  ch: number,
  shot: Pick<Shot, 'width' | 'height' | 'pixelAspect'>,
): PictureRect {
  const aspect = (shot.width * shot.pixelAspect.num) / shot.pixelAspect.den / Math.max(1, shot.height);
  let w = cw;
  let h = w / aspect;
  if (h > ch) {
    h = ch;
    w = h * aspect;
  }
  return { x: Math.round((cw - w) / 2), y: Math.round((ch - h) / 2), w: Math.round(w), h: Math.round(h) };
}

/**
 * The canvas size in device pixels for a box of CSS pixels, and the ratio used. Read in an effect, it
 * makes the effect run again when the ratio changes (the window moved to another screen, browser zoom).
 */
export function canvasSize(boxWidth: number, boxHeight: number): { cw: number; ch: number; dpr: number } {
  const dpr = devicePixelRatio.current || 1;
  return {
    cw: Math.max(1, Math.round(boxWidth * dpr)),
    ch: Math.max(1, Math.round(boxHeight * dpr)),
    dpr,
  };
}
