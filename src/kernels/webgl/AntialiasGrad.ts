import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {requireFloatBlend, runGL} from './gl_session';
import {antialiasBindings} from './Antialias';
import {
  antialiasColorGradFromAlphasProgram,
  antialiasColorGradProgram,
  antialiasPosGradProgram,
} from './antialias_grad_program';
import {channelGroupPass, scratchGrid} from './passes';
import {scatterPrecomputed} from './scatter';

export const antialiasGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, AntialiasGrad, s => {
    requireFloatBlend(s);
    const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
    const {uniforms, textures, posRows} = antialiasBindings(s, named);
    const all = {...textures, uDy: s.input(named.dy).texture};
    const {color, pos} = named;
    const dcolor = s.output(color.shape),
      dpos = s.output(pos.shape);
    const [numImages, height, width] = color.shape;
    const pixels = numImages * height * width;
    // Where five draw buffers are allowed, the dpos pass also keeps each item's α for dcolor.
    const alphas =
      (s.gl.getParameter(s.gl.MAX_DRAW_BUFFERS) as number) >= 5
        ? scratchGrid(s, 'antialias-grad.alphas', pixels)
        : null;
    scatterPrecomputed(
      s,
      dpos,
      posRows,
      antialiasPosGradProgram(s.ctx, alphas != null),
      4,
      pixels,
      uniforms,
      all,
      alphas ?? undefined,
    );
    if (alphas) {
      const program = antialiasColorGradFromAlphasProgram(s.ctx);
      channelGroupPass(s, program, dcolor, uniforms.uChannels, uniforms, {uDy: all.uDy, uAlphas: alphas.texture});
    } else {
      channelGroupPass(s, antialiasColorGradProgram(s.ctx), dcolor, uniforms.uChannels, uniforms, all);
    }
    return [dcolor.info, dpos.info] as TensorInfo[];
  });

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'webgl',
  kernelFunc: antialiasGradWebGL,
};
