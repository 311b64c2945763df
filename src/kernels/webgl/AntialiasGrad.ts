import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {requireFloatBlend, runGL} from './gl_session';
import {antialiasBindings, isList, lineRunsOnto, listBindings, liveList, scatterOntoImage} from './Antialias';
import {
  antialiasColorGradProgram,
  antialiasColorPairsProgram,
  antialiasEndsProgram,
  antialiasPosGradProgram,
} from './antialias_grad_program';
import {pairScatter, pairScatterFits} from './pair_scatter';
import {withSilhouettes} from './antialias_silhouette';
import {copyToTensors, elementPass, scratchGrid} from './passes';
import {scatter, scatterTarget} from './scatter';

/**
 * antialias's backward (docs/antialias.md#backward) over the forward's live list (or its own, made the
 * same way, when called without one): dcolor starts as dy and each item moves α·dy(dest) from P0 to P1;
 * dpos gets each item's two endpoint gradients.
 */
export const antialiasGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, AntialiasGrad, s => {
    requireFloatBlend(s);
    const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
    const base = antialiasBindings(s, named);
    const {uniforms, textures, posRows} = base;
    const dyT = s.input(named.dy, false),
      dy = dyT.texture;
    const dcolor = s.output(named.color.shape),
      dpos = s.output(named.pos.shape);
    const list =
      (isList(named.list)
        ? s.input(named.list)
        : liveList(s, withSilhouettes(s, base), shape => s.afterDrawing(() => s.intermediate(shape)))) ??
      s.fail(
        `${named.color.shape.slice(0, 3).reduce((a, b) => a * b)} pixels are too many to count the silhouette ` +
          'candidates of exactly; use a smaller batch or resolution',
      );
    const {live, uniforms: listUniforms, textures: listTextures} = listBindings(list);
    // One triangle per item onto both its pixels' channels where the layout allows (pair_scatter.ts), else a line per
    // pixel and run of channels.
    const [, , width, channels] = named.color.shape;
    const pairs = pairScatterFits(dcolor.texShape, width, channels);
    scatterOntoImage(s, dcolor, dyT, live, target =>
      pairs
        ? pairScatter(
            s,
            target,
            antialiasColorPairsProgram(s.ctx),
            live,
            {...uniforms, ...listUniforms},
            {
              uDy: dy,
              ...listTextures,
            },
          )
        : lineRunsOnto(
            s,
            target,
            channels,
            antialiasColorGradProgram(s.ctx),
            live,
            2,
            {...uniforms, ...listUniforms},
            {
              uDy: dy,
              ...listTextures,
            },
          ),
    );
    if (dpos.size > 0) {
      const target = scatterTarget(s, posRows);
      if (live > 0) {
        const ends = ['end0', 'end1'].map(name => scratchGrid(s, `antialias.${name}`, live));
        elementPass(
          s,
          antialiasEndsProgram(s.ctx),
          ends,
          {...uniforms, ...listUniforms},
          {uColor: textures.uColor, uPos: textures.uPos, uDy: dy, ...listTextures},
        );
        const [uEnd0, uEnd1] = ends.map(grid => grid.texture);
        scatter(s, target, antialiasPosGradProgram(s.ctx), 2 * live, {}, {uEnd0, uEnd1});
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
