/**
 * The typed-array kernels (reference math on the host) for any backend whose tensor data can be
 * read and written synchronously: registered for 'cpu' and 'wasm' on import, for others on request.
 */
import {getKernel, KernelConfig, registerKernel} from '@tensorflow/tfjs-core';

import {antialiasConfig} from './Antialias';
import {antialiasGradConfig} from './AntialiasGrad';
import {interpolateConfig} from './Interpolate';
import {interpolateGradConfig} from './InterpolateGrad';
import {rasterizeConfig} from './Rasterize';
import {rasterizeGradConfig} from './RasterizeGrad';
import {textureConfig} from './Texture';
import {textureGradConfig} from './TextureGrad';
import {textureMipConfig, textureMipGradConfig} from './TextureMip';
import {registerUnsortedSegmentSum} from './UnsortedSegmentSum';

const kernelConfigs: KernelConfig[] = [
  rasterizeConfig,
  rasterizeGradConfig,
  interpolateConfig,
  interpolateGradConfig,
  textureConfig,
  textureGradConfig,
  textureMipConfig,
  textureMipGradConfig,
  antialiasConfig,
  antialiasGradConfig,
];

/**
 * Registers every diffrast kernel, forward and backward, for the tfjs backend named `backendName`,
 * running the cpu backend's math on that backend's data. The backend must implement `readSync` and
 * `write` (as tfjs-node's 'tensorflow' does); each call reads its inputs and writes its outputs
 * through them, so the outputs are tensors of that backend. Kernels already registered for that
 * backend are left as they are, so calling this twice is harmless. 'cpu' and 'wasm' are registered
 * on import; see docs/backends.md#sync-backends.
 *
 * @param backendName - the name the backend was registered under with `tf.registerBackend`.
 * @example
 * ```ts
 * import '@tensorflow/tfjs-node';
 * import * as dr from 'tfjs-diffrast';
 * dr.registerSyncBackend('tensorflow');
 * ```
 */
export function registerSyncBackend(backendName: string) {
  for (const config of kernelConfigs) {
    if (getKernel(config.kernelName, backendName) == null) registerKernel({...config, backendName});
  }
}

registerSyncBackend('cpu');
registerSyncBackend('wasm');
registerUnsortedSegmentSum('wasm');
