/**
 * Accuracy of both trackers on ../shared/gt outside vitest, for tuning: npx tsx bench/tracking/gt-accuracy.ts [klt,xfeat]
 * Environment: SHOTS=orbit_a,dolly_a, OPTS=<tracker options as JSON>.
 */
import { trackGtShot, formatFigures } from '../../tests/integration/tracking/gt-eval';
import { openXFeatSession } from '../../tests/integration/tracking/xfeat-session';
const methods = (process.argv[2] ?? 'klt,xfeat').split(',') as ('klt' | 'xfeat')[];
const s = await openXFeatSession();
for (const m of methods) for (const shot of (process.env.SHOTS ?? 'orbit_a,dolly_a').split(',')) console.log(formatFigures(await trackGtShot(shot, m, s.run, JSON.parse(process.env.OPTS ?? '{}'))));
