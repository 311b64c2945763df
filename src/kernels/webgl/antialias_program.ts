/**
 * antialias (docs/antialias.md) on the GPU. A work item is a pixel and its right or upper neighbour; a
 * pixel takes part in four (as P0 with its right and upper neighbours, as P1 with its left and
 * lower ones). The passes draw a point per silhouette candidate (antialias_silhouette.ts) that
 * evaluates its item and adds to its dest pixels; without float blending, the forward blend is a
 * gather over each pixel's four items instead. Mirrors src/kernels/cpu/antialias_math.ts.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC} from './glsl_raster';
import {elementProgram} from './passes';
import {TEXEL_INDEX} from './scatter';
import {lineScatterProgram} from './line_scatter';
import {COMPACTED_ITEM, itemCountProgram} from './compact';
import {CANDIDATE_ITEM, PAIR_OWNER} from './antialias_silhouette';
import {DB_EPSILON, REACH} from '../shared/antialias';
import {shaderFloat} from '../shared/raster';

/**
 * An item (docs/antialias.md#work-items) and what every pass that has one needs: its gradient on its
 * edge's endpoints (crossingGrad), and color (uColor, a [pixels, uChannels] tensor). Needs FETCH.
 */
export const ITEM = `
// One blended pixel pair: out[dest] += alpha·(color[p1] − color[p0]).
struct Item {
  int p0;
  int p1;
  int dest;
  float alpha;
  bool clamped;   // the crossing was clamped to the pair: no position gradient
  int v1;         // rows of pos of the edge's endpoints
  int v2;
  vec2 e1;        // endpoints in owner-relative pixel coordinates (along, across the pair axis)
  vec2 e2;
  float crossing;
  bool vertical;
};

const float DB_EPSILON = ${shaderFloat(DB_EPSILON)};  // keeps the crossing's denominator away from zero
// dL/d(e1.along, e1.across, e2.along, e2.across) of an item given dL/dα.
vec4 crossingGrad(Item it, float dAlpha) {
  float dX = -dAlpha;  // α = ds·(½ − ds·X) = ds/2 − X
  float db = it.e2.y - it.e1.y + sign(it.e2.y - it.e1.y) * DB_EPSILON;
  return vec4(dX * it.e2.y, dX * (it.crossing - it.e2.x), -dX * it.e1.y, dX * (it.e1.x - it.crossing)) / db;
}

uniform sampler2D uColor;
uniform int uChannels;
float color(int p, int c) { return fetch(uColor, p * uChannels + c); }
vec4 colors(int p, int c0) { return fetchGroup(uColor, p, uChannels, c0); }
`;

/**
 * Work items. Uniforms: uImageSize (W, H), uVertexStride (V instanced, 0 range), uChannels,
 * uNumVertices, uNumTriangles, and the pre-pass's (withSilhouettes): uPosTexels (pos, a texel per
 * row), uFlags (per image and triangle: flag, corners), uFlagStride (T instanced, 0 range).
 */
export const ANTIALIAS_ITEMS = `${FETCH}${TRIANGLE_ID}${BARYCENTRIC}${PAIR_OWNER}${ITEM}
uniform sampler2D uRast;
uniform sampler2D uTopo;  // [T,3]: the vertex across edge e of triangle t, or −1
uniform sampler2D uPosTexels;
uniform sampler2D uFlags;
uniform ivec2 uImageSize;
uniform int uVertexStride;
uniform int uFlagStride;
uniform int uNumVertices;
uniform int uNumTriangles;

const float REACH = ${shaderFloat(REACH)};  // crossings this far outside the pair still count, clamped

vec4 vertexPos(int row) { return fetchTexel(uPosTexels, row); }

// Which side of the line e1 → e2 the point p lies on (sign).
float side(vec2 e1, vec2 e2, vec2 p) { return (e2.x - e1.x) * (p.y - e1.y) - (e2.y - e1.y) * (p.x - e1.x); }

// A vertex in pixel units relative to the owner pixel's center (swapped for a vertical pair);
// false if w ≤ 0. (Taken relative in clip space: subtracting pixel coordinates in the hundreds
// would cost float32 digits.)
bool pixelCoords(int row, Center origin, bool vertical, out vec2 c) {
  vec4 p = vertexPos(row);
  vec2 px = relativeTo(p, origin) / p.w * vec2(uImageSize) / 2.0;
  c = vertical ? px.yx : px;
  return p.w > 0.0;
}

// Edge j (c1 → c2) of the owner: whether it crosses the pair axis, further along (ds·crossing) than best.
void crossEdge(int j, vec2 c1, vec2 c2, float ds, inout float best, inout int e) {
  if ((c1.y >= 0.0) == (c2.y >= 0.0)) return;
  float crossing = (c1.x * c2.y - c2.x * c1.y) / (c2.y - c1.y);
  if (ds * crossing > best) {
    best = ds * crossing;
    e = j;
  }
}

// The item of pixel (x0, y0) of image n and its right (vertical: upper) neighbour, if any.
bool evaluateItem(int n, int x0, int y0, bool vertical, out Item it) {
  it = Item(0, 0, 0, 0.0, true, 0, 0, vec2(0.0), vec2(0.0), 0.0, vertical);
  if (x0 < 0 || y0 < 0 || (vertical ? y0 + 1 >= uImageSize.y : x0 + 1 >= uImageSize.x)) return false;
  it.p0 = (n * uImageSize.y + y0) * uImageSize.x + x0;
  it.p1 = vertical ? it.p0 + uImageSize.x : it.p0 + 1;
  vec2 r0 = fetch2(uRast, 2 * it.p0 + 1), r1 = fetch2(uRast, 2 * it.p1 + 1);  // (z/w, id)
  int id0 = decodeId(r0.y), id1 = decodeId(r1.y);
  if (id0 == id1) return false;
  bool ownerIsP0 = pairOwnerIsP0(id0, r0.x, id1, r1.x);
  int id = ownerIsP0 ? id0 : id1;
  if (id > uNumTriangles) return false;
  // (flag, corners): an unflagged owner (or an invalid triangle) surely has no silhouette edge.
  vec4 owner = fetchTexel(uFlags, n * uFlagStride + id - 1);
  if (owner.x == 0.0) return false;
  ivec3 k = ivec3(owner.yzw);
  float ds = ownerIsP0 ? 1.0 : -1.0;
  Center origin = pixelCenter(ivec2(x0, y0) + (ownerIsP0 ? ivec2(0) : vertical ? ivec2(0, 1) : ivec2(1, 0)), uImageSize);
  int base = n * uVertexStride;
  vec2 ca, cb, cc;  // vertices k.x, k.y, k.z (straight-line: SwiftShader runs loop-indexed arrays lane by lane)
  if (!pixelCoords(base + k.x, origin, vertical, ca) || !pixelCoords(base + k.y, origin, vertical, cb) ||
      !pixelCoords(base + k.z, origin, vertical, cc)) return false;
  float best = -1e30;
  int e = -1;
  crossEdge(0, cb, cc, ds, best, e);
  crossEdge(1, cc, ca, ds, best, e);
  crossEdge(2, ca, cb, ds, best, e);
  if (e < 0 || !(best > -REACH && best < 1.0 + REACH)) return false;
  // Edge e runs from vertex e + 1 to vertex e + 2 (mod 3), across from vertex e.
  vec2 c1 = e == 0 ? cb : e == 1 ? cc : ca, c2 = e == 0 ? cc : e == 1 ? ca : cb, ce = e == 0 ? ca : e == 1 ? cb : cc;
  if (abs(c2.y - c1.y) < abs(c2.x - c1.x)) return false;  // shallower than 45°
  // A silhouette: no neighbour across the edge, or its far vertex on the owner's side (the surface folds away).
  int o = int(fetch(uTopo, 3 * (id - 1) + e));
  vec2 oc;
  if (o >= 0 && o < uNumVertices && pixelCoords(base + o, origin, vertical, oc) &&
      !(side(c1, c2, ce) * side(c1, c2, oc) > 0.0)) return false;
  float alpha = ds * (0.5 - clamp(best, 0.0, 1.0));
  it.dest = alpha > 0.0 ? it.p0 : it.p1;
  it.alpha = alpha;
  it.clamped = best <= 0.0 || best >= 1.0;
  it.v1 = base + (e == 0 ? k.y : e == 1 ? k.z : k.x);
  it.v2 = base + (e == 0 ? k.z : e == 1 ? k.x : k.y);
  it.e1 = c1;
  it.e2 = c2;
  it.crossing = ds * best;
  return true;
}

// Item m (0: right, 1: up, 2: left, 3: down) of the pixel with flat index p.
bool pixelItem(int p, int m, out Item it) {
  ivec3 xyn = imagePixel(p, uImageSize);
  return evaluateItem(xyn.z, m == 2 ? xyn.x - 1 : xyn.x, m == 3 ? xyn.y - 1 : xyn.y, m == 1 || m == 3, it);
}
`;

/** The forward blend as a gather (without float blending): one fragment per pixel and group of four channels. */
export function antialiasProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias',
    () => `${HEADER}${ANTIALIAS_ITEMS}${OUTPUT_INDEX}
out vec4 outValue;
void main() {
  ivec2 pg = outputCell((uChannels + 3) / 4);
  int p = pg.x, c0 = 4 * pg.y;
  vec4 value = colors(p, c0);
  for (int m = 0; m < 4; m++) {
    Item it;
    if (pixelItem(p, m, it) && it.dest == p) value += it.alpha * (colors(it.p1, c0) - colors(it.p0, c0));
  }
  outValue = value;
}
`,
  );
}

/**
 * Each silhouette candidate's item (antialias_silhouette.ts), evaluated once: one fragment per candidate
 * writes the item's three texels of the live list (LIVE_ITEM), or zeros when it has none.
 */
export function antialiasItemsProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-items',
    () => `${HEADER}${ANTIALIAS_ITEMS}${TEXEL_INDEX}${COMPACTED_ITEM}${CANDIDATE_ITEM}${OUTPUT_INDEX}
layout(location = 0) out vec4 outPair;
layout(location = 1) out vec4 outEdge;
layout(location = 2) out vec4 outCrossing;
void main() {
  int k = outputIndex() - uOutStart;
  outPair = outEdge = outCrossing = vec4(0.0);
  int n, x, y;
  bool vertical;
  candidateItem(k, n, x, y, vertical);
  Item it;
  if (!evaluateItem(n, x, y, vertical, it)) return;
  outPair = vec4(encodeTexel(it.p0), it.alpha, vertical ? 1.0 : 0.0, it.clamped ? 1.0 : 0.0);
  outEdge = vec4(it.e1, it.e2);
  outCrossing = vec4(it.crossing, encodeTexel(it.v1), encodeTexel(it.v2), 0.0);
}
`,
  );
}

/** The pyramid's level 1 over the candidates' items: 1 per item, 0 per candidate without one. */
export function antialiasLiveProgram(ctx: DiffrastGL): GlProgram {
  return itemCountProgram(
    ctx,
    'antialias-live',
    () => `
uniform sampler2D uPairs;
float itemPoints(int k) { return fetchTexel(uPairs, k).x != 0.0 ? 1.0 : 0.0; }
`,
  );
}

/**
 * The live list: live item i's three texels (antialiasItemsProgram's, at candidate compactedItem(i) of the
 * live pyramid) into texel i of three grids, which the kernel copies into a [3, live, 4] tensor. With `blend`
 * (at most four channels), a fourth grid gets the item's blend, α·(color(P1) − color(P0)) (BLEND_GRIDS).
 */
export function antialiasListProgram(ctx: DiffrastGL, blend: boolean): GlProgram {
  return elementProgram(
    ctx,
    blend ? 'antialias-list-blend' : 'antialias-list',
    () => `${HEADER}${FETCH}${COMPACTED_ITEM}${OUTPUT_INDEX}${blend ? `${TEXEL_INDEX}${ITEM}\nuniform ivec2 uImageSize;` : ''}
uniform sampler2D uPairs;
uniform sampler2D uEdges;
uniform sampler2D uCrossings;
layout(location = 0) out vec4 outPair;
layout(location = 1) out vec4 outEdge;
layout(location = 2) out vec4 outCrossing;
${blend ? 'layout(location = 3) out vec4 outBlend;' : ''}
void main() {
  int rank;
  int k = compactedItem(outputIndex() - uOutStart, rank);
  outPair = fetchTexel(uPairs, k);
  outEdge = fetchTexel(uEdges, k);
  outCrossing = fetchTexel(uCrossings, k);${
    blend
      ? `
  int p0 = decodeTexel(outPair.x), p1 = outPair.z != 0.0 ? p0 + uImageSize.x : p0 + 1;
  outBlend = outPair.y * (colors(p1, 0) - colors(p0, 0));`
      : ''
  }
}
`,
  );
}

/**
 * GLSL: the live list's pairs and blends as the forward's list pass left them in its grids (antialiasListProgram
 * with blend): live item i's destination pixel and its blend. Needs FETCH, TEXEL_INDEX, uImageSize.
 */
export const BLEND_GRIDS = `
uniform sampler2D uListPairs;
uniform sampler2D uListBlends;
int blendDest(int i) {
  vec4 t = fetchTexel(uListPairs, i);  // (P0 encoded, α, vertical, clamped)
  int p0 = decodeTexel(t.x);
  return t.y > 0.0 ? p0 : t.z != 0.0 ? p0 + uImageSize.x : p0 + 1;
}
vec4 blendOf(int i) { return fetchTexel(uListBlends, i); }
`;

/**
 * GLSL: live item i of the live list uList, a [3, uLive, 4] tensor (antialias's hidden output): its pixel
 * pair and α (livePair), and with its edge (liveItem). Needs FETCH, TEXEL_INDEX, ITEM, uImageSize.
 */
export const LIVE_ITEM = `
uniform sampler2D uList;
uniform int uLive;
Item livePair(int i) {
  vec4 t = fetch4(uList, i);  // (P0 encoded, α, vertical, clamped)
  Item it = Item(0, 0, 0, 0.0, true, 0, 0, vec2(0.0), vec2(0.0), 0.0, false);
  it.p0 = decodeTexel(t.x);
  it.vertical = t.z != 0.0;
  it.p1 = it.vertical ? it.p0 + uImageSize.x : it.p0 + 1;
  it.alpha = t.y;
  it.dest = t.y > 0.0 ? it.p0 : it.p1;
  it.clamped = t.w != 0.0;
  return it;
}
Item liveItem(int i) {
  Item it = livePair(i);
  vec4 edge = fetch4(uList, uLive + i), crossing = fetch4(uList, 2 * uLive + i);
  it.e1 = edge.xy;
  it.e2 = edge.zw;
  it.crossing = crossing.x;
  it.v1 = decodeTexel(crossing.y);
  it.v2 = decodeTexel(crossing.z);
  return it;
}
`;

/**
 * The forward blend into the output holding color (Antialias.ts's scatterOntoImage): a line per live item and run
 * of uRunWidth channels (line_scatter.ts) adds α·(color(P1) − color(P0)) to its pixel dest.
 */
export function antialiasBlendProgram(ctx: DiffrastGL): GlProgram {
  return lineScatterProgram(
    ctx,
    'antialias-blend',
    () => `${FETCH}${TEXEL_INDEX}${ITEM}
uniform ivec2 uImageSize;
uniform int uRunWidth;
${LIVE_ITEM}
bool contribution(int line, out int texel, out int count, out vec4 values) {
  ivec2 ri = cellOf(line, (uChannels + uRunWidth - 1) / uRunWidth);  // (run, live item)
  Item it = livePair(ri.y);
  int c0 = uRunWidth * ri.x;
  count = min(uRunWidth, uChannels - c0);
  texel = it.dest * uChannels + c0;
  values = it.alpha * (colors(it.p1, c0) - colors(it.p0, c0));
  return true;
}
`,
  );
}

/**
 * The forward blend where the list pass left each live item's blend in a grid (at most four channels,
 * BLEND_GRIDS): as antialiasBlendProgram's lines, each vertex fetching two texels instead of the item and both
 * pixels' colors.
 */
export function antialiasBlendGridProgram(ctx: DiffrastGL): GlProgram {
  return lineScatterProgram(
    ctx,
    'antialias-blend-grid',
    () => `${FETCH}${TEXEL_INDEX}
uniform ivec2 uImageSize;
uniform int uChannels;
uniform int uRunWidth;
${BLEND_GRIDS}
bool contribution(int line, out int texel, out int count, out vec4 values) {
  ivec2 ri = cellOf(line, (uChannels + uRunWidth - 1) / uRunWidth);  // (run, live item)
  int c0 = uRunWidth * ri.x;
  vec4 b = blendOf(ri.y);
  count = min(uRunWidth, uChannels - c0);
  texel = blendDest(ri.y) * uChannels + c0;
  values = c0 == 0 ? b : c0 == 1 ? b.yzww : c0 == 2 ? b.zwww : b.wwww;
  return true;
}
`,
  );
}
