/** What the viewer draws over the picture: the 2D tracks overlay (T) and which tracker's tracks. */
import type { ShotTracks, TrackMethod } from '../../../../src-shared/api/contract';

export const METHOD_LABEL: Record<TrackMethod, string> = { klt: 'KLT', xfeat: 'XFeat' };

class Overlay {
  tracks = $state(false);
  /** The method chosen when a shot has tracks by both; otherwise the shot's only set is shown. */
  method = $state<TrackMethod>('klt');

  toggleTracks(): void {
    this.tracks = !this.tracks;
  }

  /** The track set to show for a shot: the chosen method's, else whichever the shot has. */
  pick(sets: ShotTracks[]): ShotTracks | null {
    return sets.find((t) => t.method === this.method) ?? sets[0] ?? null;
  }
}

export const overlay = new Overlay();
