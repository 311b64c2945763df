import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureMip, unpackInputs} from '../names';
import {mipLevelSize} from '../shared/mip_sizes';

import {runGL} from './gl_session';
import {elementPass} from './passes';
import {textureMipProgram} from './texture_mip_program';

export const textureMipWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, TextureMip, s => {
    const {x} = unpackInputs<{x: TensorInfo}>(inputs, attrs!);
    const r = x.shape.length;
    const [height, width, channels] = x.shape.slice(r - 3);
    const [h2, w2] = mipLevelSize(height, width, 1);
    const xT = s.input(x);
    const out = s.output([...x.shape.slice(0, r - 3), h2, w2, channels]);
    elementPass(
      s,
      textureMipProgram(s.ctx),
      [out],
      {uAbove: [width, height], uBelow: [w2, h2], uChannels: channels},
      {uInput: xT.texture},
    );
    return out.info;
  });

export const textureMipConfig: KernelConfig = {
  kernelName: TextureMip,
  backendName: 'webgl',
  kernelFunc: textureMipWebGL,
};
