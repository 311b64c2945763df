/**
 * Unknown option names are errors that list the valid ones and suggest the nearest
 * (docs/conventions.md#options); checked before any kernel runs, so one backend suffices.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

const inNode = (globalThis as {process?: {versions?: {node?: string}}}).process?.versions?.node != null;

describe('options', () => {
  const pos = () =>
    tf.tensor3d([
      [
        [-1, -1, 0, 1],
        [1, -1, 0, 1],
        [0, 1, 0, 1],
      ],
    ]);
  const tri = () => tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
  const any = (o: unknown) => o as any;

  it('rasterize: a typo names the option, the nearest valid one and the list', () => {
    tf.tidy(() => {
      expect(() => dr.rasterize(pos(), tri(), [4, 4], any({gradDB: false}))).toThrowError(
        /^rasterize: unknown option 'gradDB'; did you mean 'gradDb'\? valid options: (\w+, )*ranges, gradDb\b/,
      );
      expect(() => new dr.DepthPeeler(pos(), tri(), [4, 4], any({range: [[0, 1]]}))).toThrowError(
        /^DepthPeeler: unknown option 'range'; did you mean 'ranges'\? valid options: .*\branges\b/,
      );
    });
  });

  it('every op checks its options', () => {
    tf.tidy(() => {
      const {rast, rastDb} = dr.rasterize(pos(), tri(), [4, 4], {gradDb: true, ranges: undefined});
      const attr = tf.ones([3, 2]);
      expect(() => dr.interpolate(attr, rast, tri(), any({rastDb, diffAttr: 'all'}))).toThrowError(
        "interpolate: unknown option 'diffAttr'; did you mean 'diffAttrs'? valid options: rastDb, diffAttrs",
      );
      const uv = tf.zeros([1, 4, 4, 2]),
        tex = tf.ones([1, 4, 4, 3]);
      expect(() => dr.texture(tex, uv, any({filtermode: 'linear'}))).toThrowError(
        "texture: unknown option 'filtermode'; did you mean 'filterMode'? valid options: uvDa, mipLevelBias, mip, " +
          'filterMode, boundaryMode, maxMipLevel',
      );
      expect(() => dr.textureConstructMip(tex, any({cubemode: false}))).toThrowError(
        "textureConstructMip: unknown option 'cubemode'; did you mean 'cubeMode'? valid options: maxMipLevel, cubeMode",
      );
      const color = tf.ones([1, 4, 4, 3]);
      expect(() => dr.antialias(color, rast, pos(), tri(), any({posGradBoost: 2}))).toThrowError(
        "antialias: unknown option 'posGradBoost'; did you mean 'posGradientBoost'? valid options: topologyHash, " +
          'posGradientBoost',
      );
    });
  });

  it('suggests nothing when no valid name is close, and rejects options that are not an object', () => {
    tf.tidy(() => {
      expect(() => dr.rasterize(pos(), tri(), [4, 4], any({background: 1}))).toThrowError(
        /^rasterize: unknown option 'background'; valid options: /,
      );
      expect(() => dr.rasterize(pos(), tri(), [4, 4], any(true))).toThrowError(
        /^rasterize: options must be an object with any of .*gradDb.*, got true$/,
      );
      expect(() => dr.rasterize(pos(), tri(), [4, 4], any([]))).toThrowError(/, got an array$/);
      expect(() => dr.textureConstructMip(tf.ones([1, 4, 4, 3]), any(null))).toThrowError(
        'textureConstructMip: options must be an object with any of maxMipLevel, cubeMode, got null',
      );
    });
  });

  it('the camera builders and weld check their options too', () => {
    tf.tidy(() => {
      expect(() => dr.cameras.perspective(any({fovy: 1, aspect: 1, near: 0.1, far: 10, fov: 1}))).toThrowError(
        "cameras.perspective: unknown option 'fov'; did you mean 'fovy'? valid options: fovy, aspect, near, far",
      );
      expect(() => dr.cameras.orbit(any({azimuth: 0, elevation: 0, distance: 2, targets: [0, 0, 0]}))).toThrowError(
        "cameras.orbit: unknown option 'targets'; did you mean 'target'? valid options: azimuth, elevation, distance, " +
          'target',
      );
      const k = {fx: 1, fy: 1, cx: 0, cy: 0, width: 4, height: 4, near: 0.1, far: 10};
      expect(() => dr.cameras.intrinsics(any({...k, Cx: 0}))).toThrowError(
        /^cameras\.intrinsics: unknown option 'Cx'; did you mean 'cx'\? valid options: fx, fy, cx, cy, width, height/,
      );
      expect(dr.cameras.intrinsics(k).shape).toEqual([4, 4]);
    });
    const mesh = {positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2])};
    expect(() => dr.meshes.weld(mesh as any, any({tol: 1e-6}))).toThrowError(
      "weld: unknown option 'tol'; valid options: tolerance",
    );
  });

  it('accepts every valid option name, also with undefined values', () => {
    tf.tidy(() => {
      const {rast, rastDb} = dr.rasterize(pos(), tri(), [4, 4], {ranges: undefined, gradDb: false});
      const {out} = dr.interpolate(tf.ones([3, 2]), rast, tri(), {rastDb, diffAttrs: undefined});
      expect(out.shape).toEqual([1, 4, 4, 2]);
      const tex = tf.ones([1, 4, 4, 3]);
      const mip = dr.textureConstructMip(tex, {maxMipLevel: 1, cubeMode: false});
      const uv = tf.fill([1, 4, 4, 2], 0.5);
      const bias = tf.zeros([1, 4, 4]);
      const options = {mip, mipLevelBias: bias, uvDa: undefined, filterMode: 'linear' as const};
      expect(dr.texture(tex, uv, {...options, boundaryMode: 'clamp', maxMipLevel: 1}).shape).toEqual([1, 4, 4, 3]);
      const hash = dr.antialiasConstructTopologyHash(tri());
      expect(dr.antialias(out, rast, pos(), tri(), {topologyHash: hash, posGradientBoost: 2}).shape).toEqual([
        1, 4, 4, 2,
      ]);
      hash.dispose();
    });
  });
});

if (inNode) {
  describe('options (Node)', () => {
    it('initWebGPU checks its options before it loads Dawn', async () => {
      // A computed specifier: the browser bundle must not pull in Dawn.
      const {initWebGPU} = await import(['..', 'src', 'node_webgpu.ts'].join('/'));
      await expectAsync(initWebGPU({setbackend: false})).toBeRejectedWithError(
        "initWebGPU: unknown option 'setbackend'; did you mean 'setBackend'? valid options: dawnOptions, setBackend",
      );
    });
  });
}
