// The packed bench's script: bench.mjs of `npm run bench:pack` (bench/pack.mjs), which bundles this file. The
// Node rows of `npm run bench` (cpu, wasm and webgpu on Dawn, with their yardsticks) through the same runner,
// from one folder without node_modules: `node bench.mjs [--quick] [--only REGEX] [--reps N] [--json PATH]`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {DAWN_PLATFORM} from './dawn_platform.mjs';
import './node.ts';
import {terminalReport} from './report.mjs';
import {
  makeReport,
  OPTIONS_USAGE,
  parseArgs,
  resultsStem,
  runNode,
  say,
  sayPlan,
  secs,
  writeResults,
} from './runner.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const USAGE =
  `usage: node bench.mjs ${OPTIONS_USAGE} [--json PATH]\n` +
  '  prints the adapter and the tables; writes the results (JSON, and its tables as .md) to PATH, by default to results-<date>-<HHMMSS>.json beside bench.mjs';

/** Where the `webgpu` package's JS (in this bundle) loads dawn.node from: its own layout, beside bench.mjs. */
function dawnNodeMissing() {
  if (fs.existsSync(path.join(here, 'dist', DAWN_PLATFORM, 'dawn.node'))) return null;
  const packed = fs.existsSync(path.join(here, 'dist')) ? fs.readdirSync(path.join(here, 'dist')).join(', ') : 'none';
  return `this pack has no Dawn for ${DAWN_PLATFORM} (dist/${DAWN_PLATFORM}/dawn.node; packed: ${packed}): run \`npm run bench:pack\` on a ${DAWN_PLATFORM} machine`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2), USAGE, {'--json': (o, value) => (o.json = value())});
  const t0 = Date.now();
  const missing = dawnNodeMissing();
  if (missing) say(`ERROR: ${missing}`);
  const loadBefore = os.loadavg();
  sayPlan(o);
  const node = await runNode(o, t0 + o.budgetMs);
  const report = makeReport({o, t0, loadBefore, node: node.info, cases: node.results});
  console.log(`\n${terminalReport(report)}`);
  const file = o.json ? path.resolve(o.json) : path.join(here, `results-${resultsStem(report)}.json`);
  writeResults(report, file);
  say(`wrote ${file} and .md in ${secs(Date.now() - t0)}`);
  if (typeof node.info.webgpu === 'string') {
    // The rows that were measured are written; the exit status says the GPU's are missing.
    say(`ERROR: no webgpu (Node) rows: ${node.info.webgpu}`);
    process.exitCode = 1;
  }
}

main().catch(e => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
