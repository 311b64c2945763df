/** Reading inputs and making outputs on the cpu backend. */
import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';
import type {TensorInfo} from '@tensorflow/tfjs-core';

/** The values of a cpu tensor, without a copy. */
export function read(backend: MathBackendCPU, t: TensorInfo): Float32Array | Int32Array {
  return backend.data.get(t.dataId).values as Float32Array | Int32Array;
}

/** A float32 output made from float64 accumulators. */
export function output(backend: MathBackendCPU, shape: number[], values: Float32Array | Float64Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values instanceof Float32Array ? values : Float32Array.from(values));
}
