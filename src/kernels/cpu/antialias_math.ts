/**
 * Antialias work items (docs/antialias.md#work-items) in float64, shared by the cpu forward and backward kernels.
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

/** One blended pixel pair: out[target] += alpha·(color[p1] − color[p0]). */
export interface AntialiasItem {
  /** Flat pixel indices (n·H·W + y·W + x) of the pair. */
  p0: number;
  p1: number;
  target: number;
  alpha: number;
  /** The crossing was clamped to the pixel pair: no position gradient. */
  clamped: boolean;
  /** Vertex indices into pos (already offset for the image) of the edge's endpoints. */
  v1: number;
  v2: number;
  /** Endpoints in owner-relative pixel coordinates, along the pair axis (a) and across it (b). */
  a1: number;
  b1: number;
  a2: number;
  b2: number;
  crossing: number;
  vertical: boolean;
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
  const item = {} as AntialiasItem;
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
 * The work items of one scene. The corners' scratch belongs to the instance, not the module: two walks never share
 * it, and one walk reuses it for every pixel pair (no allocation per pixel).
 */
export class AntialiasItems {
  /** Owner-relative pixel coordinates of the three corners. */
  private readonly c = new Float64Array(12);

  constructor(private readonly scene: AntialiasScene) {}

  /**
   * The item of pixel (x0, y0) of image n and its right (vertical: upper) neighbour into `item`; false when the
   * pair holds none (or lies outside the image).
   */
  evaluateItem(n: number, x0: number, y0: number, vertical: boolean, item: AntialiasItem): boolean {
    const {scene, c} = this;
    const {rast, pos, tri, topo, height, width, numVertices} = scene;
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
    // Owner pixel's center; owner-relative pixel coordinates of the three corners, with
    // (a, b) = (x, y) for a horizontal pair and (y, x) for a vertical one.
    const ox = x0 + (ownerIsP0 || vertical ? 0 : 1) + 0.5,
      oy = y0 + (ownerIsP0 || !vertical ? 0 : 1) + 0.5;
    const base = n * scene.vertexStride;
    for (let k = 0; k < 3; k++) {
      const v = 4 * (base + tri[3 * t + k]);
      const w = pos[v + 3];
      if (!(w > 0)) return false;
      const px = ((pos[v] / w + 1) * width) / 2 - ox,
        py = ((pos[v + 1] / w + 1) * height) / 2 - oy;
      c[4 * k] = vertical ? py : px;
      c[4 * k + 1] = vertical ? px : py;
    }
    let best = -Infinity,
      bestEdge = -1;
    for (let e = 0; e < 3; e++) {
      const i = 4 * ((e + 1) % 3),
        j = 4 * ((e + 2) % 3);
      const b1 = c[i + 1],
        b2 = c[j + 1];
      if (b1 >= 0 === b2 >= 0) continue;
      const crossing = (c[i] * b2 - c[j] * b1) / (b2 - b1);
      if (ds * crossing > best) {
        best = ds * crossing;
        bestEdge = e;
      }
    }
    if (bestEdge < 0 || !(best > -REACH && best < 1 + REACH)) return false;
    const e = bestEdge,
      i = 4 * ((e + 1) % 3),
      j = 4 * ((e + 2) % 3),
      k = 4 * e;
    const a1 = c[i],
      b1 = c[i + 1],
      a2 = c[j],
      b2 = c[j + 1];
    if (Math.abs(b2 - b1) < Math.abs(a2 - a1)) return false; // shallower than 45°
    if (!isSilhouette(scene, base, topo[3 * t + e], a1, b1, a2, b2, c[k], c[k + 1], ox, oy, vertical)) return false;
    const dc = Math.min(Math.max(best, 0), 1);
    const alpha = ds * (0.5 - dc);
    item.p0 = p0;
    item.p1 = p1;
    item.target = alpha > 0 ? p0 : p1;
    item.alpha = alpha;
    item.clamped = best <= 0 || best >= 1;
    item.vertical = vertical;
    item.v1 = base + tri[3 * t + ((e + 1) % 3)];
    item.v2 = base + tri[3 * t + ((e + 2) % 3)];
    item.a1 = a1;
    item.b1 = b1;
    item.a2 = a2;
    item.b2 = b2;
    item.crossing = ds * best;
    return true;
  }
}

/**
 * An edge is a silhouette when it has no neighbour across it, or the neighbour's far vertex o
 * lies on the same side of the edge as the owner's own opposite vertex k (the surface folds
 * away behind the edge).
 */
function isSilhouette(
  scene: AntialiasScene,
  base: number,
  o: number,
  a1: number,
  b1: number,
  a2: number,
  b2: number,
  ka: number,
  kb: number,
  ox: number,
  oy: number,
  vertical: boolean,
): boolean {
  if (o < 0 || o >= scene.numVertices) return true;
  const v = 4 * (base + o);
  const w = scene.pos[v + 3];
  if (!(w > 0)) return true;
  const px = ((scene.pos[v] / w + 1) * scene.width) / 2 - ox,
    py = ((scene.pos[v + 1] / w + 1) * scene.height) / 2 - oy;
  const oa = vertical ? py : px,
    ob = vertical ? px : py;
  const side = (pa: number, pb: number) => (a2 - a1) * (pb - b1) - (b2 - b1) * (pa - a1);
  return side(ka, kb) * side(oa, ob) > 0;
}

/**
 * dL/d(endpoint pixel coordinates) of an item, given dL/dα, into `out`: [ga1, gb1, ga2, gb2].
 */
export function crossingGrad(item: AntialiasItem, dAlpha: number, out: Float64Array) {
  const {a1, b1, a2, b2, crossing} = item;
  const dX = -dAlpha; // α = ds·(½ − ds·X) = ds/2 − X
  const db = b2 - b1 + Math.sign(b2 - b1) * DB_EPSILON;
  out[0] = (dX * b2) / db;
  out[1] = (dX * (crossing - a2)) / db;
  out[2] = (-dX * b1) / db;
  out[3] = (dX * (a1 - crossing)) / db;
}
