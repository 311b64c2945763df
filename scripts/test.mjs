#!/usr/bin/env node
// The one test command: `npm test` (= node scripts/test.mjs), on a fresh clone and in CI.
//
//   1. set-up: `npm install --no-save` when node_modules is missing or stale; find Chromium (CHROME_BIN, then the
//      usual paths) or install Debian's `chromium` when root with apt-get
//   2. esbuild bundles of test/**/*.spec.ts for Node and for the browser (scripts/test-build.mjs)
//   3. Node: jasmine, backend cpu (scripts/test-node.mjs)
//   4. browser: karma + headless Chromium, backends cpu and whichever of webgl / webgpu initialise
//      and have our kernels (scripts/test-browser.mjs, karma.conf.cjs)
//   5. scripts/check-package.mjs, if present, and scripts/test-demo.mjs (full runs only)
//   6. last line: `N passed, M failed` over every runner; exit code 1 if anything failed.
//
// Options (after `npm test --`):
//   --node-only        only the Node suite
//   --browser-only     only the browser suite
//   --grep <regex>     only specs whose full name matches (both runners)
//   --backends <list>  browser: run exactly these backends (comma-separated), even if our kernels
//                      are not registered for them yet: for working on a GPU kernel
// --node-only, --browser-only, --grep and --backends skip the package check and the demo tests.
// Environment: CHROME_BIN picks the browser. Bundles, generated entries and the browser console log
// go to out/test/run-<pid>/ (kept for inspection, removed by the next run).
import fs from 'node:fs';
import path from 'node:path';
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {buildBundles, findSpecs} from './test-build.mjs';
import {ensureChromium, ensureDependencies} from './test-setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'out', 'test');
const t0 = Date.now();
const secs = ms => `${(ms / 1000).toFixed(1)} s`;
const say = msg => console.log(`[test] ${msg}`);

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: npm test -- [--node-only | --browser-only] [--grep <regex>] [--backends cpu,wasm,webgl,webgpu]

With no option: every spec in Node and in headless Chromium (every backend present), then the package
check (scripts/check-package.mjs) and the demo tests (scripts/test-demo.mjs); the last line is
"N passed, M failed".

  --node-only        only the Node suite
  --browser-only     only the browser suite (karma + headless Chromium)
  --grep <regex>     only the specs whose full name matches, in both runners
  --backends <list>  browser: run exactly these backends (comma-separated), even where our kernels are
                     not registered yet: for working on a GPU kernel
  -h, --help         this text

--node-only, --browser-only, --grep and --backends skip the package check and the demo tests.
Environment: CHROME_BIN picks the browser. Bundles and the browser console log go to out/test/run-<pid>/.`;

function parseArgs(argv) {
  const o = {node: true, browser: true, grep: null, backends: null};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--node-only') o.browser = false;
    else if (a === '--browser-only') o.node = false;
    else if (a === '--grep' || a.startsWith('--grep=')) o.grep = value();
    else if (a === '--backends' || a.startsWith('--backends=')) {
      o.backends = value()
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
      const bad = o.backends.filter(b => !['cpu', 'wasm', 'webgl', 'webgpu'].includes(b));
      if (bad.length || !o.backends.length) fail(`--backends: unknown backend(s) ${bad.join(', ')}`);
    } else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}\n${USAGE}`);
  }
  if (!o.node && !o.browser) fail('--node-only and --browser-only exclude each other');
  if (o.grep) {
    try {
      new RegExp(o.grep);
    } catch (e) {
      fail(`--grep: ${e.message}`);
    }
  }
  return o;
}

function fail(msg) {
  console.error(`[test] ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** Removes out/test/run-<pid> directories of runs that are no longer alive. */
function pruneOldRuns() {
  let entries = [];
  try {
    entries = fs.readdirSync(outRoot);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = /^run-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid !== process.pid;
    if (alive) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        alive = e.code === 'EPERM';
      }
    }
    if (!alive) fs.rmSync(path.join(outRoot, name), {recursive: true, force: true});
  }
}

// ---------------------------------------------------------------------------------------------
// Runners

let currentChild = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (currentChild) currentChild.kill(sig);
    console.log(`[test] interrupted (${sig})`);
    console.log('0 passed, 1 failed');
    process.exit(130);
  });
}

/** Runs a child node script with inherited stdio (or a stdout tee); resolves {code, stdout}. */
function runChild(script, args, {tee = false} = {}) {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      stdio: ['ignore', tee ? 'pipe' : 'inherit', 'inherit'],
    });
    currentChild = child;
    let stdout = '';
    if (tee) {
      child.stdout.on('data', d => {
        process.stdout.write(d);
        stdout = (stdout + d.toString()).slice(-8192);
      });
    }
    child.on('error', e => {
      currentChild = null;
      resolve({code: -1, stdout, error: e});
    });
    child.on('close', (code, signal) => {
      currentChild = null;
      resolve({code: code ?? (signal ? 128 : -1), signal, stdout});
    });
  });
}

function readResult(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Merges a runner's result file and exit code into a summary row; a crash counts >= 1 failed. */
function settle(row, result, code) {
  if (!result) {
    row.failed += 1;
    row.note = `crashed (exit ${code}) before reporting results`;
    return row;
  }
  row.passed += result.passed;
  row.failed += result.failed;
  row.skipped = result.skipped ?? 0;
  if (result.backends) row.backends = result.backends;
  if (result.error) row.note = result.error;
  if (code !== 0 && row.failed === 0) {
    row.failed = 1;
    row.note = `exited with code ${code}`;
  }
  return row;
}

function reportBrokenSpecs(kind, broken, row) {
  for (const b of broken) {
    console.log(
      `  \u2717 [build] ${b.file} does not compile (left out of the ${kind} bundle)\n` +
        b.message.replace(/^/gm, '      '),
    );
    row.failed += 1;
  }
}

/**
 * Runs a script that ends its output with `N passed, M failed` (its output shown as it comes) and
 * makes a summary row of those counts; no such line, or a failing exit code with 0 failed, is 1 failed.
 */
async function runCounted(name, script) {
  const row = {name, passed: 0, failed: 0, ms: 0};
  const t = Date.now();
  say(`${name}: ${path.relative(root, script)}`);
  const {code, stdout, error} = await runChild(script, [], {tee: true});
  const last = stdout.trimEnd().split('\n').pop() ?? '';
  const m = /^\s*(\d+) passed, (\d+) failed\s*$/.exec(last);
  if (m) {
    row.passed = Number(m[1]);
    row.failed = Number(m[2]);
    if (code !== 0 && row.failed === 0) {
      row.failed = 1;
      row.note = `exited with code ${code}`;
    }
  } else {
    row.failed = 1;
    row.note = error ? `could not run: ${error.message}` : `exit ${code}, no "N passed, M failed" line`;
  }
  row.ms = Date.now() - t;
  return row;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const rows = [];

  // 1. Set-up.
  let t = Date.now();
  const depsError = ensureDependencies(root, say);
  if (depsError) fail(depsError);
  let chrome = null;
  if (opts.browser) {
    chrome = ensureChromium({logDir: outRoot, say});
    if (chrome.bin) say(`browser: ${chrome.bin}`);
  }
  const setupMs = Date.now() - t;

  // 2. Bundles.
  t = Date.now();
  fs.mkdirSync(outRoot, {recursive: true});
  pruneOldRuns();
  const runDir = path.join(outRoot, `run-${process.pid}`);
  fs.rmSync(runDir, {recursive: true, force: true});
  fs.mkdirSync(runDir, {recursive: true});
  const specs = findSpecs(root);
  say(
    `${specs.length} spec file${specs.length === 1 ? '' : 's'} under test/${opts.grep ? `, --grep ${opts.grep}` : ''}`,
  );
  const [nodeBuild, browserBuild] = await Promise.allSettled([
    opts.node ? buildBundles({root, outDir: runDir, specs, node: true, browser: false}) : null,
    opts.browser && chrome.bin
      ? buildBundles({root, outDir: runDir, specs, node: false, browser: true, forcedBackends: opts.backends})
      : null,
  ]);
  say(`bundled in ${secs(Date.now() - t)} (${path.relative(root, runDir)})`);

  // 3. Node.
  if (opts.node) {
    const row = {name: 'node', passed: 0, failed: 0, backends: ['cpu'], ms: 0};
    rows.push(row);
    t = Date.now();
    if (nodeBuild.status === 'rejected') {
      console.log(`[test] node: ${nodeBuild.reason?.message ?? nodeBuild.reason}`);
      row.failed = 1;
      row.note = 'bundle failed to build';
    } else {
      say('node: jasmine');
      reportBrokenSpecs('node', nodeBuild.value.brokenSpecs.node, row);
      const resultFile = path.join(runDir, 'node-result.json');
      const {code} = await runChild(path.join(root, 'scripts/test-node.mjs'), [
        '--entry',
        nodeBuild.value.nodeEntry,
        '--result',
        resultFile,
        ...(opts.grep ? ['--grep', opts.grep] : []),
      ]);
      settle(row, readResult(resultFile), code);
    }
    row.ms = Date.now() - t;
  }

  // 4. Browser.
  if (opts.browser) {
    const row = {name: 'browser', passed: 0, failed: 0, backends: null, ms: 0};
    rows.push(row);
    t = Date.now();
    if (!chrome.bin) {
      console.log(`[test] browser: ${chrome.error}`);
      row.failed = 1;
      row.note = 'no browser';
    } else if (browserBuild.status === 'rejected') {
      console.log(`[test] browser: ${browserBuild.reason?.message ?? browserBuild.reason}`);
      row.failed = 1;
      row.note = 'bundle failed to build';
    } else {
      const logFile = path.join(runDir, 'browser-console.log');
      say(`browser: karma + headless Chromium (console log: ${path.relative(root, logFile)})`);
      reportBrokenSpecs('browser', browserBuild.value.brokenSpecs.browser, row);
      const resultFile = path.join(runDir, 'browser-result.json');
      const {code} = await runChild(path.join(root, 'scripts/test-browser.mjs'), [
        '--bundle',
        browserBuild.value.browserDir,
        '--result',
        resultFile,
        '--log',
        logFile,
        '--chrome',
        chrome.bin,
        ...(opts.grep ? ['--grep', opts.grep] : []),
      ]);
      settle(row, readResult(resultFile), code);
    }
    row.ms = Date.now() - t;
  }

  // 5. Package check (another engineer's script) and demo tests (scripts/test-demo.mjs: the sample
  //    pages in headless Chromium and small-size sample targets), full runs only.
  const fullRun = opts.node && opts.browser && !opts.grep && !opts.backends;
  if (fullRun) {
    const checkPackage = path.join(root, 'scripts/check-package.mjs');
    if (fs.existsSync(checkPackage)) rows.push(await runCounted('package', checkPackage));
    if (chrome.bin) rows.push(await runCounted('demo', path.join(root, 'scripts/test-demo.mjs')));
  }

  // 6. Totals.
  const passed = rows.reduce((s, r) => s + r.passed, 0);
  const failed = rows.reduce((s, r) => s + r.failed, 0);
  console.log('');
  console.log(`[test] summary (set-up ${secs(setupMs)}, total ${secs(Date.now() - t0)}):`);
  for (const r of rows) {
    const label = r.backends ? `${r.name} [${r.backends.join(', ')}]` : r.name;
    console.log(
      `  ${label.padEnd(30)} ${String(r.passed).padStart(4)} passed, ${String(r.failed).padStart(3)} failed` +
        `${r.skipped ? `, ${r.skipped} skipped` : ''}  ${secs(r.ms).padStart(7)}${r.note ? `  (${r.note})` : ''}`,
    );
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch(e => {
  console.error('[test] runner crashed:', e?.stack ?? e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
