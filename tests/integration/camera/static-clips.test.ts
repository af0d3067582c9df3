/**
 * Quality bar: the static-camera clips 12, 13, 14 (first 90 frames, KLT at 640 px wide) are reported as
 * static ("no camera motion"), one fixed pose, total translation < 1 % of the median scene depth (zero
 * here: a static result has no translation by construction).
 */
import { describe, expect, it } from 'vitest';
import { solveCamera, TRACK_DYNAMIC } from '../../../src-main/analysis/camera';
import { kltTracks } from './klt-fixture';

const CLIPS = [
  '12_dog_courtyard_static_cam.mp4',
  '13_camel_static_cam.mp4',
  '14_robot_egocentric_hevc_480p.mp4',
];

describe('static-camera clips', () => {
  for (const clip of CLIPS) {
    it(`${clip} is reported as static`, async () => {
      const { set } = await kltTracks(`../shared/media/${clip}`, { frames: 90, width: 640 });
      const solve = await solveCamera(set);
      const dyn = solve.trackFlags.filter((f) => f === TRACK_DYNAMIC).length;
      console.log(
        `${clip}: ${solve.status} "${solve.message}", background motion ${solve.diagnostics.backgroundMotionPx.toFixed(2)} px, ${dyn}/${set.numTracks} tracks flagged dynamic`,
      );
      expect(solve.status).toBe('static');
      expect(solve.message).toBe('no camera motion');
      let travel = 0;
      for (let i = 1; i < solve.poses.length; i++) {
        const a = solve.poses[i - 1]!.C,
          b = solve.poses[i]!.C;
        travel += Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      }
      expect(travel).toBe(0);
      expect(solve.poses.every((p) => p && p.q[0] === 1)).toBe(true);
    });
  }
});
