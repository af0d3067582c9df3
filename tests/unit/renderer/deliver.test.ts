import { describe, expect, it } from 'vitest';
import { DeliveryRequestSchema, PLATE_FORMATS, type Render } from '../../../src-shared/api/contract';
import {
  PLATE_FORMAT_ABOUT,
  TEMPLATE_TOKENS,
  defaultForm,
  defaultTemplate,
  deliveryRequest,
  existingMessage,
  finishedVersions,
  requestKey,
  shownName,
  summariseFiles,
  type DeliverForm,
} from '../../../src-renderer/src/lib/deliver';

const FOLDER = '/work/Project.reshoot/delivery';

function form(change: (f: DeliverForm) => void = () => undefined): DeliverForm {
  const f = defaultForm(FOLDER, 'y');
  change(f);
  return f;
}

function request(f: DeliverForm) {
  const r = deliveryRequest(f, 7, 16);
  if ('error' in r) throw new Error(r.error);
  // what the panel sends is what the contract accepts
  expect(DeliveryRequestSchema.safeParse(r.request).success).toBe(true);
  return r.request;
}

function error(f: DeliverForm): string {
  const r = deliveryRequest(f, 7, 16);
  if (!('error' in r)) throw new Error(`expected an error, got ${JSON.stringify(r.request)}`);
  return r.error;
}

describe('the Deliver form as a request', () => {
  it('delivers the shot as it is, every frame, with the default name, unless told otherwise', () => {
    expect(request(form())).toEqual({
      what: 'plate',
      shotId: 7,
      pathId: null,
      version: null,
      format: 'prores-hq',
      handles: 0,
      padding: 4,
      folder: FOLDER,
    });
  });

  it('a render of a path at a version, frames, handles, a template and padding', () => {
    const r = request(
      form((f) => {
        f.plate = {
          pathId: 3,
          version: 2,
          format: 'exr',
          first: 2,
          last: 9,
          handles: 4,
          template: '  {shot}_{frame} ',
          padding: 6,
        };
      }),
    );
    expect(r).toEqual({
      what: 'plate',
      shotId: 7,
      pathId: 3,
      version: 2,
      format: 'exr',
      frames: { first: 2, last: 9 },
      handles: 4,
      template: '{shot}_{frame}',
      padding: 6,
      folder: FOLDER,
    });
  });

  it('no version without a path (a version picked for a path stays out once the shot itself is chosen)', () => {
    const r = request(
      form((f) => {
        f.plate.version = 3;
      }),
    );
    expect(r).toMatchObject({ pathId: null, version: null });
  });

  it('empty number fields mean the defaults; a half-given range is refused', () => {
    const r = request(
      form((f) => {
        f.plate.handles = null;
        f.plate.padding = undefined;
        f.plate.first = Number.NaN;
      }),
    );
    expect(r).toMatchObject({ handles: 0, padding: 4 });
    expect(r).not.toHaveProperty('frames');
    expect(error(form((f) => (f.plate.first = 3)))).toBe(
      'Give both ends of the frame range, or neither for every frame.',
    );
    expect(error(form((f) => (f.plate.last = 3)))).toContain('both ends');
  });

  it('frame ranges outside the shot, or backwards, are refused with the shot’s range', () => {
    for (const [first, last] of [
      [0, 16],
      [-1, 3],
      [5, 4],
      [1.5, 4],
    ])
      expect(
        error(
          form((f) => {
            f.plate.first = first;
            f.plate.last = last;
          }),
        ),
      ).toBe('Frames must be a range within 0–15.');
    expect(
      request(
        form((f) => {
          f.plate.first = 0;
          f.plate.last = 15;
        }),
      ),
    ).toMatchObject({ frames: { first: 0, last: 15 } });
  });

  it('handles and padding outside what the core takes are refused', () => {
    expect(error(form((f) => (f.plate.handles = -1)))).toBe('Handles are 0–1000 frames.');
    expect(error(form((f) => (f.plate.handles = 1001)))).toBe('Handles are 0–1000 frames.');
    expect(request(form((f) => (f.plate.handles = 1000)))).toMatchObject({ handles: 1000 });
    expect(error(form((f) => (f.plate.padding = 0)))).toBe('Padding is 1–9 digits.');
    expect(error(form((f) => (f.plate.padding = 10)))).toBe('Padding is 1–9 digits.');
    expect(error(form((f) => (f.plate.template = 'x'.repeat(201))))).toContain('longer than 200');
  });

  it('a destination folder is needed', () => {
    expect(error(form((f) => (f.folder = '  ')))).toBe('Choose the folder to deliver into.');
  });

  it('depth: format, units and size as chosen', () => {
    const r = request(
      form((f) => {
        f.what = 'depth';
        f.depth = { format: 'raw', units: 'metric', size: 'shot' };
      }),
    );
    expect(r).toEqual({
      what: 'depth',
      shotId: 7,
      format: 'raw',
      units: 'metric',
      size: 'shot',
      folder: FOLDER,
    });
  });

  it('camera: the source camera or a path, the world up, a file name only when one is typed', () => {
    expect(request(form((f) => (f.what = 'camera')))).toEqual({
      what: 'camera',
      shotId: 7,
      pathId: null,
      format: 'chan',
      worldUp: 'y',
      folder: FOLDER,
    });
    const r = request(
      form((f) => {
        f.what = 'camera';
        f.camera = { pathId: 4, format: 'usd', worldUp: '-y', name: ' cam.usda ' };
      }),
    );
    expect(r).toMatchObject({ pathId: 4, format: 'usd', worldUp: '-y', name: 'cam.usda' });
    expect(
      error(
        form((f) => {
          f.what = 'camera';
          f.camera.name = 'sub/cam.chan';
        }),
      ),
    ).toBe('The file name is a name, not a path: choose the folder above.');
  });

  it('timeline: this shot, or every shot of the project', () => {
    expect(request(form((f) => (f.what = 'timeline')))).toEqual({
      what: 'timeline',
      shotIds: [7],
      format: 'otio',
      folder: FOLDER,
    });
    const r = request(
      form((f) => {
        f.what = 'timeline';
        f.timeline = { scope: 'project', format: 'edl', name: 'cut.edl' };
      }),
    );
    expect(r).toEqual({ what: 'timeline', shotIds: null, format: 'edl', name: 'cut.edl', folder: FOLDER });
    expect(
      error(
        form((f) => {
          f.what = 'timeline';
          f.timeline.name = 'C:\\cut.edl';
        }),
      ),
    ).toContain('not a path');
  });

  it('the key of a request changes with any choice and only then', () => {
    const a = request(form());
    expect(requestKey(a)).toBe(requestKey(request(form())));
    expect(requestKey(a)).not.toBe(requestKey(request(form((f) => (f.plate.format = 'h264')))));
    expect(requestKey(a)).not.toBe(requestKey(request(form((f) => (f.folder = '/elsewhere')))));
  });
});

describe('naming help', () => {
  it('the default template is the core’s: versioned for renders, {frame} for sequences', () => {
    expect(defaultTemplate(true, 'prores-hq')).toBe('{shot}_{path}_v{version}');
    expect(defaultTemplate(false, 'prores-hq')).toBe('{shot}_{path}');
    expect(defaultTemplate(true, 'exr')).toBe('{shot}_{path}_v{version}.{frame}');
    expect(defaultTemplate(false, 'png16')).toBe('{shot}_{path}.{frame}');
  });

  it('lists every token the core accepts, and says what each plate format is for', () => {
    expect(TEMPLATE_TOKENS.map((t) => t.token)).toEqual([
      '{shot}',
      '{path}',
      '{version}',
      '{frame}',
      '{reel}',
      '{format}',
    ]);
    for (const f of PLATE_FORMATS) expect(PLATE_FORMAT_ABOUT[f].length).toBeGreaterThan(20);
  });
});

describe('the file list', () => {
  const seq = Array.from(
    { length: 16 },
    (_, i) => `${FOLDER}/A_target_v001.${String(i + 1).padStart(4, '0')}.exr`,
  );

  it('names files inside the destination folder; others in full', () => {
    expect(shownName(`${FOLDER}/a.mov`, FOLDER)).toBe('a.mov');
    expect(shownName(`${FOLDER}/a.mov`, `${FOLDER}/`)).toBe('a.mov');
    expect(shownName(`${FOLDER}/colmap/cameras.txt`, FOLDER)).toBe('colmap/cameras.txt');
    expect(shownName('/other/a.mov', FOLDER)).toBe('/other/a.mov');
    expect(shownName(`${FOLDER}x/a.mov`, FOLDER)).toBe(`${FOLDER}x/a.mov`);
    expect(shownName('C:\\d\\a.mov', 'C:\\d')).toBe('a.mov');
  });

  it('a sequence shows its first files and how many more; expanded, all of them', () => {
    const s = summariseFiles(seq, [], FOLDER, false);
    expect(s.rows.map((r) => r.name)).toEqual([
      'A_target_v001.0001.exr',
      'A_target_v001.0002.exr',
      'A_target_v001.0003.exr',
    ]);
    expect(s).toMatchObject({ more: 13, total: 16, existing: 0 });
    const all = summariseFiles(seq, [], FOLDER, true);
    expect(all.rows).toHaveLength(16);
    expect(all.more).toBe(0);
  });

  it('never says "… and 1 more": four files are listed whole', () => {
    expect(summariseFiles(seq.slice(0, 4), [], FOLDER, false)).toMatchObject({ more: 0, total: 4 });
    expect(summariseFiles(seq.slice(0, 5), [], FOLDER, false)).toMatchObject({ more: 2, total: 5 });
  });

  it('existing files are marked, and listed even past the cut', () => {
    const s = summariseFiles(seq, [seq[1]!, seq[12]!], FOLDER, false);
    expect(s.rows.map((r) => [r.name, r.exists])).toEqual([
      ['A_target_v001.0001.exr', false],
      ['A_target_v001.0002.exr', true],
      ['A_target_v001.0003.exr', false],
      ['A_target_v001.0013.exr', true],
    ]);
    expect(s).toMatchObject({ more: 12, existing: 2 });
  });

  it('says plainly that nothing is overwritten', () => {
    expect(existingMessage(0, 1)).toBeNull();
    expect(existingMessage(1, 1)).toMatch(/^The file exists already\. Deliver never overwrites/);
    expect(existingMessage(16, 16)).toMatch(/^All these files exist already\./);
    expect(existingMessage(2, 16)).toMatch(/^2 of these 16 files exist already\./);
  });
});

describe('renders a plate can come from', () => {
  const r = (id: number, pathId: number, version: number, status: Render['status']) =>
    ({ id, pathId, version, status }) as Render;

  it('only the finished versions of the path, newest first', () => {
    const list = [
      r(1, 1, 1, 'done'),
      r(2, 1, 2, 'failed'),
      r(3, 2, 1, 'done'),
      r(4, 1, 3, 'done'),
      r(5, 1, 4, 'rendering'),
    ];
    expect(finishedVersions(list, 1).map((x) => x.version)).toEqual([3, 1]);
    expect(finishedVersions(list, 9)).toEqual([]);
  });
});
