/**
 * Argument checks shared by the ops. Every message names the op and the argument and says what
 * was expected and what came (docs/conventions.md#errors).
 */
import * as tf from '@tensorflow/tfjs-core';

/** A tensor, or what `tf.tensor` accepts: nested arrays or typed arrays. */
export type TensorOrLike = tf.Tensor | tf.TensorLike;

export function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Converts an argument to a tensor of the wanted dtype. Tensors must already have it: a float
 * tensor where indices are expected is a bug worth reporting, not casting.
 */
export function toTensor(x: TensorOrLike, arg: string, op: string, dtype: 'float32' | 'int32'): tf.Tensor {
  if (x == null) fail(op, `${arg} is required`);
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) fail(op, `${arg} has been disposed`);
    if (x.dtype !== dtype) fail(op, `${arg} must be ${dtype}, got ${x.dtype}`);
    return x;
  }
  if (typeof x !== 'object') fail(op, `${arg} must be a tensor or an array, got ${typeof x}`);
  return tf.tensor(x as tf.TensorLike, undefined, dtype);
}

/** Fails unless the tensor has one of the given ranks and, if given, that last dimension. */
export function checkShape(
  op: string,
  arg: string,
  t: tf.Tensor,
  ranks: number[],
  lastDim: number | null,
  expected: string,
) {
  if (!ranks.includes(t.rank) || (lastDim != null && t.shape[t.rank - 1] !== lastDim)) {
    fail(op, `${arg} must have shape ${expected}, got ${shapeStr(t.shape)}`);
  }
}

/** Vertex indices: [T,3]. */
export function checkTriangles(op: string, tri: tf.Tensor) {
  checkShape(op, 'tri', tri, [2], 3, '[T,3]');
}

/** Clip-space positions: [N,V,4] (instanced) or [V,4] (range mode). */
export function checkPositions(op: string, pos: tf.Tensor) {
  checkShape(op, 'pos', pos, [2, 3], 4, '[N,V,4] or [V,4]');
}

/** Fails unless a batch size is `n` or, where broadcasting is allowed, 1. */
export function checkBatch(op: string, arg: string, size: number, n: number, what: string, broadcast: boolean) {
  if (size !== n && !(broadcast && size === 1)) {
    fail(op, `${arg} must have batch size ${n}${broadcast && n !== 1 ? ' or 1' : ''} (${what}), got ${size}`);
  }
}

/**
 * An op's option names, each exactly once: the compiler rejects a record that misses or invents one
 * of the options interface `T`, so the list cannot drift from the types.
 */
export function optionNames<T>(names: {[K in keyof Required<T>]: true}): readonly string[] {
  return Object.keys(names);
}

/**
 * Fails on an options argument that is not an object, or that has a name the op does not know (a
 * typo would otherwise run silently with the default). The message suggests the nearest valid name.
 */
export function checkOptions(op: string, options: unknown, valid: readonly string[]) {
  if (options === undefined) return;
  const list = valid.join(', ');
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(op, `options must be an object with any of ${list}, got ${Array.isArray(options) ? 'an array' : options}`);
  }
  for (const name of Object.keys(options)) {
    if (valid.includes(name)) continue;
    const near = nearestName(name, valid);
    fail(op, `unknown option '${name}'; ${near ? `did you mean '${near}'? ` : ''}valid options: ${list}`);
  }
}

/** The valid name closest to `name` (case-insensitive edit distance), if close enough to be a typo. */
function nearestName(name: string, valid: readonly string[]): string | null {
  let best: string | null = null,
    bestDistance = Infinity;
  for (const v of valid) {
    const d = editDistance(name.toLowerCase(), v.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [v, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let row = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Fails unless `value` is one of the strings `allowed`, e.g. "cullMode must be 'none', 'back' or 'front', got
 * 'ccw'". The one check of every mode-like option (docs/conventions.md#errors).
 */
export function checkOneOf<T extends string>(op: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map(a => `'${a}'`);
    const expected = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
    const got = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
    fail(op, `${arg} must be ${expected}, got ${got}`);
  }
  return value as T;
}

export function checkFiniteNumber(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(op, `${arg} must be a finite number, got ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  }
  return value;
}

export function checkNonNegativeInt(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(op, `${arg} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Fails unless the two tensors agree on the given leading dimensions (batch, height, width). */
export function checkSameDims(op: string, arg: string, t: tf.Tensor, ref: tf.Tensor, refArg: string, dims: number) {
  if (t.shape.slice(0, dims).join() !== ref.shape.slice(0, dims).join()) {
    fail(
      op,
      `${arg} must have leading dimensions ${shapeStr(ref.shape.slice(0, dims))} (as ${refArg}), got ${shapeStr(
        t.shape,
      )}`,
    );
  }
}
