/**
 * Work lists on WebGPU: a pass appends the indices of the items that need work to a list, and the
 * passes after it run one thread per listed item through an indirect dispatch, so that work that
 * contributes nothing is neither evaluated nor scattered (issue 14).
 *
 * A list is one u32 buffer bound as \`list\`: u32 0 holds the length (appended to atomically),
 * u32 1..3 the workgroup counts of an indirect dispatch over it, the items follow from u32 4.
 */
import {Bindings, GpuCall, LINEAR_INDEX_WGSL, Resource, Uniforms, WORKGROUP_1D} from './gpu_context';

/** The size in u32 of a list for at most `capacity` items. */
export const listLength = (capacity: number) => 4 + capacity;

/** Empties `list` before the pass that fills it. */
export function clearList(call: GpuCall, list: GPUBuffer) {
  call.encoder.clearBuffer(list, 0, 16);
}

/** The binding of a list named \`name\` in the pass that fills it. */
export const appendList = (name = 'list'): [string, string, 'read_write'] => [name, 'array<atomic<u32>>', 'read_write'];
/** The binding of a list in the passes over it. */
export const READ_LIST: [string, string] = ['list', 'array<u32>'];

/**
 * \`fn appendItem(i: u32)\`: appends i to the list bound as \`name\` (appendList). One global atomic per item and
 * no barrier: lists are short next to the passes that fill them, and barriers are costly where the GPU is emulated.
 */
export const appendWgsl = (name = 'list') => `
fn appendItem(i: u32) {
  atomicStore(&${name}[4u + atomicAdd(&${name}[0], 1u)], i);
}
`;

/** In a pass over a list: the listed item of this invocation, or -1 past the list's end. */
export const LIST_ITEM_WGSL =
  LINEAR_INDEX_WGSL +
  `
fn listItem(g: vec3u, groups: vec3u) -> i32 {
  let i = u32(linearIndex(g, groups));
  if (i >= list[0]) { return -1; }
  return i32(list[4u + i]);
}
`;

const argsBindings = new Bindings(new Uniforms([['unused', 'i32']]), [['list', 'array<u32>', 'read_write']]);

/** The workgroup counts (WORKGROUP_1D threads each, folded into y as groups1d does) of the list's length. */
const ARGS_WGSL = `
@compute @workgroup_size(1) fn main() {
  let total = (list[0] + ${WORKGROUP_1D - 1}u) / ${WORKGROUP_1D}u;
  let x = min(total, 65535u);
  list[1] = x;
  list[2] = select(1u, (total + x - 1u) / x, x > 0u);
  list[3] = 1u;
}
`;

/**
 * After the pass that fills the list: makes the arguments of every later `dispatchOverList`, and returns them
 * in a buffer of their own (a tensor's buffer, which a list may be, cannot be an indirect dispatch's).
 */
export function recordListArgs(call: GpuCall, list: GPUBuffer): GPUBuffer {
  const pipeline = call.computePipeline('work-list/args', argsBindings, () => ARGS_WGSL);
  call.dispatch(pipeline, [call.uniforms(argsBindings.uniforms, {unused: 0}), list], [1, 1, 1]);
  return listArgs(call, list);
}

/** The arguments `recordListArgs` wrote into `list`, copied into a buffer an indirect dispatch may read. */
export function listArgs(call: GpuCall, list: GPUBuffer): GPUBuffer {
  const args = call.scratchBuffer(16, 'the dispatch arguments of a work list', GPUBufferUsage.INDIRECT);
  call.encoder.copyBufferToBuffer(list, 0, args, 0, 16);
  return args;
}

/** Dispatches `pipeline` with one thread per listed item (`listItem` in the shader); `args` from recordListArgs. */
export function dispatchOverList(call: GpuCall, pipeline: GPUComputePipeline, buffers: Resource[], args: GPUBuffer) {
  call.dispatchIndirect(pipeline, buffers, args, 4);
}
