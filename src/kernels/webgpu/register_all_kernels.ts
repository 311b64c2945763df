/** Registers every webgpu kernel and the backend's resolution limit. */
import {KernelConfig, registerKernel} from '@tensorflow/tfjs-core';

import {registerMaxResolution} from '../limits';

import {antialiasConfig} from './Antialias';
import {antialiasGradConfig} from './AntialiasGrad';
import {asWebGPU} from './gpu_context';
import {interpolateConfig} from './Interpolate';
import {interpolateGradConfig} from './InterpolateGrad';
import {rasterizeConfig} from './Rasterize';
import {rasterizeGradConfig} from './RasterizeGrad';
import {textureConfig} from './Texture';
import {textureGradConfig} from './TextureGrad';
import {textureMipConfig} from './TextureMip';
import {textureMipGradConfig} from './TextureMipGrad';
import {transformPosConfig, transformPosGradConfig} from './TransformPos';

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
  transformPosConfig,
  transformPosGradConfig,
];

for (const config of kernelConfigs) registerKernel(config);

// The render target's side is the limit (tfjs requests the default maxTextureDimension2D).
registerMaxResolution('webgpu', backend => asWebGPU(backend).device.limits.maxTextureDimension2D);
