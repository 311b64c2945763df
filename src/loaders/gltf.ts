/** glTF 2.0 and GLB through @gltf-transform/core. See docs/meshes.md#loaders. */
import {Document, NodeIO, Primitive, WebIO} from '@gltf-transform/core';
import type {JSONDocument, Node as GltfNode} from '@gltf-transform/core';

import type {TriangleMesh} from '../utils/mesh';

import {decodeImage} from './image';
import {isLocalFile} from './source';

/**
 * Parses a GLB file's bytes, or a glTF JSON document (`{json, resources}`, resources mapping each
 * external buri to its bytes; data: URIs need none), into one TriangleMesh per triangle primitive of
 * the default scene: positions and normals in world space (node transforms applied), indices, the first
 * texture coordinates (flipped to t = 0 at the bottom of the image) and the base-colour texture, decoded.
 * Vertices are as the file has them: weld (meshes.weld) before antialias if the file splits them.
 * @param source - GLB bytes, or a `{json, resources}` glTF document.
 * @returns One mesh per triangle primitive of the default scene.
 * @example
 * ```ts
 * import {parseGLTF} from 'tfjs-diffrast/loaders';
 * const [mesh] = await parseGLTF(new Uint8Array(await (await fetch('model.glb')).arrayBuffer()));
 * ```
 */
export async function parseGLTF(source: Uint8Array | ArrayBuffer | JSONDocument): Promise<TriangleMesh[]> {
  const io = new WebIO();
  let doc: Document;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    doc = await io.readBinary(source instanceof Uint8Array ? source : new Uint8Array(source));
  } else if (source && typeof source === 'object' && 'json' in source) {
    doc = await io.readJSON({json: source.json, resources: source.resources ?? {}});
  } else {
    throw new Error(`parseGLTF: source must be GLB bytes or a {json, resources} glTF document, got ${typeof source}`);
  }
  return extract(doc);
}

/**
 * Reads a .gltf or .glb file (a path in Node, a URL anywhere) with its resources and parses it like parseGLTF.
 * @param source - A path (Node) or a URL of a .gltf or .glb file.
 * @returns One mesh per triangle primitive of the default scene.
 * @example
 * ```ts
 * import {loadGLTF} from 'tfjs-diffrast/loaders';
 * const meshList = await loadGLTF('model.glb');
 * ```
 */
export async function loadGLTF(source: string | URL): Promise<TriangleMesh[]> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new Error(`loadGLTF: source must be a path or a URL, got ${typeof source}`);
  }
  const io = isLocalFile(source) ? new NodeIO() : new WebIO();
  return extract(await io.read(String(source)));
}

function extract(doc: Document): TriangleMesh[] {
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const meshes: TriangleMesh[] = [];
  const visit = (node: GltfNode) => {
    const mesh = node.getMesh();
    if (!mesh) return;
    const world = node.getWorldMatrix();
    for (const prim of mesh.listPrimitives()) {
      if (prim.getMode() !== Primitive.Mode.TRIANGLES) continue;
      meshes.push(primitiveMesh(prim, world));
    }
  };
  if (scene) scene.traverse(visit);
  else root.listNodes().forEach(visit);
  if (meshes.length === 0) throw new Error('parseGLTF: the file has no triangle primitives');
  return meshes;
}

type Mat4 = ArrayLike<number>;

function primitiveMesh(prim: Primitive, world: Mat4): TriangleMesh {
  const position = prim.getAttribute('POSITION');
  if (!position) throw new Error('parseGLTF: a primitive has no POSITION attribute');
  const count = position.getCount();
  const read = (name: string, size: number) => {
    const accessor = prim.getAttribute(name);
    if (!accessor) return undefined;
    const out = new Float32Array(count * size);
    const element: number[] = [];
    for (let i = 0; i < count; i++) out.set(accessor.getElement(i, element), i * size);
    return out;
  };
  const positions = read('POSITION', 3)!;
  // glTF matrices are column-major: x' = Σ_k m[4k + i]·p_k.
  for (let i = 0; i < count; i++) {
    const [x, y, z] = positions.subarray(3 * i, 3 * i + 3);
    for (let r = 0; r < 3; r++)
      positions[3 * i + r] = world[r] * x + world[4 + r] * y + world[8 + r] * z + world[12 + r];
  }
  const indexAccessor = prim.getIndices();
  const indices = indexAccessor
    ? Uint32Array.from(indexAccessor.getArray() as ArrayLike<number>)
    : Uint32Array.from({length: count}, (_, i) => i);
  const out: TriangleMesh = {positions, indices};
  const normals = read('NORMAL', 3);
  if (normals) out.normals = transformNormals(normals, world);
  const uvs = read('TEXCOORD_0', 2);
  if (uvs) {
    // glTF's (0, 0) is the top-left of the image; here t = 0 is its bottom row.
    for (let i = 1; i < uvs.length; i += 2) uvs[i] = 1 - uvs[i];
    out.uvs = uvs;
  }
  const image = prim.getMaterial()?.getBaseColorTexture()?.getImage();
  if (image) out.texture = decodeImage(image);
  return out;
}

/** Normals through the inverse transpose of the matrix's 3×3 part, renormalised. */
function transformNormals(normals: Float32Array, m: Mat4): Float32Array {
  // a[r][c] = m[4c + r]; the inverse transpose is the cofactor matrix divided by the determinant
  // (the division drops out in the renormalisation, but its sign keeps the normals' side).
  const a = (r: number, c: number) => m[4 * c + r];
  const cof = (r: number, c: number) =>
    a((r + 1) % 3, (c + 1) % 3) * a((r + 2) % 3, (c + 2) % 3) -
    a((r + 1) % 3, (c + 2) % 3) * a((r + 2) % 3, (c + 1) % 3);
  const det = a(0, 0) * cof(0, 0) + a(0, 1) * cof(0, 1) + a(0, 2) * cof(0, 2);
  const sign = det < 0 ? -1 : 1;
  const out = new Float32Array(normals.length);
  for (let i = 0; i < normals.length; i += 3) {
    const n = [0, 1, 2].map(
      r => sign * (cof(r, 0) * normals[i] + cof(r, 1) * normals[i + 1] + cof(r, 2) * normals[i + 2]),
    );
    const len = Math.hypot(...n) || 1;
    out.set(
      n.map(v => v / len),
      i,
    );
  }
  return out;
}
