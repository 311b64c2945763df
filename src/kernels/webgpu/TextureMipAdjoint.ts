import {util} from '@tensorflow/tfjs-core';
import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {mipLevelSize} from '../shared/mip_sizes';
import {TextureMipAdjoint, unpackInputs} from '../names';

import {gpuKernel} from './gpu_context';
import {levelBuffers} from './Texture';
import {recordPyramidAdjoint} from './texture_mip_program';

export const textureMipAdjointWebGPU: KernelFunc = gpuKernel(TextureMipAdjoint, (call, {inputs, attrs}) => {
  const {dtex, mips} = unpackInputs<{dtex: TensorInfo; mips: TensorInfo[]}>(inputs, attrs);
  const r = dtex.shape.length;
  const [height, width, channels] = dtex.shape.slice(r - 3);
  const out = call.output(dtex.shape, 'the texture gradient');
  recordPyramidAdjoint(
    call,
    call.buffer(dtex),
    levelBuffers(call, mips),
    out.buffer,
    Array.from({length: mips.length + 1}, (_, l) => mipLevelSize(height, width, l)),
    channels,
    util.sizeFromShape(dtex.shape),
  );
  return out.info;
});

export const textureMipAdjointConfig: KernelConfig = {
  kernelName: TextureMipAdjoint,
  backendName: 'webgpu',
  kernelFunc: textureMipAdjointWebGPU,
};
