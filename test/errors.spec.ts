/** One format for the errors of every backend's kernels: `<op> (<backend>): <message>` (docs/backends.md#errors). */
import {errorPrefix, kernelError, publicOp, withKernelPrefix} from '../src/kernels/errors';
import * as k from '../src/kernels/names';

describe('kernel errors', () => {
  it('name the public op of every kernel', () => {
    const ops = k.ALL_KERNELS.map(publicOp);
    expect(ops).toEqual([
      'rasterize',
      'rasterize',
      'interpolate',
      'interpolate',
      'texture',
      'texture',
      'textureConstructMip',
      'textureConstructMip',
      'antialias',
      'antialias',
      'mat4.transformPos',
      'mat4.transformPos',
    ]);
  });

  it('read <op> (<backend>): <message>, and say so for gradient kernels', () => {
    expect(kernelError(k.Rasterize, 'webgl', 'needs WebGL 2').message).toBe('rasterize (webgl): needs WebGL 2');
    expect(kernelError(k.TextureMipGrad, 'webgpu', 'x').message).toBe('textureConstructMip (webgpu): gradient: x');
    expect(errorPrefix(k.AntialiasGrad, 'webgl')).toBe('antialias (webgl): gradient: ');
  });

  it('prefix an escaped error once', () => {
    const e = new Error('program rasterize failed to link');
    expect(withKernelPrefix(e, k.Rasterize, 'webgl')).toBe(e);
    expect(e.message).toBe('rasterize (webgl): program rasterize failed to link');
    withKernelPrefix(e, k.Rasterize, 'webgl');
    expect(e.message).toBe('rasterize (webgl): program rasterize failed to link');
    expect(withKernelPrefix('not an Error', k.Rasterize, 'webgl')).toBe('not an Error');
  });
});
