import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {mipLevelSize} from '../shared/mip_sizes';
import {TextureMipAdjoint, unpackInputs} from '../names';

import {gpuKernel} from './gpu_context';
import {recordPyramidAdjoint} from './texture_mip_program';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export const textureMipAdjointWebGPU: KernelFunc = gpuKernel(TextureMipAdjoint, (call, {inputs, attrs}) => {
  const {dtex, mips} = unpackInputs<{dtex: TensorInfo; mips: TensorInfo[]}>(inputs, attrs);
  const r = dtex.shape.length;
  const [height, width, channels] = dtex.shape.slice(r - 3);
  const out = call.output(dtex.shape, 'the texture gradient');
  recordPyramidAdjoint(
    call,
    call.buffer(dtex),
    mips.map(m => ({buffer: call.buffer(m), size: size(m.shape)})),
    out.buffer,
    Array.from({length: mips.length + 1}, (_, l) => mipLevelSize(height, width, l)),
    channels,
    size(dtex.shape),
  );
  return out.info;
});

export const textureMipAdjointConfig: KernelConfig = {
  kernelName: TextureMipAdjoint,
  backendName: 'webgpu',
  kernelFunc: textureMipAdjointWebGPU,
};
