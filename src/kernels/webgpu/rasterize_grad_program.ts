/**
 * Rasterize backward on WebGPU (docs/rasterize.md#backward): per pixel, the gradient of (u, v) and rastDb w.r.t.
 * the x, y, w of its triangle's corners, scatter-added into dpos with contention control
 * (see workgroupMerge): runs of pixels of one triangle are summed before any atomic.
 */
import {Bindings, GpuCall, Uniforms} from './gpu_context';
import {atomicAddF32, ID_WGSL, RUN_LENGTH, RUN_ROWS, TRIANGLE_WGSL, workgroupMerge} from './wgsl_common';
import {CORNERS_WGSL, RESOLVE_GRAD_WGSL, RESOLVE_WGSL} from './wgsl_raster';

const bindings = new Bindings(
  new Uniforms([
    ['numVertices', 'i32'],
    ['numTriangles', 'i32'],
    ['width', 'i32'],
    ['height', 'i32'],
    ['rangeMode', 'i32'],
  ]),
  [
    ['pos', 'array<vec4f>'],
    ['tri', 'array<i32>'],
    ['rast', 'array<vec4f>'],
    ['dy', 'array<vec4f>'],
    ['ddb', 'array<vec4f>'],
    ['dpos', 'array<atomic<u32>>', 'read_write'],
  ],
);

/**
 * A thread walks its run in stretches: pixels that carry nothing are skipped in a loop of their own, then the
 * stretch of one triangle's pixels is summed with that triangle's corners and edge gradients set up once, and
 * flushed when the triangle changes (where the GPU is emulated, every branch of an \`if\` in the pixel loop
 * would run for every pixel). The key of a sum is the triangle.
 */
const MAIN_WGSL = `
// A workgroup stays within one image: its first vertex in pos.
var<private> base: i32;
fn flush(key: i32, sum: array<f32, 9>) {
  let k = triangleIndices(key, U.numVertices) + base;
  for (var c = 0; c < 3; c++) {
    addDpos(4 * k[c], sum[3 * c]);
    addDpos(4 * k[c] + 1, sum[3 * c + 1]);
    addDpos(4 * k[c] + 3, sum[3 * c + 2]);
  }
}
fn triangleAt(o: i32) -> i32 {
  let t = decodeId(rast[o].w) - 1;
  return select(-1, t, t >= 0 && t < U.numTriangles);
}
fn upstream(o: i32) -> vec4f {
  if (HAS_DB) { return ddb[o]; }
  return vec4f(0.0);
}
// The triangle of pixel o when it carries a gradient, else -1.
fn contributor(o: i32) -> i32 {
  let t = triangleAt(o);
  if (all(dy[o].xy == vec2f(0.0)) && all(upstream(o) == vec4f(0.0))) { return -1; }
  return t;
}

@compute @workgroup_size(1, ${RUN_ROWS}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                 @builtin(local_invocation_index) lid: u32) {
  let py = i32(g.y);
  let n = i32(g.z);
  let size = vec2f(f32(U.width), f32(U.height));
  base = select(n * U.numVertices, 0, U.rangeMode != 0);
  var key = -1;
  var s0 = vec3f(0.0);
  var s1 = vec3f(0.0);
  var s2 = vec3f(0.0);
  var c: Corners;
  var eg: EdgeGradients;
  if (py < U.height) {
    let row = (n * U.height + py) * U.width;
    let x1 = min(i32(g.x) * ${RUN_LENGTH} + ${RUN_LENGTH}, U.width);
    var px = i32(g.x) * ${RUN_LENGTH};
    loop {
      var t = -1;
      loop {
        if (px >= x1) { break; }
        t = contributor(row + px);
        if (t >= 0) { break; }
        px++;
      }
      if (px >= x1) { break; }
      let k = triangleIndices(t, U.numVertices);
      if (k.x < 0) {
        px++;
        continue;
      }
      if (t != key) {
        if (key >= 0) { flush(key, array<f32, 9>(s0.x, s0.y, s0.z, s1.x, s1.y, s1.z, s2.x, s2.y, s2.z)); }
        key = t;
        s0 = vec3f(0.0);
        s1 = vec3f(0.0);
        s2 = vec3f(0.0);
        c = loadCorners(base, k);
        eg = edgeGradients(c);
      }
      loop {
        let o = row + px;
        if (contributor(o) == key) {
          let gdb = upstream(o);
          let g2 = dy[o].xy;
          let f = pixelCenter(vec2<i32>(px, py), vec2<i32>(U.width, U.height));
          let d = resolvePixelGrad(c, eg, f, size, g2.x, g2.y, gdb, any(gdb != vec4f(0.0)));
          s0 += d[0];
          s1 += d[1];
          s2 += d[2];
        }
        px++;
        if (px >= x1) { break; }
        if (triangleAt(row + px) != key) { break; }
      }
    }
  }
  mergeAndFlush(lid, key, array<f32, 9>(s0.x, s0.y, s0.z, s1.x, s1.y, s1.z, s2.x, s2.y, s2.z));
}
`;

export interface RasterizeGradGpuArgs {
  pos: GPUBuffer | null;
  tri: GPUBuffer | null;
  rast: GPUBuffer;
  dy: GPUBuffer;
  ddb: GPUBuffer | null;
  dpos: GPUBuffer;
  numImages: number;
  numVertices: number;
  numTriangles: number;
  height: number;
  width: number;
  rangeMode: boolean;
}

export function recordRasterizeGrad(call: GpuCall, a: RasterizeGradGpuArgs) {
  const pipeline = call.computePipeline(
    `rasterize/grad${a.ddb ? '/db' : ''}`,
    bindings,
    () =>
      `const HAS_DB = ${a.ddb != null};\n` +
      ID_WGSL +
      TRIANGLE_WGSL +
      CORNERS_WGSL +
      RESOLVE_WGSL +
      RESOLVE_GRAD_WGSL +
      atomicAddF32('addDpos', 'dpos') +
      workgroupMerge(9) +
      MAIN_WGSL,
  );
  call.dispatch(
    pipeline,
    [
      call.uniforms(bindings.uniforms, {
        numVertices: a.numVertices,
        numTriangles: a.numTriangles,
        width: a.width,
        height: a.height,
        rangeMode: a.rangeMode ? 1 : 0,
      }),
      call.bind(a.pos),
      call.bind(a.tri),
      a.rast,
      a.dy,
      call.bind(a.ddb),
      a.dpos,
    ],
    [Math.ceil(a.width / RUN_LENGTH), Math.ceil(a.height / RUN_ROWS), a.numImages],
  );
}
