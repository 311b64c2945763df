/**
 * texture's backward passes (docs/texture.md#backward): texel gradients of every level by point scatter (one
 * point per pixel, level slot, tap and group of four channels, from taps found once per pixel),
 * and duv, duvDa, dbias (found once per pixel into grids copied into the outputs).
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {TexelComponents} from './gl_session';
import {CUBE_FACES, cubeNeighbourTexel} from '../shared/cube';

import {BOUNDARY_MODES, layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';
import {COMPACTED_ITEM} from './compact';
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
 * The block scatter of bilinear texel gradients: a pixel's four taps in a level are a 2×2
 * block of texels, so one point of size 2 adds all four (SwiftShader's cost is per point, not
 * per fragment: a 2×2 point costs about what a 1×1 point does). The target holds, per level,
 * texture in the batch (cube maps: and face) and group of four channels, a region of (w + 2) × (h + 2)
 * cells: the level's texels with a border of one cell, where taps past an edge land (a block starting
 * at −1 or ending at w); the level passes then add each border cell to the texel the boundary mode maps it
 * to (wrap: the opposite edge; clamp: the edge; zero: nowhere; cube: the neighbouring face's edge,
 * and a third of each face-corner cell to each of the three texels at that cube corner, as a corner
 * tap's weight goes a third to each other tap: docs/texture.md#cube-maps). Regions are stacked in
 * rows: group-major, then level, then texture (and face).
 *
 * The target holds BLOCK_COPIES such stacks (copies), one above the other; a quad slot's point adds into copy
 * (its row of quads mod BLOCK_COPIES), and the level passes (levelCells) add a cell's copies in copy order. Blending sums in
 * float32, and a running sum of many equal terms drifts (each add rounds the same way): the background pixels of a fit
 * (uv = 0) send ~10^4 equal blocks to the four corner cells, 1.6–2.6 · 10⁻⁴ off the exact sum in one copy; four
 * copies sum a quarter of the terms each (docs/backends.md#summation-order).
 */
export const BLOCK_COPIES = 4;

export interface BlockLayout {
  /** Target width: level 0's width plus the border. */
  width: number;
  /** Rows of one group's regions (all levels and textures). */
  groupRows: number;
  /** Rows of one copy: groups · groupRows. */
  copyRows: number;
  /** Target height: BLOCK_COPIES · copyRows. */
  height: number;
  /** First row of each level's regions (for texture 0, group 0). */
  levelRows: number[];
  /** Each level's (width, height). */
  levelSizes: Array<[number, number]>;
}

export function blockLayout(levelSizes: Array<[number, number]>, slices: number, groups: number): BlockLayout {
  const levelRows: number[] = [];
  let rows = 0;
  for (const [, h] of levelSizes) {
    levelRows.push(rows);
    rows += slices * (h + 2);
  }
  const copyRows = groups * rows;
  return {
    width: levelSizes[0][0] + 2,
    groupRows: rows,
    copyRows,
    height: BLOCK_COPIES * copyRows,
    levelRows,
    levelSizes,
  };
}

/**
 * A pixel's block in level slot k: its lower-left cell in the block target (group 0; encoded by TEXEL_INDEX, 0:
 * nothing to add), (fx, fy) and the slot's weight. Needs textureSnippet; uniforms from blockLayout.
 */
export const SLOT_BLOCK = `${TEXEL_INDEX}
uniform int uLevelRow[NUM_LEVELS];
uniform int uBlockWidth;
vec4 block(Lookup L, Taps b, int k) {
  if (!L.valid || k >= L.used) return vec4(0.0);
  float weight = levelWeight(L, k);
  int level = b.level;
  ivec2 size = uLevelSize[level];
  // Blocks wholly outside (zero mode far off the texture; non-finite coordinates) add nothing.
  if (weight == 0.0 || any(lessThan(b.base, ivec2(-1))) || any(greaterThan(b.base, size - 1))) return vec4(0.0);
  int slice = CUBE ? 6 * L.nt + L.face : L.nt;
  int row = uLevelRow[level] + slice * (size.y + 2) + b.base.y + 1;
  return vec4(encodeTexel(row * uBlockWidth + b.base.x + 1), b.frac, weight);
}
// Where a pixel reads two levels (linear-mipmap-linear), the blocks are planed by the parity of their level, not by
// slot: its levels are l0 and l0 + 1, one even and one odd (one level: the other plane gets slot 1's zero block). A
// quad whose pixels span three levels (l, l + 1, l + 2: its lod crosses an integer) then has one plane at one level,
// close together for one quad point (by slot, both planes would mix two levels, in regions far apart: the rest).
// s0, s1: the blocks of slots 0 and 1 (block(L, b0, 0), block(L, b1, 1)); parity 0 or 1: the even or the odd one.
vec4 parityBlock(int l0, vec4 s0, vec4 s1, int parity) { return (l0 & 1) == parity ? s0 : s1; }
`;

/**
 * The block scatter's first stage: per pixel and level slot, its block (SLOT_BLOCK; with two slots, plane 0 holds its
 * even level's and plane 1 its odd level's: parityBlock), and where that many outputs are allowed its per-pixel
 * gradients.
 */
export function textureBlocksProgram(
  ctx: DiffrastGL,
  layout: TextureLayout,
  slots: number,
  pixelGrads: PixelGradGrids | null,
): GlProgram {
  return elementProgram(
    ctx,
    `texture-blocks-${layoutKey(layout)}-${slots}${pixelGrads ? `-dpixel-${pixelGradsKey(pixelGrads)}` : ''}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${SLOT_BLOCK}
layout(location = 0) out vec4 outSlot0;
${slots === 2 ? 'layout(location = 1) out vec4 outSlot1;' : ''}
${pixelGrads ? pixelGradOutputs(slots, pixelGrads) : ''}
void main() {
  int pixel = outputIndex();
  Lookup L = setupLookup(pixel);
  Taps b0 = lookupTaps(L, 0), b1 = b0;
  if (L.used == 2) b1 = lookupTaps(L, 1);
  vec4 s0 = block(L, b0, 0)${slots === 2 ? ', s1 = block(L, b1, 1)' : ''};
  ${slots === 2 ? 'outSlot0 = parityBlock(L.l0, s0, s1, 0);\n  outSlot1 = parityBlock(L.l0, s0, s1, 1);' : 'outSlot0 = s0;'}
  ${pixelGrads ? 'writePixelGradients(L, b0, b1, pixel);' : ''}
}
`,
  );
}

/**
 * The second stage's GLSL, per 2×2 quad of image pixels and level slot (a quad slot: quad · uSlots + slot; with two
 * slots, "slot" 0 and 1 are the planes of the pixels' even and odd levels, parityBlock):
 * its pixels' blocks, and the quad's point: the first pixel with a block and, in pixel order, each other
 * pixel whose block keeps the point within uMaxPoint × uMaxPoint cells. Needs FETCH and TEXEL_INDEX.
 */
const QUAD_BLOCKS = `
uniform sampler2D uSlot0;
uniform sampler2D uSlot1;
uniform sampler2D uDy;
uniform int uChannels;
uniform int uSlots;
uniform int uGroupRows;
uniform int uCopyRows;     // rows of one copy (BlockLayout)
uniform ivec2 uTargetSize;  // (width, height): every copy's regions
uniform ivec2 uImageSize;  // (W, H)
uniform int uMaxPoint;     // cells a side of the largest point drawn (≥ 2)
// The pixels m (x + 2y) of quad slot qs: their flat indices (−1 past the image's edge), and the slot (found once
// for the four: SwiftShader does not share the divisions between calls).
ivec4 quadPixels(int qs, out int slot) {
  ivec2 ss = cellOf(qs, uSlots);  // (slot, quad)
  slot = ss.x;
  ivec3 q = imagePixel(ss.y, (uImageSize + 1) / 2);
  ivec2 xy = 2 * q.xy;
  int p = (q.z * uImageSize.y + xy.y) * uImageSize.x + xy.x;
  bool right = xy.x + 1 < uImageSize.x, up = xy.y + 1 < uImageSize.y;
  return ivec4(p, right ? p + 1 : -1, up ? p + uImageSize.x : -1, right && up ? p + uImageSize.x + 1 : -1);
}
// A pixel's block in a slot (textureBlocksProgram's texel; x = 0: none).
vec4 slotTexel(int pixel, int slot) {
  if (pixel < 0) return vec4(0.0);
  return slot == 0 ? fetchTexel(uSlot0, pixel) : fetchTexel(uSlot1, pixel);
}
// The block's lower-left cell in group 0's regions of copy 0.
ivec2 blockCell(vec4 t) { return cellOf(decodeTexel(t.x), uTargetSize.x); }
// First row of group g's regions in the copy quad slot qs adds into: its row of quads' (mod BLOCK_COPIES; neighbour
// quads in one copy, and a quad's slots: the background's quads add into slot 0 alone).
int copyRow(int qs, int g) {
  int row = qs / uSlots / ((uImageSize.x + 1) / 2);
  return (row % ${BLOCK_COPIES}) * uCopyRows + g * uGroupRows;
}
// Adds the block at cell c to the point's box (lower-left cells lo, hi of its blocks) if the point still
// spans at most uMaxPoint cells a side.
bool joinBox(inout ivec4 box, ivec2 c) {
  ivec4 b = ivec4(min(box.xy, c), max(box.zw, c));
  if (any(greaterThan(b.zw - b.xy + 2, ivec2(uMaxPoint)))) return false;
  box = b;
  return true;
}
// Which of the quad's blocks (t0 .. t3) its point adds, and their box.
bvec4 pointBlocks(vec4 t0, vec4 t1, vec4 t2, vec4 t3, out ivec4 box) {
  box = ivec4(1 << 30, 1 << 30, -(1 << 30), -(1 << 30));
  bvec4 added = bvec4(false);
  if (t0.x != 0.0) added.x = joinBox(box, blockCell(t0));
  if (t1.x != 0.0) added.y = joinBox(box, blockCell(t1));
  if (t2.x != 0.0) added.z = joinBox(box, blockCell(t2));
  if (t3.x != 0.0) added.w = joinBox(box, blockCell(t3));
  return added;
}
`;

/** What a block point hands its fragments: per block (up to four), its lower-left cell, (fx, fy, weight) and dy. */
const BLOCK_VARYINGS = `
flat VARYING ivec2 vCell[4];
flat VARYING vec3 vFracWeight[4];
flat VARYING vec4 vDy[4];
`;

/**
 * The second stage: one point per quad slot and group of four channels, adding the blocks of the quad's
 * point (QUAD_BLOCKS; SwiftShader's cost is per drawn point, and a fragment sums up to four blocks); its
 * fragments sum the blocks that cover them in pixel order, so the last bits differ from a pixel-by-pixel
 * scatter (docs/backends.md#summation-order). The other blocks go through textureBlockRestProgram.
 */
export function textureBlockScatterProgram(ctx: DiffrastGL): GlProgram {
  return ctx.program(
    'texture-block-scatter',
    () => `${HEADER}${FETCH}${TEXEL_INDEX}${QUAD_BLOCKS}${BLOCK_VARYINGS.replace(/VARYING/g, 'out')}
// Block k of the point (its fetches only where it is added).
void setBlock(int k, bool added, vec4 t, int pixel, int g, int row0) {
  ivec2 c = blockCell(t);
  vCell[k] = ivec2(c.x, c.y + row0);
  vFracWeight[k] = vec3(0.0);
  vDy[k] = vec4(0.0);
  if (added) {
    vFracWeight[k] = t.yzw;
    vDy[k] = fetchGroup(uDy, pixel, uChannels, 4 * g);
  }
}
void main() {
  ivec2 gq = cellOf(gl_VertexID, (uChannels + 3) / 4);  // (group, quad slot)
  int g = gq.x;
  int slot;
  ivec4 p = quadPixels(gq.y, slot);
  vec4 t0 = slotTexel(p.x, slot), t1 = slotTexel(p.y, slot), t2 = slotTexel(p.z, slot), t3 = slotTexel(p.w, slot);
  ivec4 box;
  bvec4 added = pointBlocks(t0, t1, t2, t3, box);
  if (!any(added)) {
    // Dropped before its blocks' fetches (most of the image may be background).
    gl_PointSize = 1.0;
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  int row0 = copyRow(gq.y, g);
  setBlock(0, added.x, t0, p.x, g, row0);
  setBlock(1, added.y, t1, p.y, g, row0);
  setBlock(2, added.z, t2, p.z, g, row0);
  setBlock(3, added.w, t3, p.w, g, row0);
  ivec2 extent = box.zw - box.xy + 2;
  int size = max(extent.x, extent.y);
  gl_PointSize = float(size);
  // Covers cells box.xy .. box.xy + size − 1; its center kept inside the target (one outside is dropped).
  vec2 center = min(vec2(box.x, box.y + row0) + 0.5 * float(size), vec2(uTargetSize));
  gl_Position = vec4(2.0 * center / vec2(uTargetSize) - 1.0, 0.0, 1.0);
}
`,
    () => BLOCK_FRAGMENT,
  );
}

/** A block point's fragment: the sum of the taps of its blocks that land on the fragment's cell. */
const BLOCK_FRAGMENT = `${HEADER}${BLOCK_VARYINGS.replace(/VARYING/g, 'in')}
out vec4 outValue;
// Block k's tap at cell c, if it has one with a nonzero weight (as a tap-by-tap scatter: a zero-weight
// tap adds nothing).
bool addTap(ivec2 c, ivec2 cell, vec3 fw, vec4 dy, inout vec4 sum) {
  ivec2 q = c - cell;  // (0 or 1, 0 or 1): the tap
  if (fw.z == 0.0 || any(lessThan(q, ivec2(0))) || any(greaterThan(q, ivec2(1)))) return false;
  vec2 f = fw.xy, g = 1.0 - f;
  float w = (q.x == 1 ? f.x : g.x) * (q.y == 1 ? f.y : g.y);
  if (w == 0.0) return false;
  sum += (w * fw.z) * dy;
  return true;
}
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  vec4 sum = vec4(0.0);
  bool hit = addTap(c, vCell[0], vFracWeight[0], vDy[0], sum);
  hit = addTap(c, vCell[1], vFracWeight[1], vDy[1], sum) || hit;
  hit = addTap(c, vCell[2], vFracWeight[2], vDy[2], sum) || hit;
  hit = addTap(c, vCell[3], vFracWeight[3], vDy[3], sum) || hit;
  if (!hit) discard;
  outValue = sum;
}
`;

/**
 * The blocks no quad point adds (where a quad's blocks lie far apart: silhouettes, wrapped seams,
 * strong minification), counted per quad slot for the compacted draw: per texel t, the count
 * (groups per block) of each pixel of quad slot t.
 */
export function textureBlockRestCountProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-block-rest-count',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${TEXEL_INDEX}${QUAD_BLOCKS}
out vec4 outCounts;
void main() {
  int qs = outputIndex() - uOutStart;
  int slot;
  ivec4 p = quadPixels(qs, slot);
  vec4 t0 = slotTexel(p.x, slot), t1 = slotTexel(p.y, slot), t2 = slotTexel(p.z, slot), t3 = slotTexel(p.w, slot);
  ivec4 box;
  bvec4 added = pointBlocks(t0, t1, t2, t3, box);
  bvec4 rest = bvec4(t0.x != 0.0 && !added.x, t1.x != 0.0 && !added.y, t2.x != 0.0 && !added.z, t3.x != 0.0 && !added.w);
  outCounts = vec4(rest) * float((uChannels + 3) / 4);
}
`,
  );
}

/**
 * The rest: one point of size 2 per block no quad point adds and group of four channels, from a compacted
 * list (compact.ts; items: pixel m of quad slot qs is item 4·qs + m, its points the groups), or, when
 * `compacted` is false, one vertex per pixel slot and group, dropped unless its block is one of the rest.
 */
export function textureBlockRestProgram(ctx: DiffrastGL, compacted: boolean): GlProgram {
  return ctx.program(
    `texture-block-rest${compacted ? '-compacted' : ''}`,
    () => `${HEADER}${FETCH}${TEXEL_INDEX}${QUAD_BLOCKS}${compacted ? COMPACTED_ITEM : ''}${BLOCK_VARYINGS.replace(/VARYING/g, 'out')}
void main() {
  gl_PointSize = 2.0;
  int item, g;
  ${compacted ? 'item = compactedItem(gl_VertexID, g);' : 'ivec2 gi = cellOf(gl_VertexID, (uChannels + 3) / 4);\n  g = gi.x;\n  item = gi.y;'}
  ivec2 mq = cellOf(item, 4);  // (pixel of the quad, quad slot)
  int slot;
  ivec4 p = quadPixels(mq.y, slot);
  int pixel = mq.x == 0 ? p.x : mq.x == 1 ? p.y : mq.x == 2 ? p.z : p.w;
  vec4 t = slotTexel(pixel, slot);
  vFracWeight[1] = vFracWeight[2] = vFracWeight[3] = vec3(0.0);
  vCell[1] = vCell[2] = vCell[3] = ivec2(0);
  vDy[1] = vDy[2] = vDy[3] = vec4(0.0);
  bool rest = true;
  if (!${compacted}) {
    vec4 t0 = slotTexel(p.x, slot), t1 = slotTexel(p.y, slot), t2 = slotTexel(p.z, slot), t3 = slotTexel(p.w, slot);
    ivec4 box;
    bvec4 added = pointBlocks(t0, t1, t2, t3, box);
    rest = t.x != 0.0 && !(mq.x == 0 ? added.x : mq.x == 1 ? added.y : mq.x == 2 ? added.z : added.w);
  }
  if (!rest) {
    vCell[0] = ivec2(0);
    vFracWeight[0] = vec3(0.0);
    vDy[0] = vec4(0.0);
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  ivec2 c = blockCell(t);
  vCell[0] = ivec2(c.x, c.y + copyRow(mq.y, g));
  vFracWeight[0] = t.yzw;
  vDy[0] = fetchGroup(uDy, pixel, uChannels, 4 * g);
  // The point's center is the corner the block's four cells share.
  gl_Position = vec4(2.0 * vec2(vCell[0] + 1) / vec2(uTargetSize) - 1.0, 0.0, 1.0);
}
`,
    () => BLOCK_FRAGMENT,
  );
}

/**
 * What a level's gradient passes share: the target's cells, where a level's regions are, and the level below's sums.
 * A level's grid holds a texel per texel and group (row slice · h + y, column x · groups + g: as the level's tensor
 * [slices, h, w, C] in groups of four channels). Where `below` (the levels are tex's pyramid), texel (x, y) also adds
 * ω · the level below's grid at (x ≫ 1, y ≫ 1), ω the weight of the box step below this level (uWeight): S_ℓ =
 * dlevel_ℓ + ω_ℓ · S_ℓ₊₁, the sum docs/texture.md#mip-pyramid runs from the last level up.
 */
function levelCells(groups: number, below: boolean): string {
  return `
uniform sampler2D uBlocks;
uniform ivec2 uSize;  // the level's (w, h)
uniform int uLevelRow;
uniform int uGroupRows;
uniform int uCopyRows;
uniform sampler2D uBelow;
uniform float uWeight;
uniform int uBelowHeight;  // h of the level below
const int GROUPS = ${groups};
// Cell (x, y) of the region whose cell (0, 0) is in row row0 of copy 0: the sum of its copies in copy order
// (BlockLayout; straight-line: SwiftShader runs loop-indexed vectors lane by lane).
vec4 cell(int x, int y, int row0) {
  ivec2 c = ivec2(x + 1, row0 + y);
  vec4 v = texelFetch(uBlocks, c, 0);
${Array.from({length: BLOCK_COPIES - 1}, (_, i) => `  v += texelFetch(uBlocks, c + ivec2(0, ${i + 1} * uCopyRows), 0);`).join('\n')}
  return v;
}
// Row of cell (0, 0) of slice 0's region of group g.
int regionsRow(int g) { return uLevelRow + g * uGroupRows + 1; }
// A texel's gradient v, plus the level below's share where there is one.
vec4 withBelow(vec4 v, int x, int y, int slice, int g) {
  ${below ? 'return v + uWeight * texelFetch(uBelow, ivec2((x >> 1) * GROUPS + g, slice * uBelowHeight + (y >> 1)), 0);' : 'return v;'}
}
`;
}

const levelKey = (groups: number, below: boolean) => `${groups}${below ? '-below' : ''}`;

/**
 * The block target into a level's grid (levelCells): each texel's own cell, plus the level below's share;
 * textureLevelBorderProgram then rewrites the texels on a region's edge.
 */
export function textureLevelProgram(ctx: DiffrastGL, groups: number, below: boolean): GlProgram {
  return elementProgram(
    ctx,
    `texture-level-${levelKey(groups, below)}`,
    () => `${HEADER}${FETCH}${levelCells(groups, below)}
out vec4 outValue;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  ivec2 gx = ${groups === 1 ? 'ivec2(0, p.x)' : 'cellOf(p.x, GROUPS)'};  // (group, x)
  ivec2 ys = cellOf(p.y, uSize.y);  // (y, slice)
  outValue = withBelow(cell(gx.y, ys.x, regionsRow(gx.x) + ys.y * (uSize.y + 2)), gx.y, ys.x, ys.y, gx.x);
}
`,
  );
}

/**
 * For cube maps' border sums: per face f and edge e (i = −1, i = S, j = −1, j = S; as the cube
 * tables), (neighbour face, its edge whose border cells land on f's edge e, 1 where the index
 * along the edge runs reversed), found from cubeNeighbourTexel itself.
 */
function cubeEdgeSources(): string {
  const size = 8;
  const entries = CUBE_FACES.flatMap((_, f) =>
    [0, 1, 2, 3].map(e => {
      const texel = (k: number) => (e === 0 ? [0, k] : e === 1 ? [size - 1, k] : e === 2 ? [k, 0] : [k, size - 1]);
      for (let n = 0; n < 6; n++) {
        for (let e2 = 0; e2 < 4; e2++) {
          for (const rev of [0, 1]) {
            const lands = (k: number) => {
              const k2 = rev ? size - 1 - k : k;
              const [x, y] = e2 === 0 ? [-1, k2] : e2 === 1 ? [size, k2] : e2 === 2 ? [k2, -1] : [k2, size];
              const [face, i, j] = cubeNeighbourTexel(n, x, y, size);
              return face === f && i === texel(k)[0] && j === texel(k)[1];
            };
            if (Array.from({length: size}, (_, k) => k).every(lands)) return `ivec3(${n}, ${e2}, ${rev})`;
          }
        }
      }
      throw new Error(`cube map: no neighbour edge lands on edge ${e} of face ${f}`);
    }),
  );
  return `const ivec3 EDGE_SOURCES[24] = ivec3[24](${entries.join(', ')});`;
}

/**
 * The texels on the edge of a level's regions, rewritten after textureLevelProgram: one point per edge texel (corners
 * twice, writing the same value) and group, whose fragment sums the texel's cell and the border (and cube-corner)
 * cells its boundary mode maps onto it (see blockLayout), then adds the level below's share. Those sums join the
 * texel's sum here rather than in blend order: the last bits may differ from a tap-by-tap scatter
 * (docs/backends.md#summation-order).
 */
export function textureLevelBorderProgram(ctx: DiffrastGL, cube: boolean, groups: number, below: boolean): GlProgram {
  return ctx.program(
    `texture-level-border${cube ? '-cube' : ''}-${levelKey(groups, below)}`,
    () => `${HEADER}${FETCH}
uniform ivec2 uSize;
uniform ivec2 uOutSize;  // (columns, rows) of the level's grid
flat out ivec4 vTexel;   // (i, j, slice, group)
void main() {
  gl_PointSize = 1.0;
  ivec2 gp = cellOf(gl_VertexID, ${groups});  // (group, point)
  int perSlice = 2 * (uSize.x + uSize.y);
  ivec2 es = cellOf(gp.y, perSlice);  // (index on the slice's edge, slice)
  int e = es.x, w = uSize.x, h = uSize.y;
  ivec2 ij = e < w ? ivec2(e, 0) : e < 2 * w ? ivec2(e - w, h - 1) : e < 2 * w + h ? ivec2(0, e - 2 * w) : ivec2(w - 1, e - 2 * w - h);
  vTexel = ivec4(ij, es.y, gp.x);
  vec2 p = vec2(ij.x * ${groups} + gp.x, es.y * h + ij.y);
  gl_Position = vec4(2.0 * (p + 0.5) / vec2(uOutSize) - 1.0, 0.0, 1.0);
}
`,
    () => `${HEADER}${levelCells(groups, below)}
const bool CUBE = ${cube};
const int BOUNDARY_WRAP = ${BOUNDARY_MODES.indexOf('wrap')};
${cubeEdgeSources()}
uniform int uBoundary;  // wrap or clamp (zero adds no border cells)
flat in ivec4 vTexel;
out vec4 outValue;
// The cells (−1 .. n) that add to index i of n: i itself, and border cells mapped onto it.
ivec3 cellsOf(int i, int n) {
  ivec3 c = ivec3(i, -2, -2);  // −2: none
  bool wrap = uBoundary == BOUNDARY_WRAP;
  if (i == 0) c.y = wrap ? n : -1;
  if (i == n - 1) c.z = wrap ? -1 : n;
  return c;
}
vec4 addRow(vec4 sum, int y, ivec3 xs, int row0) {
  sum += cell(xs.x, y, row0);
  if (xs.y != -2) sum += cell(xs.y, y, row0);
  if (xs.z != -2) sum += cell(xs.z, y, row0);
  return sum;
}
vec4 planeSum(int i, int j, int row0) {
  ivec3 xs = cellsOf(i, uSize.x), ys = cellsOf(j, uSize.y);
  vec4 sum = addRow(vec4(0.0), ys.x, xs, row0);
  if (ys.y != -2) sum = addRow(sum, ys.y, xs, row0);
  if (ys.z != -2) sum = addRow(sum, ys.z, xs, row0);
  return sum;
}
// Cube maps: the cell of face f's neighbour across edge e that lands on index q along that edge
// (q = −1 or S: the neighbour's region corner past it), as (face, x, y).
ivec3 edgeSource(int f, int e, int q) {
  int S = uSize.x;
  ivec3 src = EDGE_SOURCES[4 * f + e];
  int q2 = src.z == 1 ? S - 1 - q : q;
  ivec2 c = src.y == 0 ? ivec2(-1, q2) : src.y == 1 ? ivec2(S, q2) : src.y == 2 ? ivec2(q2, -1) : ivec2(q2, S);
  return ivec3(src.x, c);
}
// Face n's cell (x, y), the faces' regions from row0 on.
vec4 faceCell(ivec3 nxy, int row0) { return cell(nxy.y, nxy.z, row0 + nxy.x * (uSize.x + 2)); }
// A corner tap's weight went a third to each other tap: the three cells at a cube corner a third
// each to its three texels.
vec4 cubeSum(int f, int i, int j, int row0) {
  int S = uSize.x;
  vec4 sum = faceCell(ivec3(f, i, j), row0);
  for (int e = 0; e < 4; e++) {
    bool on = e == 0 ? i == 0 : e == 1 ? i == S - 1 : e == 2 ? j == 0 : j == S - 1;
    if (on) sum += faceCell(edgeSource(f, e, e <= 1 ? j : i), row0);
  }
  for (int cy = 0; cy < 2; cy++) {
    for (int cx = 0; cx < 2; cx++) {
      if (i != cx * (S - 1) || j != cy * (S - 1)) continue;
      int x = cx == 1 ? S : -1, y = cy == 1 ? S : -1;
      vec4 corners = faceCell(ivec3(f, x, y), row0) + faceCell(edgeSource(f, cx, y), row0) +
                     faceCell(edgeSource(f, 2 + cy, x), row0);
      sum += corners / 3.0;
    }
  }
  return sum;
}
void main() {
  int i = vTexel.x, j = vTexel.y, slice = vTexel.z, g = vTexel.w;
  vec4 v;
  if (CUBE) {
    int face = slice % 6;
    v = cubeSum(face, i, j, regionsRow(g) + (slice - face) * (uSize.y + 2));
  } else {
    v = planeSum(i, j, regionsRow(g) + slice * (uSize.y + 2));
  }
  outValue = withBelow(v, i, j, slice, g);
}
`,
  );
}

/**
 * The per-pixel gradients a lookup writes, each into a grid of one texel per pixel (pixelGradGridList): duv always,
 * dbias where mipLevelBias's gradient is asked for (`bias`), duvDa where uvDa's is (`uvDa`). 2-D, a grid holds exactly
 * its output's components per pixel (duv RG32F, dbias R32F, duvDa RGBA32F), copied into the tensor by memory copies;
 * cube maps' duv (three) is an RGBA32F texel, and their duvDa (six) two, picked by texturePixelGradCubeUvDaProgram.
 */
export interface PixelGradGrids {
  cube: boolean;
  uvDa: boolean;
  bias: boolean;
}

/** The grids of `g` in their output order: name (also of the fragment output, `out<Name>`) and channels. */
export function pixelGradGridList(g: PixelGradGrids): Array<{name: string; components: TexelComponents}> {
  return [
    {name: 'Uv', components: g.cube ? 4 : 2},
    ...(g.bias ? [{name: 'Bias', components: 1 as const}] : []),
    ...(g.uvDa ? [{name: 'UvDa', components: 4 as const}] : []),
    ...(g.uvDa && g.cube ? [{name: 'UvDa2', components: 4 as const}] : []),
  ];
}

const pixelGradsKey = (g: PixelGradGrids) => `${g.cube ? 'c' : ''}${g.uvDa ? 'a' : ''}${g.bias ? 'b' : ''}`;

/** The fragment outputs of pixelGradGridList(g), from output location `first` on. */
export function pixelGradOutputDecls(first: number, g: PixelGradGrids): string {
  const types = ['float', 'vec2', 'vec3', 'vec4'];
  return pixelGradGridList(g)
    .map(({name, components}, k) => `layout(location = ${first + k}) out ${types[components - 1]} out${name};`)
    .join('\n');
}

/**
 * Every per-pixel gradient of a pixel at once (one lookup, not one per component), into the grids `g` asks for, from
 * output location `first` on. Also written by the block scatter's first stage where that many outputs are allowed.
 */
function pixelGradOutputs(first: number, g: PixelGradGrids): string {
  return `
${pixelGradOutputDecls(first, g)}
void writePixelGradients(Lookup L, Taps b0, Taps b1, int pixel) {
  vec3 duv;
  vec4 duvDa;
  vec2 duvDa2;
  float dbias;
  pixelGradients(L, b0, b1, pixel, duv, duvDa, duvDa2, dbias);
  outUv = ${g.cube ? 'vec4(duv, 0.0)' : 'duv.xy'};
  ${g.bias ? 'outBias = dbias;' : ''}
  ${g.uvDa ? 'outUvDa = duvDa;' : ''}
  ${g.uvDa && g.cube ? 'outUvDa2 = vec4(duvDa2, 0.0, 0.0);' : ''}
}
`;
}

export function texturePixelGradProgram(ctx: DiffrastGL, layout: TextureLayout, g: PixelGradGrids): GlProgram {
  return elementProgram(
    ctx,
    `texture-dpixel-${layoutKey(layout)}-${pixelGradsKey(g)}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${pixelGradOutputs(0, g)}
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

/** A cube map's duvDa [N, H, W, 6]: the first four of a pixel's from the grid UvDa, the last two from UvDa2. */
export function texturePixelGradCubeUvDaProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-dpixel-cube-uvda',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uUvDa;
uniform sampler2D uUvDa2;
out float outValue;
void main() {
  ivec2 pk = outputCell(6);
  int pixel = pk.x, k = pk.y;
  outValue = k < 4 ? fetchTexel(uUvDa, pixel)[k] : fetchTexel(uUvDa2, pixel)[k - 4];
}
`,
  );
}
