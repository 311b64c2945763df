/**
 * The mip pyramid's box filter (docs/texture.md#mip-pyramid) and its exact adjoint on WebGPU: one level at a time,
 * over [..., H, W, C] images (cube faces are just more slices).
 */
import {Bindings, GpuCall, groups1d, LINEAR_INDEX_WGSL, Uniforms, WORKGROUP_1D} from './gpu_context';
import {mipBoxWeight} from '../shared/mip_sizes';
import {shaderFloat} from '../shared/raster';

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

const adjointUniforms = new Uniforms([['count', 'i32']]);
const adjointBindings = new Bindings(adjointUniforms, [
  ['dtex', 'array<f32>'],
  ['dlevels', 'array<f32>'],
  ['dst', 'array<f32>', 'read_write'],
]);

/**
 * One texel of level 1 and channel: the gradients of the texels below it in every level, nested from the last level
 * up as the per-level steps add them (dlevel_ℓ + w·sum, w the weight of the step below level ℓ), so the sums are the
 * same; then the (up to) four texels of tex above it. Sizes and offsets are constants, one statement per level: where
 * the GPU is emulated, a loop over a table of them cost more than the steps it replaces, and a thread per texel of
 * tex repeated the chain four times.
 */
function adjointWgsl(sizes: Array<[number, number]>, offsets: number[], channels: number): string {
  const [[height, width], [h1, w1]] = sizes;
  const level = (l: number) =>
    `dlevels[${offsets[l - 1]} + ((slice * ${sizes[l][0]} + (j >> ${l - 1}u)) * ${sizes[l][1]} + (i >> ${l - 1}u)) * C + c]`;
  const steps = [];
  for (let l = sizes.length - 2; l >= 1; l--) {
    steps.push(`acc = ${level(l)} + ${shaderFloat(mipBoxWeight(...sizes[l]))} * acc;`);
  }
  const above = [];
  for (let dj = 0; dj < Math.min(height, 2); dj++) {
    for (let di = 0; di < Math.min(width, 2); di++) {
      above.push(`{
    let at = ((slice * ${height} + ${height > 1 ? 2 : 1} * j + ${dj}) * ${width} + ${width > 1 ? 2 : 1} * i + ${di}) * C + c;
    dst[at] = dtex[at] + ${shaderFloat(mipBoxWeight(...sizes[0]))} * acc;
  }`);
    }
  }
  return `
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let e = linearIndex(g, groups);
  if (e >= U.count) { return; }
  let C = ${channels};
  let c = e % C;
  let i = (e / C) % ${w1};
  let j = (e / C / ${w1}) % ${h1};
  let slice = e / C / ${w1} / ${h1};
  var acc = ${level(sizes.length - 1)};
  ${steps.join('\n  ')}
  ${above.join('\n  ')}
}
`;
}

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
  if (dlevels.length === 0) {
    if (dtex) call.encoder.copyBufferToBuffer(dtex, 0, dst, 0, 4 * count);
    return;
  }
  const offsets: number[] = [];
  let total = 0;
  for (const {size} of dlevels) {
    offsets.push(total);
    total += size;
  }
  const packed = call.scratchBuffer(4 * total, 'the mip level gradients');
  dlevels.forEach(({buffer, size}, l) => {
    if (buffer && size > 0) call.encoder.copyBufferToBuffer(buffer, 0, packed, 4 * offsets[l], 4 * size);
  });
  const key = `texture-mip/adjoint/${sizes[0].join('x')},${channels},${offsets.join(',')}`;
  const pipeline = call.computePipeline(
    key,
    adjointBindings,
    () => LINEAR_INDEX_WGSL + adjointWgsl(sizes, offsets, channels),
  );
  const threads = dlevels[0].size;
  call.dispatch(
    pipeline,
    [call.uniforms(adjointUniforms, {count: threads}), call.bind(dtex), packed, dst],
    groups1d(threads),
  );
}
