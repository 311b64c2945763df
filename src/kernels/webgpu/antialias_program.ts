/**
 * Antialias on WebGPU (docs/antialias.md). Both passes gather per pixel over the four items the pixel
 * belongs to, so color and its gradient need no atomics; the position gradient of each item is
 * scattered once, by the item's first pixel.
 */
import {Bindings, GpuCall, groups2d, Uniforms} from './gpu_context';
import {ANTIALIAS_WGSL} from './wgsl_antialias';
import {atomicAddF32, ID_WGSL, TRIANGLE_WGSL} from './wgsl_common';

const uniforms = new Uniforms([
  ['width', 'i32'],
  ['height', 'i32'],
  ['channels', 'i32'],
  ['numVertices', 'i32'],
  ['numTriangles', 'i32'],
  ['rangeMode', 'i32'],
]);
const SCENE: Array<[string, string]> = [
  ['color', 'array<f32>'],
  ['rast', 'array<vec4f>'],
  ['pos', 'array<vec4f>'],
  ['tri', 'array<i32>'],
  ['topo', 'array<i32>'],
];
const forwardBindings = new Bindings(uniforms, [...SCENE, ['out', 'array<f32>', 'read_write']]);
const gradBindings = new Bindings(uniforms, [
  ...SCENE,
  ['dy', 'array<f32>'],
  ['dcolor', 'array<f32>', 'read_write'],
  ['dpos', 'array<atomic<u32>>', 'read_write'],
]);

const PIXEL_WGSL = `
@compute @workgroup_size(8, 8) fn main(@builtin(global_invocation_id) g: vec3u) {
  let x = i32(g.x);
  let y = i32(g.y);
  let n = i32(g.z);
  if (x >= U.width || y >= U.height) { return; }
  let C = U.channels;
  let pix = (n * U.height + y) * U.width + x;
  for (var c = 0; c < C; c++) { RESULT[pix * C + c] = SOURCE[pix * C + c]; }
  for (var s = 0; s < 4; s++) {
    let it = pixelItem(n, x, y, s);
    if (!it.ok) { continue; }
    ITEM
  }
}
`;

/** out[dest] += alpha·(color[p1] − color[p0]) for the items whose dest is this pixel. */
const FORWARD_ITEM = `
    if (it.dest != pix) { continue; }
    for (var c = 0; c < C; c++) { out[pix * C + c] += it.alpha * (color[it.p1 * C + c] - color[it.p0 * C + c]); }`;

/** dcolor[p0] −= alpha·dy[dest], dcolor[p1] += alpha·dy[dest]; dpos once per item. */
const GRAD_ITEM = `
    let sgn = select(1.0, -1.0, it.p0 == pix);
    for (var c = 0; c < C; c++) { dcolor[pix * C + c] += sgn * it.alpha * dy[it.dest * C + c]; }
    if (s < 2) { scatterPos(it); }`;

const SCATTER_WGSL = `
fn addEndpoint(v: i32, gAlongAcross: vec2f, vertical: bool) {
  let gXY = select(gAlongAcross, gAlongAcross.yx, vertical);
  let p = pos[v];
  let size = vec2f(f32(U.width), f32(U.height));
  let d = gXY * size / (2.0 * p.w);
  addDpos(4 * v, d.x);
  addDpos(4 * v + 1, d.y);
  addDpos(4 * v + 3, -dot(gXY, p.xy * size * 0.5) / (p.w * p.w));
}
fn scatterPos(it: Item) {
  if (it.clamped) { return; }
  let C = U.channels;
  var dd = 0.0;
  for (var c = 0; c < C; c++) { dd += dy[it.dest * C + c] * (color[it.p1 * C + c] - color[it.p0 * C + c]); }
  if (dd == 0.0) { return; }
  let g = crossingGrad(it, dd);
  addEndpoint(it.v1, g.xy, it.vertical);
  addEndpoint(it.v2, g.zw, it.vertical);
}
`;

const LIB = ID_WGSL + TRIANGLE_WGSL + ANTIALIAS_WGSL;

export interface AntialiasGpuArgs {
  color: GPUBuffer | null;
  rast: GPUBuffer | null;
  pos: GPUBuffer | null;
  tri: GPUBuffer | null;
  topo: GPUBuffer | null;
  numImages: number;
  height: number;
  width: number;
  channels: number;
  numVertices: number;
  numTriangles: number;
  rangeMode: boolean;
}

function common(call: GpuCall, a: AntialiasGpuArgs): GPUBuffer[] {
  return [
    call.uniforms(uniforms, {
      width: a.width,
      height: a.height,
      channels: a.channels,
      numVertices: a.numVertices,
      numTriangles: a.numTriangles,
      rangeMode: a.rangeMode ? 1 : 0,
    }),
    call.bind(a.color),
    call.bind(a.rast),
    call.bind(a.pos),
    call.bind(a.tri),
    call.bind(a.topo),
  ];
}

export function recordAntialias(call: GpuCall, a: AntialiasGpuArgs, out: GPUBuffer | null) {
  if (!out) return;
  const pipeline = call.computePipeline(
    'antialias',
    forwardBindings,
    () => LIB + PIXEL_WGSL.replace('RESULT', 'out').replace('SOURCE', 'color').replace('ITEM', FORWARD_ITEM),
  );
  call.dispatch(pipeline, [...common(call, a), out], groups2d(a.width, a.height, a.numImages));
}

export function recordAntialiasGrad(
  call: GpuCall,
  a: AntialiasGpuArgs,
  dy: GPUBuffer | null,
  dcolor: GPUBuffer | null,
  dpos: GPUBuffer | null,
) {
  if (dpos) call.encoder.clearBuffer(dpos);
  if (!dcolor) return;
  const pipeline = call.computePipeline(
    'antialias/grad',
    gradBindings,
    () =>
      LIB +
      atomicAddF32('addDpos', 'dpos') +
      SCATTER_WGSL +
      PIXEL_WGSL.replace('RESULT', 'dcolor').replace('SOURCE', 'dy').replace('ITEM', GRAD_ITEM),
  );
  call.dispatch(
    pipeline,
    [...common(call, a), call.bind(dy), dcolor, call.bindOutput(dpos)],
    groups2d(a.width, a.height, a.numImages),
  );
}
