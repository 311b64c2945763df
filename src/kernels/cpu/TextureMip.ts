import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureMip, TextureMipGrad, TextureMipGradAttrs, unpackInputs} from '../names';
import {mipBoxWeight, mipLevelSize} from '../shared/mip_sizes';

import {read, withOutput} from './tensor_io';

/**
 * Calls fn(outOffset, inOffset, weight) for every (level-below texel, level-above texel) pair of
 * the box filter over [..., H, W, C] images; offsets point at the texel's first channel.
 */
function forEachBoxPair(
  slices: number,
  height: number,
  width: number,
  channels: number,
  fn: (outOffset: number, inOffset: number, weight: number) => void,
) {
  const [h2, w2] = mipLevelSize(height, width, 1);
  const weight = mipBoxWeight(height, width);
  for (let b = 0; b < slices; b++) {
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) {
        const outOffset = ((b * h2 + (j >> 1)) * w2 + (i >> 1)) * channels;
        fn(outOffset, ((b * height + j) * width + i) * channels, weight);
      }
    }
  }
}

function imageDims(shape: number[], height: number, width: number) {
  const channels = shape[shape.length - 1];
  const slices = shape.slice(0, shape.length - 3).reduce((a, b) => a * b, 1);
  return {channels, slices, height, width};
}

export const textureMipCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {x} = unpackInputs<{x: TensorInfo}>(inputs, attrs!);
  const r = x.shape.length;
  const {channels, slices, height, width} = imageDims(x.shape, x.shape[r - 3], x.shape[r - 2]);
  const [h2, w2] = mipLevelSize(height, width, 1);
  return withOutput(backend, {shape: [...x.shape.slice(0, r - 3), h2, w2, channels]}, out32 => {
    const xv = read(backend, x) as Float32Array;
    const out = new Float64Array(out32.length);
    forEachBoxPair(slices, height, width, channels, (o, i, weight) => {
      for (let c = 0; c < channels; c++) out[o + c] += weight * xv[i + c];
    });
    out32.set(out);
  });
};

export const textureMipGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {dy} = unpackInputs<{dy: TensorInfo}>(inputs, attrs!);
  const {inHeight, inWidth} = attrs as unknown as TextureMipGradAttrs;
  const r = dy.shape.length;
  const {channels, slices, height, width} = imageDims(dy.shape, inHeight, inWidth);
  return withOutput(backend, {shape: [...dy.shape.slice(0, r - 3), height, width, channels]}, dx => {
    const dyv = read(backend, dy) as Float32Array;
    forEachBoxPair(slices, height, width, channels, (o, i, weight) => {
      for (let c = 0; c < channels; c++) dx[i + c] = weight * dyv[o + c];
    });
  });
};

/**
 * tex's whole gradient from its levels' (docs/texture.md#mip-pyramid), into dlevels[0]: from the last level up, each
 * level's (already holding the levels below it) spread over the level above by the box filter's adjoint and added to
 * it, in float32 as TextureMipGrad and tf.add would. dlevels: levels 0..L of a texture of shape `shape`.
 */
export function addPyramidAdjoint(dlevels: Float32Array[], shape: number[]) {
  const r = shape.length;
  for (let l = dlevels.length - 1; l >= 1; l--) {
    const [height, width] = mipLevelSize(shape[r - 3], shape[r - 2], l - 1);
    const {channels, slices} = imageDims(shape, height, width);
    const above = dlevels[l - 1],
      below = dlevels[l];
    forEachBoxPair(slices, height, width, channels, (o, i, weight) => {
      for (let c = 0; c < channels; c++) above[i + c] = Math.fround(above[i + c] + Math.fround(weight * below[o + c]));
    });
  }
}

export const textureMipConfig: KernelConfig = {kernelName: TextureMip, backendName: 'cpu', kernelFunc: textureMipCpu};
export const textureMipGradConfig: KernelConfig = {
  kernelName: TextureMipGrad,
  backendName: 'cpu',
  kernelFunc: textureMipGradCpu,
};
