/**
 * Texture lookups (docs/texture.md#lookup) in WGSL: cube projection and seams, bilinear taps with boundary
 * modes, level of detail and its derivatives. Shared by the forward pass and both backward
 * passes, so they cannot disagree about which texels a pixel reads.
 *
 * Needs: uniforms U (channels, texBatch, pixels, cube, filterMode, boundaryMode, numLevels, hasDa,
 * hasBias), \`levels\` (per level: element offset, height, width), \`uv\`, \`uvDa\`, \`bias\`.
 * Levels 0..L live one after the other in \`texels\`.
 */
import {CUBE_EDGES, CUBE_FACES} from '../shared/cube';
import {BoundaryMode, FilterMode} from '../names';
import {shaderFloat} from '../shared/raster';
import {LN2, LOD_LIMIT} from '../shared/texture';

export const FILTER_CODES: {[mode in FilterMode]: number} = {
  nearest: 0,
  linear: 1,
  'linear-mipmap-nearest': 2,
  'linear-mipmap-linear': 3,
};
export const BOUNDARY_CODES: {[mode in BoundaryMode]: number} = {wrap: 0, clamp: 1, zero: 2, cube: 3};

/** Cube geometry tables, generated from the shared definitions (kernels/shared/cube.ts). */
const CUBE_WGSL = `
// major, sAxis, sSign, tAxis, tSign per face
const CUBE_FACES = array<array<i32, 5>, 6>(${CUBE_FACES.map(
  f => `array<i32, 5>(${f.major}, ${f.sAxis}, ${f.sSign}, ${f.tAxis}, ${f.tSign})`,
).join(', ')});
// the texel past edge (i = -1, i = S, j = -1, j = S) of face f: neighbour face, how its i and j
// follow the edge index k (0, S - 1, k, S - 1 - k)
const CUBE_EDGES = array<vec3<i32>, 24>(${CUBE_EDGES.flat()
  .map(e => `vec3<i32>(${e.face}, ${e.i}, ${e.j})`)
  .join(', ')});

fn cubeFaceOf(d: vec3f) -> i32 {
  let a = abs(d);
  if (a.z > max(a.x, a.y)) { return 4 + select(0, 1, d.z < 0.0); }
  if (a.y > a.x) { return 2 + select(0, 1, d.y < 0.0); }
  return select(0, 1, d.x < 0.0);
}
fn edgeIndexValue(kind: i32, k: i32, size: i32) -> i32 {
  if (kind == 0) { return 0; }
  if (kind == 1) { return size - 1; }
  return select(size - 1 - k, k, kind == 2);
}
// (face, i, j) of a tap with exactly one of i, j off face f.
fn cubeNeighbourTexel(f: i32, i: i32, j: i32, size: i32) -> vec3<i32> {
  var edge = 3;
  if (i < 0) { edge = 0; } else if (i >= size) { edge = 1; } else if (j < 0) { edge = 2; }
  let k = select(i, j, edge <= 1);
  let n = CUBE_EDGES[4 * f + edge];
  return vec3<i32>(n.x, edgeIndexValue(n.y, k, size), edgeIndexValue(n.z, k, size));
}
`;

const LOOKUP_WGSL = `
const LN2 = ${shaderFloat(LN2)};
const LOD_LIMIT = ${shaderFloat(LOD_LIMIT)};

fn wrapIndex(i: i32, size: i32) -> i32 {
  let r = i % size;
  return select(r, r + size, r < 0);
}

// The four taps of a lookup in level \`level\`: element addresses (channel 0) in \`texels\`, -1 reading
// zero; \`corner\` is the cube-corner tap that reads the mean of the other three, or -1.
struct Taps {
  addr: vec4<i32>,
  corner: i32,
  level: i32,
  frac: vec2f,
  // (i0 & 1) + 2·(j0 & 1) of tap 0's texel (i0, j0) before wrapping, 0 for nearest: which tap lands on a texel of
  // which parity (the backward's slots)
  parity: i32,
  // d(texel x)/ds and d(texel y)/dt: the level size, 0 where the coordinate was clamped
  scale: vec2f,
};
fn tapWeights(t: Taps) -> vec4f {
  return vec4f((1.0 - t.frac.x) * (1.0 - t.frac.y), t.frac.x * (1.0 - t.frac.y), (1.0 - t.frac.x) * t.frac.y, t.frac.x * t.frac.y);
}
fn levelSize(l: i32) -> vec2<i32> { return levels[l].yz; }  // (height, width)
fn texelAddr(l: i32, nt: i32, face: i32, i: i32, j: i32) -> i32 {
  let hw = levelSize(l);
  let slice = select(nt, nt * 6 + face, U.cube != 0);
  return levels[l].x + ((slice * hw.x + j) * hw.y + i) * U.channels;
}

// Nearest texel of level 0 (docs/texture.md#lookup), as tap 0 of a lookup with weights (1, 0, 0, 0).
fn nearestTaps(nt: i32, face: i32, st: vec2f) -> Taps {
  var t: Taps;
  t.addr = vec4<i32>(-1);
  t.corner = -1;
  t.level = 0;
  t.parity = 0;
  var s = st;
  if (U.boundaryMode == ${BOUNDARY_CODES.wrap}) { s -= floor(s); }
  let hw = levelSize(0);
  var i = i32(floor(s.x * f32(hw.y)));
  var j = i32(floor(s.y * f32(hw.x)));
  if (U.boundaryMode == ${BOUNDARY_CODES.zero} && (i < 0 || i >= hw.y || j < 0 || j >= hw.x)) { return t; }
  if (U.boundaryMode == ${BOUNDARY_CODES.wrap}) {
    i = wrapIndex(i, hw.y);
    j = wrapIndex(j, hw.x);
  }
  t.addr.x = texelAddr(0, nt, face, clamp(i, 0, hw.y - 1), clamp(j, 0, hw.x - 1));
  return t;
}

// The bilinear taps of level l at (s, t), with boundary handling.
fn bilinearTaps(l: i32, nt: i32, face: i32, st: vec2f) -> Taps {
  var t: Taps;
  t.corner = -1;
  t.level = l;
  let hw = levelSize(l);
  let size = vec2f(f32(hw.y), f32(hw.x));
  var s = st;
  if (U.boundaryMode == ${BOUNDARY_CODES.wrap}) { s -= floor(s); }
  var x = s * size - 0.5;
  t.scale = size;
  if (U.boundaryMode == ${BOUNDARY_CODES.clamp}) {
    // A clamped coordinate reads the border texel whatever s is: its derivative is 0.
    if (!(x.x > 0.0 && x.x < size.x - 1.0)) { t.scale.x = 0.0; }
    if (!(x.y > 0.0 && x.y < size.y - 1.0)) { t.scale.y = 0.0; }
    x = clamp(x, vec2f(0.0), size - 1.0);
  }
  let i0 = vec2<i32>(floor(x));
  t.frac = x - floor(x);
  t.parity = (i0.x & 1) | ((i0.y & 1) << 1u);
  // Wrapped once per axis (i0 and i0 + 1): the second is the first's successor, 0 past the last texel.
  var w0 = vec2<i32>(0);
  var w1 = vec2<i32>(0);
  if (U.boundaryMode == ${BOUNDARY_CODES.wrap}) {
    w0 = vec2<i32>(wrapIndex(i0.x, hw.y), wrapIndex(i0.y, hw.x));
    w1 = select(w0 + 1, vec2<i32>(0), w0 + 1 >= vec2<i32>(hw.y, hw.x));
  }
  for (var q = 0; q < 4; q++) {
    var i = i0.x + (q & 1);
    var j = i0.y + (q >> 1u);
    let insideI = i >= 0 && i < hw.y;
    let insideJ = j >= 0 && j < hw.x;
    if (U.cube != 0) {
      if (insideI && insideJ) {
        t.addr[q] = texelAddr(l, nt, face, i, j);
      } else if (insideI || insideJ) {
        let n = cubeNeighbourTexel(face, i, j, hw.y);
        t.addr[q] = texelAddr(l, nt, n.x, n.y, n.z);
      } else {
        t.corner = q;
      }
      continue;
    }
    if (U.boundaryMode == ${BOUNDARY_CODES.zero} && !(insideI && insideJ)) {
      t.addr[q] = -1;
      continue;
    }
    if (U.boundaryMode == ${BOUNDARY_CODES.wrap}) {
      i = select(w0.x, w1.x, (q & 1) != 0);
      j = select(w0.y, w1.y, (q >> 1u) != 0);
    }
    t.addr[q] = texelAddr(l, nt, face, clamp(i, 0, hw.y - 1), clamp(j, 0, hw.x - 1));
  }
  return t;
}

// Everything a pixel's lookup needs before reading texels.
struct Lookup {
  valid: bool,        // false: output 0, no gradient (a cube direction without a face)
  nt: i32,
  face: i32,
  dir: vec3f,
  st: vec2f,
  stClamped: vec2<bool>,
  js: vec3f,          // Jacobian rows of (s, t) w.r.t. the cube direction
  jt: vec3f,
  l0: i32,
  l1: i32,
  f: f32,             // weight of level l1
  used: i32,          // 1 or 2 levels
  lodActive: bool,    // the level is differentiable here
  lodGrad: vec4f,     // dlod / d(ds/dX, ds/dY, dt/dX, dt/dY)
};

fn cubeJacobian(k: ptr<function, Lookup>) {
  let d = (*k).dir;
  let F = CUBE_FACES[(*k).face];
  let M = d[F[0]];
  let aM = abs(M);
  (*k).js = vec3f(0.0);
  (*k).jt = vec3f(0.0);
  (*k).js[F[1]] = f32(F[2]) / (2.0 * aM);
  (*k).js[F[0]] = -f32(F[2]) * d[F[1]] * sign(M) / (2.0 * M * M);
  (*k).jt[F[3]] = f32(F[4]) / (2.0 * aM);
  (*k).jt[F[0]] = -f32(F[4]) * d[F[3]] * sign(M) / (2.0 * M * M);
}

// (ds/dX, ds/dY, dt/dX, dt/dY): uvDa in 2-D; for cube maps uvDa pushed through the projection.
fn texcoordDerivatives(pix: i32, k: Lookup) -> vec4f {
  if (U.cube == 0) { return vec4f(uvDa[4 * pix], uvDa[4 * pix + 1], uvDa[4 * pix + 2], uvDa[4 * pix + 3]); }
  var r = vec4f(0.0);
  for (var a = 0; a < 3; a++) {
    let dXY = vec2f(uvDa[6 * pix + 2 * a], uvDa[6 * pix + 2 * a + 1]);
    r += vec4f(k.js[a] * dXY, k.jt[a] * dXY);
  }
  return r;
}

// lod = ½·log2 λ, λ the larger eigenvalue of the texel-space footprint's Gram matrix, from the footprint
// d = (ds/dX, ds/dY, dt/dX, dt/dY) on a level 0 of size (w, h); *grad = dlod/dd.
fn lodFromDerivatives(d: vec4f, size: vec2f, grad: ptr<function, vec4f>) -> f32 {
  let W = size.x;
  let H = size.y;
  let sx = d.x * W;
  let sy = d.y * W;
  let tx = d.z * H;
  let ty = d.w * H;
  let A = sx * sx + tx * tx;
  let B = sy * sy + ty * ty;
  let C = sx * sy + tx * ty;
  let half = (A - B) / 2.0;
  let r = sqrt(half * half + C * C);
  let lambda = (A + B) / 2.0 + r;
  let kk = 1.0 / (2.0 * LN2 * lambda);
  let ir = select(0.0, 1.0 / r, r > 0.0);  // at r = 0 the r-terms' numerators vanish too
  var g = vec4f(W * (sx + (half * sx + C * sy) * ir), W * (sy + (-half * sy + C * sx) * ir),
                H * (tx + (half * tx + C * ty) * ir), H * (ty + (-half * ty + C * tx) * ir)) * kk;
  for (var i = 0; i < 4; i++) { if (!isFiniteF(g[i])) { g[i] = 0.0; } }
  *grad = g;
  if (!isFiniteF(lambda)) { return select(-LOD_LIMIT, LOD_LIMIT, lambda > 0.0); }
  if (!(lambda > 0.0)) { return -LOD_LIMIT; }
  return 0.5 * log2(lambda);
}

// The levels a lookup reads: l0, l1 (equal when one), the weight f of l1, and whether lod gets a gradient
// (strictly between 0 and the last level, linear-mipmap-linear only).
struct Levels { l0: i32, l1: i32, f: f32, lodActive: bool };
fn chooseLevels(lodIn: f32, filterMode: i32, maxLevel: i32) -> Levels {
  var c: Levels;
  let L = f32(maxLevel);
  c.lodActive = filterMode == ${FILTER_CODES['linear-mipmap-linear']} && lodIn > 0.0 && lodIn < L;
  let lod = select(0.0, min(lodIn, L), lodIn > 0.0);  // also maps NaN to 0
  c.l0 = 0;
  c.l1 = 0;
  c.f = 0.0;
  if (filterMode == ${FILTER_CODES['linear-mipmap-nearest']}) {
    c.l0 = i32(floor(lod));
    c.l1 = c.l0;
  } else if (filterMode == ${FILTER_CODES['linear-mipmap-linear']} && lod > 0.0) {
    c.l0 = i32(floor(lod));
    c.l1 = min(c.l0 + 1, maxLevel);
    c.f = lod - f32(c.l0);
  }
  return c;
}

fn setupLookup(pix: i32) -> Lookup {
  var k: Lookup;
  k.valid = false;
  let n = pix / U.pixels;
  k.nt = select(0, n, U.texBatch > 1);
  k.face = 0;
  if (U.cube != 0) {
    k.dir = vec3f(uv[3 * pix], uv[3 * pix + 1], uv[3 * pix + 2]);
    k.face = cubeFaceOf(k.dir);
    let F = CUBE_FACES[k.face];
    if (!isFiniteF(k.dir.x) || !isFiniteF(k.dir.y) || !isFiniteF(k.dir.z) || k.dir[F[0]] == 0.0) { return k; }
    let m = 1.0 / (2.0 * abs(k.dir[F[0]]));
    let st = vec2f(0.5 + f32(F[2]) * k.dir[F[1]] * m, 0.5 + f32(F[4]) * k.dir[F[3]] * m);
    k.stClamped = vec2<bool>(!(st.x > 0.0 && st.x < 1.0), !(st.y > 0.0 && st.y < 1.0));
    k.st = clamp(st, vec2f(0.0), vec2f(1.0));
    cubeJacobian(&k);
  } else {
    k.st = vec2f(uv[2 * pix], uv[2 * pix + 1]);
  }
  k.valid = true;
  k.l0 = 0;
  k.l1 = 0;
  k.f = 0.0;
  k.used = 1;
  k.lodActive = false;
  if (U.filterMode < ${FILTER_CODES['linear-mipmap-nearest']}) { return k; }
  var lod = 0.0;
  if (U.hasDa != 0) {
    let hw = levelSize(0);
    lod = lodFromDerivatives(texcoordDerivatives(pix, k), vec2f(f32(hw.y), f32(hw.x)), &k.lodGrad);
  }
  if (U.hasBias != 0) { lod += bias[pix]; }
  let levels = chooseLevels(lod, U.filterMode, U.numLevels - 1);
  k.l0 = levels.l0;
  k.l1 = levels.l1;
  k.f = levels.f;
  k.lodActive = levels.lodActive;
  k.used = select(1, 2, k.l1 != k.l0);
  return k;
}

// The taps of level slot 0 (level l0) or 1 (level l1) of a lookup.
fn lookupTaps(k: Lookup, slot: i32) -> Taps {
  if (U.filterMode == ${FILTER_CODES.nearest}) {
    var t = nearestTaps(k.nt, k.face, k.st);
    t.frac = vec2f(0.0);
    return t;
  }
  return bilinearTaps(select(k.l0, k.l1, slot == 1), k.nt, k.face, k.st);
}
// The weight of level slot 0 or 1 of a lookup.
fn levelWeight(k: Lookup, slot: i32) -> f32 {
  if (k.used == 1) { return 1.0; }
  return select(1.0 - k.f, k.f, slot == 1);
}

// A lookup's derivatives for a group of four channels (m0, m1: the tap values of its level slots, tapValues<g>):
// per channel d(value)/ds and d(value)/dt (each level's bilinear derivative times its size and its weight, summed over
// the levels used), and value(l1) - value(l0), d(value)/d(lod) where the level is differentiable. The backward's
// pixel gradients are these contracted with dy; the forward saves them for it where a gradient may follow.
struct Derivs { ds: vec4f, dt: vec4f, dl: vec4f };
fn levelStDerivs(t: Taps, m: mat4x4f, lw: f32) -> Derivs {
  let cross = m[3] + m[0] - m[1] - m[2];
  let w = t.scale * lw;
  return Derivs(w.x * ((m[1] - m[0]) + t.frac.y * cross), w.y * ((m[2] - m[0]) + t.frac.x * cross), vec4f(0.0));
}
fn lookupDerivs(k: Lookup, t0: Taps, t1: Taps, m0: mat4x4f, m1: mat4x4f) -> Derivs {
  let e0 = levelStDerivs(t0, m0, levelWeight(k, 0));
  let e1 = levelStDerivs(t1, m1, levelWeight(k, 1));
  let two = k.used == 2;
  return Derivs(e0.ds + select(vec4f(0.0), e1.ds, two), e0.dt + select(vec4f(0.0), e1.dt, two),
                m1 * tapWeights(t1) - m0 * tapWeights(t0));
}
`;

/**
 * A vec4f of channels 4g..4g+3 (0 past the last) of the element at address \`at\` of \`arr\`: straight-line reads of the
 * channels that exist (the channel count is known when a program is generated).
 */
export function channelGroup(arr: string, at: string, g: number, channels: number): string {
  const read = (i: number) => (4 * g + i < channels ? `${arr}[${at} + ${4 * g + i}]` : '0.0');
  return `vec4f(${[0, 1, 2, 3].map(read).join(', ')})`;
}

/**
 * Reading tap values (needs \`texels\`): per group g of four channels \`fn tapValues<g>(t: Taps) -> mat4x4f\`, the
 * group's channels of the four taps of t, one column per tap, each texel read once into registers (a tap off the
 * texture reads 0; the missing cube corner the mean of the other three). \`m * tapWeights(t)\` is the bilinear value.
 * The test on U.cube, a constant where a program is specialised on it, drops the cube corner from the programs
 * that cannot need it (SwiftShader runs both sides of a branch).
 */
export function tapValuesWgsl(channels: number): string {
  return Array.from(
    {length: Math.ceil(channels / 4)},
    (_, g) => `
fn tapValues${g}(t: Taps) -> mat4x4f {
  var m = mat4x4f(${[0, 1, 2, 3]
    .map(q => `select(vec4f(0.0), ${channelGroup('texels', `max(t.addr[${q}], 0)`, g, channels)}, t.addr[${q}] >= 0)`)
    .join(',\n                  ')});
  if (U.cube != 0 && t.corner >= 0) {
    var s = vec4f(0.0);
    ${[0, 1, 2, 3].map(q => `if (t.corner != ${q}) { s += m[${q}]; }`).join('\n    ')}
    ${[0, 1, 2, 3].map(q => `if (t.corner == ${q}) { m[${q}] = s / 3.0; }`).join('\n    ')}
  }
  return m;
}`,
  ).join('\n');
}

export const TEXTURE_LOOKUP_WGSL = CUBE_WGSL + LOOKUP_WGSL;
