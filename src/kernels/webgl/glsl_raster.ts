/**
 * The rasterizer's per-pixel math in GLSL (docs/rasterize.md#resolve), shared by rasterize, its gradient,
 * interpolate and antialias. Mirrors src/kernels/cpu/raster_math.ts.
 */
import {A_EPSILON, CENTER_SPLIT_BITS, PRODUCT_SPLIT_BITS, shaderFloat} from '../shared/raster';

/** Triangles and vertices: `tri` [T,3] and clip-space `pos` rows (x, y, z, w). Needs FETCH. */
export const VERTEX_FETCH = `
uniform sampler2D uPos;
uniform sampler2D uTri;
uniform int uNumVertices;
uniform int uNumTriangles;
ivec3 triangleCorners(int t) { return ivec3(fetch3(uTri, t)); }
bool validCorners(ivec3 k) {
  return all(greaterThanEqual(k, ivec3(0))) && all(lessThan(k, ivec3(uNumVertices)));
}
// The corners of the triangle with id (row + 1), or false when it is empty or invalid.
bool triangleOfId(int id, out ivec3 k) {
  k = ivec3(0);
  if (id <= 0 || id > uNumTriangles) return false;
  k = triangleCorners(id - 1);
  return validCorners(k);
}
vec4 vertexPos(int row) { return fetch4(uPos, row); }
`;

/** Edge functions, their screen gradients, coverage, depth and the resolve of rast / rastDb. */
export const BARYCENTRIC = `
const int CENTER_SPLIT_BITS = ${CENTER_SPLIT_BITS};
const int PRODUCT_SPLIT_BITS = ${PRODUCT_SPLIT_BITS};
float cross2(vec2 a, vec2 b) { return a.x * b.y - a.y * b.x; }
// x with only its top \`bits\` significant bits (the rest of the mantissa cleared).
float topBits(float x, int bits) { return uintBitsToFloat(floatBitsToUint(x) & (0xFFFFFFFFu << (24 - bits))); }
// A pixel center in NDC as hi + lo, exactly (2px + 1)/size − 1 (float32 alone rounds it when the
// size is not a power of two).
struct Center {
  vec2 hi;
  vec2 lo;
};
Center pixelCenter(ivec2 px, ivec2 size) {
  vec2 n = vec2(2 * px + 1 - size), s = vec2(size);
  vec2 hi = n / s;
  // n − hi·s exactly: hi in three parts of at most 8 bits, each product with s (< 2^14) exact.
  vec2 a = vec2(topBits(hi.x, CENTER_SPLIT_BITS), topBits(hi.y, CENTER_SPLIT_BITS));
  vec2 b = vec2(topBits(hi.x - a.x, CENTER_SPLIT_BITS), topBits(hi.y - a.y, CENTER_SPLIT_BITS));
  vec2 c = hi - a - b;
  return Center(hi, (((n - a * s) - b * s) - c * s) / s);
}
// q = p.xy − f·p.w. Near a small triangle q is much smaller than p.xy, so the rounding of f·p.w
// (relative to p) would swamp it: the product is taken as exact partial products of 12-bit
// halves, which keeps q accurate relative to itself (u, v of small or thin triangles stay within
// 1e-4 of the cpu's).
vec2 relativeTo(vec4 p, Center f) {
  float wh = topBits(p.w, PRODUCT_SPLIT_BITS), wl = p.w - wh;
  vec2 fh = vec2(topBits(f.hi.x, PRODUCT_SPLIT_BITS), topBits(f.hi.y, PRODUCT_SPLIT_BITS)), fl = f.hi - fh;
  return (((p.xy - fh * wh) - (fh * wl + fl * wh)) - fl * wl) - f.lo * p.w;
}
// a_k = cross(q_{k+1}, q_{k+2}), q_k = p_k.xy − f·p_k.w, at the NDC point f. Full cross products:
// two triangles sharing an edge get exactly opposite values on it.
vec3 edgeFunctions(vec4 p0, vec4 p1, vec4 p2, Center f) {
  vec2 q0 = relativeTo(p0, f), q1 = relativeTo(p1, f), q2 = relativeTo(p2, f);
  return vec3(cross2(q1, q2), cross2(q2, q0), cross2(q0, q1));
}
// α_k = ∂a_k/∂fx, β_k = ∂a_k/∂fy.
void edgeGradients(vec4 p0, vec4 p1, vec4 p2, out vec3 alpha, out vec3 beta) {
  alpha = vec3(p1.y * p2.w - p2.y * p1.w, p2.y * p0.w - p0.y * p2.w, p0.y * p1.w - p1.y * p0.w);
  beta = vec3(p2.x * p1.w - p1.x * p2.w, p0.x * p2.w - p2.x * p0.w, p1.x * p0.w - p0.x * p1.w);
}
// det[[x],[y],[w]] of the three vertices = Σ w_k·a_k; its sign is the winding.
float screenDeterminant(vec4 p0, vec4 p1, vec4 p2) {
  return p0.w * (p1.x * p2.y - p2.x * p1.y) + p1.w * (p2.x * p0.y - p0.x * p2.y) + p2.w * (p0.x * p1.y - p1.x * p0.y);
}
// Inside edge k when s·a_k > 0 (s = sign of the determinant; this also keeps w > 0); the tie rule
// (docs/rasterize.md#tie-rule) gives a center exactly on the edge to the side towards which s·a_k grows
// along +X, or along +Y for an edge parallel to X, so a shared edge is covered once.
bool coversEdge(float a, float alpha, float beta, float s) {
  float e = s * a, da = s * alpha;
  return e > 0.0 || (e == 0.0 && (da > 0.0 || (da == 0.0 && s * beta > 0.0)));
}
bool covers(vec3 a, vec3 alpha, vec3 beta, float s) {
  return coversEdge(a.x, alpha.x, beta.x, s) && coversEdge(a.y, alpha.y, beta.y, s) && coversEdge(a.z, alpha.z, beta.z, s);
}
// z/w at the point whose edge functions are a: Σ z_k·a_k / Σ w_k·a_k.
float depthAt(vec4 p0, vec4 p1, vec4 p2, vec3 a) {
  return dot(vec3(p0.z, p1.z, p2.z), a) / dot(vec3(p0.w, p1.w, p2.w), a);
}
// rast (u, v, z/w) and rastDb (du/dX, du/dY, dv/dX, dv/dY) at a covered pixel, from e = (a_0, a_1, A = Σ a_k,
// z/w) there and the gradients (α_0, α_1, Σ α_k) and (β_0, β_1, Σ β_k) per pixel along X and Y. Straight-line, two
// divisions: the fragment shaders run this for every shaded fragment, and SwiftShader runs both sides of a branch
// (dividing by max(u + v, 1) leaves u and v unchanged when u + v ≤ 1).
void resolveEdges(vec4 e, vec3 alpha, vec3 beta, out vec3 uvz, out vec4 db) {
  float r = 1.0 / e.z;
  float u = clamp(e.x * r, 0.0, 1.0), v = clamp(e.y * r, 0.0, 1.0);
  float s = 1.0 / max(u + v, 1.0);
  u *= s;
  v *= s;
  uvz = vec3(u, v, clamp(e.w, -1.0, 1.0));
  db = vec4(alpha.x - u * alpha.z, beta.x - u * beta.z, alpha.y - v * alpha.z, beta.y - v * beta.z) * r;
}
// resolveEdges for the edge functions a at the pixel and the edge gradients along NDC x and y; size = (W, H).
void resolvePixel(vec4 p0, vec4 p1, vec4 p2, vec3 a, vec3 alpha, vec3 beta, vec2 size, out vec3 uvz, out vec4 db) {
  vec2 c = 2.0 / size;  // NDC per pixel
  resolveEdges(vec4(a.xy, a.x + a.y + a.z, depthAt(p0, p1, p2, a)), c.x * vec3(alpha.xy, alpha.x + alpha.y + alpha.z),
               c.y * vec3(beta.xy, beta.x + beta.y + beta.z), uvz, db);
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
 * Needs BARYCENTRIC.
 */
export const TRIANGLE_PLANES = `
// (hi, lo) = a + b exactly; a·b exactly; sums and products of hi + lo values.
vec2 twoSum(float a, float b) {
  float s = a + b, t = s - a;
  return vec2(s, (a - (s - t)) + (b - t));
}
vec2 twoProduct(float a, float b) {
  float p = a * b, ah = topBits(a, PRODUCT_SPLIT_BITS), al = a - ah, bh = topBits(b, PRODUCT_SPLIT_BITS), bl = b - bh;
  return vec2(p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl);
}
vec2 sumHiLo(vec2 a, vec2 b) {
  vec2 s = twoSum(a.x, b.x);
  return vec2(s.x, s.y + (a.y + b.y));
}
vec2 productHiLo(vec2 a, vec2 b) {
  vec2 p = twoProduct(a.x, b.x);
  return vec2(p.x, p.y + (a.x * b.y + a.y * b.x));
}
// The pixel about which trianglePlanes takes a triangle's planes: the one under the centroid of its corners in
// front of the eye, clamped to the image (any pixel would do; a near one keeps the fragments' updates small).
ivec2 referencePixel(vec4 p0, vec4 p1, vec4 p2, ivec2 size) {
  // Corners behind (or on) the eye plane are selected away, not multiplied by 0: a corner at w = 0 projects to
  // ±∞ (or NaN), and 0·∞ = NaN would make the pixel undefined.
  vec2 sum = (p0.w > 0.0 ? p0.xy / p0.w : vec2(0.0)) + (p1.w > 0.0 ? p1.xy / p1.w : vec2(0.0)) +
             (p2.w > 0.0 ? p2.xy / p2.w : vec2(0.0));
  vec2 ndc = sum / max(dot(vec3(greaterThan(vec3(p0.w, p1.w, p2.w), vec3(0.0))), vec3(1.0)), 1.0);
  return ivec2(clamp(floor((ndc + 1.0) * 0.5 * vec2(size)), vec2(0.0), vec2(size - 1)));
}
struct Planes {
  vec4 at;
  vec4 dx;
  vec4 dy;
};
// a·d − b·c in hi + lo, for a, b, c, d in hi + lo.
vec2 crossHiLo(vec2 a, vec2 d, vec2 b, vec2 c) { return sumHiLo(productHiLo(a, d), -productHiLo(b, c)); }
Planes trianglePlanes(vec4 p0, vec4 p1, vec4 p2, ivec2 reference, ivec2 size) {
  Center c = pixelCenter(reference, size);
  // A(f) = N·(fx, fy, 1) with N = E1 × E2 of the edge vectors E_k = p_k − p_0 in (x, y, w) (so ∂A/∂fx = N.x
  // = Σ α_k, ∂A/∂fy = N.y = Σ β_k), all in hi + lo.
  vec2 e1x = twoSum(p1.x, -p0.x), e1y = twoSum(p1.y, -p0.y), e1w = twoSum(p1.w, -p0.w);
  vec2 e2x = twoSum(p2.x, -p0.x), e2y = twoSum(p2.y, -p0.y), e2w = twoSum(p2.w, -p0.w);
  vec2 nx = crossHiLo(e1y, e2w, e1w, e2y), ny = crossHiLo(e1w, e2x, e1x, e2w), nw = crossHiLo(e1x, e2y, e1y, e2x);
  vec2 A = sumHiLo(sumHiLo(nw, productHiLo(nx, vec2(c.hi.x, c.lo.x))), productHiLo(ny, vec2(c.hi.y, c.lo.y)));
  // The edge functions at c and their gradients, from the corners relative to c (as edgeFunctions).
  vec4 q0 = vec4(relativeTo(p0, c), p0.zw), q1 = vec4(relativeTo(p1, c), p1.zw), q2 = vec4(relativeTo(p2, c), p2.zw);
  vec3 a = vec3(cross2(q1.xy, q2.xy), cross2(q2.xy, q0.xy), cross2(q0.xy, q1.xy)), alpha, beta;
  edgeGradients(q0, q1, q2, alpha, beta);
  // z/w = Σ z_k·a_k / Σ w_k·a_k, whose denominator is the same at every point.
  vec3 z = vec3(p0.z, p1.z, p2.z) / dot(vec3(p0.w, p1.w, p2.w), a);
  vec2 step = 2.0 / vec2(size);  // NDC per pixel
  return Planes(vec4(a.xy, A.x + A.y, dot(z, a)), step.x * vec4(alpha.xy, nx.x + nx.y, dot(z, alpha)),
                step.y * vec4(beta.xy, ny.x + ny.y, dot(z, beta)));
}
`;

/**
 * The backward of one pixel (docs/rasterize.md#backward): dL/d(x, y, w) of the three vertices, as (dx, dy, 0, dw),
 * from the gradients g on (u, v) and, with hasDb, gdb on rastDb. Needs BARYCENTRIC.
 */
export const RESOLVE_GRAD = `
const float A_EPSILON = ${shaderFloat(A_EPSILON)};  // keeps A away from zero
// d/d(corners i, j) of α_k = y_i·w_j − y_j·w_i and β_k = x_j·w_i − x_i·w_j.
void addEdgeGradientGrad(float dAlpha, float dBeta, vec4 pi, vec4 pj, inout vec4 dpi, inout vec4 dpj) {
  dpi.y += dAlpha * pj.w;
  dpj.w += dAlpha * pi.y;
  dpj.y -= dAlpha * pi.w;
  dpi.w -= dAlpha * pj.y;
  dpj.x += dBeta * pi.w;
  dpi.w += dBeta * pj.x;
  dpi.x -= dBeta * pj.w;
  dpj.w -= dBeta * pi.x;
}
// Straight-line, constant indices only: SwiftShader runs a loop-indexed local array lane by lane
// through memory (the loops cost ~40% of rasterize's backward first pass).
void resolvePixelGrad(vec4 p[3], Center center, vec2 size, vec2 g, bool hasDb, vec4 gdb, out vec4 dp[3]) {
  vec2 f = center.hi + center.lo;
  vec2 q[3] = vec2[3](relativeTo(p[0], center), relativeTo(p[1], center), relativeTo(p[2], center));
  dp[0] = dp[1] = dp[2] = vec4(0.0);
  vec3 a = vec3(cross2(q[1], q[2]), cross2(q[2], q[0]), cross2(q[0], q[1]));
  float A = a.x + a.y + a.z;
  float Ap = A + sign(A) * A_EPSILON;
  float u = a.x / Ap, v = a.y / Ap;
  float G0 = g.x / Ap, G1 = g.y / Ap, Gs = G0 * u + G1 * v;
  vec3 da = vec3(G0 - Gs, G1 - Gs, -Gs);
  if (hasDb) {
    // d/d(vertices) of du/dX = cx(α0 − u·Σα)/A′ and its three siblings (docs/rasterize.md#derivatives).
    vec3 alpha, beta;
    edgeGradients(p[0], p[1], p[2], alpha, beta);
    float sa = alpha.x + alpha.y + alpha.z, sb = beta.x + beta.y + beta.z;
    vec2 c = 2.0 / size;
    float PX = gdb.x * c.x / Ap, PY = gdb.y * c.y / Ap, QX = gdb.z * c.x / Ap, QY = gdb.w * c.y / Ap;
    float dAlphaAll = -(PX * u + QX * v), dBetaAll = -(PY * u + QY * v);
    vec3 dAlpha = vec3(dAlphaAll + PX, dAlphaAll + QX, dAlphaAll);
    vec3 dBeta = vec3(dBetaAll + PY, dBetaAll + QY, dBetaAll);
    float dU = -(PX * sa + PY * sb), dV = -(QX * sa + QY * sb);
    float dA = -(PX * (alpha.x - u * sa) + PY * (beta.x - u * sb) + QX * (alpha.y - v * sa) + QY * (beta.y - v * sb)) / Ap;
    da += vec3(dU * (1.0 - u) - dV * v, -dU * u + dV * (1.0 - v), -dU * u - dV * v) / Ap + dA;
    addEdgeGradientGrad(dAlpha.x, dBeta.x, p[1], p[2], dp[1], dp[2]);
    addEdgeGradientGrad(dAlpha.y, dBeta.y, p[2], p[0], dp[2], dp[0]);
    addEdgeGradientGrad(dAlpha.z, dBeta.z, p[0], p[1], dp[0], dp[1]);
  }
  // a0 = cross(q1, q2), a1 = cross(q2, q0), a2 = cross(q0, q1)
  vec2 dq[3];
  dq[0] = vec2(-da.y * q[2].y + da.z * q[1].y, da.y * q[2].x - da.z * q[1].x);
  dq[1] = vec2(da.x * q[2].y - da.z * q[0].y, -da.x * q[2].x + da.z * q[0].x);
  dq[2] = vec2(-da.x * q[1].y + da.y * q[0].y, da.x * q[1].x - da.y * q[0].x);
  dp[0] += vec4(dq[0], 0.0, -dot(f, dq[0]));
  dp[1] += vec4(dq[1], 0.0, -dot(f, dq[1]));
  dp[2] += vec4(dq[2], 0.0, -dot(f, dq[2]));
}
`;
