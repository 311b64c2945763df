#!/usr/bin/env node
// The benchmark: `npm run bench [-- --quick] [--reps N] [--warmup N] [--limit S] [--budget MIN] [--only REGEX] [--no-page] [--no-node] [--save]`.
// `--ab REV`: this checkout's library against REV's, the two alternating round by round (bench/ab.mjs).
//
// Bundles bench/page.ts and bench/node.ts (with src/ and tfjs) using esbuild; runs the cpu, wasm and
// webgpu (Dawn) rows in Node through bench/runner.mjs (as the packed bench does, see bench/pack.mjs), then
// the webgl and webgpu rows with their yardsticks in headless Chromium (Debian's, as the tests find or
// install it), one case per call so that a crashed page costs one case; prints the tables and writes
// out/bench/results/<date>-<HHMMSS>.json and .md (with --save: bench/results/, the measured files the README
// quotes, kept in the repository).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

import {serve} from '../demo/tools/server.mjs';
import {launchChromium} from '../scripts/chromium.mjs';
import {ensureDependencies} from '../scripts/test-setup.mjs';
import {runAB} from './ab.mjs';
import {bundleNode, bundlePage} from './bundle.mjs';
import {markdownReport, terminalReport} from './report.mjs';
import {
  fail,
  makeReport,
  OPTIONS_USAGE,
  parseArgs,
  resultsStem,
  runAll,
  runNode,
  say,
  sayPlan,
  secs,
  writeResults,
} from './runner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  `usage: npm run bench -- ${OPTIONS_USAGE} [--no-page] [--no-node] [--save | --ab REV] | --report RESULTS.json\n` +
  "  results go to out/bench/results/<date>-<HHMMSS>.json and .md; --save writes them into bench/results/ (the repository's)\n" +
  "  --ab REV: this checkout's src/ (B) against REV's (A), rounds alternating, ratios B ÷ A to out/bench/ab/";

/** The Node (cpu, wasm, webgpu on Dawn) rows' share of the budget. */
const NODE_SHARE = 0.4;

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
  const o = {
    page: true,
    node: true,
    ...parseArgs(process.argv.slice(2), USAGE, {
      '--no-page': o => (o.page = false),
      '--no-node': o => (o.node = false),
      '--save': o => (o.save = true),
      '--report': (o, value) => (o.report = value()),
      '--ab': (o, value) => (o.ab = value()),
    }),
  };
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
  if (o.ab) return runAB(o, root);
  const outDir = path.join(root, 'out', 'bench');
  fs.mkdirSync(outDir, {recursive: true});
  await bundlePage(path.join(outDir, 'page.js'));
  // Dawn's native module from node_modules.
  await bundleNode('bench/node.ts', path.join(outDir, 'node.mjs'), {webgpu: 'external'});
  const loadBefore = os.loadavg();
  sayPlan(o);
  const nodeDeadline = t0 + (o.page ? NODE_SHARE : 1) * o.budgetMs,
    pageDeadline = t0 + o.budgetMs;
  let node = {info: null, results: []};
  if (o.node) {
    await import(pathToFileURL(path.join(outDir, 'node.mjs')).href);
    node = await runNode(o, nodeDeadline);
  }
  let page = {info: null, results: []};
  if (o.page) {
    page = await runPage(o, outDir, pageDeadline);
  }
  const report = makeReport({
    o,
    t0,
    loadBefore,
    browser: page.info,
    node: node.info,
    cases: merge(node.results, page.results),
  });
  console.log(`\n${terminalReport(report)}`);
  const file = path.join(root, ...(o.save ? [] : ['out']), 'bench', 'results', `${resultsStem(report)}.json`);
  writeResults(report, file);
  say(`wrote ${path.relative(root, file)} and .md in ${secs(Date.now() - t0)}`);
}

main().catch(e => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
