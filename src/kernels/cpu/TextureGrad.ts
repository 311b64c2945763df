import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';
import {util} from '@tensorflow/tfjs-core';

import {
  TextureGrad,
  TextureGradAttrs,
  TextureGradInputs,
  textureGradOrder,
  textureGradOutputs,
  unpackInputs,
} from '../names';

import {keptFloat64} from './scratch';
import {read, withOutputs} from './tensor_io';
import {textureScene} from './Texture';
import {addPyramidAdjoint} from './TextureMip';
import {TexturePixel, TextureGrads} from './texture_math';

export const textureGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const wants = textureGradOutputs(attrs as unknown as TextureGradAttrs);
  const {mipGradToTex} = attrs as unknown as TextureGradAttrs;
  // Outputs in order: tex, uv, then uvDa and mipLevelBias when given, then the mip levels (those asked for; none when
  // they are tex's pyramid, whose gradients go into tex's).
  const pixelInputs = wants.pixels ? [uv, uvDa, mipLevelBias] : [];
  const texelInputs = wants.texels ? [tex, ...(mipGradToTex ? [] : mips)] : [];
  const specs = textureGradOrder(texelInputs, pixelInputs).map(t => ({shape: t.shape}));
  return withOutputs(backend, specs, arrays => {
    const scene = textureScene(backend, named, attrs as unknown as TextureGradAttrs);
    const dy = read(backend, named.dy) as Float32Array;
    let k = wants.texels ? 1 : 0;
    const uvGrad = wants.pixels ? arrays[k++] : null,
      uvDaGrad = wants.pixels && uvDa ? arrays[k++] : null,
      biasGrad = wants.pixels && mipLevelBias ? arrays[k++] : null;
    // Texel sums in float64 (texture_math.ts's TextureGrads), rounded into the outputs once.
    const texelOutputs = !wants.texels
      ? []
      : mipGradToTex
        ? [arrays[0], ...mips.map(m => new Float32Array(util.sizeFromShape(m.shape)))]
        : [arrays[0], ...arrays.slice(k)];
    const sums = texelOutputs.map((out, l) => keptFloat64(backend, `texture gradient level ${l}`, out.length).fill(0));
    const grads: TextureGrads = {uv: uvGrad, uvDa: uvDaGrad, bias: biasGrad, levels: wants.texels ? sums : null};
    const pixel = new TexturePixel(scene);
    const [n, h, w] = uv.shape;
    for (let pix = 0; pix < n * h * w; pix++) pixel.evaluate(pix, null, dy, grads);
    texelOutputs.forEach((out, l) => out.set(sums[l]));
    if (mipGradToTex) addPyramidAdjoint(texelOutputs, tex.shape);
  });
};

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'cpu',
  kernelFunc: textureGradCpu,
};
