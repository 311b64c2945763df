/**
 * Interpolate on WebGPU (docs/interpolate.md): the forward pass and the two backward passes (per-pixel
 * gradients of rast and rastDb; the attribute scatter, pre-reduced per triangle like rasterize's).
 */
import {Bindings, GpuCall, groups2d, Uniforms} from './gpu_context';
import {
  atomicAddF32,
  ID_WGSL,
  RUN_LENGTH,
  RUN_ROWS,
  specialisedPipeline,
  TRIANGLE_WGSL,
  workgroupMerge,
} from './wgsl_common';

const uniforms = new Uniforms([
  ['numAttrs', 'i32'],
  ['numVertices', 'i32'],
  ['numTriangles', 'i32'],
  ['width', 'i32'],
  ['height', 'i32'],
  ['perImage', 'i32'],
  ['numDiff', 'i32'],
  ['hasDb', 'i32'],
  ['chunks', 'i32'],
]);

/** A covered pixel's (u, v) and where its corners' attributes start in attr. */
const PIXEL_WGSL = `
struct PixelTriangle { ok: bool, t: i32, corners: vec3<i32>, uv: vec2f };
fn pixelTriangle(n: i32, o: i32) -> PixelTriangle {
  var p: PixelTriangle;
  p.ok = false;
  let r = rast[o];
  p.t = decodeId(r.w) - 1;
  if (p.t < 0 || p.t >= U.numTriangles) { return p; }
  let k = triangleIndices(p.t, U.numVertices);
  if (k.x < 0) { return p; }
  let base = select(0, n * U.numVertices, U.perImage != 0);
  p.corners = (base + k) * U.numAttrs;
  p.uv = r.xy;
  p.ok = true;
  return p;
}
`;

const forwardBindings = new Bindings(uniforms, [
  ['attr', 'array<f32>'],
  ['rast', 'array<vec4f>'],
  ['tri', 'array<i32>'],
  ['rastDb', 'array<vec4f>'],
  ['diff', 'array<i32>'],
  ['out', 'array<f32>', 'read_write'],
  ['outDa', 'array<f32>', 'read_write'],
]);

const FORWARD_WGSL = `
@compute @workgroup_size(8, 8) fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = i32(g.z);
  if (i32(g.x) >= U.width || i32(g.y) >= U.height) { return; }
  let o = (n * U.height + i32(g.y)) * U.width + i32(g.x);
  let A = U.numAttrs;
  let D = 2 * U.numDiff;
  let p = pixelTriangle(n, o);
  if (!p.ok) {
    for (var a = 0; a < A; a++) { out[o * A + a] = 0.0; }
    for (var j = 0; j < D; j++) { outDa[o * D + j] = 0.0; }
    return;
  }
  let w = vec3f(p.uv, 1.0 - p.uv.x - p.uv.y);
  for (var a = 0; a < A; a++) {
    out[o * A + a] = dot(w, vec3f(attr[p.corners.x + a], attr[p.corners.y + a], attr[p.corners.z + a]));
  }
  if (U.hasDb == 0) { return; }
  let db = rastDb[o];
  for (var j = 0; j < U.numDiff; j++) {
    let a = diff[j];
    let d0 = attr[p.corners.x + a] - attr[p.corners.z + a];
    let d1 = attr[p.corners.y + a] - attr[p.corners.z + a];
    outDa[o * D + 2 * j] = db.x * d0 + db.z * d1;
    outDa[o * D + 2 * j + 1] = db.y * d0 + db.w * d1;
  }
}
`;

const pixelGradBindings = new Bindings(uniforms, [
  ['attr', 'array<f32>'],
  ['rast', 'array<vec4f>'],
  ['tri', 'array<i32>'],
  ['dy', 'array<f32>'],
  ['dyDa', 'array<f32>'],
  ['diff', 'array<i32>'],
  ['drast', 'array<vec4f>', 'read_write'],
  ['drastDb', 'array<vec4f>', 'read_write'],
]);

/** drast = (Σ dy·(s0 − s2), Σ dy·(s1 − s2), 0, 0); drastDb from dyDa over the listed attributes. */
const PIXEL_GRAD_WGSL = `
@compute @workgroup_size(8, 8) fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = i32(g.z);
  if (i32(g.x) >= U.width || i32(g.y) >= U.height) { return; }
  let o = (n * U.height + i32(g.y)) * U.width + i32(g.x);
  let A = U.numAttrs;
  let D = 2 * U.numDiff;
  let p = pixelTriangle(n, o);
  var dr = vec2f(0.0);
  var ddb = vec4f(0.0);
  if (p.ok) {
    for (var a = 0; a < A; a++) {
      let s2 = attr[p.corners.z + a];
      dr += dy[o * A + a] * vec2f(attr[p.corners.x + a] - s2, attr[p.corners.y + a] - s2);
    }
    if (U.hasDb != 0) {
      for (var j = 0; j < U.numDiff; j++) {
        let a = diff[j];
        let e = vec2f(dyDa[o * D + 2 * j], dyDa[o * D + 2 * j + 1]);
        let s2 = attr[p.corners.z + a];
        ddb += vec4f(e * (attr[p.corners.x + a] - s2), e * (attr[p.corners.y + a] - s2));
      }
    }
  }
  drast[o] = vec4f(dr, 0.0, 0.0);
  if (U.hasDb != 0) { drastDb[o] = ddb; }
}
`;

const scatterBindings = new Bindings(uniforms, [
  ['rast', 'array<vec4f>'],
  ['tri', 'array<i32>'],
  ['rastDb', 'array<vec4f>'],
  ['dy', 'array<f32>'],
  ['dyDa', 'array<f32>'],
  ['diff', 'array<i32>'],
  ['dattr', 'array<atomic<u32>>', 'read_write'],
]);

/**
 * dattr, four attributes per thread (z = image · chunks + chunk): u·dy, v·dy, (1−u−v)·dy and the
 * rastDb terms of listed attributes, summed per triangle over a run and then the workgroup.
 */
const SCATTER_WGSL = `
var<private> image: i32;
var<private> chunk: i32;
fn flush(key: i32, sum: array<f32, 12>) {
  let base = select(0, image * U.numVertices, U.perImage != 0);
  let corners = (base + triangleIndices(key, U.numVertices)) * U.numAttrs;
  for (var c = 0; c < 3; c++) {
    for (var i = 0; i < 4; i++) {
      let a = 4 * chunk + i;
      if (a < U.numAttrs) { addDattr(corners[c] + a, sum[4 * c + i]); }
    }
  }
}

@compute @workgroup_size(1, ${RUN_ROWS}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                 @builtin(local_invocation_index) lid: u32) {
  image = i32(g.z) / U.chunks;
  chunk = i32(g.z) % U.chunks;
  let py = i32(g.y);
  let A = U.numAttrs;
  let D = 2 * U.numDiff;
  var key = -1;
  var sum: array<f32, 12>;
  if (py < U.height) {
    let x0 = i32(g.x) * ${RUN_LENGTH};
    for (var px = x0; px < min(x0 + ${RUN_LENGTH}, U.width); px++) {
      let o = (image * U.height + py) * U.width + px;
      let p = pixelTriangle(image, o);
      if (!p.ok) { continue; }
      if (p.t != key) {
        if (key >= 0) { flush(key, sum); }
        key = p.t;
        sum = array<f32, 12>();
      }
      let w = vec3f(p.uv, 1.0 - p.uv.x - p.uv.y);
      var db = vec4f(0.0);
      if (U.hasDb != 0) { db = rastDb[o]; }
      for (var i = 0; i < 4; i++) {
        let a = 4 * chunk + i;
        if (a >= A) { break; }
        var d = w * dy[o * A + a];
        for (var j = 0; j < select(0, U.numDiff, U.hasDb != 0); j++) {
          if (diff[j] != a) { continue; }
          let e = vec2f(dyDa[o * D + 2 * j], dyDa[o * D + 2 * j + 1]);
          let dU = dot(e, db.xy);
          let dV = dot(e, db.zw);
          d += vec3f(dU, dV, -dU - dV);
        }
        sum[i] += d.x;
        sum[4 + i] += d.y;
        sum[8 + i] += d.z;
      }
    }
  }
  mergeAndFlush(lid, key, sum);
}
`;

export interface InterpolateGpuArgs {
  attr: GPUBuffer | null;
  rast: GPUBuffer | null;
  tri: GPUBuffer | null;
  rastDb: GPUBuffer | null;
  diff: number[];
  numImages: number;
  height: number;
  width: number;
  numAttrs: number;
  numVertices: number;
  numTriangles: number;
  perImage: boolean;
}

function uniformValues(a: InterpolateGpuArgs, hasDb: boolean) {
  return {
    numAttrs: a.numAttrs,
    numVertices: a.numVertices,
    numTriangles: a.numTriangles,
    width: a.width,
    height: a.height,
    perImage: a.perImage ? 1 : 0,
    numDiff: a.diff.length,
    hasDb: hasDb ? 1 : 0,
    chunks: Math.ceil(a.numAttrs / 4),
  };
}

function diffBuffer(call: GpuCall, diff: number[]): GPUBuffer {
  return call.dataBuffer(Int32Array.from(diff.length ? diff : [0]), GPUBufferUsage.STORAGE);
}

const LIB = ID_WGSL + TRIANGLE_WGSL + PIXEL_WGSL;

export function recordInterpolate(
  call: GpuCall,
  a: InterpolateGpuArgs,
  out: GPUBuffer | null,
  outDa: GPUBuffer | null,
) {
  const pipeline = call.computePipeline('interpolate', forwardBindings, () => LIB + FORWARD_WGSL);
  call.dispatch(
    pipeline,
    [
      call.uniforms(uniforms, uniformValues(a, a.rastDb != null)),
      call.bind(a.attr),
      call.bind(a.rast),
      call.bind(a.tri),
      call.bind(a.rastDb),
      diffBuffer(call, a.diff),
      call.bindOutput(out),
      call.bindOutput(outDa),
    ],
    groups2d(a.width, a.height, a.numImages),
  );
}

export interface InterpolateGradGpuArgs extends InterpolateGpuArgs {
  dy: GPUBuffer | null;
  dyDa: GPUBuffer | null;
  dattr: GPUBuffer | null;
  drast: GPUBuffer | null;
  drastDb: GPUBuffer | null;
}

/** The uniforms the backward programs are specialised on (their loops' trip counts and branches). */
const SPECIALISED = ['numAttrs', 'chunks', 'hasDb', 'numDiff'] as const;

export function recordInterpolateGrad(call: GpuCall, a: InterpolateGradGpuArgs) {
  const hasDb = a.rastDb != null && a.dyDa != null;
  const values = uniformValues(a, hasDb);
  const u = () => call.uniforms(uniforms, values);
  const diff = diffBuffer(call, a.diff);
  // drast and drastDb, unless only dattr is asked for.
  if (a.drast) {
    const pixel = specialisedPipeline(
      call,
      'interpolate/grad-pixel',
      pixelGradBindings,
      SPECIALISED,
      values,
      LIB + PIXEL_GRAD_WGSL,
    );
    call.dispatch(
      pixel,
      [
        u(),
        call.bind(a.attr),
        call.bind(a.rast),
        call.bind(a.tri),
        call.bind(a.dy),
        call.bind(a.dyDa),
        diff,
        call.bindOutput(a.drast),
        call.bindOutput(a.drastDb),
      ],
      groups2d(a.width, a.height, a.numImages),
    );
    if (a.drastDb && !hasDb) call.encoder.clearBuffer(a.drastDb);
  }
  if (!a.dattr) return;
  const scatter = specialisedPipeline(
    call,
    'interpolate/grad-scatter',
    scatterBindings,
    SPECIALISED,
    values,
    LIB + atomicAddF32('addDattr', 'dattr') + workgroupMerge(12) + SCATTER_WGSL,
  );
  call.encoder.clearBuffer(a.dattr);
  call.dispatch(
    scatter,
    [u(), call.bind(a.rast), call.bind(a.tri), call.bind(a.rastDb), call.bind(a.dy), call.bind(a.dyDa), diff, a.dattr],
    [Math.ceil(a.width / RUN_LENGTH), Math.ceil(a.height / RUN_ROWS), a.numImages * Math.ceil(a.numAttrs / 4)],
  );
}
