#!/usr/bin/env node
// Demo tests, in headless Chromium (served from localhost):
//   0. (in Node) the README's block of sample times is what demo/times.json says;
//   1. every sample page loads, trains 30 iterations with play, its loss falls, and each of its
//      canvases (panels and loss curve) is not blank in a screenshot of the page;
//   2. small-size versions of the samples' targets, run through the pages' headless loop.
// Backend: webgl when the library has webgl kernels, else the best there is (webgpu, cpu); the
// run says which. Last line: `N passed, M failed`. Exit code 1 if anything failed.
//
//   node scripts/test-demo.mjs [--backend webgl|webgpu|cpu] [--grep <regex>]
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {ensureDependencies} from './test-setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = msg => console.log(`[demo] ${msg}`);

/**
 * Page tests: 30 iterations of each page, at settings small enough for the whole run to take about
 * three minutes on SwiftShader's WebGL (the defaults take minutes per sample there).
 */
const PAGES = {
  triangle: {res: 64},
  cube: {},
  earth: {texture: 256, res: 32},
  envphong: {subdivisions: 3, env: 16, res: 32},
  pose: {res: 64},
  model: {res: 32, texture: 32},
};

/** Small-size versions of the README's targets (the full ones: demo/tools/measure-targets.mjs). */
const TARGETS = [
  // The README's own setting (2000 iterations): with hardware coverage the path to the bound is longer
  // than with exact coverage (seed 1: 0.0226 after 300 iterations, 9e-6 after 1000, 2.4e-6 after 2000).
  {sample: 'cube', given: {res: 16}, expect: {'mean vertex error': ['<', 0.02]}},
  {sample: 'earth', given: {texture: 256, res: 32, iters: 60}, expect: {'mipmap gain (dB)': ['>=', 3]}},
  {
    sample: 'envphong',
    given: {subdivisions: 3, env: 16, res: 32, lr: 0.05, iters: 100},
    expect: {'Phong rgb rmse': ['<', 0.05], 'Phong exponent relative error': ['<', 0.1]},
  },
  {sample: 'pose', given: {res: 32, iters: 200}, expect: {'angle error (degrees)': ['<', 2]}},
  {sample: 'model', given: {res: 32, texture: 32, iters: 100}, expect: {'held-out view PSNR (dB)': ['>=', 18]}},
];

const ITERATIONS = 30;

function parseArgs(argv) {
  const o = {backend: null, grep: null};
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (key === '--backend') o.backend = value();
    else if (key === '--grep') o.grep = new RegExp(value());
    else {
      console.error(`usage: node scripts/test-demo.mjs [--backend webgl|webgpu|cpu] [--grep <regex>]`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
  return o;
}

/** Is the screen region of `box` more than one flat color? (≥ 1% of its pixels off the most common one.) */
function blankness(shot, box) {
  const x0 = Math.max(0, Math.round(box.x)),
    y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(shot.width, Math.round(box.x + box.width)),
    y1 = Math.min(shot.height, Math.round(box.y + box.height));
  const counts = new Map();
  const pixels = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * shot.width + x);
      const key = (shot.data[i] << 16) | (shot.data[i + 1] << 8) | shot.data[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
      pixels.push(i);
    }
  }
  if (!pixels.length) return 'is not on screen';
  const mode = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const m = [mode >> 16, (mode >> 8) & 255, mode & 255];
  const off = pixels.filter(i => [0, 1, 2].some(c => Math.abs(shot.data[i + c] - m[c]) > 8)).length;
  return off >= 0.01 * pixels.length ? null : `is blank: ${off} of ${pixels.length} pixels differ from rgb(${m})`;
}

const mean = a => a.reduce((s, v) => s + v, 0) / a.length;

/** Checks an open page (`name`.html?iters=30…) as it plays its 30 iterations. */
async function pageTest(page, name, backend, decodePng) {
  await page.waitForFunction(
    n => window.demo.state.error || (window.demo.state.iteration >= n && !window.demo.state.running),
    ITERATIONS,
    {timeout: 300_000, polling: 200},
  );
  const state = await page.evaluate(() => window.demo.state);
  if (state.error) throw new Error(`the page failed: ${state.error}`);
  if (state.backend !== backend) throw new Error(`the page ran on ${state.backend}, not ${backend}`);
  const {losses} = state;
  if (losses.length !== ITERATIONS || !losses.every(Number.isFinite)) throw new Error(`losses: ${losses}`);
  const first = mean(losses.slice(0, 10)),
    last = mean(losses.slice(-10));
  if (!(last < first)) throw new Error(`the loss did not fall: mean of the first 10 ${first}, of the last 10 ${last}`);
  const shot = decodePng(await page.screenshot({fullPage: true}));
  const canvases = await page.locator('canvas').all();
  const problems = [];
  for (const c of canvases) {
    const label = (await c.getAttribute('data-panel')) ?? 'loss curve';
    const problem = blankness(shot, await c.boundingBox());
    if (problem) problems.push(`${label} ${problem}`);
  }
  if (canvases.length < 3) problems.push(`only ${canvases.length} canvases`);
  if (page.pageErrors.length) problems.push(`page errors: ${page.pageErrors.join('; ')}`);
  if (problems.length) throw new Error(problems.join('\n'));
  fs.mkdirSync(path.join(root, 'out', 'test-demo'), {recursive: true});
  fs.writeFileSync(path.join(root, 'out', 'test-demo', `${name}.png`), await page.screenshot({fullPage: true}));
  return `loss ${first.toExponential(2)} → ${last.toExponential(2)}, ${canvases.length} canvases drawn`;
}

/** Runs a target in `page` (that sample's page, already open) or, without one, in a new page. */
async function targetTest(runner, session, page, target, backend) {
  const result = await runner.runSample({name: target.sample, backend, given: target.given, session, page});
  const failures = [],
    notes = [];
  for (const [metric, [op, bound]] of Object.entries(target.expect)) {
    const v = result.metrics[metric];
    const ok = op === '<' ? v < bound : v >= bound;
    notes.push(`${metric} ${Number(v.toPrecision(3))}`);
    if (!ok) failures.push(`${metric} = ${v}, expected ${op} ${bound}`);
  }
  if (failures.length) throw new Error(failures.join('\n'));
  return `${notes.join(', ')} (${result.seconds.toFixed(1)} s)`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const depsError = ensureDependencies(root, say);
  if (depsError) throw new Error(depsError);
  const runner = await import('../demo/tools/runner.mjs');
  const {decodePng} = await import('../demo/tools/png.mjs');
  const backend = opts.backend ?? (await runner.bestBackend());
  say(
    `backend ${backend}${opts.backend ? '' : backend === 'webgl' ? '' : ' (the library has no webgl kernels yet: the best available)'}`,
  );

  let passed = 0,
    failed = 0;
  const check = async (name, fn) => {
    if (opts.grep && !opts.grep.test(name)) return false;
    const t = Date.now();
    try {
      const note = await fn();
      passed++;
      console.log(`  \u2713 ${name}: ${note} [${((Date.now() - t) / 1000).toFixed(1)} s]`);
      return true;
    } catch (e) {
      failed++;
      console.log(
        `  \u2717 ${name} [${((Date.now() - t) / 1000).toFixed(1)} s]\n${String(e?.message ?? e).replace(/^/gm, '      ')}`,
      );
      return false;
    }
  };

  await check('README: its block of sample times is demo/times.json, which times every sample', async () => {
    const times = await import('../demo/tools/measure-times.mjs');
    const measured = times.readTimes();
    const {SAMPLES} = await runner.loadNodeBundle();
    const missing = SAMPLES.filter(
      s => !measured.rows.some(r => r.sample === s.name && Object.values(r.perIteration).some(Number.isFinite)),
    );
    if (missing.length) throw new Error(`demo/times.json has no time for ${missing.map(s => s.name).join(', ')}`);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    if (times.withBlock(readme, await times.readmeBlock(measured)) !== readme)
      throw new Error(
        'the README quotes other times: node demo/tools/measure-times.mjs --readme regenerates its block',
      );
    return `${measured.rows.length} rows of ${measured.date}`;
  });

  let session = null;
  try {
    session = await runner.BrowserSession.start({say});
    // Each sample's targets run in its page after the page test: a new page costs seconds of
    // shader compilation on SwiftShader. A page that failed its test is not reused.
    for (const name of Object.keys(PAGES)) {
      const settings = Object.entries(PAGES[name])
        .map(([k, v]) => ` ${k}=${v}`)
        .join('');
      let page = null;
      const pageOk = await check(
        `page ${name}.html${settings}: ${ITERATIONS} iterations on ${backend}, loss falls, canvases drawn`,
        async () => {
          page = await session.open(name, {backend, ...PAGES[name], iters: ITERATIONS});
          return pageTest(page, name, backend, decodePng);
        },
      );
      if (!pageOk) await page?.close();
      for (const target of TARGETS.filter(t => t.sample === name)) {
        const given = Object.entries(target.given)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        const expectation = Object.entries(target.expect)
          .map(([m, [op, b]]) => `${m} ${op} ${b}`)
          .join(', ');
        await check(`target ${name} (${given}): ${expectation}`, () =>
          targetTest(runner, session, pageOk ? page : null, target, backend),
        );
      }
      if (pageOk) await page?.close();
    }
  } catch (e) {
    failed++;
    console.log(`  \u2717 set-up: ${e?.stack ?? e}`);
  } finally {
    await session?.close();
  }
  say(`${((Date.now() - t0) / 1000).toFixed(1)} s on ${backend}; screenshots in out/test-demo/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch(e => {
  console.error(`[demo] ${e?.stack ?? e}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
