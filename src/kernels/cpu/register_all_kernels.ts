/** Registers every cpu kernel. */
import {KernelConfig, registerKernel} from '@tensorflow/tfjs-core';

import {antialiasConfig} from './Antialias';
import {antialiasGradConfig} from './AntialiasGrad';
import {interpolateConfig} from './Interpolate';
import {interpolateGradConfig} from './InterpolateGrad';
import {rasterizeConfig} from './Rasterize';
import {rasterizeGradConfig} from './RasterizeGrad';
import {textureConfig} from './Texture';
import {textureGradConfig} from './TextureGrad';
import {textureMipConfig, textureMipGradConfig} from './TextureMip';

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

for (const config of kernelConfigs) registerKernel(config);
