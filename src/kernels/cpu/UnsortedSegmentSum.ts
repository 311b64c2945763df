/**
 * tfjs's own UnsortedSegmentSum, for backends that lack it: tfjs-backend-wasm 4.22 has none, and
 * without it tf.gather (whose gradient it is) cannot be differentiated there, nor can the render
 * helpers. Registered only where no kernel of that name exists.
 */
import {getKernel, KernelConfig, KernelFunc, registerKernel, UnsortedSegmentSum} from '@tensorflow/tfjs-core';
import type {TensorInfo, UnsortedSegmentSumAttrs} from '@tensorflow/tfjs-core';

import {read, withOutputs} from './tensor_io';

const unsortedSegmentSum: KernelFunc = ({inputs, backend, attrs}) => {
  const {x, segmentIds} = inputs as {x: TensorInfo; segmentIds: TensorInfo};
  const {numSegments} = attrs as unknown as UnsortedSegmentSumAttrs;
  // segmentIds' shape is a prefix of x's: each id owns a block of `inner` consecutive values.
  const numIds = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = numIds > 0 ? x.shape.reduce((a, b) => a * b, 1) / numIds : 0;
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  return withOutputs(backend, [{shape, dtype}], ([sums]) => {
    const values = read(backend, x),
      ids = read(backend, segmentIds);
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i];
      if (!(s >= 0 && s < numSegments)) continue; // ids out of range are dropped, as in TensorFlow
      for (let j = 0; j < inner; j++) sums[s * inner + j] += values[i * inner + j];
    }
  })[0];
};

/** Registers the kernel for `backendName` unless that backend has its own. */
export function registerUnsortedSegmentSum(backendName: string) {
  if (getKernel(UnsortedSegmentSum, backendName) != null) return;
  const config: KernelConfig = {kernelName: UnsortedSegmentSum, backendName, kernelFunc: unsortedSegmentSum};
  registerKernel(config);
}
