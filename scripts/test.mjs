#!/usr/bin/env node
// `npm test`: the one test command. Hand-written because no runner sums other runners: it starts the stock ones
// (jasmine CLI with tsx in Node, karma in Chromium, @playwright/test for the package, the demo and bench:pack,
// lint) and prints `N passed, M failed` over all of them (CI reads that line). `npm test -- --help` for the options.
import fs from 'node:fs';
import {spawn} from 'node:child_process';

import {ensureVulkan, findChromium, SWIFTSHADER_ICD} from './chromium.mjs';
import {INSTALL, installReason} from './test-setup.mjs';

const root = new URL('..', import.meta.url).pathname;
const say = msg => console.log(`[test] ${msg}`);
const t0 = Date.now();
const secs = ms => `${(ms / 1000).toFixed(1)} s`;
const USAGE = `usage: npm test -- [--node-only | --browser-only] [--grep <regex>] [--backends cpu,wasm,webgl,webgpu] [--no-lint]

With no option, side by side on the two cores: the browser specs (karma, headless Chromium, every backend
there), and lint (ESLint, prettier --check, tsc) with the Node specs (jasmine: cpu and wasm, and webgpu on Dawn
in a process of its own), then the package, demo and bench:pack checks (@playwright/test). The last line is
"N passed, M failed".

  --node-only        only the Node specs
  --browser-only     only the browser specs
  --grep <regex>     only the specs whose full name matches, in both runners (a runner it leaves nothing to
                     run is fine; a regex that matches no spec anywhere fails the run)
  --backends <list>  exactly these backends (comma-separated), even where our kernels are not registered yet
                     (Node runs those of them it can: cpu, wasm, webgpu)
  --no-lint          skip lint (part of CI: run it before landing)
  -h, --help         this text

--node-only, --browser-only, --grep and --backends skip the package, demo and bench:pack checks.
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

// Progress at least every 30 s: when nothing has been printed for 20 s, say who is still at work.
const running = new Map();
let lastOutput = Date.now();
setInterval(() => {
  if (Date.now() - lastOutput < 20_000 || !running.size) return;
  say(`still running: ${[...running].map(([name, t]) => `${name} ${secs(Date.now() - t)}`).join(', ')}`);
  lastOutput = Date.now();
}, 5_000).unref();

/**
 * Runs a command, its output shown line by line as it comes (runners side by side do not cut each other's
 * lines), or all at its end when `buffered`; resolves to {code, out}.
 */
function run(cmd, args, env, buffered) {
  return new Promise(resolve => {
    const child = spawn(cmd, args, {cwd: root, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    const stream = (sink, partial = '') => [
      d => {
        out = (out + d).slice(-50_000);
        if (buffered) return;
        const lines = (partial + d).split('\n');
        partial = lines.pop();
        if (lines.length) sink.write(lines.join('\n') + '\n');
        lastOutput = Date.now();
      },
      () => partial && !buffered && sink.write(partial + '\n'),
    ];
    const [outData, outEnd] = stream(process.stdout);
    const [errData, errEnd] = stream(process.stderr);
    child.stdout.on('data', outData).on('end', outEnd);
    child.stderr.on('data', errData).on('end', errEnd);
    child.on('error', e => resolve({code: -1, out: String(e)}));
    child.on('close', code => {
      if (buffered) process.stdout.write(out);
      resolve({code: code ?? 128, out});
    });
  });
}

/**
 * A runner's rows: its counts (`counts` may split them into several rows; `ran`: how many specs ran); a failed exit
 * counts as a failure.
 */
async function runner(name, counts, cmd, args, env = {}, buffered = false) {
  const t = Date.now();
  say(`${name}: ${cmd === process.execPath ? 'node' : cmd} ${args.join(' ')}`);
  running.set(name, t);
  const {code, out} = await run(cmd, args, env, buffered);
  running.delete(name);
  if (buffered) lastOutput = Date.now();
  const rows = [counts(out, code)].flat().map(c => ({name, passed: 0, failed: 0, ms: Date.now() - t, ...c}));
  if (code !== 0 && !rows.some(r => r.failed)) Object.assign(rows[0], {failed: 1, note: `exit ${code}`});
  return rows;
}

/** A runner that printed no results did not pass, whatever its exit code. */
const noResult = what => ({failed: 1, note: `no ${what}`});
const jasmineCounts = out => {
  const m = /(\d+) specs?, (\d+) failures?(?:, (\d+) pending specs?)?\s*$/m.exec(out);
  return m ? {passed: m[1] - m[2] - (m[3] ?? 0), failed: Number(m[2]), ran: Number(m[1])} : noResult('jasmine summary');
};
const readJson = file => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};
const karmaCounts = file => () => {
  const summary = readJson(file)?.summary;
  if (!summary) return noResult('karma results');
  const error = summary.error || summary.disconnected ? 1 : 0;
  const ran = summary.success + summary.failed;
  return {passed: summary.success, failed: summary.failed + error, ran, note: error ? 'error in the browser' : ''};
};
/** One row per playwright project (its set-up project `pack` counted with `package`). */
const playwrightCounts = file => () => {
  const report = readJson(file);
  if (!report) return noResult('playwright results');
  const rows = {};
  const walk = suite => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const name = t.projectName === 'pack' ? 'package' : t.projectName;
        rows[name] ??= {name, passed: 0, failed: 0};
        rows[name][t.status === 'expected' || t.status === 'flaky' ? 'passed' : 'failed']++;
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  report.suites.forEach(walk);
  for (const e of report.errors ?? []) console.log(`[test] playwright: ${e.message}`);
  return [
    ...Object.values(rows),
    ...(report.errors?.length ? [{name: 'playwright', failed: report.errors.length, note: 'errors'}] : []),
  ];
};

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const why = installReason(root);
  if (why) {
    say(why);
    const [install] = await runner('install', () => ({}), 'npm', INSTALL);
    if (install.failed) fail(`npm install failed (${install.note})`);
  }
  const chrome = o.browser ? findChromium(say) : {};
  if (o.node) ensureVulkan(say);
  const outDir = `${root}out/test`;
  // karma-esbuild imports the specs by paths relative to the temp dir, without './': a checkout inside /tmp
  // would resolve them as package names. A temp dir inside out/ keeps them '../'-relative.
  fs.mkdirSync(`${outDir}/tmp`, {recursive: true});
  const result = name => {
    const file = `${outDir}/${name}-${process.pid}.json`;
    fs.rmSync(file, {force: true});
    return file;
  };
  const full = o.node && o.browser && !o.grep && !o.backends;
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
  // Beside karma the Node runners' output comes in one piece at their end.
  const nodeSuite = () => jasmine('node', nodeBackends ?? '', o.grep ? [`--filter=${o.grep}`] : [], o.browser);
  // Without --backends, webgpu on Dawn runs in a Jasmine process of its own: only its backend's specs and the
  // README's "GPU in Node".
  const DAWN_SPECS = String.raw`\[webgpu\]|^README GPU in Node`;
  const dawnFilter = o.grep ? `^(?=.*(?:${o.grep}))(?=.*(?:${DAWN_SPECS}))` : DAWN_SPECS;
  const dawn = () => jasmine('dawn', 'webgpu', [`--filter=${dawnFilter}`], true);
  const browserSuite = () => {
    if (!chrome.bin) return [{name: 'browser', passed: 0, failed: 1, ms: 0, note: chrome.error}];
    const file = result('browser');
    const env = {CHROME_BIN: chrome.bin, TMPDIR: `${outDir}/tmp`, DIFFRAST_RESULT: file, DIFFRAST_GREP: o.grep ?? ''};
    if (o.backends) env.DIFFRAST_BACKENDS = o.backends;
    return runner(
      'browser',
      karmaCounts(file),
      process.execPath,
      ['node_modules/karma/bin/karma', 'start', 'karma.conf.cjs'],
      env,
    );
  };
  const playwright = () => {
    const file = result('playwright');
    const args = ['node_modules/@playwright/test/cli.js', 'test'];
    return runner('playwright', playwrightCounts(file), process.execPath, args, {DIFFRAST_RESULT: file});
  };
  const lint = () =>
    runner('lint', (_, code) => (code ? {} : {passed: 1}), 'npm', ['run', '--silent', 'lint'], {}, true);

  // Two lanes for two cores: Chromium's renderer and SwiftShader's threads in one, Node's work in the other.
  const nodeLane = async () => [
    ...(
      await Promise.all([o.node ? nodeSuite() : [], o.node && !o.backends ? dawn() : [], o.noLint ? [] : lint()])
    ).flat(),
    ...(full ? await playwright() : []),
  ];
  const rows = (await Promise.all([o.browser ? browserSuite() : [], nodeLane()])).flat();
  // A runner that ran no spec failed, unless --grep left it none (it may match in another runner only).
  const idle = rows.filter(r => r.ran === 0);
  for (const r of idle) Object.assign(r, o.grep ? {note: 'no spec matches --grep'} : {failed: 1, note: 'no spec ran'});
  const unmatched = o.grep && idle.length > 0 && rows.every(r => !r.ran);

  console.log(`\n[test] summary (${secs(Date.now() - t0)}):`);
  const width = Math.max(...rows.map(r => r.name.length));
  for (const r of rows) {
    const counts = `${String(r.passed).padStart(5)} passed, ${String(r.failed).padStart(3)} failed`;
    console.log(`  ${r.name.padEnd(width)} ${counts} ${secs(r.ms).padStart(8)}${r.note ? `  (${r.note})` : ''}`);
  }
  const sum = key => rows.reduce((s, r) => s + r[key], 0);
  // Nothing tested is not a pass: say so, and exit 1 (the counts stay honest).
  if (unmatched) say(`--grep ${o.grep} matches no spec in ${idle.map(r => r.name).join(', ')}: nothing ran`);
  console.log(`${sum('passed')} passed, ${sum('failed')} failed`);
  process.exitCode = sum('failed') || unmatched ? 1 : 0;
}

main().catch(e => fail(`runner crashed: ${e?.stack ?? e}`));
