/**
 * The world up an export of a shot's cameras starts with: the up the scene was oriented to, not a fixed
 * +Z. An oriented shot is exported in its oriented world, whose up is +Z (src-main/paths/orientation.ts);
 * a shot that was never oriented keeps the solved (or imported) world, whose up is the cameras' mean up —
 * the export names that axis so the DCC's up matches the footage's.
 */
import type { WorldUp } from '../../src-shared/geometry';
import { sceneUpOf } from '../paths';
import { shotOrientation, type Project, type ShotRecord } from '../store';

const AXES: readonly [WorldUp, [number, number, number]][] = [
  ['z', [0, 0, 1]],
  ['y', [0, 1, 0]],
  ['-y', [0, -1, 0]],
];

export function defaultWorldUp(project: Project, shot: ShotRecord): WorldUp {
  if (shotOrientation(shot)) return 'z';
  const up = sceneUpOf(project, shot);
  let best: WorldUp = 'z';
  let bestDot = -Infinity;
  for (const [name, a] of AXES) {
    const d = a[0] * up[0] + a[1] * up[1] + a[2] * up[2];
    if (d > bestDot) {
      bestDot = d;
      best = name;
    }
  }
  return best;
}
