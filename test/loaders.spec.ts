import * as tf from '@tensorflow/tfjs';
import {Document, WebIO} from '@gltf-transform/core';
import bunny from 'bunny';
import {encode as encodePng} from 'fast-png';
import jpeg from 'jpeg-js';

import * as dr from '../src/index';
import {decodeImage, loadGLTF, loadOBJ, parseGLTF, parseOBJ} from '../src/loaders/index';

import {describeEachBackend} from './util/backends';

const isNode = (globalThis as {process?: {versions?: {node?: string}}}).process?.versions?.node != null;

/** A quad (two triangles) and a separate triangle; the quad's corners carry uvs, one shared normal. */
const OBJ_TEXT = `# written by the test
o quad
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
v 2 0 0
vt 0 0
vt 1 0
vt 1 1
vt 0 1
vn 0 0 1
f 1/1/1 2/2/1 3/3/1 4/4/1
f 2/1/1 5/2/1 3/4/1
`;

/** Corner (triangle t, corner k) → [position, uv, normal] as numbers. */
function corner(mesh: dr.TriangleMesh, t: number, k: number) {
  const v = mesh.indices[3 * t + k],
    a = (mesh.attributeIndices ?? mesh.indices)[3 * t + k];
  return {
    p: [...mesh.positions.subarray(3 * v, 3 * v + 3)],
    uv: mesh.uvs ? [...mesh.uvs.subarray(2 * a, 2 * a + 2)] : [],
    n: mesh.normals ? [...mesh.normals.subarray(3 * a, 3 * a + 3)] : [],
  };
}

/** A 2×2 RGB image: red, green (top row); blue, white. */
const PIXELS = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);

/** A glTF document: a textured quad under a node translated by (1, 2, 3) and scaled by 2. */
function quadDocument(): Document {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const acc = (array: Float32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>, type: 'VEC3' | 'VEC2' | 'SCALAR') =>
    doc.createAccessor().setArray(array).setType(type).setBuffer(buffer);
  const texture = doc
    .createTexture('base')
    .setImage(encodePng({width: 2, height: 2, data: PIXELS, channels: 3, depth: 8}))
    .setMimeType('image/png');
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', acc(Float32Array.from([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]), 'VEC3'))
    .setAttribute('NORMAL', acc(Float32Array.from([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]), 'VEC3'))
    .setAttribute('TEXCOORD_0', acc(Float32Array.from([0, 1, 1, 1, 1, 0, 0, 0]), 'VEC2'))
    .setIndices(acc(Uint16Array.from([0, 1, 2, 0, 2, 3]), 'SCALAR'))
    .setMaterial(doc.createMaterial().setBaseColorTexture(texture));
  const node = doc
    .createNode()
    .setMesh(doc.createMesh().addPrimitive(prim))
    .setTranslation([1, 2, 3])
    .setScale([2, 2, 2]);
  doc.createScene().addChild(node);
  return doc;
}

function expectQuad(meshes: dr.TriangleMesh[]) {
  expect(meshes.length).toBe(1);
  const [m] = meshes;
  expect([...m.positions]).toEqual([1, 2, 3, 3, 2, 3, 3, 4, 3, 1, 4, 3]);
  expect([...m.indices]).toEqual([0, 1, 2, 0, 2, 3]);
  // glTF's v runs down the image; t runs up.
  expect([...m.uvs!]).toEqual([0, 0, 1, 0, 1, 1, 0, 1]);
  expect([...m.normals!]).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
  expect(m.texture).toEqual({width: 2, height: 2, channels: 3, data: PIXELS});
}

/** JPEG bytes: jpeg-js's encoder where Node's Buffer exists (it needs one), else the browser's canvas. */
async function encodeJpeg(width: number, height: number, rgba: Uint8Array): Promise<Uint8Array> {
  if ((globalThis as {Buffer?: unknown}).Buffer) return jpeg.encode({width, height, data: rgba}, 95).data;
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return new Uint8Array(await (await canvas.convertToBlob({type: 'image/jpeg', quality: 0.95})).arrayBuffer());
}

/** OBJ text of the Stanford bunny from the `bunny` npm package (public domain). */
function bunnyObj(): string {
  const lines = bunny.positions.map(p => `v ${p.join(' ')}`);
  for (const c of bunny.cells) lines.push(`f ${c.map(i => i + 1).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** Undirected edges used by exactly one triangle. */
function boundaryEdges(indices: ArrayLike<number>): number {
  const count = new Map<string, number>();
  for (let t = 0; t < indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const [a, b] = [indices[t + k], indices[t + ((k + 1) % 3)]].sort((x, y) => x - y);
      count.set(`${a},${b}`, (count.get(`${a},${b}`) ?? 0) + 1);
    }
  }
  return [...count.values()].filter(c => c === 1).length;
}

describe('loaders', () => {
  it('parseOBJ: polygons to triangles, positions welded, uvs and normals on their own indices', () => {
    const m = parseOBJ(OBJ_TEXT);
    expect(m.indices.length).toBe(9);
    expect(m.positions.length).toBe(5 * 3);
    const corners = [0, 1, 2].flatMap(t => [0, 1, 2].map(k => corner(m, t, k)));
    // The quad's fan, then the triangle: each corner keeps the file's position and uv.
    const pos = [
      [0, 0, 0],
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
      [2, 0, 0],
      [1, 1, 0],
    ];
    const uv = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
      [1, 1],
      [0, 1],
      [0, 0],
      [1, 0],
      [0, 1],
    ];
    expect(corners.map(c => c.p)).toEqual(pos);
    expect(corners.map(c => c.uv)).toEqual(uv);
    expect(corners.every(c => c.n.join() === '0,0,1')).toBe(true);
    // Vertex 2 (1,0,0) has uv (1,0) in the quad and (0,0) in the triangle: one position, two uvs.
    expect(m.indices[1]).toBe(m.indices[6]);
    expect(m.attributeIndices![1]).not.toBe(m.attributeIndices![6]);
  });

  it('parseOBJ: the Stanford bunny (npm `bunny`) keeps its vertices, triangles and open edges', () => {
    const m = parseOBJ(bunnyObj());
    expect(m.positions.length).toBe(3 * bunny.positions.length);
    expect(m.indices.length).toBe(3 * bunny.cells.length);
    for (let t = 0; t < bunny.cells.length; t += 97) {
      for (let k = 0; k < 3; k++) {
        const p = bunny.positions[bunny.cells[t][k]];
        corner(m, t, k).p.forEach((x, i) => expect(x).toBeCloseTo(p[i], 5));
      }
    }
    expect(boundaryEdges(m.indices)).toBe(boundaryEdges(bunny.cells.flat()));
  });

  it('parseGLTF: GLB bytes and glTF JSON (embedded resources) give positions in world space, uvs, normals, texture', async () => {
    const io = new WebIO();
    expectQuad(await parseGLTF(await io.writeBinary(quadDocument())));
    expectQuad(await parseGLTF(await io.writeJSON(quadDocument())));
  });

  it('decodeImage: PNG (8-bit, 16-bit, palette) and JPEG', async () => {
    expect(decodeImage(encodePng({width: 2, height: 2, data: PIXELS, channels: 3, depth: 8}))).toEqual({
      width: 2,
      height: 2,
      channels: 3,
      data: PIXELS,
    });
    const wide = Uint16Array.from(PIXELS, v => v * 257);
    expect(decodeImage(encodePng({width: 2, height: 2, data: wide, channels: 3, depth: 16})).data).toEqual(PIXELS);
    const palette = encodePng({
      width: 2,
      height: 2,
      data: Uint8Array.from([0, 1, 2, 3]),
      channels: 1,
      depth: 8,
      palette: [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
      ],
    });
    expect(decodeImage(palette).data).toEqual(PIXELS);
    const rgba = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : i % 4 === 0 ? 200 : 40));
    const jpg = decodeImage(await encodeJpeg(8, 8, rgba));
    expect([jpg.width, jpg.height, jpg.channels]).toEqual([8, 8, 3]);
    expect(Math.abs(jpg.data[0] - 200)).toBeLessThan(6);
    expect(Math.abs(jpg.data[1] - 40)).toBeLessThan(6);
    expect(() => decodeImage(Uint8Array.from([1, 2, 3, 4]))).toThrowError(
      'decodeImage: bytes must be a PNG or a JPEG image, got one starting with 01 02 03 04',
    );
  });

  it('reject bad input with errors naming the function', async () => {
    expect(() => parseOBJ('# nothing\n')).toThrowError('parseOBJ: the file has no faces');
    await expectAsync(parseGLTF(42 as unknown as Uint8Array)).toBeRejectedWithError(
      'parseGLTF: source must be GLB bytes or a {json, resources} glTF document, got number',
    );
  });

  if (isNode) {
    it('loadOBJ and loadGLTF read the files the test writes (.obj, .glb, .gltf with a .bin)', async () => {
      const fsName = 'node:fs',
        osName = 'node:os',
        pathName = 'node:path';
      const fs = await import(/* @vite-ignore */ fsName);
      const os = await import(/* @vite-ignore */ osName);
      const path = await import(/* @vite-ignore */ pathName);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffrast-loaders-'));
      try {
        fs.writeFileSync(path.join(dir, 'shape.obj'), OBJ_TEXT);
        expect(await loadOBJ(path.join(dir, 'shape.obj'))).toEqual(parseOBJ(OBJ_TEXT));
        const io = new WebIO();
        fs.writeFileSync(path.join(dir, 'quad.glb'), await io.writeBinary(quadDocument()));
        expectQuad(await loadGLTF(path.join(dir, 'quad.glb')));
        // A .gltf with its buffer and image in files beside it.
        const {json, resources} = await io.writeJSON(quadDocument(), {format: 0 as never});
        for (const [uri, bytes] of Object.entries(resources)) fs.writeFileSync(path.join(dir, uri), bytes);
        fs.writeFileSync(path.join(dir, 'quad.gltf'), JSON.stringify(json));
        expect(Object.keys(resources).length).toBeGreaterThan(0);
        expectQuad(await loadGLTF(path.join(dir, 'quad.gltf')));
      } finally {
        fs.rmSync(dir, {recursive: true, force: true});
      }
    });
  }
});

describeEachBackend('loaders: rendering a loaded mesh', () => {
  it('the welded bunny antialiases like a closed surface: only its outline and open edges are silhouettes', async () => {
    const welded = parseOBJ(bunnyObj());
    const m = dr.meshes.toTensors(welded);
    const soup = dr.meshes.toTensors(
      dr.meshes.fromArrays({
        positions: bunny.cells.flatMap(c => c.map(i => bunny.positions[i])),
        triangles: bunny.cells.map((_, t) => [3 * t, 3 * t + 1, 3 * t + 2]),
      }),
    );
    const mvp = dr.cameras.compose(
      dr.cameras.perspective({fovy: 0.8, aspect: 1, near: 1, far: 100}),
      dr.cameras.lookAt([0, 4, 25], [0, 4, 0]),
    );
    // The topology hashes from index arrays on the CPU (a webgpu tensor read synchronously loses the device).
    const triples = (indices: ArrayLike<number>) =>
      Array.from({length: indices.length / 3}, (_, t) => [indices[3 * t], indices[3 * t + 1], indices[3 * t + 2]]);
    const shade = (pos: tf.Tensor2D, tri: tf.Tensor2D, topologyHash: dr.TopologyHash) => {
      const clip = dr.mat4.transformPos(mvp, pos);
      const {rast} = dr.rasterize(clip, tri, [64, 64]);
      const normals = dr.normalMap(pos, rast, tri);
      return {img: dr.antialias(tf.abs(normals), rast, clip, tri, {topologyHash}), covered: dr.coverage(rast)};
    };
    const hashA = dr.antialiasConstructTopologyHash(triples(welded.indices)),
      hashB = dr.antialiasConstructTopologyHash(bunny.cells.map((_, t) => [3 * t, 3 * t + 1, 3 * t + 2]));
    const a = shade(m.pos, m.tri, hashA),
      b = shade(soup.pos, soup.tri, hashB);
    const covered = await tf.sum(a.covered).data();
    expect(covered[0]).toBeGreaterThan(300);
    // Without shared vertices antialias blends across every triangle edge inside the bunny too.
    const inside = tf.sub(1, tf.maxPool(tf.sub(1, a.covered) as tf.Tensor4D, 3, 1, 'same')); // covered, eroded by a pixel
    const diffInside = await tf.sum(tf.mul(tf.abs(tf.sub(a.img, b.img)), inside)).data();
    expect(diffInside[0]).toBeGreaterThan(1);
    tf.dispose([m.pos, m.tri, m.attrTri, soup.pos, soup.tri, soup.attrTri]);
    hashA.dispose();
    hashB.dispose();
  });
});
