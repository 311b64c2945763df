/** The gallery, in the order pages and `npm run sample` list it. */
import type {Sample} from '../lib/sample';

import {cube} from './cube';
import {earth} from './earth';
import {envphong} from './envphong';
import {model} from './model';
import {pose} from './pose';
import {triangle} from './triangle';

export const SAMPLES: Sample[] = [triangle, cube, earth, envphong, pose, model];

export function findSample(name: string): Sample | undefined {
  return SAMPLES.find(s => s.name === name);
}
