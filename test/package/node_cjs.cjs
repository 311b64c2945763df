/**
 * Package check, Node CommonJS consumer. Run by test/playwright/package.spec.mjs from a temporary
 * project where `tfjs-diffrast` is installed from `npm pack`; prints one line `@@result <json>`.
 */
'use strict';
const tf = require('@tensorflow/tfjs');

const diffrastPackageCheck = require('./triangle_check.cjs');

const API = [
  'rasterize',
  'DepthPeeler',
  'interpolate',
  'texture',
  'textureConstructMip',
  'antialias',
  'antialiasConstructTopologyHash',
];
const EXPECTED_FILE = require('path').join('node_modules', 'tfjs-diffrast', 'dist', 'tfjs-diffrast.cjs');

(async () => {
  const results = [];
  let dr = null;
  try {
    const resolved = require.resolve('tfjs-diffrast');
    if (!resolved.endsWith(EXPECTED_FILE)) throw new Error(`resolved to ${resolved}, expected …${EXPECTED_FILE}`);
    dr = require('tfjs-diffrast');
    const missing = API.filter(name => typeof dr[name] !== 'function');
    if (missing.length) throw new Error(`missing exports: ${missing.join(', ')}`);
    results.push({name: 'require', ok: true});
  } catch (e) {
    results.push({name: 'require', ok: false, reason: String((e && e.message) || e).split('\n')[0]});
  }
  if (dr) {
    results.push(...(await diffrastPackageCheck(tf, dr)));
  } else {
    results.push({name: 'rasterize', ok: false, reason: 'not loaded'}, {name: 'grad', ok: false, reason: 'not loaded'});
  }
  console.log('@@result ' + JSON.stringify(results));
})();
