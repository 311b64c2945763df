/**
 * Texture on WebGPU (docs/texture.md): the lookup (under a tape also each pixel's derivatives, for the backward),
 * and its backward in one pass per level slot — the first also makes the gradients of uv, uvDa and mipLevelBias —
 * with the texel scatter into tex and the mip levels, where each thread sums its run's contributions per tap texel
 * before any atomic (a magnified texture sends many neighbouring pixels to the same texels).
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
  ['spans', 'i32'],
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

/**
 * Pixel pix's lookup k and the taps of its level slots (t1 = t0 where one level is used), as the forward and the
 * backward's first pass need.
 */
const PIXEL_TAPS = `let k = setupLookup(pix);
  var t0: Taps;
  var t1: Taps;
  if (k.valid) {
    t0 = lookupTaps(k, 0);
    t1 = t0;
    if (k.used == 2) { t1 = lookupTaps(k, 1); }
  }`;

/** Pixel pix's lookup k and the taps of its level slot 1 (the backward's second pass: t1 unused where one level is). */
const PIXEL_TAPS_SLOT1 = `let k = setupLookup(pix);
  var t1: Taps;
  if (k.valid) { t1 = lookupTaps(k, 1); }`;

/** The forward with its hidden second output (ops/texture.ts saves it for the backward): each pixel's lookupDerivs. */
const forwardSavingBindings = new Bindings(uniforms, [
  ...LOOKUP_INPUTS,
  ['texels', 'array<f32>'],
  ['out', 'array<f32>', 'read_write'],
  ['saved', 'array<f32>', 'read_write'],
]);

/**
 * Floats per pixel and channel of the forward's hidden output for the backward (0: none): d(value)/ds and d/dt
 * (lookupDerivs), and value(l1) - value(l0) where the level is differentiable (linear-mipmap-linear). Laid out per
 * pixel as [ds of each channel, dt of each channel, dl of each channel].
 */
export function savedPerChannel(filterMode: FilterMode): number {
  if (filterMode === 'nearest') return 0;
  return filterMode === 'linear-mipmap-linear' ? 3 : 2;
}

/** Group g's reads (arr = 'saved') or writes of a pixel's lookupDerivs \`e\` in the hidden output's layout. */
function savedAt(channels: number, perChannel: number, part: number): string {
  return `pix * ${perChannel * channels} + ${part * channels}`;
}
function readSaved(g: number, channels: number, perChannel: number): string {
  const part = (p: number) =>
    p < perChannel ? channelGroup('saved', savedAt(channels, perChannel, p), g, channels) : 'vec4f(0.0)';
  return `Derivs(${part(0)}, ${part(1)}, ${part(2)})`;
}
function writeSaved(g: number, channels: number, perChannel: number): string {
  const fields = ['ds', 'dt', 'dl'].slice(0, perChannel);
  return fields
    .flatMap((f, p) =>
      Array.from(
        {length: Math.min(4, channels - 4 * g)},
        (_, i) => `saved[${savedAt(channels, perChannel, p)} + ${4 * g + i}] = e.${f}[${i}];`,
      ),
    )
    .join('\n    ');
}

/**
 * The lookup, a thread per pixel, straight-line: both level slots' taps are read once per group of four channels and
 * blended by select (where the GPU is emulated, every branch runs: a branch per level count read the first level's
 * texels twice and wrote every output three times). With \`save\` floats per channel (savedPerChannel), it also writes
 * each pixel's lookupDerivs from the same registers, so that the backward reads no texel for the pixel gradients.
 */
function forwardWgsl(channels: number, save: number): string {
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
    let m0 = tapValues${g}(t0);
    let m1 = tapValues${g}(t1);
    let v0 = m0 * tapWeights(t0);
    let v1 = m1 * tapWeights(t1);
    let v = select(select((1.0 - k.f) * v0 + k.f * v1, v0, k.used == 1), vec4f(0.0), !k.valid);
    ${Array.from({length: Math.min(4, channels - 4 * g)}, (_, i) => `out[pix * ${channels} + ${4 * g + i}] = v[${i}];`).join('\n    ')}${
      save > 0
        ? `
    let e = lookupDerivs(k, t0, t1, m0, m1);
    ${writeSaved(g, channels, save)}`
        : ''
    }
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
  ['gradsDa', 'array<f32>', 'read_write'],
  ['dtex', 'array<atomic<u32>>', 'read_write'],
]);
/** The backward on the forward's hidden output: it reads no texel. */
const gradSavedBindings = new Bindings(uniforms, [
  ...LOOKUP_INPUTS,
  ['saved', 'array<f32>'],
  ['dy', 'array<f32>'],
  ['grads', 'array<f32>', 'read_write'],
  ['gradsDa', 'array<f32>', 'read_write'],
  ['dtex', 'array<atomic<u32>>', 'read_write'],
]);

/**
 * The backward pass's helpers: one pixel's duv, duvDa and dbias from its lookupDerivs (the forward's hidden output
 * where \`saved\` floats per channel came, else from the lookup's tap values, each texel read once), and a level's taps
 * and weights in texel-parity slots for the scatter.
 */
function gradHelpersWgsl(channels: number, saved: number): string {
  const chunks = Math.ceil(channels / 4);
  const groups = Array.from({length: chunks}, (_, g) => g);
  const pixelGroups = groups.map(
    g => `
  {
    let d = ${g === 0 ? 'dy0' : channelGroup('dy', 'pix * C', g, channels)};
    let e = ${saved > 0 ? readSaved(g, channels, saved) : `lookupDerivs(k, t0, t1, tapValues${g}(t0), tapValues${g}(t1))`};
    let live = d != vec4f(0.0);  // a channel without gradient adds nothing (not 0·∞)
    let ds = select(vec4f(0.0), d * e.ds, live);
    let dt = select(vec4f(0.0), d * e.dt, live);
    dst += vec2f(ds.x + ds.y + ds.z + ds.w, dt.x + dt.y + dt.z + dt.w);
    dLod += dot(d, e.dl);
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
${saved > 0 ? '' : tapValuesWgsl(channels)}
fn hessianTerm(acc: ptr<function, vec3f>, axis: i32, major: i32, sgn: f32, d: vec3f, e: vec3f) {
  let M = d[major];
  let aM = abs(M);
  let mixed = -sign(M) / (2.0 * M * M);
  (*acc)[major] += sgn * mixed * e[axis] + sgn * d[axis] / (aM * aM * aM) * e[major];
  (*acc)[axis] += sgn * mixed * e[major];
}

// duv of one pixel (dy0: its dy's first four channels) into \`grads\`, and its duvDa and dbias into consecutive regions of
// \`gradsDa\` (each laid out as its tensor, so that a call with one of them writes its tensor's buffer). In
// 2-D the level does not feed back into uv, and each output is written once, whatever the branch (SwiftShader runs
// every branch, and a write costs as much as a texel read); for cube maps the level does feed back (through the
// projection's Hessian).
fn pixelGradients(pix: i32, k: Lookup, t0: Taps, t1: Taps, dy0: vec4f) {
  let C = U.channels;
  let uvDim = select(2, 3, U.cube != 0);
  let daDim = 2 * uvDim;
  let biasAt = select(0, U.count * daDim, U.hasDa != 0);
  let live = k.valid && U.filterMode != ${FILTER_CODES.nearest};
  var dst = vec2f(0.0);
  var dLod = 0.0;${pixelGroups.join('')}
  if (!(live && k.lodActive && k.used == 2)) { dLod = 0.0; }
  if (U.cube == 0) {
    grads[2 * pix] = select(0.0, dst.x, live);
    grads[2 * pix + 1] = select(0.0, dst.y, live);
    if (U.hasBias != 0) { gradsDa[biasAt + pix] = dLod; }
    if (U.hasDa != 0) {
      let gl = select(vec4f(0.0), dLod * k.lodGrad, dLod != 0.0);  // d/d(ds/dX, ds/dY, dt/dX, dt/dY)
      ${[0, 1, 2, 3].map(i => `gradsDa[4 * pix + ${i}] = gl[${i}];`).join('\n      ')}
    }
    return;
  }
  for (var i = 0; i < uvDim; i++) { grads[pix * uvDim + i] = 0.0; }
  if (U.hasDa != 0) { for (var i = 0; i < daDim; i++) { gradsDa[pix * daDim + i] = 0.0; } }
  if (U.hasBias != 0) { gradsDa[biasAt + pix] = 0.0; }
  if (!live) { return; }
  if (k.stClamped.x) { dst.x = 0.0; }
  if (k.stClamped.y) { dst.y = 0.0; }
  for (var a = 0; a < 3; a++) { grads[3 * pix + a] = dst.x * k.js[a] + dst.y * k.jt[a]; }
  if (dLod == 0.0) { return; }
  if (U.hasBias != 0) { gradsDa[biasAt + pix] = dLod; }
  if (U.hasDa == 0) { return; }
  let gl = dLod * k.lodGrad;  // d/d(ds/dX, ds/dY, dt/dX, dt/dY)
  var es = vec3f(0.0);  // per direction component m: Σ over X, Y of the s-row gradient · uvDa
  var et = vec3f(0.0);
  for (var a = 0; a < 3; a++) {
    let dXY = vec2f(uvDa[6 * pix + 2 * a], uvDa[6 * pix + 2 * a + 1]);
    gradsDa[6 * pix + 2 * a] = gl.x * k.js[a] + gl.z * k.jt[a];
    gradsDa[6 * pix + 2 * a + 1] = gl.y * k.js[a] + gl.w * k.jt[a];
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
 * The backward's scatter of level slot \`slot\` (trilinear: one pass per slot) and, with \`pixels\`, the pixel gradients:
 * a thread walks a run of pixels of a row, four channels per thread (z = image · chunks + chunk). In chunk 0 it writes
 * each pixel's duv, duvDa and dbias. Every chunk adds its channels' texel gradients into one buffer laid out as
 * \`texels\` (\`dtex\`): four texel-parity slots (scatterTaps) each sum while their texel stays the same along the run,
 * a slot's key being the texel's element address. Straight-line, each slot its own variables: where the GPU is
 * emulated, loop-indexed arrays are read and written lane by lane, and every branch of an \`if\` runs, so an atomic
 * add written once per slot costs every pixel as if it ran (8 of them were half the pass's time at 512²). The slots
 * whose texel changed hand their sums to one atomic add in a loop instead, which runs as many times as the lanes
 * together have sums to add. Both levels' slots in one pass cost more than a pass per level, each pixel's lookup
 * found twice: where the GPU is emulated, the pass's time grows faster than its live state. With \`spans\` (trilinear, at
 * most four channels), the first pass also stores, per run, the span of pixels whose lookup uses two levels (and whose
 * dy is not 0), after the packed levels in \`dtex\` (a pass binds 8 storage buffers at most), and the second walks
 * only that span: the pixels outside it add nothing there, and a loop skips nothing where the GPU is emulated unless
 * its bounds do (the background, a single level, is half the image at 512² in the bench's scenes).
 */
function gradMainWgsl(slot: number, pixels: boolean, channels: number, spans: boolean): string {
  const chunks = Math.ceil(channels / 4);
  const S = sumType(channels);
  const Q = [0, 1, 2, 3];
  // The pending sums (pend: their keys, -1 none), one atomic add per turn of the loop.
  const flushPending = `
    while (any(pend >= vec4<i32>(0))) {
      var flushKey = -1;
      var flushSum = ${S}(0.0);${Q.map(
        q => `
      {
        let take = flushKey < 0 && pend[${q}] >= 0;
        flushKey = select(flushKey, pend[${q}], take);
        flushSum = select(flushSum, sum${q}, take);
        pend[${q}] = select(pend[${q}], -1, take);
      }`,
      ).join('')}
      flushSlot(flushKey, flushSum);
    }`;
  const pixelGradientsCall = (dy0: string) =>
    pixels ? `if (chunk == 0) { pixelGradients(pix, k, t0, t1, ${dy0}); }` : '';
  return `
@compute @workgroup_size(1, ${RUN_ROWS}) fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = i32(g.z) / ${chunks};
  chunk = i32(g.z) % ${chunks};
  let py = i32(g.y);
  if (py >= U.height) { return; }
  let C = U.channels;
  var key = vec4<i32>(-1);
  var pend = vec4<i32>(-1);
  ${Q.map(q => `var sum${q} = ${S}(0.0);`).join('\n  ')}
  let x0 = i32(g.x) * ${RUN_LENGTH};
  let x1 = min(x0 + ${RUN_LENGTH}, U.width);${
    spans
      ? `
  let span = U.spans + 2 * ((n * U.height + py) * ((U.width + ${RUN_LENGTH - 1}) / ${RUN_LENGTH}) + i32(g.x));`
      : ''
  }${
    spans && slot === 0
      ? `
  var spanLo = x1;
  var spanHi = x0;`
      : ''
  }
  for (var px = ${spans && slot === 1 ? 'i32(atomicLoad(&dtex[span]))' : 'x0'}; px < ${spans && slot === 1 ? 'i32(atomicLoad(&dtex[span + 1]))' : 'x1'}; px++) {
    let pix = (n * U.height + py) * U.width + px;
    ${slot === 0 ? PIXEL_TAPS : PIXEL_TAPS_SLOT1}
    ${
      chunks === 1
        ? `let dyc = ${S}(${Array.from({length: channels}, (_, i) => `dy[pix * C + ${i}]`).join(', ')});
    ${pixelGradientsCall(channels >= 4 ? 'dyc' : `vec4f(dyc${', 0.0'.repeat(4 - Math.max(channels, 1))})`)}
    if (!k.valid) { continue; }`
        : `${pixelGradientsCall(channelGroup('dy', 'pix * C', 0, channels))}
    if (!k.valid) { continue; }
    var dyc = vec4f(0.0);
    for (var i = 0; i < 4; i++) {
      if (4 * chunk + i < C) { dyc[i] = dy[pix * C + 4 * chunk + i]; }
    }`
    }
    if (all(dyc == ${S}(0.0))) { continue; }  // contributes nothing${
      spans && slot === 0
        ? `
    spanLo = select(spanLo, min(spanLo, px), k.used == 2);
    spanHi = select(spanHi, px + 1, k.used == 2);`
        : ''
    }
    // The slots whose texels change (fresh), and the old texels' keys to flush (pend) while their sums wait.
    let s = scatterTaps(t${slot}, levelWeight(k, ${slot}));
    let a = ${slot === 0 ? 's.addr' : 'select(vec4<i32>(-1), s.addr, k.used == 2)'};
    let fresh = (a >= vec4<i32>(0)) & (a != key);
    pend = select(vec4<i32>(-1), key, fresh & (key >= vec4<i32>(0)));${flushPending}
    // Each slot restarts its sum where its texel changed, else adds to it.${Q.map(
      q => `
    sum${q} = select(select(sum${q} + s.w[${q}] * dyc, s.w[${q}] * dyc, fresh[${q}]), sum${q}, a[${q}] < 0);`,
    ).join('')}
    key = select(key, a, fresh);
  }
  pend = key;${flushPending}${
    spans && slot === 0
      ? `
  atomicStore(&dtex[span], u32(spanLo));
  atomicStore(&dtex[span + 1], u32(spanHi));`
      : ''
  }
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
    spans: 0,
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

/** The lookup into \`out\`, and with \`saved\` (savedPerChannel floats per pixel and channel) each pixel's lookupDerivs. */
export function recordTexture(call: GpuCall, a: TextureGpuArgs, out: GPUBuffer | null, saved: GPUBuffer | null = null) {
  if (!out) return;
  const {table, size, offsets} = levelTable(call, a);
  const save = saved ? savedPerChannel(a.filterMode) : 0;
  const u = uniformValues(a);
  const pipeline = specialisedPipeline(
    call,
    save ? 'texture/saving' : 'texture',
    save ? forwardSavingBindings : forwardBindings,
    SPECIALISED,
    u,
    LIB + tapValuesWgsl(a.channels) + forwardWgsl(a.channels, save),
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
      out,
      ...(saved ? [saved] : []),
    ],
    groups1d(u.count),
  );
}

export interface TextureGradOutputs {
  /** duv. */
  pixelGrads: GPUBuffer;
  /** duvDa and dbias as consecutive regions of one buffer (null when neither exists). */
  pixelGradsDa: GPUBuffer | null;
  dtex: GPUBuffer | null;
  /** Gradients of levels 1..L. */
  dmips: Array<GPUBuffer | null>;
}

/** The backward pass; \`saved\`: the forward's hidden output (recordTexture's), or null to read the texels instead. */
export function recordTextureGrad(
  call: GpuCall,
  a: TextureGpuArgs,
  dy: GPUBuffer | null,
  o: TextureGradOutputs,
  saved: GPUBuffer | null = null,
) {
  const {table, size, offsets} = levelTable(call, a);
  const save = saved ? savedPerChannel(a.filterMode) : 0;
  // Trilinear: a pass per level slot (gradMainWgsl), the second only for the texel gradients.
  const wantsTexels = o.dtex != null || o.dmips.some(d => d != null);
  const levelSlots = a.filterMode === 'linear-mipmap-linear' && wantsTexels ? 2 : 1;
  // The second pass walks only the span of each run that the first found using two levels: after the packed levels.
  const spans = levelSlots === 2 && a.mips.length > 0 && a.channels <= 4;
  const runs = a.numImages * a.height * Math.ceil(a.width / RUN_LENGTH);
  const u = {...uniformValues(a), spans: size};
  // Laid out as the packed levels (when there are levels: copied out into their tensors after).
  const grads =
    a.mips.length > 0 ? call.scratchBuffer(4 * (size + (spans ? 2 * runs : 0)), 'the texel gradients') : o.dtex;
  if (grads) call.encoder.clearBuffer(grads);
  const texels = save ? call.bind(saved) : call.bind(packLevels(call, a, size, offsets));
  for (let slot = 0; slot < levelSlots; slot++) {
    const pipeline = specialisedPipeline(
      call,
      `texture/grad${save ? '-saved' : ''}/slot${slot}${spans ? '/spans' : ''}`,
      save ? gradSavedBindings : gradBindings,
      SPECIALISED,
      u,
      LIB +
        atomicAddF32('addDtex', 'dtex') +
        gradHelpersWgsl(a.channels, save) +
        gradMainWgsl(slot, slot === 0, a.channels, spans),
    );
    call.dispatch(
      pipeline,
      [
        call.uniforms(uniforms, u),
        table,
        call.bind(a.uv),
        call.bind(a.uvDa),
        call.bind(a.bias),
        texels,
        call.bind(dy),
        o.pixelGrads,
        call.bindOutput(o.pixelGradsDa),
        call.bindOutput(grads),
      ],
      [Math.ceil(a.width / RUN_LENGTH), Math.ceil(a.height / RUN_ROWS), a.numImages * u.chunks],
    );
  }
  if (!grads || grads === o.dtex) return;
  if (o.dtex) call.encoder.copyBufferToBuffer(grads, 0, o.dtex, 0, 4 * a.texSize);
  o.dmips.forEach((d, i) => {
    if (d) call.encoder.copyBufferToBuffer(grads, 4 * offsets[i], d, 0, 4 * a.mips[i].size);
  });
}
