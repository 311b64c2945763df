import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {requireFloatBlend, runGL} from './gl_session';
import {antialiasBindings} from './Antialias';
import {antialiasColorGradProgram, antialiasPosGradProgram} from './antialias_grad_program';
import {channelGroupPass} from './passes';
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
    channelGroupPass(s, antialiasColorGradProgram(s.ctx), dcolor, uniforms.uChannels, uniforms, all);
    const [numImages, height, width] = color.shape;
    scatterPrecomputed(s, dpos, posRows, antialiasPosGradProgram(s.ctx), 4, numImages * height * width, uniforms, all);
    return [dcolor.info, dpos.info] as TensorInfo[];
  });

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'webgl',
  kernelFunc: antialiasGradWebGL,
};
