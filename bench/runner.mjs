// The case runner of the benchmark, the same for `npm run bench` (bench/run.mjs) and the packed bench
// (bench/standalone.mjs, `npm run bench:pack`): options, the order cases run in, which cells to skip, the Node
// session's rows, and the report the tables are printed from.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {SWIFTSHADER_ICD} from '../scripts/chromium.mjs';
import {adapterText, markdownReport, summaryLine} from './report.mjs';

/**
 * Defaults: 20 timed calls per figure, a cell skipped when it cannot finish in 30 s, and a run of
 * at most 45 min (cases left when it is spent are reported as not run). --quick: 5 calls, the
 * small cells of cases.ts's QUICK, 2.5 min (with start-up: under 3).
 */
const DEFAULTS = {reps: 20, warmup: 2, limitMs: 30_000, budgetMs: 45 * 60_000};
const QUICK_DEFAULTS = {reps: 5, warmup: 0, limitMs: 30_000, budgetMs: 2.5 * 60_000};
export const OPTIONS_USAGE = '[--quick] [--reps N] [--warmup N] [--limit SECONDS] [--budget MINUTES] [--only REGEX]';

export function fail(msg) {
  console.error(`[bench] ${msg}`);
  process.exit(2);
}

export const say = msg => console.log(`[bench] ${msg}`);
export const secs = ms => `${(ms / 1000).toFixed(1)} s`;

/**
 * The options every runner takes (OPTIONS_USAGE), and the runner's own: `extra` maps a flag to
 * `(o, value) => void`, `value()` reading the flag's argument.
 */
export function parseArgs(argv, usage, extra = {}) {
  const o = {quick: argv.includes('--quick'), only: null};
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
    else if (Object.hasOwn(extra, a)) extra[a](o, value);
    else if (a === '-h' || a === '--help') {
      console.log(usage);
      process.exit(0);
    } else fail(`unknown option ${a}\n${usage}`);
  }
  if (!(o.reps >= 1 && o.warmup >= 0 && o.limitMs > 0 && o.budgetMs > 0))
    fail(`bad --reps, --warmup, --limit or --budget\n${usage}`);
  return o;
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
export function runOrder(cases) {
  const cost = c => c.params.height * c.params.width * Math.max(c.params.triangles, 1000);
  const tier = c => (c.target ? 0 : isGrowthCell(c) ? 1 : 2);
  return cases
    .map((c, i) => ({c, i}))
    .sort((a, b) => tier(a.c) - tier(b.c) || (a.c.target ? a.i - b.i : cost(a.c) - cost(b.c) || a.i - b.i))
    .map(({c}) => c);
}

/** What a session's run/open of case `c` is given: counts, limits, and the entries to skip given the cells `done`. */
export function caseOptions(c, o, deadline, done) {
  const limit = callLimit(c, o);
  return {
    warmup: o.warmup,
    reps: o.reps,
    limitMs: o.limitMs,
    callLimitMs: limit,
    timeLeftMs: deadline - Date.now(),
    skip: skipsFor(c, done, limit),
  };
}

/**
 * Runs the listed cases through `runOne(id, options)` until `deadline` (ms since the epoch);
 * `restart()` is called after a case throws.
 */
export async function runAll(where, cases, o, deadline, runOne, restart) {
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
    const options = caseOptions(c, o, deadline, results);
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

/**
 * The Node rows (cpu, wasm, webgpu on Dawn) through the session a bundle of bench/node.ts exposes
 * (globalThis.diffrastBench): lists the cases, says which WebGPU adapter Dawn gave, runs them.
 */
/** No Vulkan driver installed: Dawn runs on SwiftShader's, as the tests do (README "GPU in Node"). */
export function useSwiftShaderIfNoVulkan() {
  // (The Vulkan loader's system folders of driver files, as src/node_webgpu.ts's diagnosis reads them.)
  const icds = [
    '/etc/xdg/vulkan/icd.d',
    '/etc/vulkan/icd.d',
    '/usr/local/share/vulkan/icd.d',
    '/usr/share/vulkan/icd.d',
  ];
  const driver = icds.some(d => fs.existsSync(d) && fs.readdirSync(d).length);
  const named = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
  if (!named && !driver && fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

export async function runNode(o, deadline) {
  useSwiftShaderIfNoVulkan();
  const session = globalThis.diffrastBench;
  const {cases, info} = await session.list(o.quick);
  const selected = cases.filter(c => !o.only || o.only.test(c.id));
  const w = info.webgpu;
  say(
    typeof w === 'string'
      ? `ERROR: no WebGPU on Dawn, the webgpu (Node) rows will not run: ${w}`
      : `WebGPU adapter (Dawn): ${adapterText(w)}`,
  );
  say(`Node ${info.node}: ${selected.length} cases on cpu, wasm and webgpu`);
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

/** The run's report (what report.mjs prints and the results file holds). */
export function makeReport({o, t0, loadBefore, browser = null, node = null, cases}) {
  return {
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
    browser,
    node,
    cases,
  };
}

/** A results file's name: the UTC date and time to the second (so no run overwrites another), then what kind of run it was. */
export const resultsStem = report =>
  report.date.slice(0, 10) +
  '-' +
  report.date.slice(11, 19).replaceAll(':', '') +
  (report.options.quick ? '-quick' : '') +
  (report.options.only ? '-partial' : '');

/** What the run will do, before it does it. */
export function sayPlan(o) {
  if (o.quick)
    say(
      `--quick: ${o.reps} timed calls per figure (not 20), the grid's smallest cell only, smaller images (see QUICK in bench/cases.ts)`,
    );
  say(
    `budget ${o.budgetMs / 60_000} min; a cell is skipped when its ${1 + o.warmup + o.reps} calls cannot finish in ${secs(o.limitMs)} (targets' cells: when one call cannot)`,
  );
}

/** The results file `file` (.json) and its tables beside it (.md). */
export function writeResults(report, file) {
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, JSON.stringify(report, null, 1) + '\n');
  fs.writeFileSync(file.replace(/\.json$/, '.md'), markdownReport(report));
}
