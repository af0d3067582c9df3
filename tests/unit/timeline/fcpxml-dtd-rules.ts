/**
 * The rules of Apple's FCPXML 1.10 DTD (read through the search tool from Apple's "Document Type
 * Definition" page; the DTD itself is Apple's and is not copied here) for the elements a delivery
 * timeline uses: which children each may hold and in what order, its attributes (required ones,
 * allowed ones, enumerations), the rational `time` format, IDs and IDREFs. Other elements are reported
 * as not expected in our output. Returns every problem with the element's path.
 */
import type { XmlElement } from './xml-reader';

interface Rule {
  /** Content model as a regular expression over the child element names, each followed by a space. */
  content: RegExp;
  required: readonly string[];
  allowed: readonly string[];
  enums?: Record<string, readonly string[]>;
  times?: readonly string[];
  ids?: readonly string[];
  idrefs?: readonly string[];
}

const ANCHOR = '(?:audio|video|clip|title|caption|mc-clip|ref-clip|sync-clip|asset-clip|audition|spine) ';
const CLIP_ITEM = '(?:audio|video|clip|title|mc-clip|ref-clip|sync-clip|asset-clip|audition|gap|transition) ';
const MARKER = '(?:marker|chapter-marker|rating|keyword|analysis-marker) ';
const EVENT_ITEM =
  '(?:clip|audition|mc-clip|ref-clip|sync-clip|asset-clip|collection-folder|keyword-collection|smart-collection|project) ';

export const FCPXML_RULES: Record<string, Rule> = {
  fcpxml: {
    content: new RegExp(`^(?:import-options )?(?:resources )?(?:library |(?:event )*|(?:${EVENT_ITEM})*)$`),
    required: ['version'],
    allowed: ['version'],
    enums: { version: ['1.10'] },
  },
  resources: { content: /^(?:(?:asset|effect|format|media|locator) )*$/, required: [], allowed: [] },
  format: {
    content: /^$/,
    required: ['id'],
    allowed: [
      'id',
      'name',
      'frameDuration',
      'fieldOrder',
      'width',
      'height',
      'paspH',
      'paspV',
      'colorSpace',
      'projection',
      'stereoscopic',
    ],
    times: ['frameDuration'],
    ids: ['id'],
  },
  asset: {
    content: /^(?:media-rep )+(?:metadata )?$/,
    required: ['id'],
    allowed: [
      'id',
      'name',
      'uid',
      'start',
      'duration',
      'hasVideo',
      'format',
      'hasAudio',
      'videoSources',
      'audioSources',
      'audioChannels',
      'audioRate',
      'customLUTOverride',
      'colorSpaceOverride',
      'projectionOverride',
      'stereoscopicOverride',
      'auxVideoFlags',
    ],
    times: ['start', 'duration'],
    ids: ['id'],
    idrefs: ['format'],
  },
  'media-rep': {
    content: /^(?:bookmark )?$/,
    required: ['src'],
    allowed: ['kind', 'sig', 'src', 'suggestedFilename'],
    enums: { kind: ['original-media', 'proxy-media'] },
  },
  metadata: { content: /^(?:md )*$/, required: [], allowed: [] },
  md: {
    content: /^(?:array )?$/,
    required: ['key'],
    allowed: ['key', 'value', 'editable', 'type', 'displayName', 'description', 'source'],
    enums: { editable: ['0', '1'], type: ['string', 'boolean', 'integer', 'float', 'date', 'timecode'] },
  },
  library: {
    content: /^(?:(?:event|smart-collection) )*$/,
    required: [],
    allowed: ['location', 'colorProcessing'],
  },
  event: { content: new RegExp(`^(?:${EVENT_ITEM})*$`), required: [], allowed: ['name', 'uid'] },
  project: { content: /^sequence $/, required: [], allowed: ['name', 'uid', 'id', 'modDate'], ids: ['id'] },
  sequence: {
    content: /^(?:note )?spine (?:metadata )?$/,
    required: ['format'],
    allowed: [
      'format',
      'duration',
      'tcStart',
      'tcFormat',
      'audioLayout',
      'audioRate',
      'renderFormat',
      'keywords',
    ],
    enums: { tcFormat: ['DF', 'NDF'] },
    times: ['duration', 'tcStart'],
    idrefs: ['format'],
  },
  spine: {
    content: new RegExp(`^(?:${CLIP_ITEM})*$`),
    required: [],
    allowed: ['lane', 'offset', 'name', 'format'],
    times: ['offset'],
    idrefs: ['format'],
  },
  'asset-clip': {
    content: new RegExp(
      `^(?:note )?(?:conform-rate )?(?:timeMap )?(?:${ANCHOR})*(?:${MARKER})*(?:metadata )?$`,
    ),
    required: ['ref'],
    allowed: [
      'ref',
      'lane',
      'offset',
      'name',
      'start',
      'duration',
      'enabled',
      'srcEnable',
      'audioStart',
      'audioDuration',
      'format',
      'tcStart',
      'tcFormat',
      'modDate',
      'audioRole',
      'videoRole',
    ],
    enums: { enabled: ['0', '1'], srcEnable: ['all', 'audio', 'video'], tcFormat: ['DF', 'NDF'] },
    times: ['offset', 'start', 'duration', 'audioStart', 'audioDuration', 'tcStart'],
    idrefs: ['ref', 'format'],
  },
  gap: {
    content: new RegExp(`^(?:note )?(?:${ANCHOR})*(?:${MARKER})*(?:metadata )?$`),
    required: ['duration'],
    allowed: ['name', 'offset', 'start', 'duration', 'enabled'],
    enums: { enabled: ['0', '1'] },
    times: ['offset', 'start', 'duration'],
  },
};

/** `time`: a rational number of seconds with a 64-bit numerator and 32-bit denominator, "1001/30000s" or "5s". */
export const FCP_TIME = /^-?(\d+)(?:\/(\d+))?s$/;

export function checkFcpxml(root: XmlElement): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const refs: { path: string; id: string }[] = [];
  function visit(el: XmlElement, path: string, anchored: boolean) {
    const here = `${path}/${el.name}`;
    const rule = FCPXML_RULES[el.name];
    if (!rule) {
      problems.push(`${here}: element not expected in a delivery timeline`);
      return;
    }
    const names = el.children.map((c) => `${c.name} `).join('');
    if (!rule.content.test(names)) problems.push(`${here}: children '${names.trim()}' do not match the DTD`);
    if (el.text.trim() !== '') problems.push(`${here}: text content where the DTD allows none`);
    for (const a of rule.required)
      if (!(a in el.attrs)) problems.push(`${here}: required attribute ${a} missing`);
    for (const [a, v] of Object.entries(el.attrs)) {
      if (!rule.allowed.includes(a)) problems.push(`${here}: attribute ${a} not in the DTD`);
      const e = rule.enums?.[a];
      if (e && !e.includes(v)) problems.push(`${here}: ${a}="${v}" is not one of ${e.join(', ')}`);
      if (rule.times?.includes(a)) {
        const m = FCP_TIME.exec(v);
        if (!m) problems.push(`${here}: ${a}="${v}" is not a rational time`);
        else if (
          BigInt(m[1]!) >= 2n ** 63n ||
          (m[2] !== undefined && (BigInt(m[2]) >= 2n ** 32n || m[2] === '0'))
        )
          problems.push(`${here}: ${a}="${v}" is out of range`);
      }
      if (rule.ids?.includes(a)) {
        if (ids.has(v)) problems.push(`${here}: ID ${v} used twice`);
        ids.add(v);
      }
      if (rule.idrefs?.includes(a)) refs.push({ path: here, id: v });
    }
    // Final Cut Pro: an item anchored to a storyline clip sits on a lane other than 0.
    if (
      anchored &&
      (el.name === 'asset-clip' || el.name === 'gap') &&
      !(el.attrs.lane && el.attrs.lane !== '0')
    )
      problems.push(`${here}: a connected clip needs a lane other than 0`);
    const storyItem = ['asset-clip', 'gap', 'clip', 'sync-clip', 'ref-clip', 'mc-clip'].includes(el.name);
    for (const c of el.children) visit(c, here, storyItem);
  }
  visit(root, '', false);
  for (const r of refs) if (!ids.has(r.id)) problems.push(`${r.path}: IDREF ${r.id} names no ID`);
  return problems;
}
