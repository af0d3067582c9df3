/**
 * What one viewer shows: the picture or the 3D view, and over the picture the 2D tracks overlay (T) and
 * the depth overlay (D), with which tracker's tracks and how opaque the depth is; in the dual view, how
 * a render is shown (mask overlay, A/B wipe).
 */
import type { ShotTracks, TrackMethod } from '../../../../src-shared/api/contract';

/** 'dual': the source picture beside the selected target path's view, with the paired tracks. */
export type ViewerMode = 'picture' | '3d' | 'dual';
/** The depth overlay's view: the depth in false colour, or what each pixel is (measured, propagated…). */
export type DepthOverlayMode = 'depth' | 'state';

export class Overlays {
  mode = $state<ViewerMode>('picture');
  tracks = $state(false);
  /** The method chosen when a shot has tracks by both; otherwise the shot's only set is shown. */
  method = $state<TrackMethod>('klt');
  depth = $state(false);
  /** 1: the depth replaces the picture; lower values let the picture show through. */
  depthOpacity = $state(1);
  depthMode = $state<DepthOverlayMode>('depth');
  /** Over a render in the dual view: its mask (seen / filled / empty) in colour. */
  renderMask = $state(false);
  /** A/B wipe in the dual view: the source frame left of the divider, the render right of it. */
  wipe = $state(false);
  /** Where the wipe's divider is, 0…1 across the picture. */
  wipeAt = $state(0.5);

  toggleTracks(): void {
    this.tracks = !this.tracks;
  }

  toggleDepth(): void {
    this.depth = !this.depth;
  }

  /** The track set to show for a shot: the chosen method's, else whichever the shot has. */
  pick(sets: ShotTracks[]): ShotTracks | null {
    return sets.find((t) => t.method === this.method) ?? sets[0] ?? null;
  }
}
