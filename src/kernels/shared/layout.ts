/**
 * How a kernel call's tensors lay out images, vertices, triangles and attributes
 * (docs/conventions.md#batching), derived here once for every backend, as tfjs's backend_util does
 * for its own kernels.
 */

/** Anything with a shape: a TensorInfo or a Tensor. */
type Shaped = {readonly shape: readonly number[]};

/** pos `[N,V,4]` (instanced) or `[V,4]` (range mode) with tri `[T,3]`. */
export interface MeshLayout {
  /** pos is `[V,4]`, shared by every image; image n draws the triangles `ranges[n]`. */
  rangeMode: boolean;
  numImages: number;
  /** V: the vertices of one image (instanced) or of all (range mode). */
  numVertices: number;
  /** T: the rows of tri. */
  numTriangles: number;
  /** How far apart two images' vertices are in pos, in vertices: V (instanced) or 0 (range mode). */
  vertexStride: number;
  /** The vertex rows of pos (and of its gradient): N·V (instanced) or V (range mode). */
  posRows: number;
}

/**
 * The layout of a call's pos and tri. The number of images comes from `images`: the call's
 * `[N,H,W,…]` image (rast, color), or, for rasterize itself, its ranges (range mode) or pos.
 */
export function meshLayout(pos: Shaped, tri: Shaped, images: Shaped | {ranges: readonly number[]}): MeshLayout {
  const rangeMode = pos.shape.length === 2;
  const numVertices = pos.shape[pos.shape.length - 2];
  const numImages =
    'ranges' in images ? (rangeMode ? images.ranges.length / 2 : pos.shape[0]) : (images as Shaped).shape[0];
  return {
    rangeMode,
    numImages,
    numVertices,
    numTriangles: tri.shape[0],
    vertexStride: rangeMode ? 0 : numVertices,
    posRows: rangeMode ? numVertices : pos.shape[0] * numVertices,
  };
}

/** The triangles image n draws, [first, first + count), and where its vertices start in pos (`base`). */
export function imageTriangles(layout: MeshLayout, ranges: readonly number[], n: number) {
  return layout.rangeMode
    ? {first: ranges[2 * n], count: ranges[2 * n + 1], base: 0}
    : {first: 0, count: layout.numTriangles, base: n * layout.vertexStride};
}

/** True when every corner index of triangle t is in [0, V) (docs/conventions.md#invalid-triangles). */
export function validTriangle(tri: ArrayLike<number>, t: number, numVertices: number): boolean {
  for (let c = 0; c < 3; c++) {
    const k = tri[3 * t + c];
    if (!(k >= 0 && k < numVertices)) return false;
  }
  return true;
}

/** interpolate's attr `[V,A]`, `[1,V,A]` or `[N,V,A]` over rast `[N,H,W,4]` (docs/interpolate.md#inputs). */
export interface AttributeLayout {
  numImages: number;
  height: number;
  width: number;
  /** Pixels per image (H·W). */
  pixels: number;
  numVertices: number;
  numAttrs: number;
  /** One attribute set per image: attr is `[N,V,A]` with N > 1; otherwise one set is shared. */
  perImage: boolean;
  /** How far apart two images' attribute sets are, in vertices: V (per image) or 0 (shared). */
  attrStride: number;
  /** The vertex rows of attr (and of its gradient): N·V (per image) or V (shared). */
  attrRows: number;
}

export function attributeLayout(attr: Shaped, rast: Shaped): AttributeLayout {
  const [numImages, height, width] = rast.shape;
  const r = attr.shape.length;
  const numVertices = attr.shape[r - 2];
  const perImage = r === 3 && attr.shape[0] > 1;
  return {
    numImages,
    height,
    width,
    pixels: height * width,
    numVertices,
    numAttrs: attr.shape[r - 1],
    perImage,
    attrStride: perImage ? numVertices : 0,
    attrRows: perImage ? numImages * numVertices : numVertices,
  };
}
