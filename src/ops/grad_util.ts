/**
 * Helpers for gradient functions of kernels whose inputs travel as a list (see kernels/names.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import {InputNames, isLevelInput, packInputs} from '../kernels/names';

type GradFns = {[name: string]: () => tf.Tensor};

/** Runs one of our kernels with named inputs; returns its outputs as a list. */
export function runKernel(
  kernelName: string,
  named: {[name: string]: tf.Tensor | tf.Tensor[] | undefined},
  attrs: {[name: string]: unknown} = {},
): tf.Tensor[] {
  const {list, inputNames} = packInputs(named);
  const out = tf
    .engine()
    .runKernel(kernelName, list as unknown as tf.NamedTensorMap, {...attrs, inputNames} as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out as tf.Tensor];
}

/** Splits a gradient function's `saved` list into the named inputs and the saved outputs. */
export function savedInputs(
  saved: tf.Tensor[],
  attrs: InputNames,
): {inputs: {[name: string]: tf.Tensor}; levels: tf.Tensor[]; outputs: tf.Tensor[]} {
  const inputs: {[name: string]: tf.Tensor} = {};
  const levels: tf.Tensor[] = [];
  attrs.inputNames.forEach((name, i) => {
    if (isLevelInput(name)) levels.push(saved[i]);
    else inputs[name] = saved[i];
  });
  return {inputs, levels, outputs: saved.slice(attrs.inputNames.length)};
}

/**
 * The gradient map tfjs expects for a list of inputs: keyed by position. Inputs without a
 * gradient function (indices, peel layers) get float32 zeros; tfjs asks for them only when they
 * are on the path from the differentiated variable.
 */
export function gradMap(
  attrs: InputNames,
  saved: tf.Tensor[],
  fns: GradFns,
  levelFns: Array<() => tf.Tensor> = [],
): GradFns {
  const out: GradFns = {};
  let level = 0;
  attrs.inputNames.forEach((name, i) => {
    const fn = isLevelInput(name) ? levelFns[level++] : fns[name];
    out[i] = fn ?? (() => tf.zeros(saved[i].shape, 'float32'));
  });
  return out;
}

/**
 * `t`'s data under a new tensor that the gradient tape does not link to what made `t` (a stop-gradient:
 * no copy, one more reference to the data, as tfjs's own Reshape kernel makes). For inputs whose
 * gradient is zero everywhere, so that tfjs does not build and add images of zeros.
 */
export function withoutGradient<T extends tf.Tensor>(t: T): T {
  const engine = tf.engine();
  engine.backend.incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({dataId: t.dataId, shape: t.shape, dtype: t.dtype}) as T;
}

/**
 * Lets a gradient function's thunks share what one of them made. tfjs runs each thunk in a tidy of its own, which
 * disposes what the thunk made but did not return; the returned function moves `tensors` made in the running thunk
 * to the scope the gradient function itself ran in (tfjs's backward pass), where a later thunk can still return
 * them and whose end disposes those none returned, as it does the outputs of kernels run by the gradient function.
 * Call the factory in the gradient function, the result in a thunk.
 */
function forLaterThunks(): (tensors: tf.Tensor[]) => void {
  const engine = tf.engine();
  const home = engine.state.activeScope;
  return tensors => {
    const here = engine.state.activeScope;
    if (here == null || here === home) return;
    const ids = new Set(tensors.map(t => t.id));
    here.track = here.track.filter(t => !ids.has(t.id));
    if (home == null) return; // (untracked, as any tensor made outside a scope)
    for (const t of tensors) {
      t.scopeId = home.id;
      home.track.push(t);
    }
  };
}

/**
 * Two groups of gradients one kernel makes together or apart (its attribute `outputs` names a group; without it the
 * kernel makes both). tfjs asks for gradients in input order, the first group's first: when both are wanted, the
 * first group's call makes both in one run (e.g. each pixel's lookup found once) and keeps the second group for its
 * thunks; otherwise each call makes its own group. `split` divides a both-groups result; `keepFirst` when more than
 * one thunk returns the first group's tensors. Make it in the gradient function, call `first`/`second` in thunks.
 */
export function gradientGroups<A extends string, B extends string>(
  run: (outputs?: A | B) => tf.Tensor[],
  [firstName, secondName]: [A, B],
  split: (all: tf.Tensor[]) => [tf.Tensor[], tf.Tensor[]],
  keepFirst: boolean,
): {first: () => tf.Tensor[]; second: () => tf.Tensor[]} {
  const keep = forLaterThunks();
  let first: tf.Tensor[] | null = null,
    second: tf.Tensor[] | null = null;
  return {
    first: () => {
      if (first) return first;
      if (second) first = run(firstName);
      else {
        [first, second] = split(run());
        keep(second);
      }
      if (keepFirst) keep(first);
      return first;
    },
    second: () => {
      if (!second) {
        second = run(secondName);
        keep(second);
      }
      return second;
    },
  };
}
