/**
 * The mip pyramid's box filter (docs/texture.md#mip-pyramid) and its exact adjoint on WebGPU: one level at a time,
 * over [..., H, W, C] images (cube faces are just more slices).
 */
import {Bindings, GpuCall, groups1d, LINEAR_INDEX_WGSL, Uniforms, WORKGROUP_1D} from './gpu_context';

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
