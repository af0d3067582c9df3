/** How numbers a VFX editor reads are written in the UI. */
import type { TrackMethod } from '../../../src-shared/api/contract';
import { formatFps, type Rational } from '../../../src-shared/rational';
import { shotFrameTimecode } from '../../../src-shared/timecode';

/** `24`, or `23.976 (24000/1001)` when the rate is not whole. */
export function fpsLabel(fps: Rational): string {
  return fps.den === 1 ? formatFps(fps) : `${formatFps(fps)} (${fps.num}/${fps.den})`;
}

/**
 * Timecode of frame `index` of a shot. A start timecode the core stored but that cannot exist at the
 * shot's rate is shown as unknown rather than breaking the viewer.
 */
export function frameTimecode(index: number, fps: Rational, startTimecode: string | null): string {
  try {
    return shotFrameTimecode(index, fps, startTimecode);
  } catch {
    return '--:--:--:--';
  }
}

export function resolutionLabel(width: number, height: number, pixelAspect: Rational): string {
  const par = pixelAspect.num === pixelAspect.den ? '' : ` · PAR ${pixelAspect.num}:${pixelAspect.den}`;
  return `${width}×${height}${par}`;
}

export function etaLabel(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s left`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m left`;
}

export function sizeLabel(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Real running time of `frames` frames at `fps`, e.g. `2.002 s` (what a reinterpreted rate changes). */
export function secondsLabel(frames: number, fps: Rational): string {
  if (fps.num <= 0) return '';
  return `${((frames * fps.den) / fps.num).toFixed(3)} s`;
}

/** `6,832`: counts read as the backend writes them in job messages. */
export function countLabel(n: number): string {
  return n.toLocaleString('en-US');
}

const PROVIDERS: Record<string, string> = {
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'CoreML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

/** An execution provider id (`cuda`, `cpu`, …) as the Models panel writes it. */
export function providerLabel(provider: string): string {
  return PROVIDERS[provider] ?? provider;
}

/** A tracker's name as the bin, the viewer and the tracks legend write it. */
export const METHOD_LABEL: Record<TrackMethod, string> = { klt: 'KLT', xfeat: 'XFeat' };
