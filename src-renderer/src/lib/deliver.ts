/**
 * What the Deliver tab decides apart from the DOM: the form's values as a delivery request (or why they
 * are not one, worded for the form), the words for each deliverable and format, the naming template's
 * tokens, and a preview's file list cut short for the panel.
 */
import {
  CAMERA_DELIVERY_FORMATS,
  DELIVERABLES,
  DEPTH_FORMATS,
  DEPTH_SIZES,
  DEPTH_UNITS,
  PLATE_FORMATS,
  TIMELINE_FORMATS,
  WORLD_UPS,
  type DeliveryRequest,
  type Render,
} from '../../../src-shared/api/contract';
import { separatorOf } from './paths';

export type Deliverable = (typeof DELIVERABLES)[number];
export type PlateFormat = (typeof PLATE_FORMATS)[number];
export type DepthFormat = (typeof DEPTH_FORMATS)[number];
export type DepthUnits = (typeof DEPTH_UNITS)[number];
export type DepthSize = (typeof DEPTH_SIZES)[number];
export type CameraFormat = (typeof CAMERA_DELIVERY_FORMATS)[number];
export type TimelineFormat = (typeof TIMELINE_FORMATS)[number];
export type WorldUp = (typeof WORLD_UPS)[number];

/** The limits the core checks (src-shared/api/contract/deliver.ts), for messages before it is asked. */
export const MAX_HANDLES = 1000;
export const MAX_PADDING = 9;

export const DELIVERABLE_LABEL: Record<Deliverable, string> = {
  plate: 'Plate',
  depth: 'Depth',
  camera: 'Camera',
  timeline: 'Timeline',
};

export const DELIVERABLE_ABOUT: Record<Deliverable, string> = {
  plate: 'The picture, as a movie or an image sequence, at the source timecode with its reel name.',
  depth: "The shot's depth maps, for the compositor's Z-based tools.",
  camera: 'The source camera or a target path, per frame, with the focal in mm and the film back.',
  timeline: 'An edit that places the rendered plates (and the source shots) at their source timecode.',
};

export const PLATE_FORMAT_LABEL: Record<PlateFormat, string> = {
  'prores-hq': 'ProRes 422 HQ',
  'prores-4444': 'ProRes 4444',
  'dnxhr-hq': 'DNxHR HQ',
  'dnxhr-hqx': 'DNxHR HQX',
  'dnxhr-444': 'DNxHR 444',
  h264: 'H.264',
  h265: 'H.265',
  png16: 'PNG 16-bit',
  exr: 'OpenEXR',
};

/** One line per plate format: what it is for. */
export const PLATE_FORMAT_ABOUT: Record<PlateFormat, string> = {
  'prores-hq': 'QuickTime, 10-bit 4:2:2: the plate for finishing — editing and grading.',
  'prores-4444':
    "QuickTime with the render's mask as alpha (seen opaque, holes transparent): for compositing.",
  'dnxhr-hq': 'QuickTime, 8-bit 4:2:2: for Avid Media Composer.',
  'dnxhr-hqx': 'QuickTime, 10-bit 4:2:2: for Avid finishing and grading.',
  'dnxhr-444': 'QuickTime, 10-bit 4:4:4: for Avid, full chroma for keying.',
  h264: 'QuickTime review copy, 8-bit 4:2:0: small, plays everywhere. Not for finishing.',
  h265: 'QuickTime review copy, 8-bit 4:2:0: half the size of H.264. Not for finishing.',
  png16: "16-bit PNG sequence, lossless; a render's frames carry its mask as alpha.",
  exr: 'OpenEXR sequence: half-float RGBA, the target depth as Z and a mask channel.',
};

/** Formats written as one file per frame: their names need {frame}. */
export const SEQUENCE_FORMATS: readonly PlateFormat[] = ['png16', 'exr'];

export const DEPTH_FORMAT_LABEL: Record<DepthFormat, string> = {
  exr: 'OpenEXR (float Z + validity)',
  raw: 'Raw float32 (Reshoot layout)',
};
export const DEPTH_UNITS_LABEL: Record<DepthUnits, string> = {
  gauge: "the shot's gauge",
  metric: 'metres (camera imported metric)',
};
export const DEPTH_SIZE_LABEL: Record<DepthSize, string> = {
  depth: 'depth resolution',
  shot: 'shot resolution',
};

export const CAMERA_FORMAT_LABEL: Record<CameraFormat, string> = {
  usd: 'USD (.usda)',
  chan: 'Nuke .chan',
  nuke: 'Nuke Camera3 node',
  colmap: 'COLMAP text',
  json: 'cameras.json',
};
export const CAMERA_FORMAT_ABOUT: Record<CameraFormat, string> = {
  usd: 'Time-sampled USD camera, Y-up with metersPerUnit: Blender, Houdini, Maya, Unreal.',
  chan: "Nuke's per-frame channel file: import it into a Camera node's File tab.",
  nuke: "A Camera3 node as text: paste it into Nuke's node graph.",
  colmap: 'A COLMAP text model (a folder: cameras.txt, images.txt, points3D.txt).',
  json: "Reshoot's own cameras.json: per-frame pose and intrinsics.",
};

export const WORLD_UP_LABEL: Record<WorldUp, string> = { z: '+Z up', y: '+Y up', '-y': '−Y up' };

export const TIMELINE_FORMAT_LABEL: Record<TimelineFormat, string> = {
  otio: 'OpenTimelineIO (.otio)',
  fcpxml: 'FCPXML 1.10',
  edl: 'CMX3600 EDL',
};
export const TIMELINE_FORMAT_ABOUT: Record<TimelineFormat, string> = {
  otio: 'Resolve, Premiere (via OTIO), Nuke Studio/Hiero, and any OTIO tool.',
  fcpxml: 'Final Cut Pro and DaVinci Resolve.',
  edl: 'Every NLE: one video track, reel names and source timecode.',
};

/** The tokens a plate's file name template may hold, and what each becomes. */
export const TEMPLATE_TOKENS: readonly { token: string; about: string }[] = [
  { token: '{shot}', about: "the shot's name" },
  { token: '{path}', about: "the target path's name ('source' for the shot as it is)" },
  { token: '{version}', about: 'the render version, 3 digits (000 for the shot as it is)' },
  { token: '{frame}', about: 'the frame number (shot frame + 1), padded — image sequences only' },
  { token: '{reel}', about: "the reel name (the shot's name when it has none)" },
  { token: '{format}', about: 'the format, e.g. prores-hq' },
];

/** The template the core uses when none is given (src-main/deliver/plate-plan.ts defaultTemplate). */
export function defaultTemplate(fromRender: boolean, format: PlateFormat): string {
  const base = fromRender ? '{shot}_{path}_v{version}' : '{shot}_{path}';
  return SEQUENCE_FORMATS.includes(format) ? `${base}.{frame}` : base;
}

/** An empty number field: Svelte binds it as null (or undefined before it was touched). */
type NumberField = number | null | undefined;

export interface DeliverForm {
  what: Deliverable;
  folder: string;
  plate: {
    /** A render of this target path; null = the shot as it is. */
    pathId: number | null;
    /** The render version; null = the newest finished one. */
    version: number | null;
    format: PlateFormat;
    /** Both empty: every frame the source has. */
    first: NumberField;
    last: NumberField;
    handles: NumberField;
    /** Empty: the default template. */
    template: string;
    padding: NumberField;
  };
  depth: { format: DepthFormat; units: DepthUnits; size: DepthSize };
  camera: {
    /** A target path; null = the source camera. */
    pathId: number | null;
    format: CameraFormat;
    worldUp: WorldUp;
    /** Empty: named after the shot and path. */
    name: string;
  };
  timeline: { scope: 'shot' | 'project'; format: TimelineFormat; name: string };
}

export function defaultForm(folder: string, worldUp: WorldUp): DeliverForm {
  return {
    what: 'plate',
    folder,
    plate: {
      pathId: null,
      version: null,
      format: 'prores-hq',
      first: null,
      last: null,
      handles: 0,
      template: '',
      padding: 4,
    },
    depth: { format: 'exr', units: 'gauge', size: 'depth' },
    camera: { pathId: null, format: 'chan', worldUp, name: '' },
    timeline: { scope: 'shot', format: 'otio', name: '' },
  };
}

const isEmpty = (v: NumberField): v is null | undefined => v === null || v === undefined || Number.isNaN(v);

/** A file name typed by the user: one name, not a path. */
function nameError(name: string, what: string): string | null {
  if (/[/\\]/.test(name)) return `The ${what} is a name, not a path: choose the folder above.`;
  if (name.length > 200) return `The ${what} is longer than 200 characters.`;
  return null;
}

/** The form's values as a delivery request for `shotId`, or why they are not one (worded for the form). */
export function deliveryRequest(
  form: DeliverForm,
  shotId: number,
  frameCount: number,
): { request: DeliveryRequest } | { error: string } {
  const folder = form.folder.trim();
  if (folder === '') return { error: 'Choose the folder to deliver into.' };
  switch (form.what) {
    case 'plate': {
      const p = form.plate;
      const lastFrame = frameCount - 1;
      let frames: { first: number; last: number } | undefined;
      if (!isEmpty(p.first) || !isEmpty(p.last)) {
        if (isEmpty(p.first) || isEmpty(p.last))
          return { error: 'Give both ends of the frame range, or neither for every frame.' };
        if (
          !Number.isInteger(p.first) ||
          !Number.isInteger(p.last) ||
          p.first < 0 ||
          p.last > lastFrame ||
          p.first > p.last
        )
          return { error: `Frames must be a range within 0–${lastFrame}.` };
        frames = { first: p.first, last: p.last };
      }
      const handles = isEmpty(p.handles) ? 0 : p.handles;
      if (!Number.isInteger(handles) || handles < 0 || handles > MAX_HANDLES)
        return { error: `Handles are 0–${MAX_HANDLES} frames.` };
      const padding = isEmpty(p.padding) ? 4 : p.padding;
      if (!Number.isInteger(padding) || padding < 1 || padding > MAX_PADDING)
        return { error: `Padding is 1–${MAX_PADDING} digits.` };
      const template = p.template.trim();
      if (template.length > 200) return { error: 'The name template is longer than 200 characters.' };
      return {
        request: {
          what: 'plate',
          shotId,
          pathId: p.pathId,
          version: p.pathId === null ? null : p.version,
          format: p.format,
          ...(frames ? { frames } : {}),
          handles,
          ...(template ? { template } : {}),
          padding,
          folder,
        },
      };
    }
    case 'depth':
      return { request: { what: 'depth', shotId, ...form.depth, folder } };
    case 'camera': {
      const c = form.camera;
      const name = c.name.trim();
      const err = name ? nameError(name, 'file name') : null;
      if (err) return { error: err };
      return {
        request: {
          what: 'camera',
          shotId,
          pathId: c.pathId,
          format: c.format,
          worldUp: c.worldUp,
          ...(name ? { name } : {}),
          folder,
        },
      };
    }
    case 'timeline': {
      const t = form.timeline;
      const name = t.name.trim();
      const err = name ? nameError(name, 'file name') : null;
      if (err) return { error: err };
      return {
        request: {
          what: 'timeline',
          shotIds: t.scope === 'shot' ? [shotId] : null,
          format: t.format,
          ...(name ? { name } : {}),
          folder,
        },
      };
    }
  }
}

/** A request's identity, so a preview answer can be matched to the request it answers. */
export function requestKey(request: DeliveryRequest): string {
  return JSON.stringify(request);
}

/** The finished versions of a path, newest first: those a plate can be delivered from. */
export function finishedVersions(renders: readonly Render[], pathId: number): Render[] {
  return renders
    .filter((r) => r.pathId === pathId && r.status === 'done')
    .sort((a, b) => b.version - a.version);
}

/** A file as the panel lists it: its name inside the destination folder, else the whole path. */
export function shownName(file: string, folder: string): string {
  const f = folder.trim().replace(/[/\\]+$/, '');
  if (f === '') return file;
  for (const sep of new Set([separatorOf(f), '/'])) {
    if (file.startsWith(f + sep)) return file.slice(f.length + 1);
  }
  return file;
}

export interface FileRow {
  path: string;
  name: string;
  exists: boolean;
}

export interface FileSummary {
  /** The rows to show. */
  rows: FileRow[];
  /** How many more there are (shown as "… and N more"). */
  more: number;
  total: number;
  existing: number;
}

/**
 * A preview's files cut short for the panel: the first `head` (the whole list when expanded), plus every
 * existing file further down, so none the delivery would refuse for is hidden.
 */
export function summariseFiles(
  files: readonly string[],
  existing: readonly string[],
  folder: string,
  expanded: boolean,
  head = 3,
): FileSummary {
  const there = new Set(existing);
  const all = files.map((path) => ({ path, name: shownName(path, folder), exists: there.has(path) }));
  // one more row than "… and 1 more" would take
  const cut = expanded || all.length <= head + 1 ? all.length : head;
  const rows = all.filter((r, i) => i < cut || r.exists);
  return {
    rows,
    more: all.length - rows.length,
    total: all.length,
    existing: all.filter((r) => r.exists).length,
  };
}

/** What the panel says about the existing files: deliveries never overwrite. */
export function existingMessage(existing: number, total: number): string | null {
  if (existing === 0) return null;
  const which = existing === total ? (total === 1 ? 'The file exists' : 'All these files exist') : null;
  return (
    `${which ?? `${existing} of these ${total} files exist`} already. Deliver never overwrites: ` +
    'choose another folder or name, or move the old files away first.'
  );
}
