import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TransformPos, TransformPosGrad} from '../names';

import {gpuKernel} from './gpu_context';
import {recordTransformPos} from './transform_pos_program';

export const transformPosWebGPU: KernelFunc = gpuKernel(TransformPos, (call, {inputs}) => {
  const {mats, pos} = inputs as {mats: TensorInfo; pos: TensorInfo};
  const [images, vertices] = [mats.shape[0], pos.shape[0]];
  const out = call.output([images, vertices, 4], 'the clip positions');
  recordTransformPos(call, false, call.buffer(mats), call.buffer(pos), out.buffer, images, vertices);
  return out.info;
});

export const transformPosGradWebGPU: KernelFunc = gpuKernel(TransformPosGrad, (call, {inputs}) => {
  const {mats, dy} = inputs as {mats: TensorInfo; dy: TensorInfo};
  const [images, vertices] = [dy.shape[0], dy.shape[1]];
  const dpos = call.output([vertices, 3], 'the position gradient');
  recordTransformPos(call, true, call.buffer(mats), call.buffer(dy), dpos.buffer, images, vertices);
  return dpos.info;
});

export const transformPosConfig: KernelConfig = {
  kernelName: TransformPos,
  backendName: 'webgpu',
  kernelFunc: transformPosWebGPU,
};

export const transformPosGradConfig: KernelConfig = {
  kernelName: TransformPosGrad,
  backendName: 'webgpu',
  kernelFunc: transformPosGradWebGPU,
};
