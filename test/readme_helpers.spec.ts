/**
 * The README's "Cameras, meshes, depth and normal maps" snippets, as written there, with checks of
 * what they promise. The loaders snippet reads files the spec writes (in Node; in a page the same
 * bytes go through parseOBJ / parseGLTF).
 */
import * as tf from '@tensorflow/tfjs';
import {Document, WebIO} from '@gltf-transform/core';
import bunnyData from 'bunny';

import * as dr from '../src/index';
import {loadGLTF, loadOBJ, parseGLTF, parseOBJ} from '../src/loaders/index';

import {describeEachBackend} from './util/backends';

const isNode = (globalThis as {process?: {versions?: {node?: string}}}).process?.versions?.node != null;

/** A small glTF: one triangle with uvs and normals, split vertices (as files have them). */
async function duckGlb(): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const acc = (a: Float32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>, type: 'VEC3' | 'VEC2' | 'SCALAR') =>
    doc.createAccessor().setArray(a).setType(type).setBuffer(buffer);
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', acc(Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]), 'VEC3'))
    .setAttribute(
      'NORMAL',
      acc(
        new Float32Array(18).map((_, i) => (i % 3 === 2 ? 1 : 0)),
        'VEC3',
      ),
    )
    .setAttribute('TEXCOORD_0', acc(Float32Array.from([0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0]), 'VEC2'))
    .setIndices(acc(Uint16Array.from([0, 1, 2, 3, 4, 5]), 'SCALAR'));
  doc.createScene().addChild(doc.createNode().setMesh(doc.createMesh().addPrimitive(prim)));
  return new WebIO().writeBinary(doc);
}

const bunnyObjText = () =>
  [
    ...bunnyData.positions.map(p => `v ${p.join(' ')}`),
    ...bunnyData.cells.map(c => `f ${c.map(i => i + 1).join(' ')}`),
  ].join('\n');

describeEachBackend('README helpers', () => {
  it('cameras, depth and normal maps: the snippet runs and its gradient reaches pos', async () => {
    // --- README ---
    const {positions, triangles} = dr.meshes.cube(0.5);
    const pos = tf.variable(tf.tensor2d(positions));
    const tri = tf.tensor2d(triangles, undefined, 'int32');
    const view = dr.cameras.orbit({azimuth: 0.6, elevation: 0.4, distance: 3}); // or lookAt(eye, target, up)
    const proj = dr.cameras.perspective({fovy: 0.8, aspect: 1, near: 0.1, far: 10});
    // OpenCV: dr.cameras.intrinsics({fx, fy, cx, cy, width, height, near, far}) takes OpenCV camera space
    const clip = dr.mat4.transformPos(dr.cameras.compose(proj, view), pos); // [1,V,4]

    function maps() {
      const clip = dr.mat4.transformPos(dr.cameras.compose(proj, view), pos);
      const {rast} = dr.rasterize(clip, tri, [128, 128]);
      const depth = dr.depthMap(dr.mat4.transformPos(view, pos), rast, tri); // [1,128,128,1]
      const normals = dr.normalMap(pos, rast, tri, {view}); // [1,128,128,3], camera space
      return {depth, normals};
    }
    const {depth, normals} = maps();
    const {grads} = tf.variableGrads(() => tf.mean(maps().depth) as tf.Scalar); // d mean depth / d pos
    // --- end ---
    expect(clip.shape).toEqual([1, 8, 4]);
    expect(depth.shape).toEqual([1, 128, 128, 1]);
    expect(normals.shape).toEqual([1, 128, 128, 3]);
    // The cube's center is 3 away: visible depths lie within its half-diagonal of that.
    const d = (await depth.data()).filter(x => x !== 0);
    expect(d.length).toBeGreaterThan(1000);
    expect(Math.min(...d)).toBeGreaterThan(3 - 0.87);
    expect(Math.max(...d)).toBeLessThan(3 + 0.87);
    expect(Math.max(...(await tf.abs(grads[pos.name]).data()))).toBeGreaterThan(0);

    // --- README ---
    const colors = tf.tensor2d(positions.map(p => p.map(x => x + 0.5)));
    const shade = (layer: dr.RasterizeResult) => ({
      color: dr.interpolate(colors, layer.rast, tri).out,
      alpha: tf.fill([1, 128, 128, 1], 0.4) as tf.Tensor4D,
    });
    const glass = dr.renderTransparent(clip, tri, [128, 128], shade, {layers: 2, background: [1, 1, 1]});
    const smooth = dr.supersample(
      res => {
        const {rast} = dr.rasterize(clip, tri, res);
        return dr.interpolate(colors, rast, tri).out;
      },
      [128, 128],
      4,
    ); // rendered at 512², box-filtered to 128²
    // --- end ---
    expect(glass.shape).toEqual([1, 128, 128, 3]);
    expect(smooth.shape).toEqual([1, 128, 128, 3]);
    // A corner pixel is background (white); the center sees two glass layers: 1 − 0.6² of it is cube colour.
    const g = (await glass.array()) as number[][][][];
    expect(g[0][0][0]).toEqual([1, 1, 1]);
    const center = g[0][64][64];
    center.forEach(c => expect(c).toBeLessThan(1));
    tf.dispose([pos, tri, clip, depth, normals, grads[pos.name], colors, glass, smooth, view, proj]);
  });

  it('loaders: the snippet loads an OBJ and a GLB, welds, converts and batches them', async () => {
    let bunny: dr.TriangleMesh, duck: dr.TriangleMesh, cube: dr.TriangleMesh;
    const c = dr.meshes.cube();
    const cubeObj = [
      ...c.positions.map(p => `v ${p.join(' ')}`),
      ...c.triangles.map(t => `f ${t.map(i => i + 1).join(' ')}`),
    ].join('\n');
    if (isNode) {
      const [fsName, osName, pathName] = ['node:fs', 'node:os', 'node:path'];
      const fs = await import(/* @vite-ignore */ fsName);
      const os = await import(/* @vite-ignore */ osName);
      const path = await import(/* @vite-ignore */ pathName);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffrast-readme-'));
      const file = (name: string) => path.join(dir, name);
      fs.writeFileSync(file('bunny.obj'), bunnyObjText());
      fs.writeFileSync(file('duck.glb'), await duckGlb());
      fs.writeFileSync(file('cube.obj'), cubeObj);
      try {
        // --- README (file names in the spec's temporary folder) ---
        bunny = await loadOBJ(file('bunny.obj')); // a path in Node, a URL in a page; welded for antialias
        [duck] = await loadGLTF(file('duck.glb')); // one mesh per primitive: positions, normals, uvs, texture
        // --- end ---
        cube = await loadOBJ(file('cube.obj')); // (the README loads it inline in batchMeshes)
      } finally {
        fs.rmSync(dir, {recursive: true, force: true});
      }
    } else {
      bunny = parseOBJ(bunnyObjText());
      [duck] = await parseGLTF(await duckGlb());
      cube = parseOBJ(cubeObj);
    }
    // --- README ---
    const t = dr.meshes.toTensors(dr.meshes.weld(duck)); // {pos, tri, attrTri, normals, uvs, texture}
    const {mesh, ranges} = dr.meshes.batchMeshes([bunny, cube]); // range mode: image m, mesh m
    // --- end ---
    expect(t.pos.shape).toEqual([4, 3]);
    expect(t.tri.shape).toEqual([2, 3]);
    expect(t.uvs!.shape).toEqual([6, 2]);
    expect(ranges).toEqual([
      [0, bunnyData.cells.length],
      [bunnyData.cells.length, 12],
    ]);
    expect(mesh.positions.length).toBe(3 * (bunnyData.positions.length + 8));
    tf.dispose([t.pos, t.tri, t.attrTri, t.uvs!, t.normals!]);
  });
});
