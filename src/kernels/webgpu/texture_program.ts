/**
 * Texture on WebGPU (docs/texture.md): the lookup, and its backward in one pass that finds each pixel's
 * lookup and taps once — its gradients of uv, uvDa and mipLevelBias, and the texel scatter into tex and
 * the mip levels, where each thread sums its run's contributions per tap texel before any atomic (a
 * magnified texture sends many neighbouring pixels to the same texels).
 */
import {Bindings, GpuCall, groups1d, LINEAR_INDEX_WGSL, StorageSpec, Uniforms, WORKGROUP_1D} from './gpu_context';
import {atomicAddF32, ID_WGSL, RUN_LENGTH, RUN_ROWS, specialisedPipeline} from './wgsl_common';
import {BOUNDARY_CODES, channelGroup, FILTER_CODES, TEXTURE_LOOKUP_WGSL, tapValuesWgsl} from './wgsl_texture';
import {BoundaryMode, FilterMode} from '../names';

const uniforms = new Uniforms([
  ['channels', 'i32'],
  ['texBatch', 'i32'],
  ['pixels', 'i32'],
  ['cube', 'i32'],
  ['filterMode', 'i32'],
  ['boundaryMode', 'i32'],
  ['numLevels', 'i32'],
  ['hasDa', 'i32'],
  ['hasBias', 'i32'],
  ['count', 'i32'],
  ['chunks', 'i32'],
  ['width', 'i32'],
  ['height', 'i32'],
]);

/** Levels a lookup table holds (a uniform array has a fixed size; 2^31 texels a side would need 32). */
const MAX_LEVELS = 32;

const LOOKUP_INPUTS: StorageSpec[] = [
  ['levels', `array<vec4<i32>, ${MAX_LEVELS}>`, 'uniform'],
  ['uv', 'array<f32>'],
  ['uvDa', 'array<f32>'],
  ['bias', 'array<f32>'],
];

const forwardBindings = new Bindings(uniforms, [
  ...LOOKUP_INPUTS,
  ['texels', 'array<f32>'],
  ['out', 'array<f32>', 'read_write'],
]);

/** Pixel pix's lookup k and the taps of its level slots (t1 = t0 where one level is used), as both passes need. */
const PIXEL_TAPS = `let k = setupLookup(pix);
  var t0: Taps;
  var t1: Taps;
  if (k.valid) {
    t0 = lookupTaps(k, 0);
    t1 = t0;
    if (k.used == 2) { t1 = lookupTaps(k, 1); }
  }`;

/**
 * The lookup, a thread per pixel, straight-line: both level slots' taps are read once per group of four channels and
 * blended by select (where the GPU is emulated, every branch runs: a branch per level count read the first level's
 * texels twice and wrote every output three times).
 */
function forwardWgsl(channels: number): string {
  const groups = Array.from({length: Math.ceil(channels / 4)}, (_, g) => g);
  return `
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                  @builtin(num_workgroups) groups: vec3u) {
  let pix = linearIndex(g, groups);
  if (pix >= U.count) { return; }
  ${PIXEL_TAPS}${groups
    .map(
      g => `
  {
    let v0 = tapValues${g}(t0) * tapWeights(t0);
    let v1 = tapValues${g}(t1) * tapWeights(t1);
    let v = select(select((1.0 - k.f) * v0 + k.f * v1, v0, k.used == 1), vec4f(0.0), !k.valid);
    ${Array.from({length: Math.min(4, channels - 4 * g)}, (_, i) => `out[pix * ${channels} + ${4 * g + i}] = v[${i}];`).join('\n    ')}
  }`,
    )
    .join('')}
}
`;
}

const gradBindings = new Bindings(uniforms, [
  ...LOOKUP_INPUTS,
  ['texels', 'array<f32>'],
  ['dy', 'array<f32>'],
  ['grads', 'array<f32>', 'read_write'],
  ['dtex', 'array<atomic<u32>>', 'read_write'],
]);

/**
 * The backward pass's helpers: a lookup's tap values as registers (each texel read once), one pixel's duv, duvDa and
 * dbias, and a level's taps and weights in texel-parity slots for the scatter.
 */
function gradHelpersWgsl(channels: number): string {
  const chunks = Math.ceil(channels / 4);
  const groups = Array.from({length: chunks}, (_, g) => g);
  const pixelGroups = groups.map(
    g => `
  {
    let d = ${g === 0 ? 'dy0' : channelGroup('dy', 'pix * C', g, channels)};
    let m0 = tapValues${g}(t0);
    dst += levelUvGradient(t0, m0, levelWeight(k, 0) * d);
    if (k.used == 2) {
      let m1 = tapValues${g}(t1);
      dst += levelUvGradient(t1, m1, levelWeight(k, 1) * d);
      dLod += dot(d, m1 * tapWeights(t1) - m0 * tapWeights(t0));
    }
  }`,
  );
  return `
var<private> chunk: i32;
fn flushSlot(key: i32, g: ${sumType(channels)}) {
  if (key < 0) { return; }
  ${
    chunks === 1
      ? Array.from({length: channels}, (_, i) => `addDtex(key + ${i}, ${channels === 1 ? 'g' : `g[${i}]`});`).join(
          '\n  ',
        )
      : `for (var i = 0; i < 4; i++) {
    if (4 * chunk + i >= U.channels) { break; }
    addDtex(key + 4 * chunk + i, g[i]);
  }`
  }
}
${tapValuesWgsl(channels)}
// Σ over a group of channels of gc·d(bilerp)/d(s, t) at one level, gc the channels' dy times the level's weight.
fn levelUvGradient(t: Taps, m: mat4x4f, gc: vec4f) -> vec2f {
  let cross = m[3] + m[0] - m[1] - m[2];
  let live = gc != vec4f(0.0);  // a channel without gradient adds nothing (not 0·∞)
  let ds = select(vec4f(0.0), gc * ((m[1] - m[0]) + t.frac.y * cross), live);
  let dt = select(vec4f(0.0), gc * ((m[2] - m[0]) + t.frac.x * cross), live);
  return t.scale * vec2f(ds.x + ds.y + ds.z + ds.w, dt.x + dt.y + dt.z + dt.w);
}
fn hessianTerm(acc: ptr<function, vec3f>, axis: i32, major: i32, sgn: f32, d: vec3f, e: vec3f) {
  let M = d[major];
  let aM = abs(M);
  let mixed = -sign(M) / (2.0 * M * M);
  (*acc)[major] += sgn * mixed * e[axis] + sgn * d[axis] / (aM * aM * aM) * e[major];
  (*acc)[axis] += sgn * mixed * e[major];
}

// duv, duvDa and dbias of one pixel (dy0: its dy's first four channels), into three consecutive regions of \`grads\` laid out as those tensors. In
// 2-D the level does not feed back into uv, and each output is written once, whatever the branch (SwiftShader runs
// every branch, and a write costs as much as a texel read); for cube maps the level does feed back (through the
// projection's Hessian).
fn pixelGradients(pix: i32, k: Lookup, t0: Taps, t1: Taps, dy0: vec4f) {
  let C = U.channels;
  let uvDim = select(2, 3, U.cube != 0);
  let daDim = 2 * uvDim;
  let daAt = U.count * uvDim;
  let biasAt = daAt + select(0, U.count * daDim, U.hasDa != 0);
  let live = k.valid && U.filterMode != ${FILTER_CODES.nearest};
  var dst = vec2f(0.0);
  var dLod = 0.0;${pixelGroups.join('')}
  if (!(live && k.lodActive && k.used == 2)) { dLod = 0.0; }
  if (U.cube == 0) {
    grads[2 * pix] = select(0.0, dst.x, live);
    grads[2 * pix + 1] = select(0.0, dst.y, live);
    if (U.hasBias != 0) { grads[biasAt + pix] = dLod; }
    if (U.hasDa != 0) {
      let gl = select(vec4f(0.0), dLod * k.lodGrad, dLod != 0.0);  // d/d(ds/dX, ds/dY, dt/dX, dt/dY)
      ${[0, 1, 2, 3].map(i => `grads[daAt + 4 * pix + ${i}] = gl[${i}];`).join('\n      ')}
    }
    return;
  }
  for (var i = 0; i < uvDim; i++) { grads[pix * uvDim + i] = 0.0; }
  if (U.hasDa != 0) { for (var i = 0; i < daDim; i++) { grads[daAt + pix * daDim + i] = 0.0; } }
  if (U.hasBias != 0) { grads[biasAt + pix] = 0.0; }
  if (!live) { return; }
  if (k.stClamped.x) { dst.x = 0.0; }
  if (k.stClamped.y) { dst.y = 0.0; }
  for (var a = 0; a < 3; a++) { grads[3 * pix + a] = dst.x * k.js[a] + dst.y * k.jt[a]; }
  if (dLod == 0.0) { return; }
  if (U.hasBias != 0) { grads[biasAt + pix] = dLod; }
  if (U.hasDa == 0) { return; }
  let gl = dLod * k.lodGrad;  // d/d(ds/dX, ds/dY, dt/dX, dt/dY)
  var es = vec3f(0.0);  // per direction component m: Σ over X, Y of the s-row gradient · uvDa
  var et = vec3f(0.0);
  for (var a = 0; a < 3; a++) {
    let dXY = vec2f(uvDa[6 * pix + 2 * a], uvDa[6 * pix + 2 * a + 1]);
    grads[daAt + 6 * pix + 2 * a] = gl.x * k.js[a] + gl.z * k.jt[a];
    grads[daAt + 6 * pix + 2 * a + 1] = gl.y * k.js[a] + gl.w * k.jt[a];
    es[a] = dot(gl.xy, dXY);
    et[a] = dot(gl.zw, dXY);
  }
  // The level depends on the direction through the Jacobian: its second derivatives.
  let F = CUBE_FACES[k.face];
  var acc = vec3f(0.0);
  hessianTerm(&acc, F[1], F[0], f32(F[2]), k.dir, es);
  hessianTerm(&acc, F[3], F[0], f32(F[4]), k.dir, et);
  for (var a = 0; a < 3; a++) { grads[3 * pix + a] += acc[a]; }
}

// A level's tap addresses (-1: none) and weights (times the level's weight lw) in texel-parity slots: slot s holds the
// tap whose texel has (i & 1) + 2·(j & 1) = s, so that a texel keeps its slot while a run's footprint moves one texel
// on. The missing cube corner reads the mean of the other three taps: its weight goes to them, a third each.
struct Scatter { addr: vec4<i32>, w: vec4f };
fn scatterTaps(t: Taps, lw: f32) -> Scatter {
  var r = Scatter(t.addr, lw * tapWeights(t));
  if (U.cube != 0 && t.corner >= 0) {
    let corner = vec4<i32>(0, 1, 2, 3) == vec4<i32>(t.corner);
    let share = dot(r.w, select(vec4f(0.0), vec4f(1.0), corner)) / 3.0;
    r = Scatter(select(r.addr, vec4<i32>(-1), corner), select(r.w + share, vec4f(0.0), corner));
  }
  if ((t.parity & 1) != 0) { r = Scatter(r.addr.yxwz, r.w.yxwz); }
  if ((t.parity & 2) != 0) { r = Scatter(r.addr.zwxy, r.w.zwxy); }
  return r;
}
`;
}

/**
 * Both gradients in one pass (the lookup and taps, most of a pixel's cost, found once): a thread walks a run
 * of pixels of a row, four channels per thread (z = image · chunks + chunk). In chunk 0 it writes each pixel's
 * duv, duvDa and dbias. Every chunk adds its channels' texel gradients into one buffer laid out as \`texels\`
 * (\`dtex\`): per level, four texel-parity slots (scatterTaps) each sum while their texel stays the same along the
 * run, a slot's key being the texel's element address. Straight-line, each slot its own variables: where the GPU
 * is emulated, loop-indexed arrays are read and written lane by lane, and every branch of an \`if\` runs, so an
 * atomic add written once per slot costs every pixel as if it ran (8 of them were half the pass's time at 512²).
 * The slots whose texel changed hand their sums to one atomic add in a loop instead, which runs as many times as
 * the lanes together have sums to add.
 */
function gradMainWgsl(levels: number, channels: number): string {
  const chunks = Math.ceil(channels / 4);
  const S = sumType(channels);
  const lv = Array.from({length: levels}, (_, l) => l);
  const slots = lv.flatMap(l => [0, 1, 2, 3].map(q => ({l, q})));
  // A level's taps: which slots' texels change (fresh), the old texels' keys to flush (pend) while their sums wait.
  const taps = (l: number) => `
    let s${l} = scatterTaps(t${l}, levelWeight(k, ${l}));
    let a${l} = ${l === 0 ? 's0.addr' : 'select(vec4<i32>(-1), s1.addr, k.used == 2)'};
    let fresh${l} = (a${l} >= vec4<i32>(0)) & (a${l} != key${l});
    pend${l} = select(vec4<i32>(-1), key${l}, fresh${l} & (key${l} >= vec4<i32>(0)));`;
  // After the flush: each slot restarts its sum where its texel changed, else adds to it.
  const add = (l: number) => `${[0, 1, 2, 3]
    .map(
      q => `
    sum${l}_${q} = select(select(sum${l}_${q} + s${l}.w[${q}] * dyc, s${l}.w[${q}] * dyc, fresh${l}[${q}]), sum${l}_${q}, a${l}[${q}] < 0);`,
    )
    .join('')}
    key${l} = select(key${l}, a${l}, fresh${l});`;
  // The pending sums (pend: their keys, -1 none), one atomic add per turn of the loop.
  const flushPending = `
    while (${lv.map(l => `any(pend${l} >= vec4<i32>(0))`).join(' || ')}) {
      var key = -1;
      var sum = ${S}(0.0);${slots
        .map(
          ({l, q}) => `
      {
        let take = key < 0 && pend${l}[${q}] >= 0;
        key = select(key, pend${l}[${q}], take);
        sum = select(sum, sum${l}_${q}, take);
        pend${l}[${q}] = select(pend${l}[${q}], -1, take);
      }`,
        )
        .join('')}
      flushSlot(key, sum);
    }`;
  return `
@compute @workgroup_size(1, ${RUN_ROWS}) fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = i32(g.z) / ${chunks};
  chunk = i32(g.z) % ${chunks};
  let py = i32(g.y);
  if (py >= U.height) { return; }
  let C = U.channels;
  ${lv
    .map(
      l => `var key${l} = vec4<i32>(-1);
  var pend${l} = vec4<i32>(-1);
  ${[0, 1, 2, 3].map(q => `var sum${l}_${q} = ${S}(0.0);`).join('\n  ')}`,
    )
    .join('\n  ')}
  let x0 = i32(g.x) * ${RUN_LENGTH};
  for (var px = x0; px < min(x0 + ${RUN_LENGTH}, U.width); px++) {
    let pix = (n * U.height + py) * U.width + px;
    ${PIXEL_TAPS}
    ${
      chunks === 1
        ? `let dyc = ${S}(${Array.from({length: channels}, (_, i) => `dy[pix * C + ${i}]`).join(', ')});
    if (chunk == 0) { pixelGradients(pix, k, t0, t1, ${channels >= 4 ? 'dyc' : `vec4f(dyc${', 0.0'.repeat(4 - Math.max(channels, 1))})`}); }
    if (!k.valid) { continue; }`
        : `if (chunk == 0) { pixelGradients(pix, k, t0, t1, ${channelGroup('dy', 'pix * C', 0, channels)}); }
    if (!k.valid) { continue; }
    var dyc = vec4f(0.0);
    for (var i = 0; i < 4; i++) {
      if (4 * chunk + i < C) { dyc[i] = dy[pix * C + 4 * chunk + i]; }
    }`
    }
    if (all(dyc == ${S}(0.0))) { continue; }  // contributes nothing${lv.map(taps).join('')}${flushPending}${lv
      .map(add)
      .join('')}
  }
  ${lv.map(l => `pend${l} = key${l};`).join(' ')}${flushPending}
}
`;
}

/** The type of a slot's sum: the channels of a group (f32 for one channel, vec4f when there are several groups). */
function sumType(channels: number): string {
  return channels <= 1 ? 'f32' : `vec${Math.min(channels, 4)}f`;
}
const LIB = ID_WGSL + LINEAR_INDEX_WGSL + TEXTURE_LOOKUP_WGSL;

/** The uniforms a program is specialised on: constants in its code, so that the compiler drops the other modes' paths. */
const SPECIALISED = ['cube', 'filterMode', 'boundaryMode', 'hasDa', 'hasBias', 'channels'] as const;

export interface TextureGpuArgs {
  tex: GPUBuffer | null;
  /** tex's element count. */
  texSize: number;
  /** Levels 1..L, each with its element count. */
  mips: Array<{buffer: GPUBuffer | null; size: number}>;
  uv: GPUBuffer | null;
  uvDa: GPUBuffer | null;
  bias: GPUBuffer | null;
  /** Per level 0..L: height, width. */
  levelSizes: Array<[number, number]>;
  channels: number;
  texBatch: number;
  cube: boolean;
  numImages: number;
  height: number;
  width: number;
  filterMode: FilterMode;
  boundaryMode: BoundaryMode;
}

/**
 * The level table (element offset, height, width) of every level packed one after the other into one buffer,
 * tex first: its element count (\`size\`), and where each of levels 1..L starts (\`offsets\`).
 */
function levelTable(call: GpuCall, a: TextureGpuArgs): {table: GPUBuffer; size: number; offsets: number[]} {
  const table = new Int32Array(4 * MAX_LEVELS);
  const offsets: number[] = [];
  let offset = a.texSize;
  a.levelSizes.forEach(([h, w], l) => {
    const at = l === 0 ? 0 : offset;
    table.set([at, h, w, 0], 4 * l);
    if (l > 0) {
      offsets.push(at);
      offset += a.mips[l - 1].size;
    }
  });
  return {table: call.uniformData(table.buffer), size: offset, offsets};
}

function uniformValues(a: TextureGpuArgs) {
  const count = a.numImages * a.height * a.width;
  return {
    channels: a.channels,
    texBatch: a.texBatch,
    pixels: a.height * a.width,
    cube: a.cube ? 1 : 0,
    filterMode: FILTER_CODES[a.filterMode],
    boundaryMode: BOUNDARY_CODES[a.boundaryMode],
    numLevels: a.levelSizes.length,
    hasDa: a.uvDa ? 1 : 0,
    hasBias: a.bias ? 1 : 0,
    count,
    chunks: Math.ceil(a.channels / 4),
    width: a.width,
    height: a.height,
  };
}

/**
 * tex, or with mip levels every level copied into one scratch buffer as levelTable lays them out: a shader can bind
 * only so many buffers, and where the GPU is emulated a choice between two buffers per texel read costs both reads.
 */
function packLevels(call: GpuCall, a: TextureGpuArgs, size: number, offsets: number[]): GPUBuffer | null {
  if (a.mips.length === 0) return a.tex;
  const packed = call.scratchBuffer(4 * size, 'the packed texture levels');
  if (a.tex) call.encoder.copyBufferToBuffer(a.tex, 0, packed, 0, 4 * a.texSize);
  a.mips.forEach((m, i) => {
    if (m.buffer && m.size > 0) call.encoder.copyBufferToBuffer(m.buffer, 0, packed, 4 * offsets[i], 4 * m.size);
  });
  return packed;
}

export function recordTexture(call: GpuCall, a: TextureGpuArgs, out: GPUBuffer | null) {
  if (!out) return;
  const {table, size, offsets} = levelTable(call, a);
  const pipeline = specialisedPipeline(
    call,
    'texture',
    forwardBindings,
    SPECIALISED,
    uniformValues(a),
    LIB + tapValuesWgsl(a.channels) + forwardWgsl(a.channels),
  );
  const u = uniformValues(a);
  call.dispatch(
    pipeline,
    [
      call.uniforms(uniforms, u),
      table,
      call.bind(a.uv),
      call.bind(a.uvDa),
      call.bind(a.bias),
      call.bind(packLevels(call, a, size, offsets)),
      out,
    ],
    groups1d(u.count),
  );
}

export interface TextureGradOutputs {
  /** duv, duvDa, dbias as consecutive regions of one buffer. */
  pixelGrads: GPUBuffer;
  dtex: GPUBuffer | null;
  /** Gradients of levels 1..L. */
  dmips: Array<GPUBuffer | null>;
}

export function recordTextureGrad(call: GpuCall, a: TextureGpuArgs, dy: GPUBuffer | null, o: TextureGradOutputs) {
  const {table, size, offsets} = levelTable(call, a);
  const u = uniformValues(a);
  // Laid out as the packed levels (when there are levels: copied out into their tensors after).
  const grads = a.mips.length > 0 ? call.scratchBuffer(4 * size, 'the texel gradients') : o.dtex;
  if (grads) call.encoder.clearBuffer(grads);
  const levelSlots = a.filterMode === 'linear-mipmap-linear' ? 2 : 1;
  const pipeline = specialisedPipeline(
    call,
    'texture/grad',
    gradBindings,
    SPECIALISED,
    u,
    LIB + atomicAddF32('addDtex', 'dtex') + gradHelpersWgsl(a.channels) + gradMainWgsl(levelSlots, a.channels),
  );
  call.dispatch(
    pipeline,
    [
      call.uniforms(uniforms, u),
      table,
      call.bind(a.uv),
      call.bind(a.uvDa),
      call.bind(a.bias),
      call.bind(packLevels(call, a, size, offsets)),
      call.bind(dy),
      o.pixelGrads,
      call.bindOutput(grads),
    ],
    [Math.ceil(a.width / RUN_LENGTH), Math.ceil(a.height / RUN_ROWS), a.numImages * u.chunks],
  );
  if (!grads || grads === o.dtex) return;
  if (o.dtex) call.encoder.copyBufferToBuffer(grads, 0, o.dtex, 0, 4 * a.texSize);
  o.dmips.forEach((d, i) => {
    if (d) call.encoder.copyBufferToBuffer(grads, 4 * offsets[i], d, 0, 4 * a.mips[i].size);
  });
}
