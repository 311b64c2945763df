/** Wavefront OBJ through @loaders.gl/obj. See docs/meshes.md#loaders. */
import {OBJLoader} from '@loaders.gl/obj';

import type {TriangleMesh} from '../utils/mesh';
import {weld} from '../utils/weld';

import {readSource} from './source';

/**
 * Parses OBJ text (or its bytes) into one welded TriangleMesh: polygons become triangles, positions
 * are shared between the faces that share them (antialias sees the mesh's edges), and normals and
 * texture coordinates (OBJ's v = 0 is the bottom of the image, as here) keep their own index list
 * (`attributeIndices`). Every object and group of the file goes into the one mesh; materials are ignored.
 * @param source - OBJ text, or its bytes.
 * @returns The welded mesh.
 * @example
 * ```ts
 * import {parseOBJ} from 'tfjs-diffrast/loaders';
 * const mesh = parseOBJ('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');
 * ```
 */
export function parseOBJ(source: string | ArrayBuffer | Uint8Array): TriangleMesh {
  const text = typeof source === 'string' ? source : new TextDecoder().decode(source);
  if (typeof text !== 'string') throw new Error(`parseOBJ: source must be text or bytes, got ${typeof source}`);
  // loaders.gl returns a triangle soup: three vertices of their own per triangle.
  const {attributes} = OBJLoader.parseTextSync!(text, {}) as {
    attributes: Record<string, {value: Float32Array} | undefined>;
  };
  const positions = attributes.POSITION?.value ?? new Float32Array();
  const corners = positions.length / 3;
  if (corners === 0) throw new Error('parseOBJ: the file has no faces');
  const soup: TriangleMesh = {positions, indices: Uint32Array.from({length: corners}, (_, i) => i)};
  const normals = attributes.NORMAL?.value,
    uvs = attributes.TEXCOORD_0?.value;
  if (normals || uvs) {
    // One attribute row per distinct (normal, uv) pair.
    const rows = new Map<string, number>();
    const attrIndices = new Uint32Array(corners);
    const keptN: number[] = [],
      keptT: number[] = [];
    for (let i = 0; i < corners; i++) {
      const n = normals ? [...normals.subarray(3 * i, 3 * i + 3)] : [];
      const t = uvs ? [...uvs.subarray(2 * i, 2 * i + 2)] : [];
      const key = `${n}|${t}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = rows.size;
        rows.set(key, row);
        keptN.push(...n);
        keptT.push(...t);
      }
      attrIndices[i] = row;
    }
    soup.attributeIndices = attrIndices;
    if (normals) soup.normals = Float32Array.from(keptN);
    if (uvs) soup.uvs = Float32Array.from(keptT);
  }
  return weld(soup);
}

/**
 * Reads an OBJ file (a path in Node, a URL anywhere) and parses it with parseOBJ.
 * @param source - A path (Node) or a URL of an .obj file.
 * @returns The welded mesh.
 * @example
 * ```ts
 * import {loadOBJ} from 'tfjs-diffrast/loaders';
 * const {pos, tri} = meshes.toTensors(await loadOBJ('bunny.obj'));
 * ```
 */
export async function loadOBJ(source: string | URL): Promise<TriangleMesh> {
  return parseOBJ(await readSource(source, 'text', 'loadOBJ'));
}
