import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureMipGrad, TextureMipGradAttrs, unpackInputs} from '../names';

import {runGL} from './gl_session';
import {elementPass} from './passes';
import {textureMipGradProgram} from './texture_mip_program';

export const textureMipGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, TextureMipGrad, s => {
    const {dy} = unpackInputs<{dy: TensorInfo}>(inputs, attrs!);
    const {inHeight, inWidth} = attrs as unknown as TextureMipGradAttrs;
    const r = dy.shape.length;
    const [h2, w2, channels] = dy.shape.slice(r - 3);
    const dyT = s.input(dy);
    const dx = s.output([...dy.shape.slice(0, r - 3), inHeight, inWidth, channels]);
    elementPass(
      s,
      textureMipGradProgram(s.ctx),
      [dx],
      {uAbove: [inWidth, inHeight], uBelow: [w2, h2], uChannels: channels},
      {uInput: dyT.texture},
    );
    return dx.info;
  });

export const textureMipGradConfig: KernelConfig = {
  kernelName: TextureMipGrad,
  backendName: 'webgl',
  kernelFunc: textureMipGradWebGL,
};
