import {util} from '@tensorflow/tfjs-core';
import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {
  TextureAttrs,
  TextureGrad,
  TextureGradAttrs,
  TextureGradInputs,
  textureGradOrder,
  textureGradOutputs,
  unpackInputs,
} from '../names';

import {gpuKernel} from './gpu_context';
import {textureArgs} from './Texture';
import {recordTextureGrad} from './texture_program';

export const textureGradWebGPU: KernelFunc = gpuKernel(TextureGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const wants = textureGradOutputs(attrs as unknown as TextureGradAttrs);
  const a = textureArgs(call, named, attrs as unknown as TextureAttrs);
  const dy = call.buffer(named.dy);
  // One pass makes both kinds (recordTextureGrad): a call for one kind still runs it, the other kind into scratch.
  const dtex = wants.texels ? call.output(tex.shape, 'dtex') : null;
  const dtexBuffer =
    dtex?.buffer ??
    (mips.length === 0 && !wants.texels ? call.scratchBuffer(4 * a.texSize, 'the texel gradients') : null);
  // duv, duvDa and dbias are computed into one buffer, then copied into their tensors.
  const pixelInputs = [uv, uvDa, mipLevelBias].filter(t => t != null);
  const pixelOutputs = wants.pixels ? pixelInputs.map(t => ({t, out: call.output(t.shape, 'a pixel gradient')})) : [];
  const total = pixelInputs.reduce((s, t) => s + util.sizeFromShape(t.shape), 0);
  const pixelGrads = call.scratchBuffer(4 * total, 'the pixel gradients');
  const dmips = wants.texels ? mips.map(m => call.output(m.shape, 'a mip level gradient')) : [];
  recordTextureGrad(
    call,
    a,
    dy,
    {pixelGrads, dtex: dtexBuffer, dmips: wants.texels ? dmips.map(d => d.buffer) : mips.map(() => null)},
    named.lookup ? call.buffer(named.lookup) : null,
  );
  let offset = 0;
  for (const {t, out} of pixelOutputs) {
    const bytes = 4 * util.sizeFromShape(t.shape);
    if (out.buffer) call.encoder.copyBufferToBuffer(pixelGrads, offset, out.buffer, 0, bytes);
    offset += bytes;
  }
  const texelOutputs = dtex ? [dtex, ...dmips] : [];
  return textureGradOrder(
    texelOutputs,
    pixelOutputs.map(p => p.out),
  ).map(o => o.info);
});

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'webgpu',
  kernelFunc: textureGradWebGPU,
};
