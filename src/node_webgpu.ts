/**
 * `tfjs-diffrast/node-webgpu`: tfjs's webgpu backend in Node on Dawn, through the optional peer dependency
 * `webgpu` (prebuilt dawn.node for linux-x64/arm64, macOS and Windows). See docs/backends.md.
 *
 * ```js
 * import {initWebGPU} from 'tfjs-diffrast/node-webgpu';
 * console.log(await initWebGPU()); // {vendor, architecture, device, description, software}; tf.getBackend() === 'webgpu'
 * ```
 */
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs-core';

import {checkOptions, optionNames} from './ops/checks';

/** The adapter Dawn gave: `software` is true for a CPU renderer (SwiftShader, llvmpipe) or a fallback adapter. */
export interface WebGPUAdapterInfo {
  /** The adapter's vendor, as GPUAdapterInfo names it (e.g. 'google' for SwiftShader). */
  vendor: string;
  /** Its architecture (e.g. 'swiftshader'). */
  architecture: string;
  /** Its device (may be empty). */
  device: string;
  /** A human-readable description (may be empty). */
  description: string;
  /** True for a CPU renderer (SwiftShader, llvmpipe, lavapipe…) or a fallback adapter. */
  software: boolean;
}

/** Options of {@link initWebGPU}. */
export interface InitWebGPUOptions {
  /**
   * Dawn's toggles, as `create()` of the `webgpu` package takes them (e.g. `['backend=vulkan']`).
   * @defaultValue `[]`
   */
  dawnOptions?: string[];
  /**
   * Make 'webgpu' the current tfjs backend.
   * @defaultValue `true`
   */
  setBackend?: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;
/** Where distributions put the Vulkan loader: Debian and Ubuntu (multiarch), Fedora, Arch. */
const VULKAN_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];

/** Why there is no adapter, as far as we can tell from here (Linux: the Vulkan loader, then a driver). */
async function whyNoAdapter(): Promise<string> {
  if (process.platform !== 'linux') return 'no WebGPU adapter: is there a GPU driver with Vulkan, Metal or D3D12?';
  const fs = await import('node:fs');
  // The Vulkan loader's system folders of driver (ICD) files.
  const icdDirs = [
    '/etc/xdg/vulkan/icd.d',
    '/etc/vulkan/icd.d',
    '/usr/local/share/vulkan/icd.d',
    '/usr/share/vulkan/icd.d',
  ];
  if (!VULKAN_LOADERS.some(p => fs.existsSync(p))) {
    return (
      'no Vulkan loader (libvulkan.so.1): install the `libvulkan1` package (Debian, Ubuntu: apt-get install libvulkan1; ' +
      'Fedora, Arch: vulkan-loader)'
    );
  }
  const icd = process.env.VK_ICD_FILENAMES;
  if (icd && !icd.split(':').every(f => fs.existsSync(f))) return `VK_ICD_FILENAMES names a missing file: ${icd}`;
  if (!icd && !icdDirs.some(d => fs.existsSync(d) && fs.readdirSync(d).some(f => f.endsWith('.json')))) {
    return (
      "no Vulkan driver (no ICD file in /usr/share/vulkan/icd.d): install your GPU's Vulkan driver (mesa-vulkan-drivers), " +
      "or without a GPU set VK_ICD_FILENAMES to SwiftShader's ICD, /usr/lib/chromium/vk_swiftshader_icd.json in " +
      "Debian's `chromium` package"
    );
  }
  return `no WebGPU adapter from the Vulkan driver${icd ? ` (VK_ICD_FILENAMES=${icd})` : ''}`;
}

/**
 * Sets up Dawn for tfjs in Node: `navigator.gpu` and WebGPU's globals, then imports
 * `@tensorflow/tfjs-backend-webgpu` (which registers 'webgpu' only if `navigator.gpu` exists when it is first
 * imported: do not import it before this call) and makes 'webgpu' the current backend. Prefers a hardware
 * adapter over a software one. Throws an Error that says what to install when it fails.
 * @param options - Dawn's toggles and whether to make 'webgpu' the current backend.
 * @returns The adapter Dawn gave.
 * @example
 * ```js
 * import {initWebGPU} from 'tfjs-diffrast/node-webgpu';
 * const info = await initWebGPU(); // before anything imports @tensorflow/tfjs-backend-webgpu
 * if (info.software) console.warn(`no GPU: ${info.description}`);
 * ```
 */
export async function initWebGPU(options: InitWebGPUOptions = {}): Promise<WebGPUAdapterInfo> {
  checkOptions('initWebGPU', options, optionNames<InitWebGPUOptions>({dawnOptions: true, setBackend: true}));
  let dawn: {create(options: string[]): GPU; globals: object};
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (e) {
    throw new Error(
      `initWebGPU: cannot load the optional peer dependency 'webgpu' on ${process.platform}-${process.arch} ` +
        `(npm install webgpu): ${(e as Error).message}`,
    );
  }
  const g = globalThis as {navigator?: {gpu?: GPU}};
  if (!g.navigator?.gpu) {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create(options.dawnOptions ?? []);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', {value: gpu, configurable: true});
    else g.navigator = {gpu};
  }
  const gpu = g.navigator!.gpu!;
  const adapter = (await gpu.requestAdapter({powerPreference: 'high-performance'})) ?? (await gpu.requestAdapter());
  if (!adapter) throw new Error(`initWebGPU: ${await whyNoAdapter()}`);
  const i = adapter.info;
  const info: WebGPUAdapterInfo = {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    software: false,
  };
  const fallback = (adapter as {isFallbackAdapter?: boolean}).isFallbackAdapter === true;
  info.software = fallback || SOFTWARE.test(`${i.vendor} ${i.architecture} ${i.description}`);

  await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') == null) {
    throw new Error(
      "initWebGPU: @tensorflow/tfjs-backend-webgpu was imported before initWebGPU() and did not register 'webgpu' " +
        '(it checks navigator.gpu when first imported): import it only after this call',
    );
  }
  if (options.setBackend !== false && !(await tf.setBackend('webgpu'))) {
    throw new Error(`initWebGPU: tf.setBackend('webgpu') failed on ${info.description || info.vendor}`);
  }
  return info;
}
