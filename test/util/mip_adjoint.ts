/** A check every backend's texture spec makes of TextureGrad's sum of a mip pyramid's gradients into tex. */
import * as tf from '@tensorflow/tfjs';

import * as k from '../../src/kernels/names';
import {runKernel} from '../../src/ops/grad_util';
import {mipLevelAdjoint} from '../../src/ops/texture_mip';

import {expectSameBits} from './gpu_kernels';
import {Rng} from './random';

/**
 * TextureGrad's dtex where the levels are tex's pyramid (mipGradToTex) against its per-level gradients (the call
 * without it) through the per-level steps and adds (docs/texture.md#mip-pyramid), bit for bit.
 */
export async function expectMipAdjointAsSteps() {
  const rng = new Rng(5);
  // Non-square with a side reaching 1 early, cube faces, a partial pyramid, two channel groups, one level:
  // [leading dims, H, W, C, levels, boundary mode].
  const cases: Array<[number[], number, number, number, number, k.BoundaryMode]> = [
    [[2], 4, 16, 1, 4, 'wrap'],
    [[1, 6], 8, 8, 2, 3, 'cube'],
    [[1], 12, 12, 5, 2, 'clamp'],
    [[1], 8, 4, 3, 1, 'zero'],
  ];
  const random = (shape: number[], lo: number, hi: number) =>
    tf.tensor(
      rng.array(
        shape.reduce((a, b) => a * b, 1),
        lo,
        hi,
      ),
      shape,
    );
  for (const [lead, h, w, c, levels, boundaryMode] of cases) {
    const cube = boundaryMode === 'cube';
    const shapes = Array.from({length: levels + 1}, (_, l) => [...lead, Math.max(h >> l, 1), Math.max(w >> l, 1), c]);
    const [tex, ...mips] = shapes.map(s => random(s, 0, 1));
    const image = [lead[0], 9, 11];
    const named = {
      tex,
      mips,
      uv: random([...image, cube ? 3 : 2], -0.5, 1.5),
      mipLevelBias: random(image, -0.5, levels + 0.5),
      dy: random([...image, c], -1, 1),
    };
    const attrs = {filterMode: 'linear-mipmap-linear', boundaryMode, outputs: 'texels'};
    const [dtex, ...dlevels] = runKernel(k.TextureGrad, named, attrs);
    const steps = tf.tidy(() => {
      let acc = dlevels[levels - 1];
      for (let l = levels; l >= 1; l--)
        acc = tf.add(l > 1 ? dlevels[l - 2] : dtex, mipLevelAdjoint(acc, shapes[l - 1]));
      return acc;
    });
    const kernel = runKernel(k.TextureGrad, named, {...attrs, mipGradToTex: true});
    expect(kernel.length).toBe(1);
    await expectSameBits(kernel[0], steps, `, ${shapes[0]} with ${levels} levels`);
    tf.dispose([...Object.values(named).flat(), dtex, ...dlevels, steps, ...kernel]);
  }
}
