/** The cpu rows in Node, for bench/run.mjs (same cases as the page, cpu subjects). */
import * as tf from '@tensorflow/tfjs';

import {benchCases} from './cases';
import {exposeBench} from './session';

exposeBench(async quick => {
  await tf.setBackend('cpu');
  return {
    cases: benchCases({where: 'node', quick, unavailable: {}}),
    info: {node: process.version, tfjs: tf.version.tfjs},
  };
});
