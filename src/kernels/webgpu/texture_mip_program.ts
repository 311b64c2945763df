/**
 * The mip pyramid's box filter (docs/texture.md#mip-pyramid) and its exact adjoint on WebGPU: one level at a time,
 * over [..., H, W, C] images (cube faces are just more slices).
 */
import {Bindings, GpuCall, groups1d, LINEAR_INDEX_WGSL, Uniforms, WORKGROUP_1D} from './gpu_context';
import {MAX_LEVELS} from './texture_program';

const uniforms = new Uniforms([
  ['height', 'i32'],
  ['width', 'i32'],
  ['channels', 'i32'],
  ['count', 'i32'],
]);
const bindings = new Bindings(uniforms, [
  ['src', 'array<f32>'],
  ['dst', 'array<f32>', 'read_write'],
]);

/** Level-above size (height, width), the level below's, and the box weight (¼, or ½ once a side is 1). */
const SIZES_WGSL = `
fn below() -> vec2<i32> { return max(vec2<i32>(U.height, U.width) / 2, vec2<i32>(1)); }
fn boxWeight() -> f32 { return select(1.0, 0.5, U.height > 1) * select(1.0, 0.5, U.width > 1); }
`;

/** One texel of the level below: the weighted sum of its (up to) four texels above. */
const DOWN_WGSL = `
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let e = linearIndex(g, groups);
  if (e >= U.count) { return; }
  let C = U.channels;
  let b2 = below();
  let c = e % C;
  let i2 = (e / C) % b2.y;
  let j2 = (e / C / b2.y) % b2.x;
  let slice = e / C / b2.y / b2.x;
  var s = 0.0;
  for (var dj = 0; dj < min(U.height, 2); dj++) {
    for (var di = 0; di < min(U.width, 2); di++) {
      s += src[((slice * U.height + 2 * j2 + dj) * U.width + 2 * i2 + di) * C + c];
    }
  }
  dst[e] = boxWeight() * s;
}
`;

/** One texel of the level above: its share of the gradient of the texel below it. */
const UP_WGSL = `
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let e = linearIndex(g, groups);
  if (e >= U.count) { return; }
  let C = U.channels;
  let b2 = below();
  let c = e % C;
  let i = (e / C) % U.width;
  let j = (e / C / U.width) % U.height;
  let slice = e / C / U.width / U.height;
  dst[e] = boxWeight() * src[((slice * b2.x + j / 2) * b2.y + i / 2) * C + c];
}
`;

/**
 * Records one box-filter step (`up` false: src is the level above, dst below) or its adjoint
 * (`up` true: src is the gradient below, dst above). height, width: the level above.
 */
export function recordMipStep(
  call: GpuCall,
  up: boolean,
  src: GPUBuffer | null,
  dst: GPUBuffer | null,
  height: number,
  width: number,
  channels: number,
  count: number,
) {
  if (!dst || count === 0) return;
  const pipeline = call.computePipeline(
    up ? 'texture-mip/up' : 'texture-mip/down',
    bindings,
    () => LINEAR_INDEX_WGSL + SIZES_WGSL + (up ? UP_WGSL : DOWN_WGSL),
  );
  call.dispatch(
    pipeline,
    [call.uniforms(uniforms, {height, width, channels, count}), call.bind(src), dst],
    groups1d(count),
  );
}

const adjointUniforms = new Uniforms([
  ['height', 'i32'],
  ['width', 'i32'],
  ['channels', 'i32'],
  ['count', 'i32'],
  ['numLevels', 'i32'],
]);
const adjointBindings = new Bindings(adjointUniforms, [
  ['levels', `array<vec4<i32>, ${MAX_LEVELS}>`, 'uniform'],
  ['dtex', 'array<f32>'],
  ['dlevels', 'array<f32>'],
  ['dst', 'array<f32>', 'read_write'],
]);

/**
 * One texel of tex: the gradients of the texels below it in every level, nested from the last level up as the
 * per-level steps add them (dlevel_ℓ + w·acc, w the weight of the step below level ℓ), so the sums are the same.
 * levels[ℓ]: (offset in dlevels, height, width) of level ℓ, levels[0] tex's.
 */
const ADJOINT_WGSL = `
fn stepWeight(above: vec4<i32>) -> f32 { return select(1.0, 0.5, above.y > 1) * select(1.0, 0.5, above.z > 1); }
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let e = linearIndex(g, groups);
  if (e >= U.count) { return; }
  let C = U.channels;
  let c = e % C;
  let i = (e / C) % U.width;
  let j = (e / C / U.width) % U.height;
  let slice = e / C / U.width / U.height;
  var acc = 0.0;
  for (var l = U.numLevels; l >= 1; l--) {
    let t = levels[l];
    let here = dlevels[t.x + ((slice * t.y + (j >> u32(l))) * t.z + (i >> u32(l))) * C + c];
    acc = here + stepWeight(levels[l]) * acc;
  }
  dst[e] = dtex[e] + stepWeight(levels[0]) * acc;
}
`;

/**
 * Records the pyramid's adjoint (docs/texture.md#mip-pyramid) into dst: dtex plus every level's gradient spread up to
 * tex. sizes: (height, width) of levels 0..L; dlevels: levels 1..L, copied into one buffer first (a shader binds only
 * so many).
 */
export function recordPyramidAdjoint(
  call: GpuCall,
  dtex: GPUBuffer | null,
  dlevels: Array<{buffer: GPUBuffer | null; size: number}>,
  dst: GPUBuffer | null,
  sizes: Array<[number, number]>,
  channels: number,
  count: number,
) {
  if (!dst || count === 0) return;
  if (sizes.length > MAX_LEVELS) throw new Error(`has ${sizes.length} mip levels, more than ${MAX_LEVELS}`);
  const table = new Int32Array(4 * MAX_LEVELS);
  let offset = 0;
  sizes.forEach(([h, w], l) => {
    table.set([l === 0 ? 0 : offset, h, w, 0], 4 * l);
    if (l > 0) offset += dlevels[l - 1].size;
  });
  const packed = call.scratchBuffer(4 * offset, 'the mip level gradients');
  let at = 0;
  for (const {buffer, size} of dlevels) {
    if (buffer && size > 0) call.encoder.copyBufferToBuffer(buffer, 0, packed, 4 * at, 4 * size);
    at += size;
  }
  const pipeline = call.computePipeline('texture-mip/adjoint', adjointBindings, () => LINEAR_INDEX_WGSL + ADJOINT_WGSL);
  const [height, width] = sizes[0];
  call.dispatch(
    pipeline,
    [
      call.uniforms(adjointUniforms, {height, width, channels, count, numLevels: sizes.length - 1}),
      call.uniformData(table.buffer),
      call.bind(dtex),
      packed,
      dst,
    ],
    groups1d(count),
  );
}
