import { describe, expect, it } from 'vitest';
import { parseProviderPreference, providerChain } from '../../../src-main/inference/providers';

describe('execution provider chain', () => {
  it('follows the platform preference order and always ends with cpu', () => {
    expect(providerChain({ platform: 'linux', cuda: true, env: {} }).providers).toEqual([
      'cuda',
      'webgpu',
      'cpu',
    ]);
    expect(providerChain({ platform: 'linux', cuda: false, env: {} }).providers).toEqual(['webgpu', 'cpu']);
    expect(providerChain({ platform: 'win32', cuda: true, env: {} }).providers).toEqual([
      'cuda',
      'dml',
      'webgpu',
      'cpu',
    ]);
    expect(providerChain({ platform: 'win32', cuda: false, env: {} }).providers).toEqual([
      'dml',
      'webgpu',
      'cpu',
    ]);
    expect(providerChain({ platform: 'darwin', cuda: false, env: {} }).providers).toEqual([
      'coreml',
      'webgpu',
      'cpu',
    ]);
  });

  it('never offers CUDA on macOS and says why CUDA was skipped', () => {
    expect(providerChain({ platform: 'darwin', cuda: true, env: {} }).providers).not.toContain('cuda');
    const c = providerChain({ platform: 'linux', cuda: false, env: {} });
    expect(c.skipped[0]).toMatchObject({ provider: 'cuda' });
  });

  it('keeps WebGPU out of the automatic chain on a software Vulkan driver', () => {
    const c = providerChain({
      platform: 'linux',
      cuda: false,
      env: { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' },
    });
    expect(c.providers).toEqual(['cpu']);
    expect(c.skipped.map((s) => s.provider)).toContain('webgpu');
  });

  it('RESHOOT_EP forces one provider with CPU behind it', () => {
    expect(providerChain({ platform: 'linux', env: { RESHOOT_EP: 'webgpu' } }).providers).toEqual([
      'webgpu',
      'cpu',
    ]);
    expect(providerChain({ platform: 'linux', env: { RESHOOT_EP: 'CPU' } }).providers).toEqual(['cpu']);
    expect(providerChain({ platform: 'win32', env: { RESHOOT_EP: 'directml' } }).providers).toEqual([
      'dml',
      'cpu',
    ]);
    expect(providerChain({ platform: 'linux', cuda: false, env: { RESHOOT_EP: 'auto' } }).providers).toEqual([
      'webgpu',
      'cpu',
    ]);
    expect(providerChain({ platform: 'linux', preference: 'cuda', env: {} }).providers).toEqual([
      'cuda',
      'cpu',
    ]);
  });

  it('rejects an unknown provider naming the setting', () => {
    expect(() => parseProviderPreference('tpu')).toThrow(/RESHOOT_EP=tpu: unknown execution provider/);
    expect(parseProviderPreference(undefined)).toBe('auto');
    expect(parseProviderPreference(' ')).toBe('auto');
  });
});
