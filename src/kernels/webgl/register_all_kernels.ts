/** Registers every webgl kernel, and the largest resolution the webgl rasterizer takes. */
import type {MathBackendWebGL} from '@tensorflow/tfjs-backend-webgl';
import {KernelConfig, registerKernel} from '@tensorflow/tfjs-core';

import {registerMaxResolution} from '../limits';

import {antialiasConfig} from './Antialias';
import {antialiasGradConfig} from './AntialiasGrad';
import {diffrastGL} from './gl_context';
import {interpolateConfig} from './Interpolate';
import {interpolateGradConfig} from './InterpolateGrad';
import {rasterizeConfig} from './Rasterize';
import {rasterizeGradConfig} from './RasterizeGrad';
import {textureConfig} from './Texture';
import {textureGradConfig} from './TextureGrad';
import {textureMipConfig} from './TextureMip';
import {textureMipGradConfig} from './TextureMipGrad';

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

// A side of the raster target: texture, renderbuffer and viewport limits of the context.
registerMaxResolution('webgl', backend => diffrastGL(backend as unknown as MathBackendWebGL).maxRenderSize);
