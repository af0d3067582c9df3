import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceRuntime } from '../../../src-main/inference/runtime';
import { SessionHost } from '../../../src-main/inference/session-host';
import { builtinManifests, contractMismatches } from '../../../src-main/inference/manifest';
import { resolveWorker } from '../../../src-main/jobs/workers';
import { depthAnythingV2Contract, writeModel } from '../../helpers/onnx-builder';
import { tempDir } from '../../helpers/temp';

const root = join(import.meta.dirname, '../../..');
const XFEAT = join(root, '../shared/models/xfeat/xfeat_320x224.onnx');

describe('inference runtime (worker threads)', () => {
  const logs: string[] = [];
  let rt: InferenceRuntime;
  const tmp = tempDir('reshoot-rt-');
  let daPath = '';

  beforeAll(() => {
    daPath = writeModel(join(tmp.dir, 'da.onnx'), depthAnythingV2Contract());
    rt = new InferenceRuntime({ providers: ['cpu'], log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await rt.close();
    tmp.cleanup();
  });

  it('starts the worker from its .ts source under vitest', () => {
    expect(rt.workerMode).toBe('source');
    expect(
      resolveWorker('inference', new URL('../../../src-main/inference/inference.worker.ts', import.meta.url))
        .file,
    ).toMatch(/src-main\/inference\/inference\.worker\.ts$/);
  });

  it('loads real XFeat in the worker, matching its manifest contract, and says which provider ran', async () => {
    const info = await rt.load({ path: XFEAT, key: 'xfeat' });
    expect(info.provider).toBe('cpu');
    expect(info.fallbacks).toEqual([]);
    const manifest = builtinManifests().find((m) => m.id === 'xfeat')!;
    expect(contractMismatches(manifest, info)).toEqual([]);
    // Cached: a second load returns the same session (no new load time).
    const again = await rt.load({ path: XFEAT, key: 'xfeat' });
    expect(again.loadMs).toBe(info.loadMs);

    const input = new Float32Array(3 * 224 * 320);
    for (let i = 0; i < input.length; i++) input[i] = ((i * 7919) % 255) / 255;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await rt.run('xfeat', { input: { type: 'float32', dims: [1, 3, 224, 320], data: input } });
    clearInterval(timer);
    expect(input.byteLength).toBe(0); // moved to the worker, not copied
    expect(r.provider).toBe('cpu');
    expect(r.outputs['791']!.dims).toEqual([1, 65, 28, 40]);
    expect(r.outputs['output']!.data).toBeInstanceOf(Float32Array);
    expect(r.outputs['output']!.data.length).toBe(64 * 28 * 40);
    expect(ticks).toBeGreaterThan(0); // the main loop kept running during inference
    // Same numbers as a session in this thread.
    const host = new SessionHost({ providers: ['cpu'] });
    await host.load({ path: XFEAT, key: 'x' });
    const input2 = new Float32Array(3 * 224 * 320);
    for (let i = 0; i < input2.length; i++) input2[i] = ((i * 7919) % 255) / 255;
    const direct = await host.run('x', { input: { type: 'float32', dims: [1, 3, 224, 320], data: input2 } });
    const a = r.outputs['268']!.data as Float32Array;
    const b = direct.outputs['268']!.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    await host.dispose();
  });

  it('closing while runs are in flight waits for the one running, and never aborts the process', async () => {
    // Terminating a thread inside an onnxruntime call aborts the whole process ("terminate called after
    // throwing an instance of 'Napi::Error'"); close() asks the worker to stop between calls instead.
    for (let round = 0; round < 8; round++) {
      const r = new InferenceRuntime({ providers: ['cpu'], log: () => undefined });
      await r.load({ path: XFEAT, key: 'xfeat', intraOpThreads: 1 });
      const runs = Array.from({ length: 3 }, () =>
        r.run('xfeat', {
          input: { type: 'float32', dims: [1, 3, 224, 320], data: new Float32Array(3 * 224 * 320) },
        }),
      );
      const settled = Promise.allSettled(runs);
      await new Promise((res) => setTimeout(res, 2 + 3 * round));
      await r.close();
      expect(r.workerThreadIds()).toEqual([null]);
      const outcomes = await settled;
      // The run in hand when the stop came finished; the ones queued behind it were dropped.
      expect(outcomes.length).toBe(3);
    }
    // Still alive, and a new runtime works.
    const again = new InferenceRuntime({ providers: ['cpu'] });
    await again.load({ path: daPath });
    await again.close();
  });

  it('falls back past a provider that cannot initialise, logging the reason', async () => {
    const fb = new InferenceRuntime({ providers: ['cuda', 'cpu'], log: (l) => logs.push(l) });
    try {
      const info = await fb.load({ path: daPath });
      expect(info.provider).toBe('cpu');
      expect(info.fallbacks.map((f) => f.provider)).toEqual(['cuda']);
      expect(info.fallbacks[0]!.reason.length).toBeGreaterThan(5);
      expect(logs.some((l) => l.includes("'cuda' failed to initialise"))).toBe(true);
      const r = await fb.run(daPath, {
        pixel_values: { type: 'float32', dims: [1, 3, 14, 14], data: new Float32Array(588) },
      });
      expect(r.provider).toBe('cpu');
    } finally {
      await fb.close();
    }
  });

  it('reports errors naming the model file, and a missing file clearly', async () => {
    await expect(rt.load({ path: join(tmp.dir, 'nope.onnx') })).rejects.toThrow(
      /nope\.onnx: model file cannot be read/,
    );
    await rt.load({ path: daPath, key: 'da' });
    await expect(
      rt.run('da', {
        pixel_values: { type: 'float32', dims: [1, 3, 15, 14], data: new Float32Array(3 * 15 * 14) },
      }),
    ).rejects.toThrow(/da\.onnx: run failed on cpu/);
    await expect(rt.run('never-loaded', {})).rejects.toThrow(/never-loaded: no session is loaded/);
  });

  it('cancels between batches', async () => {
    await rt.load({ path: daPath, key: 'da' });
    const ac = new AbortController();
    const seen: number[] = [];
    function* batches() {
      for (let i = 0; i < 10; i++) {
        yield {
          pixel_values: {
            type: 'float32' as const,
            dims: [1, 3, 14, 14],
            data: new Float32Array(588).fill(i),
          },
        };
      }
    }
    await expect(
      rt.runBatches('da', batches(), {
        signal: ac.signal,
        onResult: (_r, i) => {
          seen.push(i);
          if (i === 2) ac.abort();
        },
      }),
    ).rejects.toThrow(/abort/i);
    expect(seen).toEqual([0, 1, 2]);
    // An already-aborted signal never reaches the worker.
    await expect(rt.run('da', {}, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });

  it('WebGPU: runs on SwiftShader when forced, or falls back to CPU with a reason when no adapter exists', () => {
    // Dawn reads the Vulkan driver from the process environment, so each case runs in its own process.
    const script = join(import.meta.dirname, 'fixtures/webgpu-check.ts');
    const run = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, daPath], {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 90_000,
      });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0) throw new Error(`webgpu-check exited ${r.status}: ${r.stderr.slice(-2000)}`);
      return JSON.parse(line) as {
        provider: string;
        fallbacks: { provider: string; reason: string }[];
        maxDiff: number;
      };
    };
    const sw = run({ VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', RESHOOT_EP: 'webgpu' });
    expect(sw.provider).toBe('webgpu');
    expect(sw.fallbacks).toEqual([]);
    expect(sw.maxDiff).toBeLessThan(1e-5);
    const none = run({ VK_ICD_FILENAMES: '/nonexistent/icd.json', RESHOOT_EP: 'webgpu' });
    expect(none.provider).toBe('cpu');
    expect(none.fallbacks[0]).toMatchObject({ provider: 'webgpu' });
    expect(none.fallbacks[0]!.reason).toMatch(/adapter/i);
  });
});
