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
  ok: bool,
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

/** Evaluating an item (needs ITEM_WGSL and CORNERS_WGSL). */
export const ANTIALIAS_WGSL = `
const REACH = ${shaderFloat(REACH)};  // crossings this far outside the pair still count, clamped
// A vertex in pixel units relative to the owner pixel's center (swapped, along then across, for a vertical
// pair), or a non-positive w in .z. (Taken relative in clip space: subtracting pixel coordinates in the
// hundreds would cost float32 digits.)
fn pixelCoords(v: i32, origin: Center, vertical: bool) -> vec3f {
  let p = pos[v];
  if (!(p.w > 0.0)) { return vec3f(0.0, 0.0, -1.0); }
  let px = relativeTo(p, origin) / p.w * vec2f(f32(U.width), f32(U.height)) / 2.0;
  return vec3f(select(px, px.yx, vertical), 1.0);
}

// Side of point p relative to the line through e1, e2.
fn side(e1: vec2f, e2: vec2f, p: vec2f) -> f32 {
  return (e2.x - e1.x) * (p.y - e1.y) - (e2.y - e1.y) * (p.x - e1.x);
}

// The item of pixel (x0, y0) of image n and its right (or, vertical, its up) neighbour. Owners
// with a vertex at w <= 0 are skipped, as in the cpu reference.
fn evaluateItem(n: i32, x0: i32, y0: i32, vertical: bool) -> Item {
  var it: Item;
  it.ok = false;
  it.vertical = vertical;
  if (x0 < 0 || y0 < 0 || select(x0 + 1 >= U.width, y0 + 1 >= U.height, vertical)) { return it; }
  it.p0 = (n * U.height + y0) * U.width + x0;
  it.p1 = select(it.p0 + 1, it.p0 + U.width, vertical);
  let r0 = rast[it.p0];
  let r1 = rast[it.p1];
  let id0 = decodeId(r0.w);
  let id1 = decodeId(r1.w);
  if (id0 == id1) { return it; }
  let ownerIsP0 = id1 == 0 || (id0 != 0 && !(r1.z < r0.z));
  let t = select(id1, id0, ownerIsP0) - 1;
  if (t >= U.numTriangles) { return it; }
  let k = triangleIndices(t, U.numVertices);
  if (k.x < 0) { return it; }
  let ds = select(-1.0, 1.0, ownerIsP0);
  let owner = vec2<i32>(x0, y0) + select(select(vec2<i32>(1, 0), vec2<i32>(0, 1), vertical), vec2<i32>(0), ownerIsP0);
  let origin = pixelCenter(owner, vec2<i32>(U.width, U.height));
  let base = select(n * U.numVertices, 0, U.rangeMode != 0);
  var c: array<vec2f, 3>;
  for (var i = 0; i < 3; i++) {
    let r = pixelCoords(base + k[i], origin, vertical);
    if (r.z < 0.0) { return it; }
    c[i] = r.xy;
  }
  var best = -1e30;
  var e = -1;
  for (var i = 0; i < 3; i++) {
    let a = c[(i + 1) % 3];
    let b = c[(i + 2) % 3];
    if ((a.y >= 0.0) == (b.y >= 0.0)) { continue; }
    let crossing = (a.x * b.y - b.x * a.y) / (b.y - a.y);
    if (ds * crossing > best) {
      best = ds * crossing;
      e = i;
    }
  }
  if (e < 0 || !(best > -REACH && best < 1.0 + REACH)) { return it; }
  it.e1 = c[(e + 1) % 3];
  it.e2 = c[(e + 2) % 3];
  if (abs(it.e2.y - it.e1.y) < abs(it.e2.x - it.e1.x)) { return it; }  // shallower than 45°
  // A silhouette: no neighbour across the edge, or its far vertex on the owner's side.
  let o = topo[3 * t + e];
  if (o >= 0 && o < U.numVertices) {
    let r = pixelCoords(base + o, origin, vertical);
    if (r.z > 0.0 && !(side(it.e1, it.e2, c[e]) * side(it.e1, it.e2, r.xy) > 0.0)) { return it; }
  }
  let dc = clamp(best, 0.0, 1.0);
  it.alpha = ds * (0.5 - dc);
  it.dest = select(it.p1, it.p0, it.alpha > 0.0);
  it.clamped = best <= 0.0 || best >= 1.0;
  it.v1 = base + k[(e + 1) % 3];
  it.v2 = base + k[(e + 2) % 3];
  it.crossing = ds * best;
  it.ok = true;
  return it;
}

`;
