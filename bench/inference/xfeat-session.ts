/**
 * XFeat 320×224 session benchmark: load time and median session.run, CPU (and WebGPU on SwiftShader
 * when available), direct (session in this thread) vs in-worker (InferenceRuntime: round trip including
 * transfer). With --write, replaces the `## Inference runtime` section of docs/BENCHMARKS.md.
 *
 *   npx tsx bench/inference/xfeat-session.ts [--runs 30] [--no-webgpu] [--write]
 *
 * Reads the test weights from ../shared/models/xfeat (benchmarks only; the app never does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { InferenceRuntime } from '../../src-main/inference/runtime';
import { SessionHost } from '../../src-main/inference/session-host';
import type { ProviderName } from '../../src-main/inference/types';
import { writeBenchmarkSection } from '../lib/benchmarks-doc';

const root = join(import.meta.dirname, '../..');
const MODEL = join(root, '../shared/models/xfeat/xfeat_320x224.onnx');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 30) || 30;
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface Row {
  provider: string;
  mode: 'direct' | 'worker';
  loadMs: number;
  medianRunMs: number;
  runs: number;
  note: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const input = () => {
  const d = new Float32Array(3 * 224 * 320);
  for (let i = 0; i < d.length; i++) d[i] = ((i * 7919) % 255) / 255;
  return { input: { type: 'float32' as const, dims: [1, 3, 224, 320], data: d } };
};

async function measure(provider: ProviderName, n: number, warm: number): Promise<Row[]> {
  const rows: Row[] = [];
  // Direct: session in this thread.
  const host = new SessionHost({ providers: [provider], log: () => undefined });
  let t0 = performance.now();
  const info = await host.load({ path: MODEL, key: 'x' });
  const directLoad = performance.now() - t0;
  if (info.provider !== provider)
    throw new Error(`${provider} did not initialise: ${JSON.stringify(info.fallbacks)}`);
  for (let i = 0; i < warm; i++) await host.run('x', input());
  const direct: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = input();
    t0 = performance.now();
    await host.run('x', f);
    direct.push(performance.now() - t0);
  }
  await host.dispose();
  rows.push({
    provider,
    mode: 'direct',
    loadMs: directLoad,
    medianRunMs: median(direct),
    runs: n,
    note: 'session.run in the calling thread',
  });
  // Worker: InferenceRuntime round trip (postMessage with transfer both ways).
  const rt = new InferenceRuntime({ providers: [provider], log: () => undefined });
  t0 = performance.now();
  const winfo = await rt.load({ path: MODEL, key: 'x' });
  const workerLoad = performance.now() - t0;
  for (let i = 0; i < warm; i++) await rt.run('x', input());
  const worker: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = input();
    t0 = performance.now();
    await rt.run('x', f);
    worker.push(performance.now() - t0);
  }
  await rt.close();
  rows.push({
    provider,
    mode: 'worker',
    loadMs: workerLoad,
    medianRunMs: median(worker),
    runs: n,
    note: `load includes worker start (${winfo.loadMs.toFixed(0)} ms of it is the session); run is the round trip`,
  });
  return rows;
}

if (args.includes('--child-webgpu')) {
  // Child process: Dawn reads VK_ICD_FILENAMES from the process environment.
  try {
    console.log(JSON.stringify(await measure('webgpu', 3, 1)));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message }));
  }
  process.exit(0);
}

const rows = await measure('cpu', runs, 3);
let webgpuNote = 'not run (--no-webgpu)';
if (!args.includes('--no-webgpu')) {
  if (!existsSync(SWIFTSHADER)) webgpuNote = `not run: ${SWIFTSHADER} missing`;
  else {
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child-webgpu'], {
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{"error":"no output"}') as
      Row[] | { error: string };
    if (Array.isArray(out)) {
      rows.push(...out.map((x) => ({ ...x, provider: 'webgpu (SwiftShader)' })));
      webgpuNote =
        'WebGPU on SwiftShader (a CPU Vulkan emulation) is a correctness check, not a speed figure.';
    } else webgpuNote = `WebGPU did not run: ${out.error}`;
  }
}

const cmd = 'npx tsx bench/inference/xfeat-session.ts';
const table = [
  '| provider | mode | load (ms) | median run (ms) | runs | note |',
  '|---|---|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.provider} | ${r.mode} | ${r.loadMs.toFixed(0)} | ${r.medianRunMs.toFixed(1)} | ${r.runs} | ${r.note} |`,
  ),
].join('\n');
const section = `## Inference runtime

XFeat 320×224 (\`xfeat_320x224.onnx\`, real weights from ../shared/models/xfeat), onnxruntime-node 1.30.0,
input [1,3,224,320] float32. Load = session creation (graph optimisation level "all"); run = median
\`session.run\` after warm-up. "worker" goes through \`InferenceRuntime\` (worker thread, tensors moved by
transfer), so its run time includes the message round trip.

- Machine: 2-core x86_64 (${cpus()[0]?.model ?? 'unknown CPU'}), no GPU
- Date: ${new Date().toISOString().slice(0, 10)}
- 1-minute load average when it finished: ${loadavg()[0]!.toFixed(1)} (other work shares these 2 cores; figures are upper bounds)
- Command: \`${cmd}\`

${table}

${webgpuNote}
`;
console.log(section);

await writeBenchmarkSection('Inference runtime', section);
