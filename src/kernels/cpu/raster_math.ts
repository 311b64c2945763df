/**
 * The rasterizer's per-pixel math (docs/rasterize.md#resolve) in float64, shared by the cpu forward and backward
 * kernels and by antialias. Positions are clip-space (x, y, z, w) in a flat array.
 */

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
 * Coverage with a consistent tie rule. `s` is the sign of the screen determinant: inside means
 * s·a_k ≥ 0 for all k (homogeneous rasterization: this also keeps only points with w > 0).
 * A pixel center exactly on an edge belongs to the triangle whose edge function grows towards
 * +X (or, for a horizontal edge, towards +Y); the neighbour across the edge sees the opposite
 * sign, so a shared edge is covered exactly once.
 */
export function covers(a: Float64Array, alpha: Float64Array, beta: Float64Array, s: number): boolean {
  for (let k = 0; k < 3; k++) {
    const e = s * a[k];
    if (e > 0) continue;
    if (e < 0) return false;
    const da = s * alpha[k];
    if (da < 0 || (da === 0 && s * beta[k] <= 0)) return false;
  }
  return true;
}

/** z/w at a covered pixel, from the edge functions: Σ z_k·a_k / Σ w_k·a_k. */
export function depthAt(p: Corners, a: Float64Array, det: number): number {
  return (p[2] * a[0] + p[6] * a[1] + p[10] * a[2]) / det;
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

/** The range of pixel indices whose centers may lie in [lo, hi] (NDC) along a side of `size`. */
export function pixelSpan(lo: number, hi: number, size: number): [number, number] {
  // Centers are at NDC (2p+1)/size − 1; the slack absorbs rounding of the clipped bounds.
  const slack = 1e-6;
  const first = Math.max(0, Math.ceil(((lo + 1) * size - 1) / 2 - slack));
  const last = Math.min(size - 1, Math.floor(((hi + 1) * size - 1) / 2 + slack));
  return [first, last];
}

/** NDC coordinate of the center of pixel `p` along a side of `size`. */
export function pixelCenter(p: number, size: number): number {
  return (2 * p + 1) / size - 1;
}

/**
 * Resolves a covered pixel (docs/rasterize.md#resolve, #derivatives) into `rast` (u, v, z/w) and `db`
 * (du/dX, du/dY, dv/dX, dv/dY), writing at offset `o` of both. `scratch.alpha` and `scratch.beta`
 * must hold the triangle's edgeGradients (constant over the screen: the caller computes them once).
 */
export function resolvePixel(
  p: Corners,
  fx: number,
  fy: number,
  width: number,
  height: number,
  rast: Float32Array,
  db: Float32Array,
  o: number,
  scratch: RasterScratch,
) {
  const {a, alpha, beta} = scratch;
  edgeFunctions(p, fx, fy, a);
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
  const zw = (p[2] * a[0] + p[6] * a[1] + p[10] * a[2]) / (p[3] * a[0] + p[7] * a[1] + p[11] * a[2]);
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

export interface RasterScratch {
  a: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
}

export function rasterScratch(): RasterScratch {
  return {a: new Float64Array(3), alpha: new Float64Array(3), beta: new Float64Array(3)};
}
