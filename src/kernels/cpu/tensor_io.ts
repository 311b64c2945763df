/**
 * How the typed-array kernels read their inputs and hand back their outputs, through the calling
 * backend's own API: any backend whose data can be read and written synchronously (docs/backends.md).
 */
import type {KernelBackend, TensorInfo} from '@tensorflow/tfjs-core';

/** tfjs-backend-wasm's backend, as far as it is used here: tensors allocated in, and viewed on, the wasm heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** A kernel's `backend` argument (typed `{}` by tfjs): the backend the kernel was called on. */
export type Backend = object;

function isHeapBackend(backend: Backend): backend is HeapBackend {
  const b = backend as Partial<HeapBackend>;
  return typeof b.typedArrayFromHeap === 'function' && typeof b.makeOutput === 'function';
}

/**
 * The values of an input tensor, read-only. The cpu backend hands out its own array and the wasm
 * backend a view of its heap (no copy); other backends a copy (`readSync`). A heap view is valid
 * until the backend allocates again: read inputs inside `withOutputs`, after the outputs exist.
 */
export function read(backend: Backend, t: TensorInfo): Float32Array | Int32Array {
  const values = isHeapBackend(backend)
    ? backend.typedArrayFromHeap(t)
    : ((backend as KernelBackend).readSync(t.dataId) as ArrayLike<number>);
  if (t.dtype === 'int32') return values instanceof Int32Array ? values : new Int32Array(values);
  // tfjs may store a float32 tensor in another array type (its cpu cast from bool keeps the bytes).
  return values instanceof Float32Array ? values : new Float32Array(values);
}

export interface OutputSpec {
  readonly shape: readonly number[];
  readonly dtype?: 'float32' | 'int32';
}

type OutputArrays<S extends readonly OutputSpec[]> = {
  [K in keyof S]: S[K] extends {dtype: 'int32'} ? Int32Array : Float32Array;
};

/**
 * Makes a kernel's outputs, zero-filled, calls `fill` with their arrays, and returns them as tensors
 * of `backend`. On the wasm backend the arrays are views of tensors already allocated on its heap
 * (written in place, no copy); elsewhere they are arrays of the kernel's own, handed over with
 * `write` afterwards (the cpu backend keeps them, others copy). `fill` reads the inputs (after the
 * allocation, so that heap views stay valid) and must not keep the arrays. If it throws, the outputs
 * are released.
 */
export function withOutputs<const S extends readonly OutputSpec[]>(
  backend: Backend,
  specs: S,
  fill: (arrays: OutputArrays<S>) => void,
): TensorInfo[] {
  const dtypeOf = (s: OutputSpec) => s.dtype ?? 'float32';
  if (isHeapBackend(backend)) {
    // Every allocation first: a later one may move the heap and invalidate earlier views.
    const infos = specs.map(s => backend.makeOutput([...s.shape], dtypeOf(s)));
    try {
      const arrays = infos.map(t => backend.typedArrayFromHeap(t).fill(0));
      fill(arrays as unknown as OutputArrays<S>);
    } catch (e) {
      infos.forEach(t => backend.disposeData(t.dataId, true));
      throw e;
    }
    return infos;
  }
  const arrays = specs.map(s => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    return dtypeOf(s) === 'int32' ? new Int32Array(size) : new Float32Array(size);
  });
  fill(arrays as unknown as OutputArrays<S>);
  return specs.map((s, k) => ({
    dataId: (backend as KernelBackend).write(arrays[k], [...s.shape], dtypeOf(s)),
    shape: [...s.shape],
    dtype: dtypeOf(s),
  }));
}

/** `withOutputs` for a kernel with one output, returned as one tensor (as tfjs expects of such kernels). */
export function withOutput(backend: Backend, spec: OutputSpec, fill: (array: Float32Array) => void): TensorInfo {
  return withOutputs(backend, [spec], ([array]) => fill(array))[0];
}
