import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureMip, unpackInputs} from '../names';
import {mipLevelSize} from '../shared/mip_sizes';

import {gpuKernel} from './gpu_context';
import {recordMipStep} from './texture_mip_program';

export const textureMipWebGPU: KernelFunc = gpuKernel(TextureMip, (call, {inputs, attrs}) => {
  const {x} = unpackInputs<{x: TensorInfo}>(inputs, attrs!);
  const r = x.shape.length;
  const [height, width, channels] = x.shape.slice(r - 3);
  const [h2, w2] = mipLevelSize(height, width, 1);
  const shape = [...x.shape.slice(0, r - 3), h2, w2, channels];
  const out = call.output(shape, 'a mip level');
  recordMipStep(
    call,
    false,
    call.buffer(x),
    out.buffer,
    height,
    width,
    channels,
    shape.reduce((a, b) => a * b, 1),
  );
  return out.info;
});

export const textureMipConfig: KernelConfig = {
  kernelName: TextureMip,
  backendName: 'webgpu',
  kernelFunc: textureMipWebGPU,
};
