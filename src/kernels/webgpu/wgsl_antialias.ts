/**
 * Antialias work items (docs/antialias.md#work-items) in WGSL, shared by the forward and backward programs. Needs
 * uniforms U (width, height, numVertices, numTriangles, rangeMode) and \`rast\`, \`pos\`, \`tri\`,
 * \`topo\`.
 */

import {DB_EPSILON, REACH} from '../shared/antialias';
import {shaderFloat} from '../shared/raster';

/** The Item struct and the gradient of its crossing. */
export const ITEM_WGSL = `
const DB_EPSILON = ${shaderFloat(DB_EPSILON)};  // keeps the crossing's denominator away from zero
// One blended pixel pair: out[dest] += alpha·(color[p1] − color[p0]).
struct Item {
  p0: i32,
  p1: i32,
  dest: i32,
  alpha: f32,
  clamped: bool,    // the crossing was clamped to the pair: no position gradient
  v1: i32,          // the edge's endpoints (indices into pos, offset for the image)
  v2: i32,
  e1: vec2f,        // endpoints in owner-relative pixel coordinates (along, across the pair axis)
  e2: vec2f,
  crossing: f32,
  vertical: bool,
};

// dL/d(e1.along, e1.across, e2.along, e2.across) of an item given dL/dalpha.
fn crossingGrad(it: Item, dAlpha: f32) -> vec4f {
  let dX = -dAlpha;  // alpha = ds·(½ − ds·X) = ds/2 − X
  let db = it.e2.y - it.e1.y + sign(it.e2.y - it.e1.y) * DB_EPSILON;
  return vec4f(dX * it.e2.y, dX * (it.crossing - it.e2.x), -dX * it.e1.y, dX * (it.e1.x - it.crossing)) / db;
}
`;

/**
 * Which pixel of a pair owns it (docs/antialias.md#work-items): the covered one, or of two covered the nearer
 * (z/w; P0 on ties). Used by the candidates' list and by evaluateItem.
 */
export const PAIR_OWNER_WGSL = `
fn pairOwnerIsP0(id0: i32, zw0: f32, id1: i32, zw1: f32) -> bool { return id1 == 0 || (id0 != 0 && !(zw1 < zw0)); }
`;

/** Evaluating an item (needs ITEM_WGSL and CORNERS_WGSL). */
export const ANTIALIAS_WGSL = `${PAIR_OWNER_WGSL}
const REACH = ${shaderFloat(REACH)};  // crossings this far outside the pair still count, clamped
// Which side of the line e1 → e2 the point p lies on (sign).
fn side(e1: vec2f, e2: vec2f, p: vec2f) -> f32 {
  return (e2.x - e1.x) * (p.y - e1.y) - (e2.y - e1.y) * (p.x - e1.x);
}

// A vertex in pixel units relative to the owner pixel's center (swapped for a vertical pair) into *c;
// false if w <= 0. (Taken relative in clip space: subtracting pixel coordinates in the hundreds would cost
// float32 digits.)
fn pixelCoords(v: i32, origin: Center, vertical: bool, c: ptr<function, vec2f>) -> bool {
  let p = pos[v];
  if (!(p.w > 0.0)) { return false; }
  let px = relativeTo(p, origin) / p.w * vec2f(f32(U.width), f32(U.height)) / 2.0;
  *c = select(px, px.yx, vertical);
  return true;
}

// The item of pixel (x0, y0) of image n and its right (vertical: upper) neighbour into *item, if any.
fn evaluateItem(n: i32, x0: i32, y0: i32, vertical: bool, item: ptr<function, Item>) -> bool {
  var it = Item(0, 0, 0, 0.0, true, 0, 0, vec2f(0.0), vec2f(0.0), 0.0, vertical);
  if (x0 < 0 || y0 < 0 || select(x0 + 1 >= U.width, y0 + 1 >= U.height, vertical)) { return false; }
  it.p0 = (n * U.height + y0) * U.width + x0;
  it.p1 = select(it.p0 + 1, it.p0 + U.width, vertical);
  let r0 = rast[it.p0];
  let r1 = rast[it.p1];
  let id0 = decodeId(r0.w);
  let id1 = decodeId(r1.w);
  if (id0 == id1) { return false; }
  let ownerIsP0 = pairOwnerIsP0(id0, r0.z, id1, r1.z);
  let t = select(id1, id0, ownerIsP0) - 1;
  if (t >= U.numTriangles) { return false; }
  let k = triangleIndices(t, U.numVertices);
  if (k.x < 0) { return false; }
  let ds = select(-1.0, 1.0, ownerIsP0);
  let owner = vec2<i32>(x0, y0) + select(select(vec2<i32>(1, 0), vec2<i32>(0, 1), vertical), vec2<i32>(0), ownerIsP0);
  let origin = pixelCenter(owner, vec2<i32>(U.width, U.height));
  let base = select(n * U.numVertices, 0, U.rangeMode != 0);
  var c: array<vec2f, 3>;
  for (var q = 0; q < 3; q++) {
    var cq: vec2f;  // (a pointer argument must name a whole variable)
    if (!pixelCoords(base + k[q], origin, vertical, &cq)) { return false; }
    c[q] = cq;
  }
  var best = -1e30;
  var e = -1;
  for (var j = 0; j < 3; j++) {
    let c1 = c[(j + 1) % 3];
    let c2 = c[(j + 2) % 3];
    if ((c1.y >= 0.0) == (c2.y >= 0.0)) { continue; }
    let crossing = (c1.x * c2.y - c2.x * c1.y) / (c2.y - c1.y);
    if (ds * crossing > best) {
      best = ds * crossing;
      e = j;
    }
  }
  if (e < 0 || !(best > -REACH && best < 1.0 + REACH)) { return false; }
  let c1 = c[(e + 1) % 3];
  let c2 = c[(e + 2) % 3];
  if (abs(c2.y - c1.y) < abs(c2.x - c1.x)) { return false; }  // shallower than 45°
  // A silhouette: no neighbour across the edge, or its far vertex on the owner's side (the surface folds away).
  let o = topo[3 * t + e];
  var oc: vec2f;
  if (o >= 0 && o < U.numVertices && pixelCoords(base + o, origin, vertical, &oc) &&
      !(side(c1, c2, c[e]) * side(c1, c2, oc) > 0.0)) { return false; }
  let alpha = ds * (0.5 - clamp(best, 0.0, 1.0));
  it.dest = select(it.p1, it.p0, alpha > 0.0);
  it.alpha = alpha;
  it.clamped = best <= 0.0 || best >= 1.0;
  it.v1 = base + k[(e + 1) % 3];
  it.v2 = base + k[(e + 2) % 3];
  it.e1 = c1;
  it.e2 = c2;
  it.crossing = ds * best;
  *item = it;
  return true;
}

`;
