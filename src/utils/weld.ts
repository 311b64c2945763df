/**
 * Vertex welding: one index per position, so that antialias finds every edge's two triangles
 * (docs/antialias.md#topology). Attributes keep their own index list.
 */
import {checkOptions, optionNames} from '../ops/checks';
import type {TriangleMesh} from './mesh';

/** Options of {@link weld}. */
export interface WeldOptions {
  /**
   * Positions closer than this (in each coordinate's units, Euclidean) become one vertex; 0 merges equal positions
   * only.
   * @defaultValue `0`
   */
  tolerance?: number;
}

/**
 * Merges vertices with equal (or, with `tolerance`, near) positions. Returns a new mesh whose
 * `indices` point into the merged positions and whose `attributeIndices` still point into the
 * original normals and uvs (the mesh's own `attributeIndices` if it had them, else its old
 * `indices`), so UV and normal seams survive. Triangles that lose a corner to the merge (two
 * corners on one vertex) are dropped. A merged vertex sits where its first occurrence was.
 * @param mesh - The mesh to weld (it is not changed).
 * @param options - The distance under which positions merge.
 * @returns The welded mesh.
 * @example
 * ```ts
 * const welded = meshes.weld(await loadGLTF('model.glb').then(m => m[0]), {tolerance: 1e-6});
 * ```
 */
export function weld(mesh: TriangleMesh, options: WeldOptions = {}): TriangleMesh {
  checkOptions('weld', options, optionNames<WeldOptions>({tolerance: true}));
  const tolerance = options.tolerance ?? 0;
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new Error(`weld: tolerance must be a finite number ≥ 0, got ${JSON.stringify(options.tolerance)}`);
  }
  const {positions, indices} = mesh;
  const numVertices = positions.length / 3;
  if (!Number.isInteger(numVertices))
    throw new Error(`weld: positions must hold 3 numbers per vertex, got ${positions.length}`);
  if (indices.length % 3 !== 0) throw new Error(`weld: indices must hold 3 per triangle, got ${indices.length}`);
  for (const i of indices) {
    if (i >= numVertices) throw new Error(`weld: indices must be below the vertex count ${numVertices}, got ${i}`);
  }

  const remap = new Uint32Array(numVertices);
  const kept: number[] = [];
  const at = (i: number) => [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]];
  if (tolerance === 0) {
    const seen = new Map<string, number>();
    for (let i = 0; i < numVertices; i++) {
      const key = at(i).join(',');
      let j = seen.get(key);
      if (j === undefined) {
        j = kept.push(i) - 1;
        seen.set(key, j);
      }
      remap[i] = j;
    }
  } else {
    // A grid of cells the size of the tolerance: a vertex's match lies in its cell or a neighbouring one.
    const cells = new Map<string, number[]>();
    const cellOf = (p: number[]) => p.map(x => Math.floor(x / tolerance));
    for (let i = 0; i < numVertices; i++) {
      const p = at(i);
      const c = cellOf(p);
      let match = -1;
      for (let dx = -1; dx <= 1 && match < 0; dx++) {
        for (let dy = -1; dy <= 1 && match < 0; dy++) {
          for (let dz = -1; dz <= 1 && match < 0; dz++) {
            for (const j of cells.get(`${c[0] + dx},${c[1] + dy},${c[2] + dz}`) ?? []) {
              const q = at(kept[j]);
              if (Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) <= tolerance) {
                match = j;
                break;
              }
            }
          }
        }
      }
      if (match < 0) {
        match = kept.push(i) - 1;
        const key = c.join(',');
        cells.set(key, [...(cells.get(key) ?? []), match]);
      }
      remap[i] = match;
    }
  }

  const oldAttr = mesh.attributeIndices ?? indices;
  const newIndices: number[] = [],
    newAttr: number[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [remap[indices[t]], remap[indices[t + 1]], remap[indices[t + 2]]];
    if (a === b || b === c || a === c) continue;
    newIndices.push(a, b, c);
    newAttr.push(oldAttr[t], oldAttr[t + 1], oldAttr[t + 2]);
  }
  const newPositions = new Float32Array(3 * kept.length);
  kept.forEach((i, j) => newPositions.set(at(i), 3 * j));
  const out: TriangleMesh = {
    ...mesh,
    positions: newPositions,
    indices: Uint32Array.from(newIndices),
    attributeIndices: Uint32Array.from(newAttr),
  };
  // Without attributes there is nothing for attributeIndices to index.
  if (!mesh.normals && !mesh.uvs) delete out.attributeIndices;
  return out;
}
