/**
 * The rasterizer's per-pixel math (docs/rasterize.md#resolve) in WGSL, shared by the rasterize, rasterize-gradient
 * and antialias programs. Corners are the triangle's clip-space vertices.
 */
import {A_EPSILON, CENTER_SPLIT_BITS, PRODUCT_SPLIT_BITS, shaderFloat} from '../shared/raster';

/** Loading a triangle's corners and the pixel-centre NDC coordinates. */
export const CORNERS_WGSL = `
const CENTER_SPLIT_BITS = ${CENTER_SPLIT_BITS}u;
const PRODUCT_SPLIT_BITS = ${PRODUCT_SPLIT_BITS}u;
struct Corners { p0: vec4f, p1: vec4f, p2: vec4f };
fn loadCorners(base: i32, k: vec3<i32>) -> Corners {
  return Corners(pos[base + k.x], pos[base + k.y], pos[base + k.z]);
}
// x with only its top \`bits\` significant bits (the rest of the mantissa cleared).
fn topBits(x: f32, bits: u32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & (0xFFFFFFFFu << (24u - bits))); }
// A pixel center in NDC as hi + lo, exactly (2px + 1)/size − 1 (float32 alone rounds it when the
// size is not a power of two).
struct Center { hi: vec2f, lo: vec2f };
fn pixelCenter(px: vec2<i32>, size: vec2<i32>) -> Center {
  let n = vec2f(2 * px + 1 - size);
  let s = vec2f(size);
  let hi = n / s;
  // n − hi·s exactly: hi in three parts of at most 8 bits, each product with s (< 2^14) exact.
  let a = vec2f(topBits(hi.x, CENTER_SPLIT_BITS), topBits(hi.y, CENTER_SPLIT_BITS));
  let b = vec2f(topBits(hi.x - a.x, CENTER_SPLIT_BITS), topBits(hi.y - a.y, CENTER_SPLIT_BITS));
  let c = hi - a - b;
  return Center(hi, (((n - a * s) - b * s) - c * s) / s);
}
// q = p.xy − f·p.w with the product f·w split into exact parts: for small and sliver triangles
// the edge functions cancel, and a rounded q costs them most of their digits.
fn relativeTo(p: vec4f, f: Center) -> vec2f {
  let wh = topBits(p.w, PRODUCT_SPLIT_BITS);
  let wl = p.w - wh;
  let fh = vec2f(topBits(f.hi.x, PRODUCT_SPLIT_BITS), topBits(f.hi.y, PRODUCT_SPLIT_BITS));
  let fl = f.hi - fh;
  return (((p.xy - fh * wh) - (fh * wl + fl * wh)) - fl * wl) - f.lo * p.w;
}
fn cross2(a: vec2f, b: vec2f) -> f32 { return a.x * b.y - a.y * b.x; }
`;

/**
 * Edge functions a_k = cross(q_{k+1}, q_{k+2}), q_k = (x_k − fx·w_k, y_k − fy·w_k), their
 * screen gradients α_k, β_k, the screen determinant Σ w_k·a_k, and the resolve of a covered pixel
 * (steps 4–5): rast (u, v, z/w) and rastDb.
 */
export const RESOLVE_WGSL = `
fn edgeFunctions(c: Corners, f: Center) -> vec3f {
  let q0 = relativeTo(c.p0, f);
  let q1 = relativeTo(c.p1, f);
  let q2 = relativeTo(c.p2, f);
  return vec3f(cross2(q1, q2), cross2(q2, q0), cross2(q0, q1));
}
// α_k = ∂a_k/∂fx, β_k = ∂a_k/∂fy.
struct EdgeGradients { alpha: vec3f, beta: vec3f };
fn edgeGradients(c: Corners) -> EdgeGradients {
  return EdgeGradients(
      vec3f(c.p1.y * c.p2.w - c.p2.y * c.p1.w, c.p2.y * c.p0.w - c.p0.y * c.p2.w, c.p0.y * c.p1.w - c.p1.y * c.p0.w),
      vec3f(c.p2.x * c.p1.w - c.p1.x * c.p2.w, c.p0.x * c.p2.w - c.p2.x * c.p0.w, c.p1.x * c.p0.w - c.p0.x * c.p1.w));
}
fn screenDeterminant(c: Corners) -> f32 {
  return c.p0.w * (c.p1.x * c.p2.y - c.p2.x * c.p1.y) + c.p1.w * (c.p2.x * c.p0.y - c.p0.x * c.p2.y) +
         c.p2.w * (c.p0.x * c.p1.y - c.p1.x * c.p0.y);
}
// Inside edge k when s·a_k > 0 (s = sign of the determinant; this also keeps w > 0); the tie rule
// (docs/rasterize.md#tie-rule) gives a center exactly on the edge to the side towards which s·a_k grows
// along +X, or along +Y for an edge parallel to X, so a shared edge is covered once.
fn coversEdge(a: f32, alpha: f32, beta: f32, s: f32) -> bool {
  let e = s * a;
  let da = s * alpha;
  return e > 0.0 || (e == 0.0 && (da > 0.0 || (da == 0.0 && s * beta > 0.0)));
}
fn covers(a: vec3f, alpha: vec3f, beta: vec3f, s: f32) -> bool {
  return coversEdge(a.x, alpha.x, beta.x, s) && coversEdge(a.y, alpha.y, beta.y, s) && coversEdge(a.z, alpha.z, beta.z, s);
}
// z/w at the point whose edge functions are a: Σ z_k·a_k / Σ w_k·a_k.
fn depthAt(c: Corners, a: vec3f) -> f32 {
  return dot(vec3f(c.p0.z, c.p1.z, c.p2.z), a) / dot(vec3f(c.p0.w, c.p1.w, c.p2.w), a);
}
struct Resolved { rast: vec4f, db: vec4f };
// rast (u, v, z/w) and rastDb at a covered pixel, from e = (a_0, a_1, A = Σ a_k, z/w) there and the gradients
// (α_0, α_1, Σ α_k) and (β_0, β_1, Σ β_k) per pixel along X and Y. The fragment shaders run this for every shaded
// fragment: one division by A, and straight-line code of values only (no branch, no variable: an emulated GPU
// keeps variables in memory and runs both sides of a branch), u + v > 1 dividing by max(u + v, 1).
fn resolveEdges(e: vec4f, alpha: vec3f, beta: vec3f) -> Resolved {
  let r = 1.0 / e.z;
  let clamped = clamp(e.xy * r, vec2f(0.0), vec2f(1.0));
  let uv = clamped / max(clamped.x + clamped.y, 1.0);
  return Resolved(vec4f(uv, clamp(e.w, -1.0, 1.0), 0.0),
                  vec4f(alpha.x - uv.x * alpha.z, beta.x - uv.x * beta.z, alpha.y - uv.y * alpha.z,
                        beta.y - uv.y * beta.z) * r);
}
// resolveEdges for the edge functions a at the pixel center (edgeFunctions); size = (W, H).
fn resolvePixel(c: Corners, a: vec3f, size: vec2f) -> Resolved {
  let g = edgeGradients(c);
  let step = 2.0 / size;  // NDC per pixel
  return resolveEdges(vec4f(a.xy, a.x + a.y + a.z, depthAt(c, a)),
                      step.x * vec3f(g.alpha.xy, g.alpha.x + g.alpha.y + g.alpha.z),
                      step.y * vec3f(g.beta.xy, g.beta.x + g.beta.y + g.beta.z));
}
`;

/**
 * A triangle's edge functions and depth as planes about the center c of a pixel near it (its reference pixel),
 * for hardware coverage's flat outputs (docs/rasterize.md#backend-differences): at = (a_0, a_1, A = Σ a_k, z/w) at
 * c, dx and dy their steps per pixel along X and Y, so that at the pixel (X, Y) (a_0, a_1, A, z/w) = at +
 * dx·(X − cX) + dy·(Y − cY) (per pixel, not per NDC unit: the fragments then convert no coordinates, and
 * dx, dy are the gradients resolveEdges takes). rastDb divides by A, which for a sliver is a small difference of
 * large products: formed in float32 from the corners, at each pixel (as edgeFunctions does) or from corners
 * moved to c, it keeps too few digits (rastDb of a 0.04-pixel-wide sliver was off by 1.4·10⁻⁴).
 * So A(c) and A's gradient (the normal N of the triangle's plane in (x, y, w)) are computed in hi + lo
 * float32 pairs (differences and products exact, sums carrying their rounding errors) and rounded once. A(f) =
 * det / w(f) changes with the depth w only, so the fragment's float32 update A(c) + ∇A·(f − c) is small
 * against A and keeps its digits; a_0, a_1 and z/w need no more than float32.
 * Mirrors TRIANGLE_PLANES (glsl_raster.ts).
 */
export const TRIANGLE_PLANES_WGSL = `
// (hi, lo) = a + b exactly; a·b exactly; sums and products of hi + lo values.
fn twoSum(a: f32, b: f32) -> vec2f {
  let s = a + b;
  let t = s - a;
  return vec2f(s, (a - (s - t)) + (b - t));
}
fn twoProduct(a: f32, b: f32) -> vec2f {
  let p = a * b;
  let ah = topBits(a, PRODUCT_SPLIT_BITS);
  let al = a - ah;
  let bh = topBits(b, PRODUCT_SPLIT_BITS);
  let bl = b - bh;
  return vec2f(p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl);
}
fn sumHiLo(a: vec2f, b: vec2f) -> vec2f {
  let s = twoSum(a.x, b.x);
  return vec2f(s.x, s.y + (a.y + b.y));
}
fn productHiLo(a: vec2f, b: vec2f) -> vec2f {
  let p = twoProduct(a.x, b.x);
  return vec2f(p.x, p.y + (a.x * b.y + a.y * b.x));
}
// The pixel about which trianglePlanes takes a triangle's planes: the one under the centroid of its corners in
// front of the eye, clamped to the image (any pixel would do; a near one keeps the fragments' updates small).
fn referencePixel(c: Corners, size: vec2<i32>) -> vec2<i32> {
  let s = vec2f(size);
  // Corners behind (or on) the eye plane are selected away, not multiplied by 0: a corner at w = 0 projects to
  // ±∞ (or NaN), and 0·∞ = NaN would make the pixel undefined.
  let front = vec3<bool>(c.p0.w > 0.0, c.p1.w > 0.0, c.p2.w > 0.0);
  let sum = select(vec2f(0.0), c.p0.xy / c.p0.w, front.x) + select(vec2f(0.0), c.p1.xy / c.p1.w, front.y) +
            select(vec2f(0.0), c.p2.xy / c.p2.w, front.z);
  let ndc = sum / max(dot(vec3f(front), vec3f(1.0)), 1.0);
  return vec2<i32>(clamp(floor((ndc + 1.0) * 0.5 * s), vec2f(0.0), s - 1.0));
}
struct Planes { at: vec4f, dx: vec4f, dy: vec4f };
// a·d − b·c in hi + lo, for a, b, c, d in hi + lo.
fn crossHiLo(a: vec2f, d: vec2f, b: vec2f, c: vec2f) -> vec2f { return sumHiLo(productHiLo(a, d), -productHiLo(b, c)); }
fn trianglePlanes(c: Corners, reference: vec2<i32>, size: vec2<i32>) -> Planes {
  let f = pixelCenter(reference, size);
  // A(f) = N·(fx, fy, 1) with N = E1 × E2 of the edge vectors E_k = p_k − p_0 in (x, y, w) (so ∂A/∂fx = N.x
  // = Σ α_k, ∂A/∂fy = N.y = Σ β_k), all in hi + lo.
  let e1x = twoSum(c.p1.x, -c.p0.x);
  let e1y = twoSum(c.p1.y, -c.p0.y);
  let e1w = twoSum(c.p1.w, -c.p0.w);
  let e2x = twoSum(c.p2.x, -c.p0.x);
  let e2y = twoSum(c.p2.y, -c.p0.y);
  let e2w = twoSum(c.p2.w, -c.p0.w);
  let nx = crossHiLo(e1y, e2w, e1w, e2y);
  let ny = crossHiLo(e1w, e2x, e1x, e2w);
  let nw = crossHiLo(e1x, e2y, e1y, e2x);
  let A = sumHiLo(sumHiLo(nw, productHiLo(nx, vec2f(f.hi.x, f.lo.x))), productHiLo(ny, vec2f(f.hi.y, f.lo.y)));
  // The edge functions at c and their gradients, from the corners relative to c (as edgeFunctions).
  let q = Corners(vec4f(relativeTo(c.p0, f), c.p0.zw), vec4f(relativeTo(c.p1, f), c.p1.zw),
                  vec4f(relativeTo(c.p2, f), c.p2.zw));
  let a = vec3f(cross2(q.p1.xy, q.p2.xy), cross2(q.p2.xy, q.p0.xy), cross2(q.p0.xy, q.p1.xy));
  let g = edgeGradients(q);
  // z/w = Σ z_k·a_k / Σ w_k·a_k, whose denominator is the same at every point.
  let z = vec3f(c.p0.z, c.p1.z, c.p2.z) / dot(vec3f(c.p0.w, c.p1.w, c.p2.w), a);
  let step = 2.0 / vec2f(size);  // NDC per pixel
  return Planes(vec4f(a.xy, A.x + A.y, dot(z, a)), step.x * vec4f(g.alpha.xy, nx.x + nx.y, dot(z, g.alpha)),
                step.y * vec4f(g.beta.xy, ny.x + ny.y, dot(z, g.beta)));
}
`;

/**
 * Gradient of one pixel's (u, v) — and, with useDb, its rastDb — w.r.t. the corners' x, y, w
 * (docs/rasterize.md#backward); z gets none. Returns the three corners' (dx, dy, dw). \`eg\` is the
 * triangle's edgeGradients (constant over the screen: the caller computes them once per triangle).
 * Straight-line, without indexed arrays (an emulated GPU keeps those in memory).
 */
export const RESOLVE_GRAD_WGSL = `
const A_EPSILON = ${shaderFloat(A_EPSILON)};
// The part of the gradient of α_k = y_i·w_j − y_j·w_i and β_k = x_j·w_i − x_i·w_j owed to corner i, from
// dL/dα_k = a and dL/dβ_k = b (corner j's part is its negative with i and j swapped).
fn edgeGradientGrad(a: f32, b: f32, pj: vec4f) -> vec3f { return vec3f(-b * pj.w, a * pj.w, -a * pj.y + b * pj.x); }
fn resolvePixelGrad(c: Corners, eg: EdgeGradients, center: Center, size: vec2f, gu: f32, gv: f32, gdb: vec4f,
                    useDb: bool) -> array<vec3f, 3> {
  let f = center.hi + center.lo;
  let q0 = relativeTo(c.p0, center);
  let q1 = relativeTo(c.p1, center);
  let q2 = relativeTo(c.p2, center);
  let a0 = cross2(q1, q2);
  let a1 = cross2(q2, q0);
  let a2 = cross2(q0, q1);
  let A = a0 + a1 + a2;
  let Ap = A + sign(A) * A_EPSILON;
  let u = a0 / Ap;
  let v = a1 / Ap;
  let G0 = gu / Ap;
  let G1 = gv / Ap;
  let Gs = G0 * u + G1 * v;
  var da = vec3f(G0 - Gs, G1 - Gs, -Gs);
  var dp0 = vec3f(0.0);
  var dp1 = vec3f(0.0);
  var dp2 = vec3f(0.0);
  if (useDb) {
    // d/d(vertices) of du/dX = cx(α0 − u·Σα)/A′ and its three siblings.
    let alpha = eg.alpha;
    let beta = eg.beta;
    let sa = alpha.x + alpha.y + alpha.z;
    let sb = beta.x + beta.y + beta.z;
    let cxy = 2.0 / size;
    let PX = gdb.x * cxy.x / Ap;
    let PY = gdb.y * cxy.y / Ap;
    let QX = gdb.z * cxy.x / Ap;
    let QY = gdb.w * cxy.y / Ap;
    let dAlphaAll = -(PX * u + QX * v);
    let dBetaAll = -(PY * u + QY * v);
    let dAlpha = vec3f(dAlphaAll + PX, dAlphaAll + QX, dAlphaAll);
    let dBeta = vec3f(dBetaAll + PY, dBetaAll + QY, dBetaAll);
    let dU = -(PX * sa + PY * sb);
    let dV = -(QX * sa + QY * sb);
    let dA = -(PX * (alpha.x - u * sa) + PY * (beta.x - u * sb) + QX * (alpha.y - v * sa) + QY * (beta.y - v * sb)) / Ap;
    da += vec3f(dU * (1.0 - u) - dV * v, -dU * u + dV * (1.0 - v), -dU * u - dV * v) / Ap + dA;
    // edge k = 0, 1, 2 joins corners (i, j) = (1, 2), (2, 0), (0, 1)
    dp0 = edgeGradientGrad(dAlpha.z, dBeta.z, c.p1) - edgeGradientGrad(dAlpha.y, dBeta.y, c.p2);
    dp1 = edgeGradientGrad(dAlpha.x, dBeta.x, c.p2) - edgeGradientGrad(dAlpha.z, dBeta.z, c.p0);
    dp2 = edgeGradientGrad(dAlpha.y, dBeta.y, c.p0) - edgeGradientGrad(dAlpha.x, dBeta.x, c.p1);
  }
  // a0 = cross(q1, q2), a1 = cross(q2, q0), a2 = cross(q0, q1)
  let dq0 = vec2f(-da.y * q2.y + da.z * q1.y, da.y * q2.x - da.z * q1.x);
  let dq1 = vec2f(da.x * q2.y - da.z * q0.y, -da.x * q2.x + da.z * q0.x);
  let dq2 = vec2f(-da.x * q1.y + da.y * q0.y, da.x * q1.x - da.y * q0.x);
  dp0 += vec3f(dq0, -f.x * dq0.x - f.y * dq0.y);
  dp1 += vec3f(dq1, -f.x * dq1.x - f.y * dq1.y);
  dp2 += vec3f(dq2, -f.x * dq2.x - f.y * dq2.y);
  return array<vec3f, 3>(dp0, dp1, dp2);
}
`;
