/**
 * Interpolate on WebGPU (docs/interpolate.md): the forward pass and the backward passes: the attribute scatter,
 * pre-reduced per triangle like rasterize's, which also writes the gradients of rast and rastDb when the call asks
 * for both and the attributes fit one chunk; else those come from a per-pixel pass of their own.
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
  ['pixels', 'i32'],
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
  ['attr', 'array<f32>'],
  ['rast', 'array<vec4f>'],
  ['tri', 'array<i32>'],
  ['rastDb', 'array<vec4f>'],
  ['dy', 'array<f32>'],
  ['dyDa', 'array<f32>'],
  ['dattr', 'array<atomic<u32>>', 'read_write'],
  // With the rast gradients (FusedGrads): drast, then drastDb (U.pixels vec4s further) when there is one.
  ['grads', 'array<vec4f>', 'read_write'],
]);

/** What a scatter pipeline is compiled for: everything that shapes its loops and branches. */
interface ScatterSpec {
  numAttrs: number;
  /** The attributes 4·chunk … 4·chunk + 3 (those below numAttrs) are this pipeline's. */
  chunk: number;
  diff: number[];
  hasDb: boolean;
  /** Also writes drast (and drastDb with hasDb): one chunk holds every attribute. */
  fused: boolean;
}

const LANES = ['x', 'y', 'z', 'w'];

/**
 * dattr for one chunk of at most four attributes, its pixels' rast gradients with it when fused (drast and drastDb
 * need every attribute's corners, which a stretch of one triangle loads once). A thread walks its run in stretches
 * of one triangle's pixels as rasterize's backward does (see rasterize_grad_program.ts): empty pixels are skipped in a
 * loop of their own, a stretch's sums are flushed when the triangle changes, the last one merged across the
 * workgroup. Attribute indices, the listed attributes and their outDa slots are compiled in (unrolled), so a pixel
 * reads only what it uses.
 */
function scatterWgsl(s: ScatterSpec): string {
  const A = s.numAttrs,
    D = 2 * s.diff.length;
  const attrs = [0, 1, 2, 3].map(i => 4 * s.chunk + i).filter(a => a < A);
  const K = 3 * attrs.length;
  const sums = attrs.flatMap((_, i) => [`s0.${LANES[i]}`, `s1.${LANES[i]}`, `s2.${LANES[i]}`]);
  const pack = `array<f32, ${K}>(${sums.join(', ')})`;
  const flushes = attrs.flatMap((a, i) =>
    ['x', 'y', 'z'].map((corner, c) => `  addDattr(c.${corner} + ${a}, sum[${3 * i + c}]);`),
  );
  const dyOf = [0, 1, 2, 3].map(i => (i < attrs.length ? `dy[o * ${A} + ${attrs[i]}]` : '0.0'));
  const corner = (k: string) =>
    `vec4f(${[0, 1, 2, 3].map(i => (i < attrs.length ? `attr[c.${k} + ${attrs[i]}]` : '0.0')).join(', ')})`;
  const listed = s.hasDb ? attrs.flatMap((a, i) => s.diff.flatMap((d, j) => (d === a ? [{i, j}] : []))) : [];
  const dbTerms = listed.map(
    ({i, j}) => `
      {
        let e = vec2f(dyDa[o * ${D} + ${2 * j}], dyDa[o * ${D} + ${2 * j + 1}]);
        let dU = dot(e, db.xy);
        let dV = dot(e, db.zw);
        s0.${LANES[i]} += dU;
        s1.${LANES[i]} += dV;
        s2.${LANES[i]} -= dU + dV;${s.fused ? `\n        ddb += vec4f(e * d0.${LANES[i]}, e * d1.${LANES[i]});` : ''}
      }`,
  );
  const writesDb = s.fused && s.hasDb;
  return `
var<private> base: i32;
fn flush(key: i32, sum: array<f32, ${K}>) {
  let c = (base + triangleIndices(key, U.numVertices)) * ${A};
${flushes.join('\n')}
}
fn triangleOf(r: vec4f) -> i32 {
  let t = decodeId(r.w) - 1;
  return select(-1, t, t >= 0 && t < U.numTriangles);
}
fn empty(o: i32) {${s.fused ? '\n  grads[o] = vec4f(0.0);' : ''}${writesDb ? '\n  grads[U.pixels + o] = vec4f(0.0);' : ''}
}

@compute @workgroup_size(1, ${RUN_ROWS}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                 @builtin(local_invocation_index) lid: u32) {
  let n = i32(g.z);
  let py = i32(g.y);
  base = select(0, n * U.numVertices, U.perImage != 0);
  var key = -1;
  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var d0 = vec4f(0.0);
  var d1 = vec4f(0.0);
  if (py < U.height) {
    let row = (n * U.height + py) * U.width;
    let x1 = min(i32(g.x) * ${RUN_LENGTH} + ${RUN_LENGTH}, U.width);
    var px = i32(g.x) * ${RUN_LENGTH};
    var r = vec4f(0.0);
    loop {
      var t = -1;
      loop {
        if (px >= x1) { break; }
        r = rast[row + px];
        t = triangleOf(r);
        if (t >= 0) { break; }
        empty(row + px);
        px++;
      }
      if (px >= x1) { break; }
      let k = triangleIndices(t, U.numVertices);
      if (k.x < 0) {
        empty(row + px);
        px++;
        continue;
      }
      if (t != key) {
        if (key >= 0) { flush(key, ${pack}); }
        key = t;
        s0 = vec4f(0.0);
        s1 = vec4f(0.0);
        s2 = vec4f(0.0);${
          s.fused
            ? `
        let c = (base + k) * ${A};
        let a2 = ${corner('z')};
        d0 = ${corner('x')} - a2;
        d1 = ${corner('y')} - a2;`
            : ''
        }
      }
      loop {
        let o = row + px;
        let w = vec3f(r.xy, 1.0 - r.x - r.y);
        let gy = vec4f(${dyOf.join(', ')});
        s0 += w.x * gy;
        s1 += w.y * gy;
        s2 += w.z * gy;${listed.length ? `\n        let db = rastDb[o];${s.fused ? '\n        var ddb = vec4f(0.0);' : ''}` : writesDb ? '\n        let ddb = vec4f(0.0);' : ''}${dbTerms.join('')}${s.fused ? '\n        grads[o] = vec4f(dot(gy, d0), dot(gy, d1), 0.0, 0.0);' : ''}${writesDb ? '\n        grads[U.pixels + o] = ddb;' : ''}
        px++;
        if (px >= x1) { break; }
        r = rast[row + px];
        if (triangleOf(r) != key) { break; }
      }
    }
  }
  mergeAndFlush(lid, key, ${pack});
}
`;
}

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
    pixels: a.numImages * a.height * a.width,
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
  // One chunk holds every attribute: the attribute scatter writes the rast gradients too.
  const fused = a.dattr != null && a.drast != null && values.chunks === 1;
  if (a.drast && !fused) {
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
        diffBuffer(call, a.diff),
        call.bindOutput(a.drast),
        call.bindOutput(a.drastDb),
      ],
      groups2d(a.width, a.height, a.numImages),
    );
  }
  if (a.drastDb && !hasDb) call.encoder.clearBuffer(a.drastDb);
  if (!a.dattr) return;
  // drast and drastDb in one binding (a pass may bind 8 storage buffers), copied out after.
  const both = fused && hasDb;
  const bytes = 16 * values.pixels;
  const grads = !fused ? call.bindOutput(null) : both ? call.scratchBuffer(2 * bytes, 'the rast gradients') : a.drast!;
  call.encoder.clearBuffer(a.dattr);
  for (let chunk = 0; chunk < values.chunks; chunk++) {
    const spec: ScatterSpec = {numAttrs: a.numAttrs, chunk, diff: a.diff, hasDb, fused};
    const scatter = call.computePipeline(
      `interpolate/grad-scatter/${a.numAttrs},${chunk},${hasDb ? 1 : 0},${a.diff.join('.')},${fused ? 1 : 0}`,
      scatterBindings,
      () =>
        LIB +
        atomicAddF32('addDattr', 'dattr') +
        workgroupMerge(3 * Math.min(4, a.numAttrs - 4 * chunk)) +
        scatterWgsl(spec),
    );
    call.dispatch(
      scatter,
      [
        u(),
        call.bind(a.attr),
        call.bind(a.rast),
        call.bind(a.tri),
        call.bind(a.rastDb),
        call.bind(a.dy),
        call.bind(a.dyDa),
        a.dattr,
        grads,
      ],
      [Math.ceil(a.width / RUN_LENGTH), Math.ceil(a.height / RUN_ROWS), a.numImages],
    );
  }
  if (both) {
    call.encoder.copyBufferToBuffer(grads, 0, a.drast!, 0, bytes);
    if (a.drastDb) call.encoder.copyBufferToBuffer(grads, bytes, a.drastDb, 0, bytes);
  }
}
