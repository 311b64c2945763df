/**
 * The rasterizer's per-pixel math (docs/rasterize.md#resolve) in float64, shared by the cpu forward and backward
 * kernels and by antialias. Positions are clip-space (x, y, z, w) in a flat array.
 */
import {A_EPSILON} from '../shared/raster';

/** A triangle's three clip-space vertices, flattened: x0 y0 z0 w0 x1 … w2. */
export type Corners = Float64Array;

/** Copies the three vertices `k` of `pos` (starting at vertex `base`) into `out`. */
export function loadCorners(pos: ArrayLike<number>, base: number, k0: number, k1: number, k2: number, out: Corners) {
  for (let c = 0; c < 3; c++) {
    const o = (base + (c === 0 ? k0 : c === 1 ? k1 : k2)) * 4;
    out[4 * c] = pos[o];
    out[4 * c + 1] = pos[o + 1];
    out[4 * c + 2] = pos[o + 2];
    out[4 * c + 3] = pos[o + 3];
  }
}

/**
 * The edge functions a_k = cross(q_{k+1}, q_{k+2}) with q_k = (x_k − fx·w_k, y_k − fy·w_k), at
 * the NDC point (fx, fy). Written as full cross products so that two triangles sharing an edge
 * get exactly opposite values on it (the fill rule depends on that).
 */
export function edgeFunctions(p: Corners, fx: number, fy: number, out: Float64Array) {
  const q0x = p[0] - fx * p[3],
    q0y = p[1] - fy * p[3];
  const q1x = p[4] - fx * p[7],
    q1y = p[5] - fy * p[7];
  const q2x = p[8] - fx * p[11],
    q2y = p[9] - fy * p[11];
  out[0] = q1x * q2y - q1y * q2x;
  out[1] = q2x * q0y - q2y * q0x;
  out[2] = q0x * q1y - q0y * q1x;
}

/** det[[x0,x1,x2],[y0,y1,y2],[w0,w1,w2]] = Σ w_k·a_k, constant over the screen. */
export function screenDeterminant(p: Corners): number {
  return p[3] * (p[4] * p[9] - p[8] * p[5]) + p[7] * (p[8] * p[1] - p[0] * p[9]) + p[11] * (p[0] * p[5] - p[4] * p[1]);
}

/** α_k = ∂a_k/∂fx and β_k = ∂a_k/∂fy (docs/rasterize.md#derivatives). */
export function edgeGradients(p: Corners, alpha: Float64Array, beta: Float64Array) {
  for (let k = 0; k < 3; k++) {
    const i = 4 * ((k + 1) % 3),
      j = 4 * ((k + 2) % 3);
    alpha[k] = p[i + 1] * p[j + 3] - p[j + 1] * p[i + 3];
    beta[k] = p[j] * p[i + 3] - p[i] * p[j + 3];
  }
}

/**
 * Whether a point is inside one edge, with the tie rule (docs/rasterize.md#tie-rule). `a`, `alpha`, `beta` are the
 * edge's a_k, α_k, β_k at the point and `s` the sign of the screen determinant: inside when s·a_k > 0
 * (homogeneous rasterization: this also keeps only points with w > 0). A point exactly on the edge
 * (a_k = 0) belongs to the side towards which s·a_k grows along +X, or along +Y for an edge
 * parallel to X; the neighbour across the edge sees the opposite signs, so a shared edge is covered
 * exactly once.
 */
export function coversEdge(a: number, alpha: number, beta: number, s: number): boolean {
  const e = s * a,
    da = s * alpha;
  return e > 0 || (e === 0 && (da > 0 || (da === 0 && s * beta > 0)));
}

/** Coverage (docs/rasterize.md#coverage): inside all three edges, each with coversEdge's tie rule. */
export function covers(a: ArrayLike<number>, alpha: ArrayLike<number>, beta: ArrayLike<number>, s: number): boolean {
  // Strictly inside all edges, or strictly outside one, decides without the tie rule.
  const e0 = s * a[0],
    e1 = s * a[1],
    e2 = s * a[2];
  if (e0 > 0 && e1 > 0 && e2 > 0) return true;
  if (e0 < 0 || e1 < 0 || e2 < 0) return false;
  return (
    coversEdge(a[0], alpha[0], beta[0], s) &&
    coversEdge(a[1], alpha[1], beta[1], s) &&
    coversEdge(a[2], alpha[2], beta[2], s)
  );
}

/**
 * A bound on how far edgeFunctions' rounded a_k can be from the exact (affine) a_k, plus the rounding of
 * edgeGradients' α_k over a whole row, for pixel centers in [−1, 1]²: each is a few units in the last place of
 * M² (M: the corners' largest |x| + |w| or |y| + |w|); 1e-13·M² leaves a factor of 50. Infinity (no bound:
 * test every pixel) for corners so large that a_k could overflow.
 */
export function edgeRoundingBound(p: Corners): number {
  let m = 0;
  for (let c = 0; c < 3; c++) {
    const w = Math.abs(p[4 * c + 3]);
    m = Math.max(m, Math.abs(p[4 * c]) + w, Math.abs(p[4 * c + 1]) + w);
  }
  return m < 1e100 ? 1e-13 * m * m : Infinity;
}

/**
 * The NDC interval [span[0], span[1]] of row `fy` outside which every pixel center fails `covers`: some s·a_k
 * is negative there by more than `bound` (edgeRoundingBound) on the exact, affine a_k = a_k(fx0) + α_k·(fx − fx0).
 * Pixels inside still take the exact test; the interval only spares those that cannot pass it. `a` is scratch.
 */
export function coveredSpan(
  p: Corners,
  alpha: ArrayLike<number>,
  s: number,
  bound: number,
  fx0: number,
  fy: number,
  a: Float64Array,
  span: Float64Array,
) {
  edgeFunctions(p, fx0, fy, a);
  let lo = -Infinity,
    hi = Infinity;
  for (let k = 0; k < 3; k++) {
    const slope = s * alpha[k];
    // s·a_k(fx0) + slope·(fx − fx0) ≥ −bound, solved for fx; a flat edge (slope 0) bounds nothing here.
    const x = fx0 + (-bound - s * a[k]) / slope;
    if (slope > 0) lo = Math.max(lo, x);
    else if (slope < 0) hi = Math.min(hi, x);
  }
  span[0] = lo;
  span[1] = hi;
}

/** z/w at the point whose edge functions are `a`: Σ z_k·a_k / Σ w_k·a_k (docs/rasterize.md#resolve). */
export function depthAt(p: Corners, a: ArrayLike<number>): number {
  return (p[2] * a[0] + p[6] * a[1] + p[10] * a[2]) / (p[3] * a[0] + p[7] * a[1] + p[11] * a[2]);
}

const CLIP_PLANES = [
  [1, 0, 0, 1],
  [-1, 0, 0, 1],
  [0, 1, 0, 1],
  [0, -1, 0, 1],
  [0, 0, 1, 1],
  [0, 0, -1, 1],
];

/**
 * The NDC bounding box [xmin, xmax, ymin, ymax] of the triangle clipped against the view volume,
 * or null when nothing of it is visible.
 */
export function clippedBounds(p: Corners): [number, number, number, number] | null {
  let poly: number[][] = [0, 1, 2].map(c => [p[4 * c], p[4 * c + 1], p[4 * c + 2], p[4 * c + 3]]);
  const inside = (v: number[], pl: number[]) => pl[0] * v[0] + pl[1] * v[1] + pl[2] * v[2] + pl[3] * v[3];
  for (const plane of CLIP_PLANES) {
    if (poly.every(v => inside(v, plane) >= 0)) continue;
    const next: number[][] = [];
    for (let i = 0; i < poly.length; i++) {
      const a = poly[i],
        b = poly[(i + 1) % poly.length];
      const da = inside(a, plane),
        db = inside(b, plane);
      if (da >= 0) next.push(a);
      if (da >= 0 !== db >= 0) {
        const t = da / (da - db);
        next.push(a.map((x, j) => x + t * (b[j] - x)));
      }
    }
    poly = next;
    if (poly.length === 0) return null;
  }
  let xmin = Infinity,
    xmax = -Infinity,
    ymin = Infinity,
    ymax = -Infinity;
  for (const v of poly) {
    if (!(v[3] > 0)) continue; // only the eye point itself can remain with w = 0
    const x = v[0] / v[3],
      y = v[1] / v[3];
    xmin = Math.min(xmin, x);
    xmax = Math.max(xmax, x);
    ymin = Math.min(ymin, y);
    ymax = Math.max(ymax, y);
  }
  return xmin <= xmax ? [xmin, xmax, ymin, ymax] : null;
}

// The pixels whose centers may lie in [lo, hi] (NDC) along a side of `size`: firstPixel(lo) to lastPixel(hi).
// Centers are at NDC (2p+1)/size − 1; the slack absorbs rounding of the clipped bounds. Two numbers, not a
// pair: the forward calls them per triangle, and a pair was an allocation each.
const SPAN_SLACK = 1e-6;

export function firstPixel(lo: number, size: number): number {
  return Math.max(0, Math.ceil(((lo + 1) * size - 1) / 2 - SPAN_SLACK));
}

export function lastPixel(hi: number, size: number): number {
  return Math.min(size - 1, Math.floor(((hi + 1) * size - 1) / 2 + SPAN_SLACK));
}

/** NDC coordinate of the center of pixel `p` along a side of `size`. */
export function pixelCenter(p: number, size: number): number {
  return (2 * p + 1) / size - 1;
}

/** pixelCenter of every pixel along a side of `size`: per-pixel loops look them up rather than divide. */
export function pixelCenters(size: number): Float64Array {
  const centers = new Float64Array(size);
  for (let p = 0; p < size; p++) centers[p] = pixelCenter(p, size);
  return centers;
}

/**
 * Resolves a covered pixel (docs/rasterize.md#resolve, #derivatives) into `rast` (u, v, z/w) and `db`
 * (du/dX, du/dY, dv/dX, dv/dY), writing at offset `o` of both. `scratch.center` holds the pixel center (fx, fy);
 * `scratch.alpha` and `scratch.beta` the triangle's edgeGradients (constant over the screen: the caller computes
 * them once). (Numbers in scratch, not arguments: V8 does not inline this, and a float argument would be an
 * allocation per pixel.)
 */
export function resolvePixel(
  p: Corners,
  width: number,
  height: number,
  rast: Float32Array,
  db: Float32Array,
  o: number,
  scratch: RasterScratch,
) {
  const {a, alpha, beta, center} = scratch;
  edgeFunctions(p, center[0], center[1], a);
  const A = a[0] + a[1] + a[2];
  let u = a[0] / A,
    v = a[1] / A;
  u = Math.min(Math.max(u, 0), 1);
  v = Math.min(Math.max(v, 0), 1);
  if (u + v > 1) {
    const s = u + v;
    u /= s;
    v /= s;
  }
  const zw = depthAt(p, a);
  rast[o] = u;
  rast[o + 1] = v;
  rast[o + 2] = Math.min(Math.max(zw, -1), 1);
  const sa = alpha[0] + alpha[1] + alpha[2],
    sb = beta[0] + beta[1] + beta[2];
  const cx = 2 / width,
    cy = 2 / height;
  db[o] = (cx * (alpha[0] - u * sa)) / A;
  db[o + 1] = (cy * (beta[0] - u * sb)) / A;
  db[o + 2] = (cx * (alpha[1] - v * sa)) / A;
  db[o + 3] = (cy * (beta[1] - v * sb)) / A;
}

/**
 * The backward of resolvePixel (docs/rasterize.md#backward): the gradient of one pixel's (u, v) (given in `dy` at
 * offset `o`) and, when `gdb` holds rastDb gradients (at offset `o`), of its (du/dX, du/dY, dv/dX, dv/dY), with
 * respect to the triangle's x, y, w; added into dp (12 entries, z untouched). `scratch.center` holds the pixel
 * center (fx, fy), as for resolvePixel; with `gdb`, `scratch.alpha` and `scratch.beta` must hold the triangle's
 * edgeGradients (constant over the screen: the caller computes them once per triangle).
 */
export function resolvePixelGrad(
  p: Corners,
  width: number,
  height: number,
  dy: ArrayLike<number>,
  gdb: ArrayLike<number> | null,
  o: number,
  dp: Float64Array,
  scratch: RasterScratch,
) {
  const fx = scratch.center[0],
    fy = scratch.center[1],
    gu = dy[o],
    gv = dy[o + 1];
  const q0x = p[0] - fx * p[3],
    q0y = p[1] - fy * p[3];
  const q1x = p[4] - fx * p[7],
    q1y = p[5] - fy * p[7];
  const q2x = p[8] - fx * p[11],
    q2y = p[9] - fy * p[11];
  const a0 = q1x * q2y - q1y * q2x,
    a1 = q2x * q0y - q2y * q0x,
    a2 = q0x * q1y - q0y * q1x;
  const A = a0 + a1 + a2;
  const Ap = A + Math.sign(A) * A_EPSILON;
  const u = a0 / Ap,
    v = a1 / Ap;
  const G0 = gu / Ap,
    G1 = gv / Ap,
    Gs = G0 * u + G1 * v;
  let da0 = G0 - Gs,
    da1 = G1 - Gs,
    da2 = -Gs;

  if (gdb) {
    // d/d(vertices) of du/dX = cx(α0 − u·Σα)/A′ and its three siblings (docs/rasterize.md#derivatives).
    const {alpha, beta} = scratch;
    const sa = alpha[0] + alpha[1] + alpha[2],
      sb = beta[0] + beta[1] + beta[2];
    const cx = 2 / width,
      cy = 2 / height;
    const gUX = gdb[o],
      gUY = gdb[o + 1],
      gVX = gdb[o + 2],
      gVY = gdb[o + 3];
    const PX = (gUX * cx) / Ap,
      PY = (gUY * cy) / Ap,
      QX = (gVX * cx) / Ap,
      QY = (gVY * cy) / Ap;
    const dAlphaAll = -(PX * u + QX * v),
      dBetaAll = -(PY * u + QY * v);
    const dU = -(PX * sa + PY * sb),
      dV = -(QX * sa + QY * sb);
    const dA =
      -(PX * (alpha[0] - u * sa) + PY * (beta[0] - u * sb) + QX * (alpha[1] - v * sa) + QY * (beta[1] - v * sb)) / Ap;
    da0 += (dU * (1 - u)) / Ap + (dV * -v) / Ap + dA;
    da1 += (dU * -u) / Ap + (dV * (1 - v)) / Ap + dA;
    da2 += (dU * -u) / Ap + (dV * -v) / Ap + dA;
    for (let k = 0; k < 3; k++) {
      const i = 4 * ((k + 1) % 3),
        j = 4 * ((k + 2) % 3);
      const dAlpha = dAlphaAll + (k === 0 ? PX : k === 1 ? QX : 0),
        dBeta = dBetaAll + (k === 0 ? PY : k === 1 ? QY : 0);
      // α_k = y_i·w_j − y_j·w_i
      dp[i + 1] += dAlpha * p[j + 3];
      dp[j + 3] += dAlpha * p[i + 1];
      dp[j + 1] -= dAlpha * p[i + 3];
      dp[i + 3] -= dAlpha * p[j + 1];
      // β_k = x_j·w_i − x_i·w_j
      dp[j] += dBeta * p[i + 3];
      dp[i + 3] += dBeta * p[j];
      dp[i] -= dBeta * p[j + 3];
      dp[j + 3] -= dBeta * p[i];
    }
  }

  // a0 = cross(q1, q2), a1 = cross(q2, q0), a2 = cross(q0, q1)
  const dq0x = da1 * -q2y + da2 * q1y,
    dq0y = da1 * q2x - da2 * q1x;
  const dq1x = da0 * q2y - da2 * q0y,
    dq1y = -da0 * q2x + da2 * q0x;
  const dq2x = -da0 * q1y + da1 * q0y,
    dq2y = da0 * q1x - da1 * q0x;
  dp[0] += dq0x;
  dp[1] += dq0y;
  dp[3] += -fx * dq0x - fy * dq0y;
  dp[4] += dq1x;
  dp[5] += dq1y;
  dp[7] += -fx * dq1x - fy * dq1y;
  dp[8] += dq2x;
  dp[9] += dq2y;
  dp[11] += -fx * dq2x - fy * dq2y;
}

export interface RasterScratch {
  /** The pixel center (fx, fy) in NDC, for resolvePixel and resolvePixelGrad. */
  center: Float64Array;
  a: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
}

export function rasterScratch(): RasterScratch {
  return {center: new Float64Array(2), a: new Float64Array(3), alpha: new Float64Array(3), beta: new Float64Array(3)};
}
