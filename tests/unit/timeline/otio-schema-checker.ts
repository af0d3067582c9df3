/**
 * A checker of OTIO JSON written for the tests from OpenTimelineIO's published serialized schema
 * ("Serialized Data (Fields Only)" and "Serialized Data" in OTIO's docs/tutorials, current versions):
 * each schema's exact field list, the types OTIO's reader requires of them, and which schemas may be
 * children of which. OTIO's Python/C++ library cannot be installed here (its registry is not reachable),
 * so this stands in for its reader. It returns every problem found, with the JSON path.
 */

type Obj = Record<string, unknown>;

/** The fields each schema serializes (besides OTIO_SCHEMA), from OTIO's generated field list. */
export const OTIO_FIELDS: Record<string, readonly string[]> = {
  'Timeline.1': ['global_start_time', 'metadata', 'name', 'tracks'],
  'Stack.1': ['color', 'effects', 'enabled', 'markers', 'metadata', 'name', 'source_range', 'children'],
  'Track.1': [
    'color',
    'effects',
    'enabled',
    'kind',
    'markers',
    'metadata',
    'name',
    'source_range',
    'children',
  ],
  'Clip.2': [
    'active_media_reference_key',
    'color',
    'effects',
    'enabled',
    'markers',
    'media_references',
    'metadata',
    'name',
    'source_range',
  ],
  'Gap.1': ['color', 'effects', 'enabled', 'markers', 'metadata', 'name', 'source_range'],
  'ExternalReference.1': ['available_image_bounds', 'available_range', 'metadata', 'name', 'target_url'],
  'ImageSequenceReference.1': [
    'available_image_bounds',
    'available_range',
    'frame_step',
    'frame_zero_padding',
    'metadata',
    'missing_frame_policy',
    'name',
    'name_prefix',
    'name_suffix',
    'rate',
    'start_frame',
    'target_url_base',
  ],
  'RationalTime.1': ['rate', 'value'],
  'TimeRange.1': ['duration', 'start_time'],
  'Color.1': ['a', 'b', 'g', 'name', 'r'],
};

const ITEMS_IN_TRACK = ['Clip.2', 'Gap.1', 'Stack.1', 'Transition.1'];
const ITEMS_IN_STACK = ['Track.1', 'Clip.2', 'Gap.1', 'Stack.1'];
const MEDIA_REFERENCES = [
  'ExternalReference.1',
  'ImageSequenceReference.1',
  'MissingReference.1',
  'GeneratorReference.1',
];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkOtio(doc: unknown): string[] {
  const problems: string[] = [];
  const bad = (path: string, what: string) => problems.push(`${path}: ${what}`);

  function schemaOf(v: unknown, path: string, allowed: readonly string[]): Obj | null {
    if (!isObj(v)) {
      bad(path, 'expected an OTIO object');
      return null;
    }
    const s = v.OTIO_SCHEMA;
    if (typeof s !== 'string' || !allowed.includes(s)) {
      bad(path, `OTIO_SCHEMA ${JSON.stringify(s)} is not one of ${allowed.join(', ')}`);
      return null;
    }
    const fields = OTIO_FIELDS[s];
    if (fields) {
      const have = Object.keys(v).filter((k) => k !== 'OTIO_SCHEMA');
      for (const f of fields) if (!(f in v)) bad(path, `${s} lacks field '${f}'`);
      for (const f of have) if (!fields.includes(f)) bad(path, `${s} has no field '${f}'`);
    }
    return v;
  }

  function rationalTime(v: unknown, path: string): void {
    const o = schemaOf(v, path, ['RationalTime.1']);
    if (!o) return;
    if (typeof o.rate !== 'number' || !(o.rate > 0) || !Number.isFinite(o.rate))
      bad(path, 'rate must be a positive number');
    if (typeof o.value !== 'number' || !Number.isFinite(o.value)) bad(path, 'value must be a number');
  }

  function timeRange(v: unknown, path: string, nullable: boolean): void {
    if (v === null) {
      if (!nullable) bad(path, 'must not be null');
      return;
    }
    const o = schemaOf(v, path, ['TimeRange.1']);
    if (!o) return;
    rationalTime(o.duration, `${path}.duration`);
    rationalTime(o.start_time, `${path}.start_time`);
    if (isObj(o.duration) && typeof o.duration.value === 'number' && o.duration.value < 0)
      bad(path, 'negative duration');
  }

  function common(o: Obj, path: string): void {
    if (!isObj(o.metadata)) bad(`${path}.metadata`, 'must be an object');
    if (typeof o.name !== 'string') bad(`${path}.name`, 'must be a string');
  }

  function itemFields(o: Obj, path: string, rangeNullable: boolean): void {
    common(o, path);
    timeRange(o.source_range, `${path}.source_range`, rangeNullable);
    if (!Array.isArray(o.effects)) bad(`${path}.effects`, 'must be a list');
    if (!Array.isArray(o.markers)) bad(`${path}.markers`, 'must be a list');
    if (typeof o.enabled !== 'boolean') bad(`${path}.enabled`, 'must be true or false');
    if (o.color !== null) schemaOf(o.color, `${path}.color`, ['Color.1']);
  }

  function mediaReference(v: unknown, path: string): void {
    const o = schemaOf(v, path, MEDIA_REFERENCES);
    if (!o) return;
    common(o, path);
    timeRange(o.available_range, `${path}.available_range`, true);
    if (o.available_image_bounds !== null && !isObj(o.available_image_bounds))
      bad(`${path}.available_image_bounds`, 'must be a Box2d or null');
    if (o.OTIO_SCHEMA === 'ExternalReference.1' && typeof o.target_url !== 'string')
      bad(`${path}.target_url`, 'must be a string');
    if (o.OTIO_SCHEMA === 'ImageSequenceReference.1') {
      for (const k of ['target_url_base', 'name_prefix', 'name_suffix'])
        if (typeof o[k] !== 'string') bad(`${path}.${k}`, 'must be a string');
      for (const k of ['start_frame', 'frame_step', 'frame_zero_padding'])
        if (!Number.isInteger(o[k])) bad(`${path}.${k}`, 'must be an integer');
      if (typeof o.rate !== 'number' || !(o.rate > 0)) bad(`${path}.rate`, 'must be a positive number');
      if (!['error', 'black', 'hold'].includes(o.missing_frame_policy as string))
        bad(`${path}.missing_frame_policy`, 'must be error, black or hold');
    }
  }

  function composable(v: unknown, path: string, allowed: readonly string[]): void {
    const o = schemaOf(v, path, allowed);
    if (!o) return;
    const s = o.OTIO_SCHEMA as string;
    if (s === 'Clip.2') {
      itemFields(o, path, true);
      const refs = o.media_references;
      if (!isObj(refs)) bad(`${path}.media_references`, 'must be an object');
      else for (const [k, r] of Object.entries(refs)) mediaReference(r, `${path}.media_references.${k}`);
      if (
        typeof o.active_media_reference_key !== 'string' ||
        !isObj(refs) ||
        !(o.active_media_reference_key in refs)
      )
        bad(`${path}.active_media_reference_key`, 'must name one of media_references');
    } else if (s === 'Gap.1') {
      itemFields(o, path, false);
    } else if (s === 'Track.1' || s === 'Stack.1') {
      itemFields(o, path, true);
      if (s === 'Track.1' && o.kind !== 'Video' && o.kind !== 'Audio')
        bad(`${path}.kind`, 'must be "Video" or "Audio"');
      if (!Array.isArray(o.children)) bad(`${path}.children`, 'must be a list');
      else
        o.children.forEach((c, i) =>
          composable(c, `${path}.children[${i}]`, s === 'Track.1' ? ITEMS_IN_TRACK : ITEMS_IN_STACK),
        );
    }
  }

  const t = schemaOf(doc, '$', ['Timeline.1']);
  if (t) {
    common(t, '$');
    if (t.global_start_time !== null) rationalTime(t.global_start_time, '$.global_start_time');
    composable(t.tracks, '$.tracks', ['Stack.1']);
  }
  return problems;
}
