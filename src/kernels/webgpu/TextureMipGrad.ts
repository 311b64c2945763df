import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureMipGrad, TextureMipGradAttrs, unpackInputs} from '../names';

import {gpuKernel} from './gpu_context';
import {recordMipStep} from './texture_mip_program';

export const textureMipGradWebGPU: KernelFunc = gpuKernel(TextureMipGrad, (call, {inputs, attrs}) => {
  const {dy} = unpackInputs<{dy: TensorInfo}>(inputs, attrs!);
  const {inHeight, inWidth} = attrs as unknown as TextureMipGradAttrs;
  const r = dy.shape.length;
  const channels = dy.shape[r - 1];
  const shape = [...dy.shape.slice(0, r - 3), inHeight, inWidth, channels];
  const dx = call.output(shape, 'a mip level gradient');
  recordMipStep(
    call,
    true,
    call.buffer(dy),
    dx.buffer,
    inHeight,
    inWidth,
    channels,
    shape.reduce((a, b) => a * b, 1),
  );
  return dx.info;
});

export const textureMipGradConfig: KernelConfig = {
  kernelName: TextureMipGrad,
  backendName: 'webgpu',
  kernelFunc: textureMipGradWebGPU,
};
