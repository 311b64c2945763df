/**
 * Texture lookups (docs/texture.md#lookup) and their per-pixel gradients (#backward) in GLSL, shared by the
 * forward pass and the backward passes. Mirrors src/kernels/cpu/texture_math.ts: the same taps,
 * the same level choice, the same cube-edge rule, so forward and backward read the same texels.
 *
 * Bilinear taps are our own texelFetch reads (hardware filtering has 8-bit weights: too coarse
 * for gradients). The filter and boundary modes are uniforms; whether the texture is a cube map
 * and how many levels it has are compiled in (they change the inputs' layout and samplers).
 */
import {BoundaryMode, FilterMode} from '../names';
import {CUBE_EDGES, CUBE_FACES} from '../shared/cube';
import {shaderFloat} from '../shared/raster';
import {LN2, LOD_LIMIT} from '../shared/texture';

import {FETCH} from './glsl_common';

export const FILTER_MODES: FilterMode[] = ['nearest', 'linear', 'linear-mipmap-nearest', 'linear-mipmap-linear'];
export const BOUNDARY_MODES: BoundaryMode[] = ['wrap', 'clamp', 'zero', 'cube'];

/** The cube tables of src/kernels/shared/cube.ts as GLSL constants. */
function cubeTables(): string {
  const axes = CUBE_FACES.map(f => `ivec3(${f.major}, ${f.sAxis}, ${f.tAxis})`).join(', ');
  const signs = CUBE_FACES.map(f => `vec2(${f.sSign}.0, ${f.tSign}.0)`).join(', ');
  const edges = CUBE_EDGES.flatMap(e => e.map(n => `ivec3(${n.face}, ${n.i}, ${n.j})`)).join(', ');
  return `
// Per face: (major axis, s axis, t axis), (s sign, t sign); s = ½ + sSign·d[s]/(2|d[major]|).
const ivec3 FACE_AXES[6] = ivec3[6](${axes});
const vec2 FACE_SIGNS[6] = vec2[6](${signs});
// Per face and edge (i = −1, i = S, j = −1, j = S): the neighbour face and how its (i, j) follow
// from the index k along the edge: 0, S − 1, k or S − 1 − k.
const ivec3 FACE_EDGES[24] = ivec3[24](${edges});
`;
}

/**
 * One group of channels' share of a pixel's gradients, per channel (lanes): dy times the lookup's valueDerivatives
 * ds, dt and dlod; a channel whose dy is 0 adds nothing to ds and dt (as on the cpu, even where its taps are not
 * finite). In textureSnippet; alone for the backward from the forward's saved derivatives (texture_lookup.ts).
 */
export const PIXEL_GRADIENT_SUMS = `
void addPixelGradients(vec4 dy, vec4 ds, vec4 dt, vec4 dlod, inout vec4 dsc, inout vec4 dtc, inout vec4 dLodc) {
  bvec4 skip = equal(dy, vec4(0.0));
  dsc += mix(dy * ds, vec4(0.0), skip);
  dtc += mix(dy * dt, vec4(0.0), skip);
  dLodc += dy * dlod;
}
`;

/** The level of detail from the texture coordinates' derivatives, and its gradient. In textureSnippet. */
export const LOD_FROM_DERIVATIVES = `
const float LN2 = ${shaderFloat(LN2)};
const float LOD_LIMIT = ${shaderFloat(LOD_LIMIT)};
// lod = ½·log2 λ, λ the larger eigenvalue of the texel-space footprint's Gram matrix, from the
// footprint d = (ds/dX, ds/dY, dt/dX, dt/dY) on a level 0 of size (w, h); grad = dlod/dd.
float lodFromDerivatives(vec4 d, vec2 size, out vec4 grad) {
  float sx = d.x * size.x, sy = d.y * size.x, tx = d.z * size.y, ty = d.w * size.y;
  float A = sx * sx + tx * tx, B = sy * sy + ty * ty, C = sx * sy + tx * ty;
  float h = (A - B) / 2.0;
  float r = sqrt(h * h + C * C);
  float lambda = (A + B) / 2.0 + r;
  float k = 1.0 / (2.0 * LN2 * lambda);
  float ir = r > 0.0 ? 1.0 / r : 0.0;  // at r = 0 the r-terms' numerators vanish too
  vec4 g = vec4(size.x * (sx + (h * sx + C * sy) * ir), size.x * (sy + (-h * sy + C * sx) * ir),
                size.y * (tx + (h * tx + C * ty) * ir), size.y * (ty + (-h * ty + C * tx) * ir)) * k;
  for (int i = 0; i < 4; i++) if (isnan(g[i]) || isinf(g[i])) g[i] = 0.0;
  grad = g;
  // log2 of 0 or infinity is undefined in GLSL (SwiftShader's log2(0) is −127): the limits explicitly.
  if (isinf(lambda)) return LOD_LIMIT;
  if (!(lambda > 0.0)) return -LOD_LIMIT;
  return 0.5 * log2(lambda);
}

`;

/** What a texture program is compiled for. */
export interface TextureLayout {
  cube: boolean;
  numLevels: number;
}

export function layoutKey({cube, numLevels}: TextureLayout): string {
  return `${cube ? 'cube' : '2d'}-${numLevels}`;
}

/** Every texture program: inputs, level reads, taps, the per-pixel lookup and its gradients. */
export function textureSnippet({cube, numLevels}: TextureLayout): string {
  return `${FETCH}
const bool CUBE = ${cube};
const int NUM_LEVELS = ${numLevels};
${FILTER_MODES.map((m, i) => `const int ${m.toUpperCase().replace(/-/g, '_')} = ${i};`).join('\n')}
${BOUNDARY_MODES.map((m, i) => `const int BOUNDARY_${m.toUpperCase()} = ${i};`).join('\n')}
uniform sampler2D uTexels;             // every level's texels, four channels a texel (textureBindings)
uniform int uTexelBase[NUM_LEVELS];    // where each level starts in uTexels
uniform ivec2 uLevelSize[NUM_LEVELS];  // (w, h) of each level
uniform sampler2D uUv;
uniform sampler2D uUvDa;
uniform sampler2D uBias;
uniform bool uHasUvDa;
uniform bool uHasBias;
uniform int uFilter;
uniform int uBoundary;
uniform int uChannels;
uniform int uTexBatch;
uniform int uPixels;  // H·W of the output images
${cubeTables()}
int channelGroups() { return (uChannels + 3) / 4; }

// Channels 4g .. 4g + 3 of texel i of a level (zero past the last channel); texel i < 0 reads zero.
vec4 levelGroup(int level, int i, int g) {
  return i < 0 ? vec4(0.0) : fetchTexel(uTexels, uTexelBase[level] + i * channelGroups() + g);
}

int wrapIndex(int i, int n) { return i - n * int(floor(float(i) / float(n))); }

int texelIndex(int nt, int face, ivec2 ij, ivec2 size) {
  int slice = CUBE ? 6 * nt + face : nt;
  return (slice * size.y + ij.y) * size.x + ij.x;
}

int cubeFaceOf(vec3 d) {
  vec3 a = abs(d);
  if (a.z > max(a.x, a.y)) return d.z < 0.0 ? 5 : 4;
  if (a.y > a.x) return d.y < 0.0 ? 3 : 2;
  return d.x < 0.0 ? 1 : 0;
}

int edgeIndexValue(int kind, int k, int size) {
  return kind == 0 ? 0 : kind == 1 ? size - 1 : kind == 2 ? k : size - 1 - k;
}

// The texel (face, i, j) of a tap at (i, j) on face f with exactly one of i, j off the face.
ivec3 cubeNeighbourTexel(int f, int i, int j, int size) {
  int edge = i < 0 ? 0 : i >= size ? 1 : j < 0 ? 2 : 3;
  int k = edge <= 1 ? j : i;
  ivec3 n = FACE_EDGES[4 * f + edge];
  return ivec3(n.x, edgeIndexValue(n.y, k, size), edgeIndexValue(n.z, k, size));
}

// The four bilinear taps T00, T10, T01, T11 of one level.
struct Taps {
  ivec4 texel;  // texel index per tap; −1 reads zero and takes no gradient
  int corner;   // cube: the tap that is the mean of the other three (a face corner), else −1
  int level;
  vec2 frac;    // (fx, fy)
  vec2 scale;   // d(texel x)/ds, d(texel y)/dt: the level size, 0 where clamped
  ivec2 base;   // bilinear: (i, j) of T00 before wrapping or clamping the indices
};

vec4 tapWeights(Taps b) {
  vec2 f = b.frac, g = 1.0 - b.frac;
  return vec4(g.x * g.y, f.x * g.y, g.x * f.y, f.x * f.y);
}

// Channels 4g .. 4g + 3 of the four taps, a column per tap (straight-line: SwiftShader runs
// loop-indexed vectors lane by lane).
mat4 tapValues(Taps b, int g) {
  mat4 v = mat4(levelGroup(b.level, b.texel.x, g), levelGroup(b.level, b.texel.y, g),
                levelGroup(b.level, b.texel.z, g), levelGroup(b.level, b.texel.w, g));
  if (b.corner < 0) return v;
  vec4 mean = (v[0] + v[1] + v[2] + v[3]) / 3.0;  // the corner's own column read zero
  if (b.corner == 0) v[0] = mean;
  else if (b.corner == 1) v[1] = mean;
  else if (b.corner == 2) v[2] = mean;
  else v[3] = mean;
  return v;
}

// The weight each tap's texel gets: a cube corner's weight goes a third to each other tap.
vec4 texelWeights(Taps b) {
  vec4 w = tapWeights(b);
  if (b.corner >= 0) {
    w += w[b.corner] / 3.0;
    w[b.corner] = 0.0;
  }
  return w;
}

Taps nearestTaps(int nt, int face, vec2 st) {
  ivec2 size = uLevelSize[0];
  Taps b = Taps(ivec4(-1), -1, 0, vec2(0.0), vec2(0.0), ivec2(0));
  if (uBoundary == BOUNDARY_WRAP) st -= floor(st);
  ivec2 ij = ivec2(clamp(floor(st * vec2(size)), vec2(-1.0), vec2(size)));
  if (uBoundary == BOUNDARY_ZERO && !(all(greaterThanEqual(ij, ivec2(0))) && all(lessThan(ij, size)))) return b;
  if (uBoundary == BOUNDARY_WRAP) ij = ivec2(wrapIndex(ij.x, size.x), wrapIndex(ij.y, size.y));
  b.texel.x = texelIndex(nt, face, clamp(ij, ivec2(0), size - 1), size);
  return b;
}

Taps bilinearTaps(int level, int nt, int face, vec2 st) {
  ivec2 size = uLevelSize[level];
  vec2 sz = vec2(size);
  if (uBoundary == BOUNDARY_WRAP) st -= floor(st);
  vec2 xy = st * sz - 0.5;
  Taps b = Taps(ivec4(-1), -1, level, vec2(0.0), sz, ivec2(0));
  if (uBoundary == BOUNDARY_CLAMP) {
    // A clamped coordinate reads the border texel whatever s is: its derivative is 0.
    if (!(xy.x > 0.0 && xy.x < sz.x - 1.0)) b.scale.x = 0.0;
    if (!(xy.y > 0.0 && xy.y < sz.y - 1.0)) b.scale.y = 0.0;
    xy = clamp(xy, vec2(0.0), sz - 1.0);
  }
  // (Far outside, every tap is outside too: keep the index in int range.)
  vec2 base = floor(clamp(xy, vec2(-2.0), sz + 1.0));
  b.frac = xy - base;
  ivec2 i0 = ivec2(base);
  b.base = i0;
  for (int q = 0; q < 4; q++) {
    ivec2 ij = i0 + ivec2(q & 1, q >> 1);
    bool insideX = ij.x >= 0 && ij.x < size.x, insideY = ij.y >= 0 && ij.y < size.y;
    if (CUBE) {
      if (insideX && insideY) {
        b.texel[q] = texelIndex(nt, face, ij, size);
      } else if (insideX || insideY) {
        ivec3 n = cubeNeighbourTexel(face, ij.x, ij.y, size.x);
        b.texel[q] = texelIndex(nt, n.x, n.yz, size);
      } else {
        b.corner = q;
      }
      continue;
    }
    if (uBoundary == BOUNDARY_ZERO && !(insideX && insideY)) continue;
    if (uBoundary == BOUNDARY_WRAP) ij = ivec2(wrapIndex(ij.x, size.x), wrapIndex(ij.y, size.y));
    b.texel[q] = texelIndex(nt, face, clamp(ij, ivec2(0), size - 1), size);
  }
  return b;
}

// Everything one output pixel's lookup needs, computed once per pixel.
struct Lookup {
  bool valid;          // false: output 0 and no gradient (cube: no direction)
  int nt;
  int face;
  vec2 st;
  bvec2 stClamped;     // cube: s or t was clamped to the face
  vec3 dir;
  vec3 js;             // cube: d(s, t)/d(direction), rows s and t
  vec3 jt;
  vec4 lodGrad;        // dlod/d(ds/dX, ds/dY, dt/dX, dt/dY)
  bool lodActive;      // the level fraction gets a gradient
  int l0;
  int l1;
  int used;            // levels read: 1 or 2
  float f;             // weight of level l1
};

// (ds/dX, ds/dY, dt/dX, dt/dY): uvDa itself in 2-D; for cube maps uvDa's direction
// derivatives pushed through the face projection.
vec4 texcoordDerivatives(Lookup L, int pixel) {
  if (!CUBE) return fetch4(uUvDa, pixel);
  vec3 dX, dY;
  for (int k = 0; k < 3; k++) {
    dX[k] = fetch(uUvDa, 6 * pixel + 2 * k);
    dY[k] = fetch(uUvDa, 6 * pixel + 2 * k + 1);
  }
  return vec4(dot(L.js, dX), dot(L.js, dY), dot(L.jt, dX), dot(L.jt, dY));
}

${LOD_FROM_DERIVATIVES}// The levels a lookup reads: l0, l1 (equal when one), the weight f of l1, and whether lod gets a
// gradient (strictly between 0 and the last level, linear-mipmap-linear only).
void chooseLevels(float lod, int filterMode, int maxLevel, out int l0, out int l1, out float f, out bool lodActive) {
  lodActive = filterMode == LINEAR_MIPMAP_LINEAR && lod > 0.0 && lod < float(maxLevel);
  lod = lod > 0.0 ? min(lod, float(maxLevel)) : 0.0;  // also maps NaN to 0
  l0 = l1 = 0;
  f = 0.0;
  if (filterMode == LINEAR_MIPMAP_NEAREST) {
    l0 = l1 = int(floor(lod));
  } else if (filterMode == LINEAR_MIPMAP_LINEAR && lod > 0.0) {
    l0 = int(floor(lod));
    l1 = min(l0 + 1, maxLevel);
    f = lod - float(l0);
  }
}

Lookup setupLookup(int pixel) {
  Lookup L;
  L.valid = true;
  L.nt = uTexBatch > 1 ? pixel / uPixels : 0;
  L.face = 0;
  L.st = vec2(0.0);
  L.stClamped = bvec2(false);
  L.dir = vec3(0.0);
  L.js = vec3(0.0);
  L.jt = vec3(0.0);
  L.lodGrad = vec4(0.0);
  L.lodActive = false;
  L.l0 = 0;
  L.l1 = 0;
  L.used = 1;
  L.f = 0.0;
  if (CUBE) {
    vec3 d = fetch3(uUv, pixel);
    int face = cubeFaceOf(d);
    ivec3 ax = FACE_AXES[face];
    vec2 sg = FACE_SIGNS[face];
    float M = d[ax.x];
    if (any(isnan(d)) || any(isinf(d)) || M == 0.0) {
      L.valid = false;
      return L;
    }
    L.dir = d;
    L.face = face;
    float m = 1.0 / (2.0 * abs(M));
    vec2 st = 0.5 + sg * vec2(d[ax.y], d[ax.z]) * m;
    L.stClamped = bvec2(!(st.x > 0.0 && st.x < 1.0), !(st.y > 0.0 && st.y < 1.0));
    L.st = clamp(st, 0.0, 1.0);
    // Jacobian of the face projection.
    L.js[ax.y] = sg.x * m;
    L.js[ax.x] = -sg.x * d[ax.y] * sign(M) / (2.0 * M * M);
    L.jt[ax.z] = sg.y * m;
    L.jt[ax.x] = -sg.y * d[ax.z] * sign(M) / (2.0 * M * M);
  } else {
    L.st = fetch2(uUv, pixel);
  }
  if (uFilter == NEAREST) return L;
  float lod = 0.0;
  if (uFilter == LINEAR_MIPMAP_NEAREST || uFilter == LINEAR_MIPMAP_LINEAR) {
    if (uHasUvDa) lod = lodFromDerivatives(texcoordDerivatives(L, pixel), vec2(uLevelSize[0]), L.lodGrad);
    if (uHasBias) lod += fetch(uBias, pixel);
  }
  chooseLevels(lod, uFilter, NUM_LEVELS - 1, L.l0, L.l1, L.f, L.lodActive);
  L.used = L.l1 != L.l0 ? 2 : 1;
  return L;
}

// The taps of level slot 0 (level l0) or 1 (level l1) of a lookup.
Taps lookupTaps(Lookup L, int slot) {
  if (uFilter == NEAREST) return nearestTaps(L.nt, L.face, L.st);
  return bilinearTaps(slot == 1 ? L.l1 : L.l0, L.nt, L.face, L.st);
}
// The weight of level slot 0 or 1 of a lookup.
float levelWeight(Lookup L, int slot) { return L.used == 2 ? (slot == 1 ? L.f : 1.0 - L.f) : 1.0; }

// Filtered value of channels 4g .. 4g + 3 from their tap values (nearest: tap 0).
vec4 filtered(Taps b, mat4 v) { return v * tapWeights(b); }

// A lookup's value of channels 4g .. 4g + 3, from the taps of its slots (b1 unused when one level is read).
vec4 textureValue(Lookup L, Taps b0, Taps b1, int g) {
  if (!L.valid) return vec4(0.0);
  vec4 v0 = filtered(b0, tapValues(b0, g));
  return L.used == 2 ? (1.0 - L.f) * v0 + L.f * filtered(b1, tapValues(b1, g)) : v0;
}

// The derivatives of channels 4g .. 4g + 3 of a lookup's value (bilinear filters), as much of the per-pixel gradients
// as does not depend on dy: d/ds and d/dt of the texture coordinates (the level sizes and slot weights in; a slot of
// weight 0 adds nothing, even where its taps are not finite) and d/dlod, bilerp(l1) − bilerp(l0) where the level
// fraction gets a gradient (else 0). Also the value itself (textureValue's).
void valueDerivatives(Lookup L, Taps b0, Taps b1, int g, out vec4 value, out vec4 ds, out vec4 dt, out vec4 dlod) {
  value = ds = dt = dlod = vec4(0.0);
  if (!L.valid) return;
  vec4 v0 = vec4(0.0);
  for (int k = 0; k < L.used; k++) {
    Taps b = b0;  // (no ?: on structs in WebGL)
    if (k == 1) b = b1;
    mat4 t = tapValues(b, g);
    float w = levelWeight(L, k);
    vec4 cross = t[3] + t[0] - t[1] - t[2];
    if (w != 0.0) {
      ds += (w * b.scale.x) * ((t[1] - t[0]) + b.frac.y * cross);
      dt += (w * b.scale.y) * ((t[2] - t[0]) + b.frac.x * cross);
    }
    vec4 v = filtered(b, t);
    value += w * v;
    if (k == 0) v0 = v;
    else if (L.lodActive) dlod = v - v0;
  }
}

${PIXEL_GRADIENT_SUMS}// The gradients of one pixel's lookup (with the taps of its slots) for incoming dy [N,H,W,C]: duv (2 or 3
// components), duvDa (4 or 6: xyzw then the cube's last two in duvDa2) and dbias.
uniform sampler2D uDy;
void pixelGradients(Lookup L, Taps b0, Taps b1, int pixel, out vec3 duv, out vec4 duvDa, out vec2 duvDa2,
                    out float dbias) {
  duv = vec3(0.0);
  duvDa = vec4(0.0);
  duvDa2 = vec2(0.0);
  dbias = 0.0;
  if (!L.valid || uFilter == NEAREST) return;
  // Per channel of a group (lanes), summed over the lanes at the end.
  vec4 dsc = vec4(0.0), dtc = vec4(0.0), dLodc = vec4(0.0);
  for (int g = 0; g < channelGroups(); g++) {
    vec4 value, ds, dt, dlod;
    valueDerivatives(L, b0, b1, g, value, ds, dt, dlod);
    addPixelGradients(fetchGroup(uDy, pixel, uChannels, 4 * g), ds, dt, dlod, dsc, dtc, dLodc);
  }
  float ds = dot(dsc, vec4(1.0)), dt = dot(dtc, vec4(1.0)), dLod = dot(dLodc, vec4(1.0));
  if (!L.lodActive) dLod = 0.0;
  if (CUBE) {
    if (L.stClamped.x) ds = 0.0;
    if (L.stClamped.y) dt = 0.0;
    duv = ds * L.js + dt * L.jt;
  } else {
    duv.xy = vec2(ds, dt);
  }
  if (dLod == 0.0) return;
  dbias = dLod;
  if (!uHasUvDa) return;
  vec4 g = dLod * L.lodGrad;  // (gsX, gsY, gtX, gtY)
  if (!CUBE) {
    duvDa = g;
    return;
  }
  vec3 dX, dY;
  for (int k = 0; k < 3; k++) {
    dX[k] = fetch(uUvDa, 6 * pixel + 2 * k);
    dY[k] = fetch(uUvDa, 6 * pixel + 2 * k + 1);
  }
  vec3 gX = g.x * L.js + g.z * L.jt, gY = g.y * L.js + g.w * L.jt;
  duvDa = vec4(gX.x, gY.x, gX.y, gY.y);
  duvDa2 = vec2(gX.z, gY.z);
  // The level also depends on the direction: d(ds/dX)/d(dir) = Σ_m ∂²s/∂d_m∂d · uvDa_m,X, etc.
  ivec3 ax = FACE_AXES[L.face];
  vec2 sg = FACE_SIGNS[L.face];
  float M = L.dir[ax.x], aM = abs(M);
  float mixed = -sign(M) / (2.0 * M * M);
  mat3 hs = mat3(0.0), ht = mat3(0.0);
  hs[ax.y][ax.x] = hs[ax.x][ax.y] = sg.x * mixed;
  hs[ax.x][ax.x] = sg.x * L.dir[ax.y] / (aM * aM * aM);
  ht[ax.z][ax.x] = ht[ax.x][ax.z] = sg.y * mixed;
  ht[ax.x][ax.x] = sg.y * L.dir[ax.z] / (aM * aM * aM);
  duv += hs * (g.x * dX + g.y * dY) + ht * (g.z * dX + g.w * dY);
}
`;
}
