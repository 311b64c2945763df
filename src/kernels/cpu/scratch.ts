/**
 * Image-sized scratch kept between calls, per backend. A kernel's outputs must be fresh arrays, but
 * its own work arrays need not be: a fresh array of tens of MB costs a page fault on first touch of
 * every 4 KB page, on every call (at 2048², more than the kernel's arithmetic on a virtual machine).
 * Kept in a WeakMap keyed by the backend: released with it. Kernels are synchronous, so one array
 * per backend and purpose is never in use twice at once.
 */
const kept = new Map<string, WeakMap<object, Float64Array | Int32Array>>();

function keptArray<T extends Float64Array | Int32Array>(
  backend: object,
  purpose: string,
  length: number,
  make: (length: number) => T,
): T {
  if (!kept.has(purpose)) kept.set(purpose, new WeakMap());
  const byBackend = kept.get(purpose)!;
  let array = byBackend.get(backend) as T | undefined;
  if (array == null || array.length !== length) {
    array = make(length);
    byBackend.set(backend, array);
  }
  return array;
}

/** A float64 array of `length` for `purpose`, reused across calls on `backend` (contents undefined). */
export function keptFloat64(backend: object, purpose: string, length: number): Float64Array {
  return keptArray(backend, purpose, length, n => new Float64Array(n));
}

/** An int32 array of `length` for `purpose`, reused across calls on `backend` (contents undefined). */
export function keptInt32(backend: object, purpose: string, length: number): Int32Array {
  return keptArray(backend, purpose, length, n => new Int32Array(n));
}
