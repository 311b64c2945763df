/**
 * How the typed-array kernels read their inputs and hand back their outputs, through the calling
 * backend's own API: any backend whose data can be read and written synchronously (docs/backends.md).
 */
import type {KernelBackend, TensorInfo} from '@tensorflow/tfjs-core';

/** tfjs-backend-wasm's backend, as far as it is used here: a view of a tensor in the wasm heap. */
interface HeapBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

/** A kernel's `backend` argument (typed `{}` by tfjs): the backend the kernel was called on. */
export type Backend = object;

function isHeapBackend(backend: Backend): backend is HeapBackend {
  return typeof (backend as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/**
 * The values of an input tensor, read-only. The cpu backend hands out its own array and the wasm
 * backend a view of its heap (no copy); other backends a copy (`readSync`). A heap view is valid
 * until the backend allocates again, so read inputs before making outputs.
 */
export function read(backend: Backend, t: TensorInfo): Float32Array | Int32Array {
  const values = isHeapBackend(backend)
    ? backend.typedArrayFromHeap(t)
    : ((backend as KernelBackend).readSync(t.dataId) as ArrayLike<number>);
  if (t.dtype === 'int32') return values instanceof Int32Array ? values : new Int32Array(values);
  // tfjs may store a float32 tensor in another array type (its cpu cast from bool keeps the bytes).
  return values instanceof Float32Array ? values : new Float32Array(values);
}

/**
 * An output tensor holding `values` (float32, or int32 from an Int32Array), owned by `backend` (the
 * cpu backend keeps the array itself, others copy it). `values` must be an array of the kernel's
 * own, never an input's view.
 */
export function output(
  backend: Backend,
  shape: number[],
  values: Float32Array | Float64Array | Int32Array,
): TensorInfo {
  const dtype = values instanceof Int32Array ? 'int32' : 'float32';
  // (The constructor converts natively; Float32Array.from would walk an iterator.)
  const data = values instanceof Float64Array ? new Float32Array(values) : values;
  return {dataId: (backend as KernelBackend).write(data, shape, dtype), shape, dtype};
}
