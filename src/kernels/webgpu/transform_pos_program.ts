/**
 * mat4.transformPos on WebGPU: clip[n, v] = M[n] · (p[v], 1), and its gradient with respect to the positions, one
 * thread per output element. (tfjs's webgpu matMul computes a 4-wide product in 32×32 tiles synchronised by
 * workgroup barriers, ~0.2 s at 50k vertices where the GPU is emulated; element-wise tfjs ops took ~25 kernels.)
 */
import {Bindings, GpuCall, groups1d, LINEAR_INDEX_WGSL, Uniforms, WORKGROUP_1D} from './gpu_context';

const uniforms = new Uniforms([
  ['images', 'i32'],
  ['vertices', 'i32'],
  ['count', 'i32'],
]);
const bindings = new Bindings(uniforms, [
  ['mats', 'array<f32>'],
  ['src', 'array<f32>'],
  ['dst', 'array<f32>', 'read_write'],
]);

/** One clip coordinate: row c of M[n] times (p, 1), summed in the element-wise order x, y, z, then w. */
const FORWARD_WGSL = `
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let e = linearIndex(g, groups);
  if (e >= U.count) { return; }
  let c = e % 4;
  let v = (e / 4) % U.vertices;
  let row = 4 * ((e / 4 / U.vertices) * 4 + c);
  dst[e] = src[3 * v] * mats[row] + src[3 * v + 1] * mats[row + 1] + src[3 * v + 2] * mats[row + 2] + mats[row + 3];
}
`;

/** One position component's gradient: column k of every M[n] times that image's clip gradient of the vertex. */
const GRAD_WGSL = `
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let e = linearIndex(g, groups);
  if (e >= U.count) { return; }
  let k = e % 3;
  let v = e / 3;
  var s = 0.0;
  for (var n = 0; n < U.images; n++) {
    for (var c = 0; c < 4; c++) { s += mats[16 * n + 4 * c + k] * src[4 * (n * U.vertices + v) + c]; }
  }
  dst[e] = s;
}
`;

/**
 * Records the product (`grad` false: src is pos [V,3], dst clip [N,V,4]) or its position gradient (`grad` true: src
 * is the clip gradient [N,V,4], dst dpos [V,3]).
 */
export function recordTransformPos(
  call: GpuCall,
  grad: boolean,
  mats: GPUBuffer | null,
  src: GPUBuffer | null,
  dst: GPUBuffer | null,
  images: number,
  vertices: number,
) {
  const count = grad ? 3 * vertices : 4 * images * vertices;
  if (!dst || count === 0) return;
  const pipeline = call.computePipeline(
    grad ? 'transform-pos/grad' : 'transform-pos',
    bindings,
    () => LINEAR_INDEX_WGSL + (grad ? GRAD_WGSL : FORWARD_WGSL),
  );
  call.dispatch(
    pipeline,
    [call.uniforms(uniforms, {images, vertices, count}), call.bind(mats), call.bind(src), dst],
    groups1d(count),
  );
}
