import {util} from '@tensorflow/tfjs-core';
import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureForwardAttrs, TextureInputs, unpackInputs} from '../names';

import {gpuKernel, GpuCall} from './gpu_context';
import {recordTexture, savedPerChannel, TextureGpuArgs} from './texture_program';

/** Each mip level's buffer and its number of elements. */
export function levelBuffers(call: GpuCall, levels: TensorInfo[]) {
  return levels.map(m => ({buffer: call.buffer(m), size: util.sizeFromShape(m.shape)}));
}

/** The buffers and sizes shared by texture's forward and backward kernels. */
export function textureArgs(call: GpuCall, inputs: TextureInputs, attrs: TextureAttrs): TextureGpuArgs {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const [numImages, height, width] = uv.shape;
  return {
    tex: call.buffer(tex),
    texSize: util.sizeFromShape(tex.shape),
    mips: levelBuffers(call, mips),
    uv: call.buffer(uv),
    uvDa: uvDa ? call.buffer(uvDa) : null,
    bias: mipLevelBias ? call.buffer(mipLevelBias) : null,
    levelSizes: [tex, ...mips].map(t => [t.shape[r - 3], t.shape[r - 2]] as [number, number]),
    channels: tex.shape[r - 1],
    texBatch: tex.shape[0],
    cube: r === 5,
    numImages,
    height,
    width,
    filterMode: attrs.filterMode,
    boundaryMode: attrs.boundaryMode,
  };
}

export const textureWebGPU: KernelFunc = gpuKernel(Texture, (call, {inputs, attrs}) => {
  const a = textureArgs(call, unpackInputs<TextureInputs>(inputs, attrs!), attrs as unknown as TextureAttrs);
  const out = call.output([a.numImages, a.height, a.width, a.channels], 'the output');
  // Under a gradient tape, the hidden second output (ops/texture.ts saves it for TextureGrad's \`lookup\`): each
  // pixel's derivatives of its value (texture_program.ts savedPerChannel), so that the backward reads no texel.
  const perChannel = (attrs as unknown as TextureForwardAttrs).recording ? savedPerChannel(a.filterMode) : 0;
  if (perChannel === 0) {
    recordTexture(call, a, out.buffer);
    return out.info;
  }
  const saved = call.output([a.numImages, a.height, a.width, perChannel * a.channels], 'the lookup derivatives');
  recordTexture(call, a, out.buffer, saved.buffer);
  return [out.info, saved.info] as TensorInfo[];
});

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'webgpu', kernelFunc: textureWebGPU};
