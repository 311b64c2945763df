#!/usr/bin/env node
// The benchmark: `npm run bench [-- --quick] [--reps N] [--warmup N] [--limit S] [--budget MIN] [--only REGEX] [--no-page] [--no-node] [--save]`.
//
// Bundles bench/page.ts and bench/node.ts (with src/ and tfjs) using esbuild; runs the cpu rows in
// Node, then the webgl and webgpu rows with their yardsticks in headless Chromium (Debian's, as
// the tests find or install it), one case per call so that a crashed page costs one case; prints
// the tables and writes out/bench/results/<date>.json and .md (with --save: bench/results/, the
// measured files the README quotes, kept in the repository).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

import {serve} from '../demo/tools/server.mjs';
import {launchChromium, SWIFTSHADER_ICD} from '../scripts/chromium.mjs';
import {ensureDependencies} from '../scripts/test-setup.mjs';
import {markdownReport, summaryLine, terminalReport} from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'usage: npm run bench -- [--quick] [--reps N] [--warmup N] [--limit SECONDS] [--budget MINUTES] [--only REGEX] [--no-page] [--no-node] [--save] | --report RESULTS.json\n' +
  "  results go to out/bench/results/<date>.json and .md; --save writes them into bench/results/ (the repository's)";

/**
 * Defaults: 20 timed calls per figure, a cell skipped when it cannot finish in 30 s, and a run of
 * at most 45 min (cases left when it is spent are reported as not run). --quick: 5 calls, the
 * small cells of cases.ts's QUICK, 2.5 min (with start-up: under 3).
 */
const DEFAULTS = {reps: 20, warmup: 2, limitMs: 30_000, budgetMs: 45 * 60_000};
const QUICK_DEFAULTS = {reps: 5, warmup: 0, limitMs: 30_000, budgetMs: 2.5 * 60_000};
/** The Node (cpu, wasm, webgpu on Dawn) rows' share of the budget. */
const NODE_SHARE = 0.4;

function parseArgs(argv) {
  const o = {quick: argv.includes('--quick'), only: null, page: true, node: true};
  Object.assign(o, o.quick ? QUICK_DEFAULTS : DEFAULTS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--reps') o.reps = Number(value());
    else if (a === '--warmup') o.warmup = Number(value());
    else if (a === '--limit') o.limitMs = 1000 * Number(value());
    else if (a === '--budget') o.budgetMs = 60_000 * Number(value());
    else if (a === '--only') o.only = new RegExp(value());
    else if (a === '--no-page') o.page = false;
    else if (a === '--no-node') o.node = false;
    else if (a === '--save') o.save = true;
    else if (a === '--report') o.report = value();
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}\n${USAGE}`);
  }
  if (!(o.reps >= 1 && o.warmup >= 0 && o.limitMs > 0 && o.budgetMs > 0))
    fail(`bad --reps, --warmup, --limit or --budget\n${USAGE}`);
  return o;
}

function fail(msg) {
  console.error(`[bench] ${msg}`);
  process.exit(2);
}

const say = msg => console.log(`[bench] ${msg}`);
const secs = ms => `${(ms / 1000).toFixed(1)} s`;

async function bundle(outDir) {
  const esbuild = await import('esbuild');
  const common = {bundle: true, format: 'esm', mainFields: ['module', 'main'], logLevel: 'error', absWorkingDir: root};
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'bench/page.ts')],
    outfile: path.join(outDir, 'page.js'),
    platform: 'browser',
    target: 'chrome120',
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'bench/node.ts')],
    outfile: path.join(outDir, 'node.mjs'),
    platform: 'node',
    target: 'node20',
    // Dawn's native module, loaded from node_modules at run time.
    external: ['webgpu'],
    // CommonJS dependencies inside an ESM bundle still call require() for node builtins, and the wasm
    // backend's loader reads __dirname.
    banner: {
      js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url); const __dirname = import.meta.dirname;",
    },
  });
}

/** The per-call limit of a case: a target's cell gets the whole limit, any other cell shares it among all its calls. */
function callLimit(c, o) {
  return c.target || c.kind === 'soak' ? o.limitMs : o.limitMs / (1 + o.warmup + o.reps);
}

/**
 * The entries of a case not to run, with the reason: what one call of it would cost, predicted
 * from the same entry on smaller cells of its row (cells run smallest first), passes `limitMs`.
 * Skipped if a smaller cell already passed it (cost only grows), if a dense entry (pixels ×
 * triangles) scaled by half that product's growth passes it, or if the growth between the last
 * two smaller cells along pixels or along triangles, continued, predicts more than twice the
 * limit (nearer the limit: run it and see).
 */
function skipsFor(c, done, limitMs) {
  const skip = {};
  const pixels = p => p.height * p.width;
  const cell = p => `${p.height}², ${p.scene}`;
  const smaller = done.filter(
    prev =>
      prev.op === c.op &&
      pixels(prev.params) <= pixels(c.params) &&
      prev.params.triangles <= c.params.triangles &&
      prev.id !== c.id,
  );
  const over = () => `one call ≥ ${secs(limitMs)}`;
  for (const prev of smaller) {
    for (const e of prev.entries) {
      if (skip[e.name]) continue;
      if (e.status === 'skipped' && e.callMs != null && e.callMs > limitMs) {
        skip[e.name] = `${over()} (${cell(prev.params)} already took ${secs(e.callMs)})`;
      } else if (e.status === 'ok' && e.growth === 'dense') {
        const predicted =
          (0.5 * e.medianMs * (pixels(c.params) * c.params.triangles)) / (pixels(prev.params) * prev.params.triangles);
        if (predicted > limitMs)
          skip[e.name] =
            `${over()} (predicted ${secs(predicted)}: dense pixels × triangles, from ${secs(e.medianMs)} at ${cell(prev.params)})`;
      }
    }
  }
  // Power-law growth along one axis, from the two nearest smaller cells on it.
  for (const [axis, same, size] of [
    ['pixels', p => p.triangles === c.params.triangles, pixels],
    ['triangles', p => pixels(p) === pixels(c.params), p => p.triangles],
  ]) {
    const line = smaller
      .filter(prev => same(prev.params) && size(prev.params) < size(c.params))
      .sort((a, b) => size(a.params) - size(b.params))
      .slice(-2);
    if (line.length < 2) continue;
    const [a, b] = line;
    for (const eb of b.entries) {
      const ea = a.entries.find(e => e.name === eb.name);
      if (skip[eb.name] || eb.status !== 'ok' || ea?.status !== 'ok') continue;
      // (An estimated entry times a fixed part of the work: its measured median is the call's cost.)
      const [ta, tb] = [ea, eb].map(e => e.measuredMedianMs ?? e.medianMs);
      const exponent = Math.log(tb / ta) / Math.log(size(b.params) / size(a.params));
      const predicted = tb * (size(c.params) / size(b.params)) ** Math.max(0, exponent);
      if (predicted > 2 * limitMs) {
        skip[eb.name] =
          `${over()} (predicted ${secs(predicted)} from its growth in ${axis}, ${cell(a.params)} → ${cell(b.params)})`;
      }
    }
  }
  return skip;
}

/**
 * The cells the growth targets read first (report.mjs's growth()): each row's cheapest pair along
 * each axis, 512² → 2048² with the cube and 100k → 1M triangles at 256² (with 256² for the cube,
 * which lets skipsFor predict the 2048² cell from its growth).
 */
const GROWTH_CELLS = [
  [256, 12],
  [512, 12],
  [2048, 12],
  [256, 100_000],
  [256, 1_000_000],
];
const isGrowthCell = c =>
  c.kind !== 'soak' &&
  GROWTH_CELLS.some(([size, t]) => c.params.height === size && Math.abs(c.params.triangles / t - 1) < 0.05);

/**
 * The order cases run in: the targets' cells first (they must be measured), then the growth
 * targets' cells, then every other cell; each tier from the cheapest (pixels × triangles) up, so
 * that a spent budget cuts the grid's top.
 */
function runOrder(cases) {
  const cost = c => c.params.height * c.params.width * Math.max(c.params.triangles, 1000);
  const tier = c => (c.target ? 0 : isGrowthCell(c) ? 1 : 2);
  return cases
    .map((c, i) => ({c, i}))
    .sort((a, b) => tier(a.c) - tier(b.c) || (a.c.target ? a.i - b.i : cost(a.c) - cost(b.c) || a.i - b.i))
    .map(({c}) => c);
}

/**
 * Runs the listed cases through `runOne(id, options)` until `deadline` (ms since the epoch);
 * `restart()` is called after a case throws.
 */
async function runAll(where, cases, o, deadline, runOne, restart) {
  const results = [];
  for (const [i, c] of runOrder(cases).entries()) {
    if (Date.now() > deadline) {
      const note = `not run: the run's time budget (${o.budgetMs / 60_000} min) was spent`;
      results.push({
        id: c.id,
        op: c.op,
        kind: c.kind,
        params: c.params,
        wallMs: 0,
        target: c.target,
        entries: c.entries.map(({name, role}) => ({name, role, status: 'skipped', note, where})),
      });
      continue;
    }
    const load = os.loadavg()[0];
    const limit = callLimit(c, o);
    const options = {
      warmup: o.warmup,
      reps: o.reps,
      limitMs: o.limitMs,
      callLimitMs: limit,
      timeLeftMs: deadline - Date.now(),
      skip: skipsFor(c, results, limit),
    };
    let r;
    try {
      r = await runOne(c.id, options);
    } catch (e) {
      const note = `the ${where} crashed: ${String(e?.message ?? e).split('\n')[0]}`;
      r = {...c, entries: [{name: where, role: 'subject', status: 'failed', note}], wallMs: 0};
      await restart();
    }
    r.loadAverage = load;
    r.target = c.target;
    r.entries.forEach(e => {
      e.where = where;
    });
    results.push(r);
    say(`${where} ${i + 1}/${cases.length} ${summaryLine(r)} (${secs(r.wallMs)}, load ${load.toFixed(1)})`);
  }
  const unrun = results.filter(r => r.wallMs === 0 && r.entries.every(e => /budget/.test(e.note ?? ''))).length;
  if (unrun) say(`${where}: ${unrun} of ${cases.length} cases not run (time budget spent)`);
  return results;
}

async function runNode(o, outDir, deadline) {
  // No Vulkan driver installed: Dawn runs on SwiftShader's, as the tests do (README "GPU in Node").
  const icds = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'].filter(
    d => fs.existsSync(d) && fs.readdirSync(d).length,
  );
  if (!process.env.VK_ICD_FILENAMES && !icds.length && fs.existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  await import(pathToFileURL(path.join(outDir, 'node.mjs')).href);
  const session = globalThis.diffrastBench;
  const {cases, info} = await session.list(o.quick);
  const selected = cases.filter(c => !o.only || o.only.test(c.id));
  say(`Node: ${selected.length} cases (cpu, wasm, webgpu on ${JSON.stringify(info.webgpu)})`);
  const results = await runAll(
    'Node',
    selected,
    o,
    deadline,
    (id, options) => session.run(id, options),
    async () => {},
  );
  return {info, results};
}

async function runPage(o, outDir, deadline) {
  fs.writeFileSync(
    path.join(outDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>tfjs-diffrast bench</title><script type="module" src="/page.js"></script>',
  );
  const {server, url} = await serve(outDir);
  const browser = await launchChromium({say});
  let tab;
  const open = async () => {
    await tab?.close().catch(() => {});
    tab = await browser.newPage();
    tab.on('console', m => {
      if (m.type() === 'error') console.error(`[chromium] ${m.text()}`);
    });
    tab.on('pageerror', e => console.error(`[chromium] ${e.message}`));
    await tab.goto(url);
    await tab.waitForFunction(() => globalThis.diffrastBench, null, {timeout: 120_000});
    return tab.evaluate(quick => globalThis.diffrastBench.list(quick), o.quick);
  };
  try {
    const {cases, info} = await open();
    const selected = cases.filter(c => !o.only || o.only.test(c.id));
    say(
      `Chromium ${browser.version()}: ${selected.length} cases; webgl ${info.unavailable.webgl ?? 'ok'}, webgpu ${info.unavailable.webgpu ?? 'ok'}`,
    );
    const results = await runAll(
      'page',
      selected,
      o,
      deadline,
      (id, options) => tab.evaluate(([id, options]) => globalThis.diffrastBench.run(id, options), [id, options]),
      open,
    );
    return {info: {...info, version: browser.version()}, results};
  } finally {
    await browser.close();
    server.close();
  }
}

/** Puts a case's Node and page entries side by side (same id). */
function merge(...lists) {
  const byId = new Map();
  for (const r of lists.flat()) {
    const have = byId.get(r.id);
    if (have) {
      have.entries.push(...r.entries);
      have.wallMs += r.wallMs;
    } else {
      byId.set(r.id, {...r, entries: [...r.entries]});
    }
  }
  return [...byId.values()];
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.report) {
    // Tables again from a results file (its .md rewritten), nothing run.
    const report = JSON.parse(fs.readFileSync(o.report, 'utf8'));
    console.log(terminalReport(report));
    fs.writeFileSync(o.report.replace(/\.json$/, '.md'), markdownReport(report));
    return;
  }
  const t0 = Date.now();
  const depError = ensureDependencies(root, say);
  if (depError) fail(depError);
  const outDir = path.join(root, 'out', 'bench');
  fs.mkdirSync(outDir, {recursive: true});
  await bundle(outDir);
  const loadBefore = os.loadavg();
  if (o.quick)
    say(
      `--quick: ${o.reps} timed calls per figure (not 20), the grid's smallest cell only, smaller images (see QUICK in bench/cases.ts)`,
    );
  say(
    `budget ${o.budgetMs / 60_000} min; a cell is skipped when its ${1 + o.warmup + o.reps} calls cannot finish in ${secs(o.limitMs)} (targets' cells: when one call cannot)`,
  );
  const nodeDeadline = t0 + (o.page ? NODE_SHARE : 1) * o.budgetMs,
    pageDeadline = t0 + o.budgetMs;
  const node = o.node ? await runNode(o, outDir, nodeDeadline) : {info: null, results: []};
  let page = {info: null, results: []};
  if (o.page) {
    page = await runPage(o, outDir, pageDeadline);
  }
  const report = {
    date: new Date().toISOString(),
    durationS: Math.round((Date.now() - t0) / 1000),
    options: {
      quick: o.quick,
      reps: o.reps,
      warmup: o.warmup,
      limitS: o.limitMs / 1000,
      budgetMin: o.budgetMs / 60_000,
      only: o.only?.source ?? null,
    },
    machine: {
      cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}`,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      // Other work on the machine skews timings (the GPU is emulated on these CPUs): 1, 5, 15 min.
      loadAverage: {before: loadBefore, after: os.loadavg()},
    },
    browser: page.info,
    node: node.info,
    cases: merge(node.results, page.results),
  };
  console.log(`\n${terminalReport(report)}`);
  const stem = report.date.slice(0, 10) + (o.quick ? '-quick' : '') + (o.only ? '-partial' : '');
  const file = path.join(root, ...(o.save ? [] : ['out']), 'bench', 'results', `${stem}.json`);
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, JSON.stringify(report, null, 1) + '\n');
  fs.writeFileSync(file.replace(/\.json$/, '.md'), markdownReport(report));
  say(`wrote ${path.relative(root, file)} and .md in ${secs(Date.now() - t0)}`);
}

main().catch(e => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
