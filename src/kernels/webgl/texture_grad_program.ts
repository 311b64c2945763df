/**
 * texture's backward passes (docs/texture.md#backward): texel gradients of every level by point scatter (one
 * point per pixel, level slot, tap and group of four channels, from taps found once per pixel),
 * and duv, duvDa, dbias (found once per pixel, then picked per output).
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {BOUNDARY_MODES, layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';
import {FOUR_GRIDS, scatterProgram, TEXEL_INDEX} from './scatter';

/**
 * The texel gradients' first stage: each pixel's taps (up to two level slots of four) as (target
 * texel, laid out as the texels read; weight) pairs, slot k's taps q in target 2k + q/2, once per pixel; the points of the
 * second stage only fetch them. Weight 0: no tap.
 */
export function textureTapsProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(
    ctx,
    `texture-taps-${layoutKey(layout)}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${TEXEL_INDEX}
layout(location = 0) out vec4 outSlot0Taps01;
layout(location = 1) out vec4 outSlot0Taps23;
layout(location = 2) out vec4 outSlot1Taps01;
layout(location = 3) out vec4 outSlot1Taps23;
// Tap q of slot k (taps b) as (encoded texel, weight).
vec2 tap(Lookup L, Taps b, int k, int q) {
  if (!L.valid || k >= L.used) return vec2(0.0);
  if (b.texel[q] < 0) return vec2(0.0);
  return vec2(encodeTexel(uTexelBase[b.level] + b.texel[q] * channelGroups()), texelWeights(b)[q] * levelWeight(L, k));
}
void main() {
  int pixel = outputIndex();
  Lookup L = setupLookup(pixel);
  Taps b0 = lookupTaps(L, 0), b1 = b0;
  if (L.used == 2) b1 = lookupTaps(L, 1);
  outSlot0Taps01 = vec4(tap(L, b0, 0, 0), tap(L, b0, 0, 1));
  outSlot0Taps23 = vec4(tap(L, b0, 0, 2), tap(L, b0, 0, 3));
  outSlot1Taps01 = vec4(tap(L, b1, 1, 0), tap(L, b1, 1, 1));
  outSlot1Taps23 = vec4(tap(L, b1, 1, 2), tap(L, b1, 1, 3));
}
`,
  );
}

/**
 * The second stage: one point per pixel, level slot, tap and group of four channels, adding the
 * tap's weight times the pixel's dy into that texel.
 */
export function textureTexelGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'texture-dtex',
    () => `${FETCH}${TEXEL_INDEX}${FOUR_GRIDS}
uniform sampler2D uDy;
uniform int uChannels;
uniform int uSlots;  // levels a pixel may read: 2 for linear-mipmap-linear, else 1
uniform int uTaps;   // 1 for nearest, else 4
bool contribution(int point, out int texel, out vec4 value) {
  int groups = (uChannels + 3) / 4;
  int perSlot = uTaps * groups;
  int pixel = point / (uSlots * perSlot), rest = point - pixel * uSlots * perSlot;
  int slot = rest / perSlot;
  rest -= slot * perSlot;
  int q = rest / groups, g = rest - q * groups;
  vec4 pair = gridTexel(2 * slot + q / 2, pixel);
  vec2 t = q % 2 == 0 ? pair.xy : pair.zw;
  texel = 0;
  value = vec4(0.0);
  if (t.y == 0.0) return false;
  value = t.y * fetchGroup(uDy, pixel, uChannels, 4 * g);
  texel = decodeTexel(t.x) + g;
  return true;
}
`,
  );
}

/**
 * The block scatter of 2-D bilinear texel gradients: a pixel's four taps in a level are a 2×2
 * block of texels, so one point of size 2 adds all four (SwiftShader's cost is per point, not
 * per fragment: a 2×2 point costs about what a 1×1 point does). The target holds, per level,
 * texture in the batch and group of four channels, a region of (w + 2) × (h + 2) cells: the
 * level's texels with a border of one cell, where taps past an edge land (a block starting at
 * −1 or ending at w); the copy then adds each border cell to the texel the boundary mode maps it
 * to (wrap: the opposite edge; clamp: the edge; zero: nowhere). Regions are stacked in rows:
 * group-major, then level, then texture.
 */
export interface BlockLayout {
  /** Target width: level 0's width plus the border. */
  width: number;
  /** Rows of one group's regions (all levels and textures). */
  groupRows: number;
  /** Target height: groups · groupRows. */
  height: number;
  /** First row of each level's regions (for texture 0, group 0). */
  levelRows: number[];
}

export function blockLayout(levelSizes: Array<[number, number]>, textures: number, groups: number): BlockLayout {
  const levelRows: number[] = [];
  let rows = 0;
  for (const [, h] of levelSizes) {
    levelRows.push(rows);
    rows += textures * (h + 2);
  }
  return {width: levelSizes[0][0] + 2, groupRows: rows, height: groups * rows, levelRows};
}

/**
 * The block scatter's first stage: per pixel and level slot, the block's lower-left cell in the
 * target (group 0; encoded by TEXEL_INDEX, 0: nothing to add), (fx, fy) and the slot's weight.
 */
export function textureBlocksProgram(ctx: DiffrastGL, layout: TextureLayout, withPixelGrads: boolean): GlProgram {
  return elementProgram(
    ctx,
    `texture-blocks-${layoutKey(layout)}${withPixelGrads ? '-dpixel' : ''}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${TEXEL_INDEX}
uniform int uLevelRow[NUM_LEVELS];
uniform int uBlockWidth;
layout(location = 0) out vec4 outSlot0;
layout(location = 1) out vec4 outSlot1;
vec4 block(Lookup L, Taps b, int k) {
  if (!L.valid || k >= L.used) return vec4(0.0);
  float weight = levelWeight(L, k);
  int level = b.level;
  ivec2 size = uLevelSize[level];
  // Blocks wholly outside (zero mode far off the texture; non-finite coordinates) add nothing.
  if (weight == 0.0 || any(lessThan(b.base, ivec2(-1))) || any(greaterThan(b.base, size - 1))) return vec4(0.0);
  int row = uLevelRow[level] + L.nt * (size.y + 2) + b.base.y + 1;
  return vec4(encodeTexel(row * uBlockWidth + b.base.x + 1), b.frac, weight);
}
${withPixelGrads ? PIXEL_GRAD_OUTPUTS.replace(/location = (\d)/g, (_, k) => `location = ${2 + Number(k)}`) : ''}
void main() {
  int pixel = outputIndex();
  Lookup L = setupLookup(pixel);
  Taps b0 = lookupTaps(L, 0), b1 = b0;
  if (L.used == 2) b1 = lookupTaps(L, 1);
  outSlot0 = block(L, b0, 0);
  outSlot1 = block(L, b1, 1);
  ${withPixelGrads ? 'writePixelGradients(L, b0, b1, pixel);' : ''}
}
`,
  );
}

/** The second stage: one point of size 2 per pixel, level slot and group of four channels. */
export function textureBlockScatterProgram(ctx: DiffrastGL): GlProgram {
  return ctx.program(
    'texture-block-scatter',
    () => `${HEADER}${FETCH}${TEXEL_INDEX}
uniform sampler2D uSlot0;
uniform sampler2D uSlot1;
uniform sampler2D uDy;
uniform int uChannels;
uniform int uSlots;
uniform int uGroupRows;
uniform ivec2 uTargetSize;
flat out vec4 vDy;
flat out vec3 vFracWeight;
flat out ivec2 vCell;
void main() {
  gl_PointSize = 2.0;
  int groups = (uChannels + 3) / 4;
  int pixel = gl_VertexID / (uSlots * groups), rest = gl_VertexID - pixel * uSlots * groups;
  int slot = rest / groups, g = rest - slot * groups;
  vec4 t = slot == 0 ? fetchTexel(uSlot0, pixel) : fetchTexel(uSlot1, pixel);
  vDy = vec4(0.0);
  vFracWeight = vec3(0.0);
  vCell = ivec2(0);
  if (t.x == 0.0) {
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  int cell = decodeTexel(t.x);
  int row = cell / uTargetSize.x;
  vCell = ivec2(cell - row * uTargetSize.x, row + g * uGroupRows);
  vFracWeight = t.yzw;
  vDy = fetchGroup(uDy, pixel, uChannels, 4 * g);
  // The point's center is the corner the block's four cells share.
  gl_Position = vec4(2.0 * vec2(vCell + 1) / vec2(uTargetSize) - 1.0, 0.0, 1.0);
}
`,
    () => `${HEADER}
flat in vec4 vDy;
flat in vec3 vFracWeight;
flat in ivec2 vCell;
out vec4 outValue;
void main() {
  ivec2 q = ivec2(gl_FragCoord.xy) - vCell;  // (0 or 1, 0 or 1): the tap
  vec2 f = vFracWeight.xy, g = 1.0 - f;
  float w = (q.x == 1 ? f.x : g.x) * (q.y == 1 ? f.y : g.y);
  if (w == 0.0) discard;  // as the tap-by-tap scatter: a zero-weight tap adds nothing
  outValue = (w * vFracWeight.z) * vDy;
}
`,
  );
}

/**
 * The block target into one level's gradient [Nt, h, w, C]: each texel's cell plus the border
 * cells its boundary mode maps onto it. (Those border sums join the texel's sum here rather than
 * in blend order: the last bits may differ from a tap-by-tap scatter; docs/backends.md#summation-order.)
 */
export function textureBlockCopyProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-block-copy',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
const int BOUNDARY_WRAP = ${BOUNDARY_MODES.indexOf('wrap')};
const int BOUNDARY_CLAMP = ${BOUNDARY_MODES.indexOf('clamp')};
uniform sampler2D uBlocks;
uniform ivec2 uSize;
uniform int uChannels;
uniform int uLevelRow;
uniform int uGroupRows;
uniform int uBoundary;
out float outValue;
// The cells (−1 .. n) that add to index i of n: i itself, and border cells mapped onto it.
ivec3 cellsOf(int i, int n) {
  ivec3 c = ivec3(i, -2, -2);  // −2: none
  bool wrap = uBoundary == BOUNDARY_WRAP, clampMode = uBoundary == BOUNDARY_CLAMP;
  if (!wrap && !clampMode) return c;
  if (i == 0) c.y = wrap ? n : -1;
  if (i == n - 1) c.z = wrap ? -1 : n;
  return c;
}
// Channel k of cell (x, y) of the level's region from row0 (straight-line: SwiftShader runs
// loop-indexed vectors lane by lane).
float cell(int x, int y, int row0, int k) {
  vec4 v = texelFetch(uBlocks, ivec2(x + 1, row0 + y), 0);
  return k == 0 ? v.x : k == 1 ? v.y : k == 2 ? v.z : v.w;
}
float addRow(float sum, int y, ivec3 xs, int row0, int k) {
  sum += cell(xs.x, y, row0, k);
  if (xs.y != -2) sum += cell(xs.y, y, row0, k);
  if (xs.z != -2) sum += cell(xs.z, y, row0, k);
  return sum;
}
void main() {
  ivec2 ct = cellOf(outputIndex(), uChannels);  // (channel, texel)
  ivec2 ij = cellOf(ct.y, uSize.x);
  ivec2 jn = cellOf(ij.y, uSize.y);  // (row in the texture, texture)
  int c = ct.x, i = ij.x, j = jn.x;
  int row0 = uLevelRow + jn.y * (uSize.y + 2) + (c / 4) * uGroupRows + 1, k = c - 4 * (c / 4);
  ivec3 xs = cellsOf(i, uSize.x), ys = cellsOf(j, uSize.y);
  float sum = addRow(0.0, ys.x, xs, row0, k);
  if (ys.y != -2) sum = addRow(sum, ys.y, xs, row0, k);
  if (ys.z != -2) sum = addRow(sum, ys.z, xs, row0, k);
  outValue = sum;
}
`,
  );
}

/**
 * Every per-pixel gradient of a pixel at once (one lookup, not one per component), into three
 * scratch grids, one texel per pixel: (duv.xyz, dbias), duvDa.xyzw, (the cube's last two duvDa,
 * 0, 0). Also written by the block scatter's first stage where five outputs are allowed.
 */
const PIXEL_GRAD_OUTPUTS = `
layout(location = 0) out vec4 outUvBias;
layout(location = 1) out vec4 outUvDa;
layout(location = 2) out vec4 outUvDa2;
void writePixelGradients(Lookup L, Taps b0, Taps b1, int pixel) {
  vec3 duv;
  vec4 duvDa;
  vec2 duvDa2;
  float dbias;
  pixelGradients(L, b0, b1, pixel, duv, duvDa, duvDa2, dbias);
  outUvBias = vec4(duv, dbias);
  outUvDa = duvDa;
  outUvDa2 = vec4(duvDa2, 0.0, 0.0);
}
`;

export function texturePixelGradProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(
    ctx,
    `texture-dpixel-${layoutKey(layout)}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${PIXEL_GRAD_OUTPUTS}
void main() {
  int pixel = outputIndex();
  Lookup L = setupLookup(pixel);
  Taps b0 = lookupTaps(L, 0), b1 = b0;
  if (L.used == 2) b1 = lookupTaps(L, 1);
  writePixelGradients(L, b0, b1, pixel);
}
`,
  );
}

/** duv (uWhich 0), duvDa (1) or dbias (2), uComponents per pixel, picked from those grids. */
export function texturePixelGradSelectProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-dpixel-select',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uUvBias;
uniform sampler2D uUvDa;
uniform sampler2D uUvDa2;
uniform int uWhich;
uniform int uComponents;
out float outValue;
void main() {
  ivec2 pk = outputCell(uComponents);
  int pixel = pk.x, k = pk.y;
  vec4 uvBias = fetchTexel(uUvBias, pixel);
  outValue = uWhich == 0 ? uvBias[k] : uWhich == 2 ? uvBias.w :
             k < 4 ? fetchTexel(uUvDa, pixel)[k] : fetchTexel(uUvDa2, pixel)[k - 4];
}
`,
  );
}
