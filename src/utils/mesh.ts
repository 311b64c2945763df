/**
 * Meshes as flat typed arrays (what loaders produce and tensors are made from), and small meshes
 * generated in code for tests, samples and quick starts. See docs/meshes.md.
 */
import * as tf from '@tensorflow/tfjs-core';

export {weld} from './weld';
export type {WeldOptions} from './weld';
export {batchMeshes} from './batch';
export type {MeshBatch} from './batch';

/** An 8-bit image, rows from the top, channels interleaved (1 to 4). */
export interface Image {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Channels per pixel, 1 to 4. */
  channels: number;
  /** height·width·channels bytes, rows from the top. */
  data: Uint8Array;
}

/**
 * A triangle mesh. Attributes (normals, uvs) are indexed by `attributeIndices` when present — so a
 * vertex on a UV seam can have one position and two texture coordinates — else by `indices`.
 */
export interface TriangleMesh {
  /** [V·3] positions. */
  positions: Float32Array;
  /** [T·3] vertex indices, three per triangle. */
  indices: Uint32Array;
  /** [A·3] normals. */
  normals?: Float32Array;
  /** [A·2] texture coordinates (s, t); t = 0 at the bottom of the texture image. */
  uvs?: Float32Array;
  /** [T·3] indices into `normals` / `uvs`, triangle by triangle like `indices`. */
  attributeIndices?: Uint32Array;
  /** Base-colour texture. */
  texture?: Image;
}

/** A mesh's arrays as tensors, the shapes the ops take. */
export interface MeshTensors {
  /** [V,3] float32. */
  pos: tf.Tensor2D;
  /** [T,3] int32: rasterize and antialias take this. */
  tri: tf.Tensor2D;
  /** [T,3] int32: interpolate takes this with `normals` and `uvs` (equal to `tri` without attributeIndices). */
  attrTri: tf.Tensor2D;
  /** [A,3] float32, when the mesh has normals. */
  normals?: tf.Tensor2D;
  /** [A,2] float32, when the mesh has uvs. */
  uvs?: tf.Tensor2D;
  /** [1,H,W,C] float32 in [0, 1], row 0 at the bottom (texture coordinate t = 0), when the mesh has a texture. */
  texture?: tf.Tensor4D;
}

/**
 * The mesh's arrays as tensors (the caller disposes them).
 * @param mesh - The mesh (from a loader, {@link fromArrays} or {@link batchMeshes}).
 * @returns Its arrays as tensors: `pos`, `tri`, `attrTri` and, when the mesh has them, `normals`, `uvs`, `texture`.
 * @example
 * ```ts
 * const {pos, tri} = meshes.toTensors(meshes.fromArrays(meshes.cube()));
 * ```
 */
export function toTensors(mesh: TriangleMesh): MeshTensors {
  const numTriangles = mesh.indices.length / 3;
  const out: MeshTensors = {
    pos: tf.tensor2d(mesh.positions, [mesh.positions.length / 3, 3]),
    tri: tf.tensor2d(Int32Array.from(mesh.indices), [numTriangles, 3], 'int32'),
    attrTri: tf.tensor2d(Int32Array.from(mesh.attributeIndices ?? mesh.indices), [numTriangles, 3], 'int32'),
  };
  if (mesh.normals) out.normals = tf.tensor2d(mesh.normals, [mesh.normals.length / 3, 3]);
  if (mesh.uvs) out.uvs = tf.tensor2d(mesh.uvs, [mesh.uvs.length / 2, 2]);
  if (mesh.texture) {
    const {width, height, channels, data} = mesh.texture;
    out.texture = tf.tidy(() =>
      tf.reverse(tf.div(tf.tensor4d(Float32Array.from(data), [1, height, width, channels]), 255), 1),
    ) as tf.Tensor4D;
  }
  return out;
}

/** A small mesh as nested arrays (what {@link cube} returns). */
export interface Mesh {
  /** [V,3] vertex positions. */
  positions: number[][];
  /** [T,3] vertex indices, counter-clockwise seen from outside. */
  triangles: number[][];
}

/**
 * The cube [−s, s]³: 8 vertices shared by 12 triangles (so every edge has two neighbours).
 * @param s - Half the edge length.
 * @returns The cube's positions and triangles as nested arrays.
 */
export function cube(s = 0.5): Mesh {
  const positions: number[][] = [];
  for (let i = 0; i < 8; i++) positions.push([i & 1 ? s : -s, i & 2 ? s : -s, i & 4 ? s : -s]);
  // Each face as four corner indices, counter-clockwise from outside.
  const faces = [
    [0, 4, 6, 2],
    [1, 3, 7, 5],
    [0, 1, 5, 4],
    [2, 6, 7, 3],
    [0, 2, 3, 1],
    [4, 5, 7, 6],
  ];
  const triangles = faces.flatMap(([a, b, c, d]) => [
    [a, b, c],
    [a, c, d],
  ]);
  return {positions, triangles};
}

/**
 * A `Mesh` of nested arrays as a TriangleMesh.
 * @param mesh - Positions and triangles as nested arrays.
 * @returns The same mesh in flat typed arrays.
 */
export function fromArrays({positions, triangles}: Mesh): TriangleMesh {
  return {positions: Float32Array.from(positions.flat()), indices: Uint32Array.from(triangles.flat())};
}
