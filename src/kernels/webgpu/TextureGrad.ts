import {util} from '@tensorflow/tfjs-core';
import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureAttrs, TextureGrad, TextureGradInputs, unpackInputs} from '../names';

import {gpuKernel} from './gpu_context';
import {textureArgs} from './Texture';
import {recordTextureGrad} from './texture_program';

export const textureGradWebGPU: KernelFunc = gpuKernel(TextureGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const a = textureArgs(call, named, attrs as unknown as TextureAttrs);
  const dy = call.buffer(named.dy);
  const dtex = call.output(tex.shape, 'dtex');
  // duv, duvDa and dbias are computed into one buffer, then copied into their tensors.
  const pixelOutputs = [uv, uvDa, mipLevelBias]
    .filter(t => t != null)
    .map(t => ({t: t!, out: call.output(t!.shape, 'a pixel gradient')}));
  const total = pixelOutputs.reduce((s, p) => s + util.sizeFromShape(p.t.shape), 0);
  const pixelGrads = call.scratchBuffer(4 * total, 'the pixel gradients');
  const dmips = mips.map(m => call.output(m.shape, 'a mip level gradient'));
  recordTextureGrad(call, a, dy, {pixelGrads, dtex: dtex.buffer, dmips: dmips.map(d => d.buffer)});
  let offset = 0;
  for (const {t, out} of pixelOutputs) {
    const bytes = 4 * util.sizeFromShape(t.shape);
    if (out.buffer) call.encoder.copyBufferToBuffer(pixelGrads, offset, out.buffer, 0, bytes);
    offset += bytes;
  }
  return [dtex.info, ...pixelOutputs.map(p => p.out.info), ...dmips.map(d => d.info)] as TensorInfo[];
});

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'webgpu',
  kernelFunc: textureGradWebGPU,
};
