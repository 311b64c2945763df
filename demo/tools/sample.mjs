#!/usr/bin/env node
// npm run sample -- <name> [--backend auto|webgl|webgpu|cpu] [--out DIR] [--browser] [--<setting> V]...
//
// Runs one sample headless: webgl / webgpu in a page of headless Chromium, cpu in Node (or, with
// --browser, in Chromium too); backend auto (the default) asks Chromium whether its WebGL is a
// software renderer and then runs on cpu (demo/lib/renderer.ts). Shows a progress bar, writes
// target.png, result.png (and the sample's other panels), loss.png and result.json to a new run
// folder out/<name>/<time>-<backend>[-<changed settings>]/ with out/<name>/latest pointing at it, and
// prints the final metrics. Set-up on a fresh clone: `npm install --no-save` when node_modules is
// missing, Debian's chromium when none is found (as root).
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {ensureDependencies} from '../../scripts/test-setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE =
  'usage: npm run sample -- <name> [--backend auto|webgl|webgpu|cpu] [--out DIR] [--browser] [--<setting> V]...\n' +
  "       npm run sample -- <name> --help   (the common options and the sample's settings)";
/** The options every sample takes besides its settings (`--help` lists both). */
const COMMON = [
  [
    '--backend B',
    'auto (default): webgl on a hardware GPU, cpu when WebGL is a software renderer (SwiftShader, llvmpipe); ' +
      'webgl or webgpu: in headless Chromium; cpu: in Node',
  ],
  [
    '--out DIR',
    'where run folders go (default out/<name>): a new <time>-<backend>[-<settings>] folder per run, latest → the newest',
  ],
  ['--browser', 'with --backend cpu: run in headless Chromium instead of Node'],
  ['--help', 'this text'],
];
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
  const runner = await import('./runner.mjs');
  const {SAMPLES, findSample} = await runner.loadNodeBundle();
  const sample = opts.name && findSample(opts.name);
  if (!sample) {
    if (opts.name) console.error(`[sample] no sample named '${opts.name}'`);
    console.log(`${USAGE}\n\nsamples:`);
    for (const s of SAMPLES) console.log(`  ${s.name.padEnd(10)} ${s.title}`);
    process.exit(opts.name && !opts.help ? 1 : 0);
  }
  if (opts.help) {
    console.log(`${sample.title}\n\n${sample.summary}\n\n${USAGE.replaceAll('<name>', sample.name)}\n\noptions:`);
    for (const [flag, text] of COMMON) console.log(`  ${flag.padEnd(16)} ${text}`);
    console.log('\nsettings (every sample has --iters, --res and --seed):');
    for (const [k, s] of Object.entries(sample.settings)) {
      const choices = s.options ? ` (${s.options.join(', ')})` : '';
      console.log(
        `  ${`--${k} V`.padEnd(16)} ${s.label}, default ${s.default}${choices}${s.help ? `: ${s.help}` : ''}`,
      );
    }
    const {readTimes} = await import('./measure-times.mjs');
    const times = readTimes();
    const {helpTimeLines, measuredWhen} = await runner.loadNodeBundle();
    console.log(`\ntime (${measuredWhen(times)}):\n${helpTimeLines(times, sample.name).join('\n')}`);
    return;
  }
  let backend = opts.backend ?? 'auto';
  if (!runner.BACKEND_CHOICES.includes(backend))
    fail(`--backend must be one of ${runner.BACKEND_CHOICES.join(', ')}, got ${backend}`);
  const bundle = await runner.loadNodeBundle();
  const settings = bundle.resolveSettings(sample, opts.given);

  // Chromium runs webgl and webgpu, and tells auto whether its GPU is a software renderer.
  let session = backend !== 'cpu' || opts.browser ? await runner.BrowserSession.start({say}) : null;
  let result;
  try {
    if (backend !== 'cpu') {
      const renderer = await session.renderer();
      const software = backend === 'auto' ? renderer.software : renderer[`${backend}Software`];
      if (backend === 'auto') backend = renderer.auto;
      const note = renderer.note?.replace(/\.$/, '');
      if (software) say(opts.backend ? `${note}: try --backend cpu.` : `${note}: backend auto picks ${backend}.`);
      else if (!opts.backend) say(`backend auto: ${backend} (WebGL renders on ${renderer.webgl})`);
      if (backend === 'cpu' && !opts.browser) {
        await session.close();
        session = null;
      }
    }
    say(
      `${sample.name} on ${backend}${session ? ' (headless Chromium)' : ' (Node)'}: ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
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
  const base = path.resolve(opts.out ?? path.join(root, 'out', sample.name));
  const dir = runner.newRunFolder(base, result, bundle.resolveSettings(sample, {}));
  const files = await runner.writeOutputs(result, dir);
  say(
    `${result.settings.iters} iterations in ${result.seconds.toFixed(1)} s (${(
      result.settings.iters / result.seconds
    ).toFixed(2)} it/s) on ${result.backend}`,
  );
  say(
    `wrote ${path.relative(process.cwd(), dir)}/{${files.join(',')}} (also ${path.relative(process.cwd(), base)}/latest)`,
  );
  for (const [k, v] of Object.entries(result.metrics)) console.log(`  ${k}: ${Number(v.toPrecision(4))}`);
}

main().catch(e => fail(e?.stack ?? String(e)));
