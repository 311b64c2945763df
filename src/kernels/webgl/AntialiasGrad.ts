import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {requireFloatBlend, runGL} from './gl_session';
import {antialiasBindings, liveItems, storedItems} from './Antialias';
import {antialiasColorGradProgram, antialiasPosGradProgram} from './antialias_grad_program';
import {silhouetteCandidates, withSilhouettes} from './antialias_silhouette';
import {copyFlatProgram, copyToTensors, elementPass, groupsOf} from './passes';
import {groupTarget, scatter, scatterTarget} from './scatter';

/**
 * antialias's backward (docs/antialias.md#backward) on the silhouette candidates alone
 * (antialias_silhouette.ts), then on their items alone (liveItems): dcolor starts as dy and each
 * item moves α·dy(dest) from P0 to P1; dpos gets each item's two endpoint gradients.
 */
export const antialiasGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, AntialiasGrad, s => {
    requireFloatBlend(s);
    const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
    const base = antialiasBindings(s, named);
    const {uniforms, posRows} = base;
    const all = {...base.textures, uDy: s.input(named.dy).texture};
    const dcolor = s.output(named.color.shape),
      dpos = s.output(named.pos.shape);
    const bound = withSilhouettes(s, base);
    // (silhouetteCandidates is null only without float blending, refused above.)
    const pyramid = bound && silhouetteCandidates(s, bound);
    const [items, end0, end1] = pyramid ? storedItems(s, pyramid, bound!, all.uDy) : [];
    const live = items && liveItems(s, pyramid!.total, items);
    const some = live && live.total > 0;
    if (some) {
      const channels = uniforms.uChannels;
      const groups = groupsOf(channels);
      const target = groupTarget(s, 'antialias-grad.dcolor', all.uDy, dcolor.size / channels, channels);
      scatter(
        s,
        target,
        antialiasColorGradProgram(s.ctx),
        2 * groups * live.total,
        {...uniforms, ...live.uniforms, uGroups: groups},
        {uDy: all.uDy, uStoredItems: items.texture, ...live.textures},
      );
      copyToTensors(s, [target], {cols: channels, base: 0}, [dcolor]);
    } else {
      elementPass(s, copyFlatProgram(s.ctx), [dcolor], {}, {uSource: all.uDy});
    }
    if (dpos.size > 0) {
      const target = scatterTarget(s, posRows);
      if (some) {
        const textures = {uEnd0: end0.texture, uEnd1: end1.texture, ...live.textures};
        scatter(s, target, antialiasPosGradProgram(s.ctx), 2 * live.total, live.uniforms, textures);
      }
      copyToTensors(s, [target], {cols: 4, base: 0}, [dpos]);
    }
    return [dcolor.info, dpos.info] as TensorInfo[];
  });

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'webgl',
  kernelFunc: antialiasGradWebGL,
};
