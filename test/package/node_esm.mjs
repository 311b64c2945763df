/**
 * Package check, Node ES module consumer. Run by test/playwright/package.spec.mjs from a temporary
 * project where `tfjs-diffrast` is installed from `npm pack`; prints one line `@@result <json>`.
 */
import * as tf from '@tensorflow/tfjs';

import diffrastPackageCheck from './triangle_check.cjs';

const API = [
  'rasterize',
  'DepthPeeler',
  'interpolate',
  'texture',
  'textureConstructMip',
  'antialias',
  'antialiasConstructTopologyHash',
];
const EXPECTED_FILE = '/node_modules/tfjs-diffrast/dist/tfjs-diffrast.esm.js';

const results = [];
let dr = null;
try {
  const resolved = new URL(import.meta.resolve('tfjs-diffrast')).pathname;
  if (!resolved.endsWith(EXPECTED_FILE)) throw new Error(`resolved to ${resolved}, expected …${EXPECTED_FILE}`);
  dr = await import('tfjs-diffrast');
  const missing = API.filter(name => typeof dr[name] !== 'function');
  if (missing.length) throw new Error(`missing exports: ${missing.join(', ')}`);
  results.push({name: 'import', ok: true});
} catch (e) {
  results.push({name: 'import', ok: false, reason: String(e?.message ?? e).split('\n')[0]});
}
if (dr) {
  results.push(...(await diffrastPackageCheck(tf, dr)));
} else {
  results.push({name: 'rasterize', ok: false, reason: 'not loaded'}, {name: 'grad', ok: false, reason: 'not loaded'});
}
console.log('@@result ' + JSON.stringify(results));
