import { LensInputSchema, type ShotLens } from '../../../../src-shared/api/contract';
import { numberInRange, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, projectFailure } from './common';

/** "28 mm on a 36 mm wide sensor (you gave it) = 497.8 px horizontal" */
export function describeLens(lens: ShotLens | null): string {
  if (!lens) return 'unknown: the camera solve estimates the focal';
  const from = lens.source === 'user' ? 'you gave it' : `from the media's metadata: ${lens.note ?? ''}`;
  return `${lens.focalMm} mm on a ${+lens.sensorWidthMm.toFixed(2)} mm wide sensor (${from}) = ${lens.focalPx.toFixed(1)} px horizontal`;
}

export const lensCommand: CliCommand = {
  path: ['lens'],
  summary: 'Show or set the lens a shot was filmed with (the camera solve then uses its focal)',
  help: `Usage: reshoot lens <project> <shot id or name> [--focal-mm F --sensor-width-mm S | --clear]

Without options, prints the shot's lens. With --focal-mm and --sensor-width-mm (both in mm; the sensor
width is the width of the area the image covers, e.g. 36 for full frame, 24.89 for Super 35 4-perf),
the next 'reshoot analyze' solves the camera with that focal instead of estimating it — do this for
shots whose focal the solve cannot see well (a straight dolly or drive with little turning). --clear
forgets it (the media's own lens metadata, if any, applies again). Undo in the app reverts it.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { 'focal-mm': { type: 'string' }, 'sensor-width-mm': { type: 'string' }, clear: { type: 'boolean' } },
      'lens',
    );
    if (positionals.length !== 2)
      throw new CliError('reshoot lens: expected <project> <shot>. See --help.', EXIT.usage);
    const f = values['focal-mm'];
    const w = values['sensor-width-mm'];
    if ((f === undefined) !== (w === undefined) || (values.clear && f !== undefined))
      throw new CliError(
        'reshoot lens: give --focal-mm and --sensor-width-mm together, or --clear alone. See --help.',
        EXIT.usage,
      );
    let lens: { focalMm: number; sensorWidthMm: number } | null | undefined;
    if (f !== undefined && w !== undefined) {
      // The bounds are the API's (LensInputSchema), so the command line and the app accept the same.
      const mm = (
        value: string,
        option: string,
        schema: { minValue: number | null; maxValue: number | null },
      ) =>
        numberInRange(
          value,
          option,
          { min: schema.minValue ?? 0, max: schema.maxValue ?? Infinity, unit: 'mm' },
          'lens',
        )!;
      const { focalMm, sensorWidthMm } = LensInputSchema.shape;
      lens = LensInputSchema.parse({
        focalMm: mm(f, 'focal-mm', focalMm),
        sensorWidthMm: mm(w, 'sensor-width-mm', sensorWidthMm),
      });
    } else if (values.clear) lens = null;
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const s = findShot(core.require().project, positionals[1]!);
      const shot =
        lens === undefined
          ? (await handlers['shots.list']()).find((x) => x.id === s.id)!
          : await handlers['shots.setLens']({ shotId: s.id, lens });
      io.out(`${shot.name}: lens ${describeLens(shot.lens)}.\n`);
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};
