import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtinManifests, contractMismatches } from '../../../src-main/inference/manifest';
import {
  ModelError,
  ModelManager,
  modelsDir,
  type PullProgress,
} from '../../../src-main/inference/model-manager';
import { InferenceRuntime } from '../../../src-main/inference/runtime';
import { coTracker3Contract, depthAnythingV2Contract, writeModel } from '../../helpers/onnx-builder';
import { tempDir } from '../../helpers/temp';

const SHARED = join(import.meta.dirname, '../../../../shared/models/xfeat');

/** Serves ../shared/models/xfeat with Range support; behaviour per file is switchable per test. */
let mode: 'ok' | 'corrupt' | 'drop-once' | 'drop-always' = 'ok';
const requests: { file: string; range: string | null }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const file = decodeURIComponent((req.url ?? '/').slice(1));
    const path = join(SHARED, file);
    if (!/^[\w.-]+\.onnx$/.test(file) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    const range = req.headers.range ?? null;
    requests.push({ file, range });
    let body = readFileSync(path);
    if (mode === 'corrupt' && file.startsWith('xfeat_')) {
      body = Buffer.from(body);
      body[1000] = body[1000]! ^ 0xff;
    }
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
      return;
    }
    const slice = body.subarray(start);
    res.writeHead(m ? 206 : 200, {
      'Content-Length': String(slice.length),
      'Accept-Ranges': 'bytes',
      ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const big = file.startsWith('xfeat_');
    const firstOfFile = requests.filter((r) => r.file === file).length === 1;
    if (big && (mode === 'drop-always' || (mode === 'drop-once' && firstOfFile))) {
      // Send part of the file, then drop the connection.
      res.write(slice.subarray(0, Math.min(1_000_000, slice.length >> 1)), () => res.socket?.destroy());
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const tmp = tempDir('reshoot-models-');
let dir = '';
let n = 0;
let mgr: ModelManager;
const local = { resolveUrl: (f: { name: string }) => `${base}/${f.name}` };

beforeEach(() => {
  mode = 'ok';
  requests.length = 0;
  dir = join(tmp.dir, `m${++n}`);
  mgr = new ModelManager({ dir });
});
afterAll(() => tmp.cleanup());

describe('models folder', () => {
  it('RESHOOT_MODELS_DIR overrides <configDir>/models', () => {
    expect(modelsDir({ RESHOOT_MODELS_DIR: '/x/y' })).toBe('/x/y');
    expect(modelsDir({ RESHOOT_CONFIG_DIR: '/c' })).toBe(join('/c', 'models'));
  });
});

describe('pull: download → verify → install → load', () => {
  it('installs XFeat from a local HTTP server with progress, then loads it through the runtime', async () => {
    const progress: PullProgress[] = [];
    const entry = await mgr.pull('xfeat', { ...local, onProgress: (p) => progress.push(p) });
    expect(entry).toMatchObject({
      installed: true,
      verified: true,
      licence: 'Apache-2.0',
      nonCommercial: false,
      lastProvider: null,
    });
    expect(entry.installedSize).toBe(3740789 + 26827 + 26826);
    const dl = progress.filter((p) => p.phase === 'download' && p.file === 'xfeat_320x224.onnx');
    expect(dl.at(-1)!.receivedBytes).toBe(3740789);
    expect(dl.at(-1)!.totalBytes).toBe(3740789);
    expect(progress.some((p) => p.phase === 'verify')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['xfeat']); // no staging or partial leftovers
    const path = mgr.requirePath('xfeat');
    const rt = new InferenceRuntime({ providers: ['cpu'], log: () => undefined });
    try {
      const info = await rt.load({ path });
      expect(contractMismatches(mgr.manifest('xfeat'), info)).toEqual([]);
      mgr.recordUse('xfeat', info.provider);
    } finally {
      await rt.close();
    }
    expect(mgr.entry('xfeat').lastProvider).toBe('cpu');
  });

  it('a corrupted download fails the checksum with a clear error and installs nothing', async () => {
    mode = 'corrupt';
    const err = await mgr.pull('xfeat', local).catch((e: unknown) => e as ModelError);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('checksum');
    expect((err as ModelError).message).toMatch(
      /xfeat_320x224\.onnx failed checksum verification \(sha256 [0-9a-f]{64}, expected 4eb3d299.*discarded.*nothing was installed/,
    );
    expect(mgr.entry('xfeat').installed).toBe(false);
    expect(existsSync(join(dir, 'xfeat'))).toBe(false);
    expect(existsSync(join(dir, '.partial', 'xfeat', 'xfeat_320x224.onnx.part'))).toBe(false);
  });

  it('an interrupted download resumes with Range and completes', async () => {
    mode = 'drop-once';
    const entry = await mgr.pull('xfeat', local);
    expect(entry.installed).toBe(true);
    const big = requests.filter((r) => r.file === 'xfeat_320x224.onnx');
    expect(big).toHaveLength(2);
    expect(big[0]!.range).toBeNull();
    expect(big[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('a pull that gives up keeps the partial file, and the next pull resumes it', async () => {
    mode = 'drop-always';
    const err = await mgr.pull('xfeat', { ...local, retries: 0 }).catch((e: unknown) => e as ModelError);
    expect((err as ModelError).code).toBe('network');
    expect((err as ModelError).message).toMatch(/pull again to resume/);
    expect(mgr.entry('xfeat').installed).toBe(false);
    mode = 'ok';
    requests.length = 0;
    await mgr.pull('xfeat', local);
    expect(requests.find((r) => r.file === 'xfeat_320x224.onnx')!.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(mgr.entry('xfeat')).toMatchObject({ installed: true, verified: true });
  });

  it('refuses models with no established download, pointing at add', async () => {
    await expect(mgr.pull('cotracker3')).rejects.toThrow(
      /no established download.*reshoot models add cotracker3/s,
    );
  });
});

describe('add from local files, remove, list', () => {
  it('installs from a folder checked against the manifest; a bad file is refused', async () => {
    const e = await mgr.add('xfeat', SHARED);
    expect(e).toMatchObject({ installed: true, verified: true });
    // A tampered copy fails verification and leaves the good install alone.
    const bad = join(tmp.dir, `bad${n}`);
    mkdirSync(bad);
    for (const f of mgr.manifest('xfeat').files) copyFileSync(join(SHARED, f.name), join(bad, f.name));
    const buf = readFileSync(join(bad, 'xfeat_320x224.onnx'));
    buf[5000] = buf[5000]! ^ 1;
    writeFileSync(join(bad, 'xfeat_320x224.onnx'), buf);
    await expect(mgr.add('xfeat', bad)).rejects.toThrow(/xfeat_320x224\.onnx failed checksum verification/);
    expect(mgr.entry('xfeat').verified).toBe(true);
    await expect(mgr.add('xfeat', join(SHARED, 'xfeat_320x224.onnx'))).rejects.toThrow(
      /has 3 files.*give the folder/,
    );
  });

  it('installs an unverified user export when it fits the contract, and refuses one that does not', async () => {
    const rt = new InferenceRuntime({ providers: ['cpu'], log: () => undefined });
    const validate = async (p: string) => {
      const info = await rt.load({ path: p, key: `validate:${p}` });
      await rt.unload(`validate:${p}`);
      const problems = contractMismatches(mgr.manifest('cotracker3'), info);
      if (problems.length) throw new Error(problems.join('; '));
    };
    try {
      const good = writeModel(join(tmp.dir, `ct${n}.onnx`), coTracker3Contract());
      const e = await mgr.add('cotracker3', good, { validate });
      expect(e).toMatchObject({
        installed: true,
        verified: false,
        nonCommercial: true,
        licence: 'CC-BY-NC-4.0',
      });
      const wrong = writeModel(join(tmp.dir, `da${n}.onnx`), depthAnythingV2Contract());
      await expect(mgr.add('cotracker3', wrong, { validate })).rejects.toThrow(
        /does not fit model 'cotracker3': input 'video' missing/,
      );
      expect(mgr.entry('cotracker3').installed).toBe(true); // the earlier install stays
    } finally {
      await rt.close();
    }
  });

  it('remove deletes the install; list shows every model with licence and size', async () => {
    await mgr.add('xfeat', SHARED);
    expect(mgr.remove('xfeat')).toBe(true);
    expect(mgr.remove('xfeat')).toBe(false);
    expect(existsSync(join(dir, 'xfeat'))).toBe(false);
    const list = mgr.list();
    expect(list.map((e) => e.id).sort()).toEqual(
      builtinManifests()
        .map((m) => m.id)
        .sort(),
    );
    expect(list.find((e) => e.id === 'depth-anything-v2-small')).toMatchObject({
      downloadable: true,
      downloadSize: 99060839,
      checksum: 'published',
      installed: false,
    });
    expect(list.find((e) => e.id === 'video-depth-anything-small')).toMatchObject({
      downloadable: false,
      checksum: 'unknown',
    });
    expect(() => mgr.remove('nope')).toThrow(/Unknown model 'nope'/);
  });
});
