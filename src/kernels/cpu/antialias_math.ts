/**
 * Antialias work items (docs/antialias.md#work-items) in float64, shared by the cpu forward and backward kernels:
 * the TypeScript twin of ANTIALIAS_ITEMS (webgl/antialias_program.ts) and wgsl_antialias.ts, with the same Item
 * fields and the same functions (evaluateItem, pixelCoords, side, crossingGrad).
 */
import {DB_EPSILON, REACH} from '../shared/antialias';
import {validTriangle} from '../shared/layout';
import {decodeTriangleId} from '../shared/triangle_id';

export interface AntialiasScene {
  rast: Float32Array;
  pos: Float32Array;
  tri: Int32Array;
  /** [T,3]: the vertex across edge e of triangle t, or −1. */
  topo: Int32Array;
  numImages: number;
  height: number;
  width: number;
  numVertices: number;
  /** How far apart two images' vertices are in pos: V (instanced) or 0 (range mode, shared). */
  vertexStride: number;
}

/**
 * One blended pixel pair: out[dest] += alpha·(color[p1] − color[p0]). The fields of GLSL's and WGSL's Item.
 */
export class AntialiasItem {
  /** Flat pixel indices (n·H·W + y·W + x) of the pair. */
  p0 = 0;
  p1 = 0;
  /** The pixel the blend writes: p0 when alpha > 0, else p1. */
  dest = 0;
  alpha = 0;
  /** The crossing was clamped to the pixel pair: no position gradient. */
  clamped = false;
  /** Vertex indices into pos (already offset for the image) of the edge's endpoints. */
  v1 = 0;
  v2 = 0;
  /** The edge's endpoints in owner-relative pixel coordinates: [along the pair axis, across it]. */
  readonly e1 = new Float64Array(2);
  readonly e2 = new Float64Array(2);
  crossing = 0;
  vertical = false;
}

/**
 * Visits every work item of every image: each pixel with its right and its up neighbour when
 * their triangle ids differ and the owner's nearest crossing edge is a steep silhouette.
 * Owners with a vertex at w ≤ 0 are skipped: their screen projection is not defined (the
 * choice of this implementation: docs/antialias.md#work-items).
 */
export function forEachAntialiasItem(scene: AntialiasScene, visit: (item: AntialiasItem) => void) {
  const {numImages, height, width} = scene;
  const items = new AntialiasItems(scene);
  const item = new AntialiasItem();
  for (let n = 0; n < numImages; n++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (items.evaluateItem(n, x, y, false, item)) visit(item);
        if (items.evaluateItem(n, x, y, true, item)) visit(item);
      }
    }
  }
}

/**
 * Whether p and q lie strictly on the same side of the line e1 → e2: the product of their sides (the sign of
 * (e2 − e1) × (point − e1)) is positive. A boolean, not the sides: a float result of a call V8 does not inline is a
 * heap allocation, and this runs for nearly every pixel pair of a fine mesh.
 */
export function sameSide(e1: Float64Array, e2: Float64Array, p: Float64Array, q: Float64Array): boolean {
  const ex = e2[0] - e1[0],
    ey = e2[1] - e1[1];
  return (ex * (p[1] - e1[1]) - ey * (p[0] - e1[0])) * (ex * (q[1] - e1[1]) - ey * (q[0] - e1[0])) > 0;
}

/**
 * The work items of one scene. The corners' scratch belongs to the instance, not the module: two walks never share
 * it, and one walk reuses it for every pixel pair (no allocation per pixel).
 */
export class AntialiasItems {
  /** The three corners and the neighbour's far vertex, as pixelCoords leaves them. */
  private readonly c = [new Float64Array(2), new Float64Array(2), new Float64Array(2)];
  private readonly oc = new Float64Array(2);

  constructor(private readonly scene: AntialiasScene) {}

  /**
   * Vertex v in pixel units relative to the center of the owner pixel (column ix, row iy), swapped (y, x) for a
   * vertical pair, into c; false if w ≤ 0. (The pixel's integer indices, not its center: float arguments of a call
   * V8 does not inline are heap allocations.)
   */
  pixelCoords(v: number, ix: number, iy: number, vertical: boolean, c: Float64Array): boolean {
    const {pos, width, height} = this.scene;
    const w = pos[4 * v + 3];
    if (!(w > 0)) return false;
    const px = ((pos[4 * v] / w + 1) * width) / 2 - (ix + 0.5),
      py = ((pos[4 * v + 1] / w + 1) * height) / 2 - (iy + 0.5);
    c[0] = vertical ? py : px;
    c[1] = vertical ? px : py;
    return true;
  }

  /**
   * The item of pixel (x0, y0) of image n and its right (vertical: upper) neighbour into `it`; false when the
   * pair holds none (or lies outside the image).
   */
  evaluateItem(n: number, x0: number, y0: number, vertical: boolean, it: AntialiasItem): boolean {
    const {rast, tri, topo, height, width, numVertices} = this.scene;
    if (x0 < 0 || y0 < 0 || (vertical ? y0 + 1 >= height : x0 + 1 >= width)) return false;
    const p0 = (n * height + y0) * width + x0,
      p1 = vertical ? p0 + width : p0 + 1;
    const id0 = decodeTriangleId(rast[4 * p0 + 3]),
      id1 = decodeTriangleId(rast[4 * p1 + 3]);
    if (id0 === id1) return false;
    const ownerIsP0 = id1 === 0 || (id0 !== 0 && !(rast[4 * p1 + 2] < rast[4 * p0 + 2]));
    const t = (ownerIsP0 ? id0 : id1) - 1;
    if (t >= tri.length / 3 || !validTriangle(tri, t, numVertices)) return false;
    const ds = ownerIsP0 ? 1 : -1;
    // The owner pixel.
    const ix = x0 + (ownerIsP0 || vertical ? 0 : 1),
      iy = y0 + (ownerIsP0 || !vertical ? 0 : 1);
    const base = n * this.scene.vertexStride;
    const c = this.c;
    for (let q = 0; q < 3; q++) {
      if (!this.pixelCoords(base + tri[3 * t + q], ix, iy, vertical, c[q])) return false;
    }
    let best = -Infinity,
      e = -1;
    for (let j = 0; j < 3; j++) {
      const c1 = c[(j + 1) % 3],
        c2 = c[(j + 2) % 3];
      if (c1[1] >= 0 === c2[1] >= 0) continue;
      const crossing = (c1[0] * c2[1] - c2[0] * c1[1]) / (c2[1] - c1[1]);
      if (ds * crossing > best) {
        best = ds * crossing;
        e = j;
      }
    }
    if (e < 0 || !(best > -REACH && best < 1 + REACH)) return false;
    const c1 = c[(e + 1) % 3],
      c2 = c[(e + 2) % 3];
    if (Math.abs(c2[1] - c1[1]) < Math.abs(c2[0] - c1[0])) return false; // shallower than 45°
    // A silhouette: no neighbour across the edge, or its far vertex on the owner's side (the surface folds away).
    const o = topo[3 * t + e];
    if (
      o >= 0 &&
      o < numVertices &&
      this.pixelCoords(base + o, ix, iy, vertical, this.oc) &&
      !sameSide(c1, c2, c[e], this.oc)
    )
      return false;
    const alpha = ds * (0.5 - Math.min(Math.max(best, 0), 1));
    it.p0 = p0;
    it.p1 = p1;
    it.dest = alpha > 0 ? p0 : p1;
    it.alpha = alpha;
    it.clamped = best <= 0 || best >= 1;
    it.v1 = base + tri[3 * t + ((e + 1) % 3)];
    it.v2 = base + tri[3 * t + ((e + 2) % 3)];
    it.e1.set(c1);
    it.e2.set(c2);
    it.crossing = ds * best;
    it.vertical = vertical;
    return true;
  }
}

/**
 * dL/d(e1 along, e1 across, e2 along, e2 across) of an item's edge endpoints, given dL/dα, into `out`.
 */
export function crossingGrad(it: AntialiasItem, dAlpha: number, out: Float64Array) {
  const {e1, e2, crossing} = it;
  const dX = -dAlpha; // α = ds·(½ − ds·X) = ds/2 − X
  const db = e2[1] - e1[1] + Math.sign(e2[1] - e1[1]) * DB_EPSILON;
  out[0] = (dX * e2[1]) / db;
  out[1] = (dX * (crossing - e2[0])) / db;
  out[2] = (-dX * e1[1]) / db;
  out[3] = (dX * (e1[0] - crossing)) / db;
}
