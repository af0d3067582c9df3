/**
 * One viewer's playhead and transport (J/K/L, space, steps). Speed is in multiples of the shot's frame
 * rate: 0 is stopped, negative plays backwards; repeated L or J doubles it up to 16×.
 */
import type { Rational } from '../../../../src-shared/rational';

const MAX_SPEED = 16;

export class Playback {
  shotId = $state<number | null>(null);
  frame = $state(0);
  frameCount = $state(0);
  fps = $state<Rational>({ num: 24, den: 1 });
  speed = $state(0);
  /** Playback is waiting for frames to arrive. */
  buffering = $state(false);
  /** Where the playhead was in each shot this viewer showed, to come back there (never shown: not reactive). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private lastFrames = new Map<number, number>();

  load(shotId: number | null, frameCount: number, fps: Rational): void {
    if (shotId === this.shotId) {
      this.frameCount = frameCount;
      this.fps = fps;
      this.frame = this.clamp(this.frame);
      return;
    }
    if (this.shotId !== null) this.lastFrames.set(this.shotId, this.frame);
    this.speed = 0;
    this.buffering = false;
    this.shotId = shotId;
    this.frameCount = frameCount;
    this.fps = fps;
    this.frame = shotId === null ? 0 : this.clamp(this.lastFrames.get(shotId) ?? 0);
  }

  private clamp(f: number): number {
    return Math.max(0, Math.min(Math.max(0, this.frameCount - 1), Math.round(f)));
  }

  /** Moves the playhead; used by scrubbing (playback keeps its speed only when asked to). */
  seek(f: number, keepPlaying = false): void {
    if (!keepPlaying) this.speed = 0;
    this.frame = this.clamp(f);
  }

  step(delta: number): void {
    this.seek(this.frame + delta);
  }

  toStart(): void {
    this.seek(0);
  }

  toEnd(): void {
    this.seek(this.frameCount - 1);
  }

  forward(): void {
    if (this.frame >= this.frameCount - 1 && this.speed <= 0) this.frame = 0;
    this.speed = this.speed > 0 ? Math.min(MAX_SPEED, this.speed * 2) : 1;
  }

  reverse(): void {
    if (this.frame <= 0 && this.speed >= 0) this.frame = Math.max(0, this.frameCount - 1);
    this.speed = this.speed < 0 ? Math.max(-MAX_SPEED, this.speed * 2) : -1;
  }

  stop(): void {
    this.speed = 0;
    this.buffering = false;
  }

  togglePlay(): void {
    if (this.speed !== 0) this.stop();
    else this.forward();
  }
}
