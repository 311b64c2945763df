#!/usr/bin/env node
// npm run sample -- <name> [--backend webgl|webgpu|cpu] [--iters N] [--res R] [--seed S] [--<setting> V]
//                          [--out DIR] [--browser]
//
// Runs one sample headless: webgl / webgpu in a page of headless Chromium, cpu in Node (or, with
// --browser, in Chromium too). Shows a
// progress bar, writes target.png, result.png (and the sample's other panels), loss.png and
// result.json to out/<name>/, and prints the final metrics. Without --backend: webgl when the
// library has webgl kernels, else webgpu, else cpu. Set-up on a fresh clone: `npm install
// --no-save` when node_modules is missing, Debian's chromium when none is found (as root).
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {ensureDependencies} from './test-setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'usage: npm run sample -- <name> [--backend webgl|webgpu|cpu] [--iters N] [--res R] [--seed S] ' +
  "[--<setting> V] [--out DIR] [--browser]\n       npm run sample -- <name> --help   (the sample's settings)";
const say = msg => console.log(`[sample] ${msg}`);
const fail = msg => {
  console.error(`[sample] ${msg}`);
  process.exit(1);
};

function parseArgs(argv) {
  const o = {name: null, backend: null, out: null, help: false, browser: false, given: {}};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') o.help = true;
    else if (a === '--browser') o.browser = true;
    else if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split(/=(.*)/s);
      const value = inline ?? argv[++i];
      if (value === undefined) fail(`${a} needs a value`);
      if (key === 'backend') o.backend = value;
      else if (key === 'out') o.out = value;
      else o.given[key] = value;
    } else if (!o.name) o.name = a;
    else fail(`unexpected argument ${a}`);
  }
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const depsError = ensureDependencies(root, say);
  if (depsError) fail(depsError);
  const runner = await import('../demo/tools/runner.mjs');
  const {SAMPLES, findSample} = await runner.loadNodeBundle();
  const sample = opts.name && findSample(opts.name);
  if (!sample) {
    if (opts.name) console.error(`[sample] no sample named '${opts.name}'`);
    console.log(`${USAGE}\n\nsamples:`);
    for (const s of SAMPLES) console.log(`  ${s.name.padEnd(10)} ${s.title}`);
    process.exit(opts.name && !opts.help ? 1 : 0);
  }
  if (opts.help) {
    console.log(`${sample.title}\n\n${sample.summary}\n\nsettings (--name value):`);
    for (const [k, s] of Object.entries(sample.settings)) {
      console.log(
        `  --${k.padEnd(13)} ${s.label}, default ${s.default}${s.options ? ` (${s.options.join(', ')})` : ''}${s.help ? `: ${s.help}` : ''}`,
      );
    }
    return;
  }
  const backend = opts.backend ?? (await runner.bestBackend());
  if (!runner.BACKENDS.includes(backend))
    fail(`--backend must be one of ${runner.BACKENDS.join(', ')}, got ${backend}`);
  if (!opts.backend && backend === 'cpu') say('the library has no webgl or webgpu kernels yet: running on cpu in Node');
  const settings = (await runner.loadNodeBundle()).resolveSettings(sample, opts.given);
  const inBrowser = backend !== 'cpu' || opts.browser;
  say(
    `${sample.name} on ${backend}${inBrowser ? ' (headless Chromium)' : ' (Node)'}: ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );

  const session = inBrowser ? await runner.BrowserSession.start({say}) : null;
  let result;
  try {
    result = await runner.runSample({
      name: sample.name,
      backend,
      given: opts.given,
      session,
      onProgress: runner.progressBar(settings.iters),
    });
  } finally {
    await session?.close();
  }
  const dir = path.resolve(opts.out ?? path.join(root, 'out', sample.name));
  const files = await runner.writeOutputs(result, dir);
  say(
    `${result.settings.iters} iterations in ${result.seconds.toFixed(1)} s (${(
      result.settings.iters / result.seconds
    ).toFixed(2)} it/s) on ${result.backend}`,
  );
  say(`wrote ${path.relative(process.cwd(), dir) || '.'}/{${files.join(',')}}`);
  for (const [k, v] of Object.entries(result.metrics)) console.log(`  ${k}: ${Number(v.toPrecision(4))}`);
}

main().catch(e => fail(e?.stack ?? String(e)));
