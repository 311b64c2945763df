/**
 * WGSL snippets shared by the webgpu programs: triangle ids, finiteness, vertex fetch, float
 * atomics and the run-and-workgroup reduction of scatter-adds.
 */
import {EXACT_ID_LIMIT, LARGE_ID_BIAS} from '../shared/triangle_id';

import type {Bindings, GpuCall} from './gpu_context';

/**
 * Triangle ids in rast (docs/conventions.md#triangle-ids) and a finiteness test on the bits (WGSL lets compilers assume
 * that NaN and infinities never occur, so comparisons cannot be trusted to detect them).
 */
export const ID_WGSL = `
fn decodeId(v: f32) -> i32 {
  if (v <= ${EXACT_ID_LIMIT}.0) { return i32(max(v, 0.0)); }
  return i32(bitcast<u32>(v) - ${LARGE_ID_BIAS}u);
}
fn encodeId(id: u32) -> f32 {
  if (id <= ${EXACT_ID_LIMIT}u) { return f32(id); }
  return bitcast<f32>(${LARGE_ID_BIAS}u + id);
}
fn isFiniteF(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn isFinite4(v: vec4f) -> bool { return isFiniteF(v.x) && isFiniteF(v.y) && isFiniteF(v.z) && isFiniteF(v.w); }
`;

/**
 * Fetching a triangle: its three vertex indices from \`tri\` (array<i32>, read as i32, never
 * through f32), or vec3(-1) when one is outside [0, V) (skipped: docs/conventions.md#invalid-triangles).
 */
export const TRIANGLE_WGSL = `
fn triangleIndices(t: i32, numVertices: i32) -> vec3<i32> {
  let k = vec3<i32>(tri[3 * t], tri[3 * t + 1], tri[3 * t + 2]);
  if (any(k < vec3<i32>(0)) || any(k >= vec3<i32>(numVertices))) { return vec3<i32>(-1); }
  return k;
}
`;

/**
 * \`fn <name>(i: i32, v: f32)\`: adds v to element i of \`buffer\` (array<atomic<u32>> holding
 * float bits). WGSL has no float atomics: a compare-exchange loop; callers pre-reduce so that
 * few invocations meet on one address.
 */
export function atomicAddF32(name: string, buffer: string): string {
  return `
fn ${name}(i: i32, v: f32) {
  if (v == 0.0) { return; }
  var old = atomicLoad(&${buffer}[i]);
  loop {
    let r = atomicCompareExchangeWeak(&${buffer}[i], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}
`;
}

/**
 * Pixels per thread in the scatter passes: a thread sums its run before touching memory. Long, since where the GPU
 * is emulated each workgroup costs a fixed start-up and merge (its barrier and the loops over RUN_ROWS threads):
 * at 512², 128 took rasterize's backward from 1 to 0.61 of its time, interpolate's 0.72, texture's 0.94 (32 before).
 */
export const RUN_LENGTH = 128;
/** Threads per workgroup in the scatter passes: one run each, on 64 consecutive rows. */
export const RUN_ROWS = 64;

/**
 * Contention control for scatter-adds keyed by a triangle (or texel): each thread walks a run of
 * RUN_LENGTH pixels of one row summing K values while the key stays the same, flushing when it
 * changes. Its last, usually largest, sum is then merged across the workgroup (64 runs on
 * consecutive rows): the first thread holding a key adds up every thread's sum for it and
 * flushes once. A full-screen triangle thus costs one global atomic per 8192 pixels instead of
 * one per pixel. Declares \`fn mergeAndFlush(lid: u32, key: i32, sum: array<f32, K>)\`, which
 * must be reached by every invocation (it holds a barrier); \`flush(key, sum)\` is the caller's.
 */
export function workgroupMerge(K: number): string {
  return `
var<workgroup> mergeKeys: array<i32, ${RUN_ROWS}>;
var<workgroup> mergeSums: array<array<f32, ${K}>, ${RUN_ROWS}>;
fn mergeAndFlush(lid: u32, key: i32, sum: array<f32, ${K}>) {
  mergeKeys[lid] = key;
  mergeSums[lid] = sum;
  workgroupBarrier();
  if (key < 0) { return; }
  for (var m = 0u; m < lid; m++) {
    if (mergeKeys[m] == key) { return; }  // an earlier thread owns this key
  }
  var total = sum;
  for (var m = lid + 1u; m < ${RUN_ROWS}u; m++) {
    if (mergeKeys[m] != key) { continue; }
    for (var c = 0; c < ${K}; c++) { total[c] += mergeSums[m][c]; }
  }
  flush(key, total);
}
`;
}

/**
 * A cached compute pipeline of \`code\` with the uniforms \`names\` (U.<name>) replaced by their \`values\`: constants
 * the compiler folds, dropping the branches and loop iterations other values would need (where the GPU is emulated,
 * every branch runs). One pipeline per combination of those values.
 */
export function specialisedPipeline(
  call: GpuCall,
  name: string,
  bindings: Bindings,
  names: readonly string[],
  values: {[name: string]: number},
  code: string,
): GPUComputePipeline {
  const pattern = new RegExp(`\\bU\\.(${names.join('|')})\\b`, 'g');
  return call.computePipeline(`${name}/${names.map(k => values[k]).join(',')}`, bindings, () =>
    code.replace(pattern, (_, k: string) => `(${values[k]})`),
  );
}
