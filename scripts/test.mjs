#!/usr/bin/env node
// `npm test [-- --node-only | --browser-only] [--grep <regex>] [--backends cpu,webgl,...]`: the one test command.
// Set-up (npm install when stale, Chromium), then the stock runners: the jasmine CLI (Node, TypeScript through
// tsx), karma (Chromium); on full runs also the package check and the demo's playwright specs. Hand-written
// because no runner sums other runners: it prints `N passed, M failed` over all of them (CI reads that line).
// --grep, --backends, --node-only and --browser-only skip the package check and the demo; --no-lint skips lint.
import fs from 'node:fs';
import {spawn} from 'node:child_process';

import {ensureVulkan, findChromium, SWIFTSHADER_ICD} from './chromium.mjs';
import {INSTALL, installReason} from './test-setup.mjs';

const root = new URL('..', import.meta.url).pathname;
const say = msg => console.log(`[test] ${msg}`);
const t0 = Date.now();
const secs = ms => `${(ms / 1000).toFixed(1)} s`;
const USAGE = `usage: npm test -- [--node-only | --browser-only] [--grep <regex>] [--backends cpu,wasm,webgl,webgpu] [--no-lint]

With no option: lint (ESLint, prettier --check, tsc), every spec in Node (jasmine: cpu and wasm, and webgpu on
Dawn beside them) and in headless Chromium (karma), every backend present, then the package check and the demo
tests; the last line is "N passed, M failed".

  --node-only        only the Node suite
  --browser-only     only the browser suite
  --grep <regex>     only the specs whose full name matches, in both runners
  --backends <list>  exactly these backends (comma-separated), even where our kernels are not registered yet
                     (Node runs those of them it can: cpu, wasm, webgpu)
  -h, --help         this text
  --no-lint          skip lint (ESLint, prettier --check, tsc: part of CI, run it before landing)

--node-only, --browser-only, --grep and --backends skip the package check and the demo tests.
Environment: CHROME_BIN picks the browser.`;

function fail(msg) {
  console.error(`[test] ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function parseArgs(argv) {
  const o = {node: true, browser: true, grep: null, backends: null};
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i] ?? fail(`${key} needs a value`);
    if (key === '--node-only') o.browser = false;
    else if (key === '--browser-only') o.node = false;
    else if (key === '--grep') o.grep = value();
    else if (key === '--backends') o.backends = value();
    else if (key === '--no-lint') o.noLint = true;
    else if (key === '--help' || key === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${argv[i]}\n${USAGE}`);
  }
  if (!o.node && !o.browser) fail('--node-only and --browser-only exclude each other');
  if (o.grep) {
    try {
      new RegExp(o.grep);
    } catch (e) {
      fail(`--grep: ${e.message}`);
    }
  }
  if (o.backends && !/^\w+(,\w+)*$/.test(o.backends)) fail(`--backends: a comma-separated list, got ${o.backends}`);
  return o;
}

// Progress at least every 30 s: when no runner has printed for 20 s, say who is still at work.
const running = new Map();
let lastOutput = Date.now();
const heartbeat = setInterval(() => {
  if (Date.now() - lastOutput < 20_000 || !running.size) return;
  const who = [...running].map(([name, t]) => `${name} ${secs(Date.now() - t)}`).join(', ');
  say(`still running: ${who} (${secs(Date.now() - t0)} in all)`);
  lastOutput = Date.now();
}, 5_000);
heartbeat.unref();

/** Runs a command, its output shown as it comes (or only at the end, `buffered`); resolves to {code, out}. */
function run(cmd, args, env = {}, buffered = false) {
  return new Promise(resolve => {
    const child = spawn(cmd, args, {cwd: root, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    const keep = stream => d => {
      if (!buffered) {
        stream.write(d);
        lastOutput = Date.now();
      }
      out = (out + d).slice(-20_000);
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.on('error', e => resolve({code: -1, out: String(e)}));
    child.on('close', (code, signal) => {
      if (buffered) process.stdout.write(out);
      resolve({code: code ?? 128, out, signal});
    });
  });
}

/** A runner's row: its counts; a non-zero exit with nothing failed counts as one failure. */
async function runner(name, counts, cmd, args, env, buffered) {
  const t = Date.now();
  say(`${name}: ${cmd === process.execPath ? 'node' : cmd} ${args.join(' ')}`);
  running.set(name, t);
  const {code, out} = await run(cmd, args, env, buffered);
  running.delete(name);
  const row = {name, ms: Date.now() - t, passed: 0, failed: 0, ...counts(out, code)};
  if (code !== 0 && row.failed === 0 && !row.empty) Object.assign(row, {failed: 1, note: `exit ${code}`});
  return row;
}

const jasmineCounts = out => {
  const m = /(\d+) specs?, (\d+) failures?(?:, (\d+) pending specs?)?\s*$/m.exec(out);
  return m ? {passed: m[1] - m[2] - (m[3] ?? 0), failed: Number(m[2])} : {note: 'no jasmine summary'};
};
const karmaCounts = file => () => {
  try {
    const {summary} = JSON.parse(fs.readFileSync(file, 'utf8'));
    const error = summary.error || summary.disconnected ? 1 : 0;
    return {passed: summary.success, failed: summary.failed + error, note: error ? 'error in the browser' : ''};
  } catch {
    return {note: 'no karma results'};
  }
};
const lastLineCounts = out => {
  const m = /^(\d+) passed, (\d+) failed/m.exec(out.trimEnd().split('\n').pop() ?? '');
  return m ? {passed: Number(m[1]), failed: Number(m[2])} : {note: 'no "N passed, M failed" line'};
};

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const why = installReason(root);
  if (why) {
    say(why);
    const install = await runner('install', () => ({}), 'npm', INSTALL);
    if (install.failed) fail(`npm install failed (${install.note})`);
  }
  const chrome = o.browser ? findChromium(say) : {};
  if (o.node) ensureVulkan(say);
  const outDir = `${root}out/test`;
  fs.mkdirSync(outDir, {recursive: true});
  const full = o.node && o.browser && !o.grep && !o.backends;
  const grep = o.grep ? [`--filter=${o.grep}`] : [];
  const backendsEnv = o.backends ? {DIFFRAST_BACKENDS: o.backends} : {};
  // Of the --backends, those Node can run (none of them: no Node suite).
  const nodeBackends = o.backends
    ?.split(',')
    .filter(b => ['cpu', 'wasm', 'webgpu'].includes(b))
    .join(',');
  if (nodeBackends === '') o.node = false;

  const jasmine = (name, backends, filter, buffered, counts = jasmineCounts) =>
    runner(
      name,
      counts,
      process.execPath,
      ['--import', 'tsx', 'node_modules/jasmine/bin/jasmine.js', '--config=test/jasmine.json', ...filter],
      {VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD, DIFFRAST_BACKENDS: backends},
      buffered,
    );
  const nodeSuite = () => jasmine('node', nodeBackends ?? '', grep);
  // Without --backends, webgpu on Dawn runs beside the cpu and wasm suite in a Jasmine process of its own
  // (the other core; its output shown when it ends): only its backend's specs and the README's "GPU in Node".
  const DAWN_SPECS = String.raw`\[webgpu\]|^README GPU in Node`;
  const dawnFilter = o.grep ? `^(?=.*(?:${o.grep}))(?=.*(?:${DAWN_SPECS}))` : DAWN_SPECS;
  // (A --grep that names no webgpu spec leaves it nothing to run: not a failure.)
  const dawnCounts = out =>
    /Incomplete: No specs found/.test(out) ? {empty: true, note: 'no webgpu spec matches'} : jasmineCounts(out);
  const dawn = o.node && !o.backends ? jasmine('dawn', 'webgpu', [`--filter=${dawnFilter}`], true, dawnCounts) : null;
  const karmaTmp = () => {
    const dir = `${outDir}/tmp`;
    fs.mkdirSync(dir, {recursive: true});
    return dir;
  };
  const browserSuite = () => {
    const result = `${outDir}/browser-${process.pid}.json`;
    fs.rmSync(result, {force: true});
    return runner(
      'browser',
      karmaCounts(result),
      process.execPath,
      ['node_modules/karma/bin/karma', 'start', 'karma.conf.cjs'],
      {
        CHROME_BIN: chrome.bin,
        // karma-esbuild imports the specs by paths relative to the temp dir, without './': a checkout
        // inside /tmp would resolve as a package name. A temp dir inside out/ keeps them '../'-relative.
        TMPDIR: karmaTmp(),
        DIFFRAST_RESULT: result,
        DIFFRAST_GREP: o.grep ?? '',
        ...backendsEnv,
      },
    );
  };

  const rows = [];
  // Lint (ESLint, prettier --check, tsc) beside the suites on every run, its output shown when it ends.
  const lint = !o.noLint
    ? runner('lint', (out, code) => (code ? {} : {passed: 1}), 'npm', ['run', '--silent', 'lint'], {}, true)
    : null;
  if (o.node) rows.push(await nodeSuite());
  if (dawn) rows.push(await dawn);
  if (o.browser) {
    if (chrome.bin) rows.push(await browserSuite());
    else rows.push({name: 'browser', passed: 0, failed: 1, ms: 0, note: chrome.error});
  }
  if (lint) rows.push(await lint);
  if (full) {
    rows.push(await runner('package', lastLineCounts, process.execPath, ['scripts/check-package.mjs']));
    rows.push(await runner('demo', lastLineCounts, process.execPath, ['scripts/test-demo.mjs']));
  }

  console.log(`\n[test] summary (${secs(Date.now() - t0)}):`);
  for (const r of rows) {
    const counts = `${String(r.passed).padStart(5)} passed, ${String(r.failed).padStart(3)} failed`;
    console.log(`  ${r.name.padEnd(8)} ${counts} ${secs(r.ms).padStart(8)}${r.note ? `  (${r.note})` : ''}`);
  }
  const sum = key => rows.reduce((s, r) => s + r[key], 0);
  console.log(`${sum('passed')} passed, ${sum('failed')} failed`);
  process.exitCode = sum('failed') ? 1 : 0;
}

main().catch(e => fail(`runner crashed: ${e?.stack ?? e}`));
