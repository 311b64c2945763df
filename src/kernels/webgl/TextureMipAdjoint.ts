import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';
import {util} from '@tensorflow/tfjs-core';

import {mipLevelSize} from '../shared/mip_sizes';
import {TextureMipAdjoint, unpackInputs} from '../names';

import {runGL} from './gl_session';
import {elementPass, scratchGrid} from './passes';
import {textureMipAdjointProgram, textureMipSumProgram} from './texture_mip_program';

/**
 * dtex plus every level's gradient spread up to tex (docs/texture.md#mip-pyramid), in two passes where the per-level
 * steps and adds took 2L (texture_mip_program.ts); the same sums bit for bit.
 */
export const textureMipAdjointWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, TextureMipAdjoint, s => {
    const {dtex, mips} = unpackInputs<{dtex: TensorInfo; mips: TensorInfo[]}>(inputs, attrs!);
    const r = dtex.shape.length;
    const [height, width, channels] = dtex.shape.slice(r - 3);
    const sizes = Array.from({length: mips.length + 1}, (_, l) => mipLevelSize(height, width, l));
    if (mips.length === 0) s.fail('internal error: TextureMipAdjoint without mip levels');
    const out = s.output(dtex.shape);
    const dtexT = s.input(dtex);
    const levels: {[sampler: string]: WebGLTexture | null} = {};
    mips.forEach((m, l) => (levels[`uLevel${l + 1}`] = s.input(m).texture));
    const sums = scratchGrid(s, 'texture-mip-adjoint.sums', util.sizeFromShape(mips[0].shape));
    elementPass(s, textureMipSumProgram(s.ctx, sizes, channels), [sums], {}, levels);
    elementPass(
      s,
      textureMipAdjointProgram(s.ctx, sizes, channels),
      [out],
      {},
      {
        uDtex: dtexT.texture,
        uSums: sums.texture,
      },
    );
    return out.info;
  });

export const textureMipAdjointConfig: KernelConfig = {
  kernelName: TextureMipAdjoint,
  backendName: 'webgl',
  kernelFunc: textureMipAdjointWebGL,
};
