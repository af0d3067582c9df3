import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COTRACKER3_IO, DA_V2_IO, VDA_IO } from '../../../src-main/inference/adapters';
import {
  BUILTIN_MANIFEST_SOURCES,
  builtinManifests,
  contractMismatches,
  parseManifest,
} from '../../../src-main/inference/manifest';

const dir = join(import.meta.dirname, '../../../assets/models');

describe('model manifests', () => {
  it('every assets/models/*.json is valid and bundled', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(BUILTIN_MANIFEST_SOURCES.map((s) => s.file.split('/').pop()).sort()).toEqual(files);
    for (const f of files) parseManifest(JSON.parse(readFileSync(join(dir, f), 'utf8')), f);
    expect(
      builtinManifests()
        .map((m) => m.id)
        .sort(),
    ).toEqual(['cotracker3', 'depth-anything-v2-small', 'video-depth-anything-small', 'xfeat']);
  });

  it('XFeat pins the commit and the checksums of ../shared/models/xfeat/SHA256SUMS', () => {
    const sums = new Map(
      readFileSync(join(import.meta.dirname, '../../../../shared/models/xfeat/SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).reverse() as [string, string]),
    );
    const x = builtinManifests().find((m) => m.id === 'xfeat')!;
    for (const f of x.files) {
      expect(f.sha256).toBe(sums.get(f.name));
      expect(f.url).toContain('/6eb24aad8997243881f275a5963acc5d19f7c332/onnx_model/' + f.name);
    }
  });

  it('files without a checksum say so, and non-commercial licences are flagged', () => {
    for (const m of builtinManifests()) {
      for (const f of m.files) if (!f.sha256) expect(m.note).toMatch(/checksum|no official/i);
    }
    expect(builtinManifests().find((m) => m.id === 'cotracker3')!.licence.nonCommercial).toBe(true);
  });

  it('adapter I/O names match the manifests', () => {
    const by = (id: string) => builtinManifests().find((m) => m.id === id)!.contract;
    expect(by('depth-anything-v2-small').inputs.map((t) => t.name)).toEqual([DA_V2_IO.input]);
    expect(by('depth-anything-v2-small').outputs.map((t) => t.name)).toEqual([DA_V2_IO.output]);
    expect(by('video-depth-anything-small').inputs.map((t) => t.name)).toEqual([VDA_IO.input]);
    expect(by('video-depth-anything-small').outputs.map((t) => t.name)).toEqual([VDA_IO.output]);
    expect(by('cotracker3').inputs.map((t) => t.name)).toEqual([COTRACKER3_IO.video, COTRACKER3_IO.queries]);
    expect(by('cotracker3').outputs.map((t) => t.name)).toEqual([
      COTRACKER3_IO.tracks,
      COTRACKER3_IO.visibility,
      COTRACKER3_IO.confidence,
    ]);
  });

  it('rejects bad manifests naming the file and the field', () => {
    const good = JSON.parse(readFileSync(join(dir, 'xfeat.json'), 'utf8'));
    expect(() =>
      parseManifest({ ...good, files: [{ ...good.files[0], sha256: 'abc' }] }, 'bad.json'),
    ).toThrow(/bad\.json: .*files\.0\.sha256/);
    expect(() => parseManifest({ ...good, primary: 'nope.onnx' }, 'bad.json')).toThrow(/primary/);
    expect(() => parseManifest({ ...good, extra: 1 }, 'bad.json')).toThrow(/bad\.json/);
  });

  it('contractMismatches compares names, dtypes and fixed dims', () => {
    const m = builtinManifests().find((x) => x.id === 'cotracker3')!;
    const ok = {
      inputs: [
        { name: 'video', type: 'float32', shape: [1, 'T', 3, 384, 512] },
        { name: 'queries', type: 'float32', shape: [1, 'N', 3] },
      ],
      outputs: ['tracks', 'visibility', 'confidence'].map((n, i) => ({
        name: n,
        type: 'float32',
        shape: i ? [1, 'T', 'N'] : [1, 'T', 'N', 2],
      })),
    };
    expect(contractMismatches(m, ok)).toEqual([]);
    const bad = { ...ok, inputs: [{ name: 'video', type: 'float32', shape: [1, 'T', 3, 256, 512] }] };
    expect(contractMismatches(m, bad)).toEqual([
      `input 'video' dim 3 is 256, expected 384`,
      `input 'queries' missing (file has video)`,
    ]);
  });
});
