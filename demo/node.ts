/** Entry of the Node bundle the headless runner loads for `--backend cpu`. */
import * as tf from '@tensorflow/tfjs';

export {tf};
export {resolveSettings} from './lib/sample';
export {train} from './lib/train';
export {findSample, SAMPLES} from './samples/index';
export {plotLosses} from './lib/plot';
export {helpTimeLines, measuredWhen, timesTable} from './lib/times';
