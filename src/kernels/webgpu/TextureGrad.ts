import {util} from '@tensorflow/tfjs-core';
import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

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
import {recordPyramidAdjoint} from './texture_mip_program';
import {recordTextureGrad} from './texture_program';

export const textureGradWebGPU: KernelFunc = gpuKernel(TextureGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const wants = textureGradOutputs(attrs as unknown as TextureGradAttrs);
  const {mipGradToTex} = attrs as unknown as TextureGradAttrs;
  const a = textureArgs(call, named, attrs as unknown as TextureAttrs);
  const dy = call.buffer(named.dy);
  // One pass makes both kinds (recordTextureGrad): a call for one kind still runs it, the other kind into scratch.
  const dtex = wants.texels ? call.output(tex.shape, 'dtex') : null;
  // Where the levels are tex's pyramid, their gradients and level 0's go into scratch, then through the adjoint.
  const adjoint = dtex != null && mipGradToTex && mips.length > 0;
  const dtexBuffer = adjoint
    ? call.scratchBuffer(4 * a.texSize, 'the level-0 gradient')
    : (dtex?.buffer ??
      (mips.length === 0 && !wants.texels ? call.scratchBuffer(4 * a.texSize, 'the texel gradients') : null));
  // duv into its tensor; duvDa and dbias into one buffer, their tensor's where only one of them exists (else copied).
  const out = (t: TensorInfo | null | undefined) =>
    t && wants.pixels ? call.output(t.shape, 'a pixel gradient') : null;
  const duv = out(uv);
  const [duvDa, dbias] = [out(uvDa), out(mipLevelBias)];
  const daSize = [uvDa, mipLevelBias].reduce((s, t) => s + (t ? util.sizeFromShape(t.shape) : 0), 0);
  const daDirect = (duvDa == null) !== (dbias == null) ? (duvDa ?? dbias)!.buffer : null;
  const pixelGradsDa = daSize === 0 ? null : (daDirect ?? call.scratchBuffer(4 * daSize, 'the level gradients'));
  const dmips = wants.texels && !mipGradToTex ? mips.map(m => call.output(m.shape, 'a mip level gradient')) : [];
  const dmipBuffers = adjoint
    ? mips.map(m => call.scratchBuffer(4 * util.sizeFromShape(m.shape), 'a mip level gradient'))
    : mips.map((_, l) => dmips[l]?.buffer ?? null);
  recordTextureGrad(
    call,
    a,
    dy,
    {
      pixelGrads: duv?.buffer ?? call.scratchBuffer(4 * util.sizeFromShape(uv.shape), 'the uv gradient'),
      pixelGradsDa,
      dtex: dtexBuffer,
      dmips: dmipBuffers,
    },
    named.lookup ? call.buffer(named.lookup) : null,
  );
  if (adjoint) {
    recordPyramidAdjoint(
      call,
      dtexBuffer,
      mips.map((m, l) => ({buffer: dmipBuffers[l], size: util.sizeFromShape(m.shape)})),
      dtex.buffer,
      a.levelSizes,
      a.channels,
      a.texSize,
    );
  }
  if (duvDa && dbias && pixelGradsDa) {
    const bytes = 4 * util.sizeFromShape(uvDa!.shape);
    if (duvDa.buffer) call.encoder.copyBufferToBuffer(pixelGradsDa, 0, duvDa.buffer, 0, bytes);
    if (dbias.buffer)
      call.encoder.copyBufferToBuffer(
        pixelGradsDa,
        bytes,
        dbias.buffer,
        0,
        4 * util.sizeFromShape(mipLevelBias!.shape),
      );
  }
  const texelOutputs = dtex ? [dtex, ...dmips] : [];
  return textureGradOrder(
    texelOutputs,
    [duv, duvDa, dbias].filter(o => o != null),
  ).map(o => o.info);
});

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'webgpu',
  kernelFunc: textureGradWebGPU,
};
