/** A list of meshes as one range-mode batch (docs/conventions.md#batching). See docs/meshes.md. */
import type {TriangleMesh} from './mesh';

/** What {@link batchMeshes} returns: one mesh and where each input mesh lies in it. */
export interface MeshBatch {
  /** All meshes in one: positions, indices and attributes concatenated, indices offset. */
  mesh: TriangleMesh;
  /** [M][2]: (first triangle, count) of each mesh: rasterize's `ranges` to draw mesh m into image m. */
  ranges: number[][];
  /** [M][2]: (first vertex, count) of each mesh: where to apply a per-mesh transform in `mesh.positions`. */
  vertexRanges: number[][];
}

/**
 * Concatenates meshes of any sizes for range mode: image m of `rasterize(pos, tri, res, {ranges})`
 * then draws mesh m. The meshes must agree on which attributes they have (normals, uvs); their
 * attribute index lists are offset like their indices. Textures are not merged (the batch has none).
 * @param meshes - The meshes, one per image.
 * @returns The batch: one mesh, the `ranges` to rasterize it with and each mesh's vertex range.
 * @example
 * ```ts
 * const {mesh, ranges} = meshes.batchMeshes([meshA, meshB]);
 * const {pos, tri} = meshes.toTensors(mesh);
 * const clip = tf.squeeze(mat4.transformPos(mvp, pos), [0]); // range mode takes [V,4]
 * const {rast} = rasterize(clip, tri, [256, 256], {ranges}); // image m: mesh m
 * ```
 */
export function batchMeshes(meshes: TriangleMesh[]): MeshBatch {
  if (!Array.isArray(meshes) || meshes.length === 0) {
    throw new Error(`batchMeshes: meshes must be a non-empty list of meshes, got ${JSON.stringify(meshes)}`);
  }
  for (const key of ['normals', 'uvs'] as const) {
    const has = meshes.map(m => m[key] != null);
    if (has.some(h => h !== has[0])) {
      throw new Error(
        `batchMeshes: every mesh or none must have ${key}, got them on meshes [${has.flatMap((h, i) => (h ? [i] : []))}] of ${meshes.length}`,
      );
    }
  }
  const withAttributes = meshes[0].normals != null || meshes[0].uvs != null;
  const concat = <T extends Float32Array | Uint32Array>(
    make: new (n: number) => T,
    parts: ArrayLike<number>[],
    offsets?: number[],
  ): T => {
    const out = new make(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    parts.forEach((p, i) => {
      for (let k = 0; k < p.length; k++) out[at + k] = p[k] + (offsets ? offsets[i] : 0);
      at += p.length;
    });
    return out;
  };
  const vertexOffsets: number[] = [],
    attrOffsets: number[] = [],
    ranges: number[][] = [],
    vertexRanges: number[][] = [];
  let vertices = 0,
    attrs = 0,
    triangles = 0;
  for (const m of meshes) {
    const v = m.positions.length / 3,
      t = m.indices.length / 3;
    vertexOffsets.push(vertices);
    attrOffsets.push(attrs);
    ranges.push([triangles, t]);
    vertexRanges.push([vertices, v]);
    vertices += v;
    triangles += t;
    attrs += m.normals ? m.normals.length / 3 : m.uvs ? m.uvs.length / 2 : 0;
  }
  const mesh: TriangleMesh = {
    positions: concat(
      Float32Array,
      meshes.map(m => m.positions),
    ),
    indices: concat(
      Uint32Array,
      meshes.map(m => m.indices),
      vertexOffsets,
    ),
  };
  if (withAttributes) {
    mesh.attributeIndices = concat(
      Uint32Array,
      meshes.map(m => m.attributeIndices ?? m.indices),
      attrOffsets,
    );
  }
  if (meshes[0].normals)
    mesh.normals = concat(
      Float32Array,
      meshes.map(m => m.normals!),
    );
  if (meshes[0].uvs)
    mesh.uvs = concat(
      Float32Array,
      meshes.map(m => m.uvs!),
    );
  return {mesh, ranges, vertexRanges};
}
