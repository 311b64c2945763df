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
    ['hasDb', 'i32'],
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

/** The nine sums (dx, dy, dw of three corners) of a run; the key is the triangle. */
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

@compute @workgroup_size(1, ${RUN_ROWS}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                 @builtin(local_invocation_index) lid: u32) {
  let py = i32(g.y);
  let n = i32(g.z);
  let size = vec2f(f32(U.width), f32(U.height));
  base = select(n * U.numVertices, 0, U.rangeMode != 0);
  var key = -1;
  var sum: array<f32, 9>;
  var c: Corners;
  if (py < U.height) {
    let x0 = i32(g.x) * ${RUN_LENGTH};
    for (var px = x0; px < min(x0 + ${RUN_LENGTH}, U.width); px++) {
      let o = (n * U.height + py) * U.width + px;
      let t = decodeId(rast[o].w) - 1;
      if (t < 0 || t >= U.numTriangles) { continue; }
      let g2 = dy[o].xy;
      var gdb = vec4f(0.0);
      if (U.hasDb != 0) { gdb = ddb[o]; }
      let useDb = any(gdb != vec4f(0.0));
      if (all(g2 == vec2f(0.0)) && !useDb) { continue; }
      if (t != key) {
        let k = triangleIndices(t, U.numVertices);
        if (k.x < 0) { continue; }
        if (key >= 0) { flush(key, sum); }
        key = t;
        sum = array<f32, 9>();
        c = loadCorners(base, k);
      }
      let f = pixelCenter(vec2<i32>(px, py), vec2<i32>(U.width, U.height));
      let d = resolvePixelGrad(c, f, size, g2.x, g2.y, gdb, useDb);
      for (var k = 0; k < 3; k++) {
        sum[3 * k] += d[k].x;
        sum[3 * k + 1] += d[k].y;
        sum[3 * k + 2] += d[k].z;
      }
    }
  }
  mergeAndFlush(lid, key, sum);
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
    'rasterize/grad',
    bindings,
    () =>
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
        hasDb: a.ddb ? 1 : 0,
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
