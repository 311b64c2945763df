#!/usr/bin/env node
// Measures the README's sample targets at the samples' default settings (fixed seeds) and prints
// a table (also out/targets-<backend>.json and .md). Not part of the test run: at full size some
// samples take many minutes.
//
//   node demo/tools/measure-targets.mjs [--backend webgl|webgpu|cpu] [--only cube,earth,...] [--browser]
//
// cpu runs in Node unless --browser; webgl / webgpu run in headless Chromium.
import fs from 'node:fs';
import path from 'node:path';

import {ROOT} from './build.mjs';
import * as runner from './runner.mjs';

/** Each target: the runs it needs and how to judge them. `runs` differ from the defaults only as named. */
const TARGETS = [
  {name: 'cube 16×16', sample: 'cube', runs: [{res: 16}], metric: 'mean vertex error', bound: ['<', 0.02]},
  {name: 'cube 4×4', sample: 'cube', runs: [{res: 4}], metric: 'mean vertex error', bound: ['<', 0.1]},
  {
    name: 'cube 16×16, per-face colors',
    sample: 'cube',
    runs: [{res: 16, colors: 'per-face'}],
    metric: 'mean vertex error',
    bound: ['<', 0.02],
  },
  {
    name: 'cube 4×4, per-face colors',
    sample: 'cube',
    runs: [{res: 4, colors: 'per-face'}],
    metric: 'mean vertex error',
    bound: ['<', 0.1],
  },
  {name: 'earth: mipmap PSNR gain', sample: 'earth', runs: [{}], metric: 'mipmap gain (dB)', bound: ['>=', 3]},
  {name: 'envphong: Phong rgb RMSE', sample: 'envphong', runs: [{}], metric: 'Phong rgb rmse', bound: ['<', 0.05]},
  {
    name: 'envphong: exponent relative error',
    sample: 'envphong',
    runs: [{}],
    metric: 'Phong exponent relative error',
    bound: ['<', 0.1],
    reuse: true,
  },
  {
    name: 'pose: seeds 1–10 below 2°',
    sample: 'pose',
    runs: Array.from({length: 10}, (_, i) => ({seed: i + 1})),
    metric: 'angle error (degrees)',
    bound: ['<', 2],
    atLeast: 8,
  },
  {
    name: 'model: held-out view PSNR',
    sample: 'model',
    runs: [{}],
    metric: 'held-out view PSNR (dB)',
    bound: ['>=', 18],
  },
];

const args = process.argv.slice(2);
const arg = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
const only = arg('--only')?.split(',');
const backend = arg('--backend') ?? (await runner.bestBackend());
const inBrowser = backend !== 'cpu' || args.includes('--browser');

const session = inBrowser ? await runner.BrowserSession.start({say: console.log}) : null;
const rows = [];
const cache = new Map();
try {
  for (const target of TARGETS) {
    if (only && !only.includes(target.sample)) continue;
    const values = [];
    let seconds = 0,
      iters = 0;
    for (const given of target.runs) {
      const key = JSON.stringify([target.sample, given]);
      if (!cache.has(key)) {
        console.log(`${target.sample} ${JSON.stringify(given)} on ${backend}`);
        const settings = (await runner.loadNodeBundle()).resolveSettings(
          (await runner.loadNodeBundle()).findSample(target.sample),
          given,
        );
        const result = await runner.runSample({
          name: target.sample,
          backend,
          given,
          session,
          onProgress: runner.progressBar(settings.iters),
        });
        await runner.writeOutputs(
          result,
          path.join(ROOT, 'out', 'targets', backend, `${target.sample}-${Object.values(given).join('-') || 'default'}`),
        );
        console.log(`  ${JSON.stringify(result.metrics)}`);
        cache.set(key, result);
      }
      const result = cache.get(key);
      values.push(result.metrics[target.metric]);
      seconds += result.seconds;
      iters = result.settings.iters;
    }
    const [op, bound] = target.bound;
    const passes = values.filter(v => (op === '<' ? v < bound : v >= bound)).length;
    const ok = passes >= (target.atLeast ?? values.length);
    const measured =
      values.length > 1
        ? `${passes}/${values.length} (${values.map(v => Number(v.toPrecision(2))).join(', ')})`
        : Number(values[0].toPrecision(3));
    rows.push({
      target: target.name,
      metric: target.metric,
      bound: `${op} ${bound}${target.atLeast ? ` in ≥ ${target.atLeast}/${values.length}` : ''}`,
      measured,
      ok,
      backend,
      iterations: iters,
      seconds: Math.round(seconds),
    });
  }
} finally {
  await session?.close();
}

const md = [
  '| target | bound | measured | backend | iterations | seconds | |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    r =>
      `| ${r.target} | ${r.metric} ${r.bound} | ${r.measured} | ${r.backend}${inBrowser ? '' : ' (Node)'} | ${r.iterations} | ${r.seconds} | ${r.ok ? 'met' : 'NOT met'} |`,
  ),
].join('\n');
console.log(`\n${md}`);
fs.mkdirSync(path.join(ROOT, 'out'), {recursive: true});
fs.writeFileSync(path.join(ROOT, 'out', `targets-${backend}.json`), JSON.stringify(rows, null, 1) + '\n');
fs.writeFileSync(path.join(ROOT, 'out', `targets-${backend}.md`), md + '\n');
process.exitCode = rows.every(r => r.ok) ? 0 : 1;
