// Karma configuration for the browser half of `npm test`.
//
// Not meant to be started by hand: scripts/test.mjs builds the browser bundle with esbuild and
// starts karma through scripts/test-browser.mjs, which sets these environment variables:
//   DIFFRAST_TEST_BROWSER_DIR  the built bundle (entry.js + chunks/), absolute path   (required)
//   DIFFRAST_TEST_GREP         optional regular expression over full spec names
//   CHROME_BIN                 the Chromium binary (found or installed by scripts/test.mjs)
// To debug by hand: `npm test -- --browser-only [--grep <re>]`.
'use strict';

const fs = require('fs');
const path = require('path');

/** Exactly the flags that work on this kind of machine (see DESIGN.md, "Tests"). */
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const TEN_MINUTES = 10 * 60 * 1000;

/**
 * Headless Chromium with exactly CHROMIUM_FLAGS plus a fresh --user-data-dir (karma's per-launch temp
 * dir, removed afterwards). karma-chrome-launcher's ChromeHeadless would add the legacy --headless
 * and --disable-gpu (which turns WebGL/WebGPU off), so this is a launcher of its own.
 */
function DiffrastChromium(baseBrowserDecorator) {
  baseBrowserDecorator(this);
  this._getOptions = url => [`--user-data-dir=${this._tempDir}`, ...CHROMIUM_FLAGS, url];
}
DiffrastChromium.prototype = {
  name: 'Chromium',
  DEFAULT_CMD: {linux: '/usr/bin/chromium', darwin: '/Applications/Chromium.app/Contents/MacOS/Chromium'},
  ENV_CMD: 'CHROME_BIN',
};
DiffrastChromium.$inject = ['baseBrowserDecorator'];

/** Attaches esbuild's linked source maps, so karma's formatError maps stacks back to test/ and src/. */
function sourceMapPreprocessor() {
  return (content, file, done) => {
    try {
      file.sourceMap = JSON.parse(fs.readFileSync(`${file.originalPath}.map`, 'utf8'));
    } catch {
      // No map: stacks stay in bundle coordinates.
    }
    done(content);
  };
}

/**
 * Terminal output in the same shape as the Node runner: failures with messages and source-mapped
 * stacks, one line per top-level suite, browser console (except debug) prefixed with [chromium].
 * Counting is done from karma's run_complete in scripts/test-browser.mjs.
 */
function DiffrastReporter(baseReporterDecorator, formatError, config) {
  baseReporterDecorator(this);
  const root = config.basePath.replace(/\/$/, '') + '/';
  const clean = text =>
    String(text)
      .split(root)
      .join('')
      .replace(/ <- [^\s)]+/g, '')
      .split('\n')
      .filter(l => !/node_modules\/(jasmine-core|karma)|<Jasmine>/.test(l))
      .join('\n')
      .replace(/\s+$/, '');
  const unquote = s => (typeof s === 'string' && /^'[\s\S]*'$/.test(s) ? s.slice(1, -1) : s);
  let group = null;
  const flush = () => {
    if (!group) return;
    const g = group;
    group = null;
    if (g.passed + g.failed === 0) return;
    this.write(
      `  ${g.failed ? '\u2717' : '\u2713'} ${g.name}: ${g.passed} passed, ${g.failed} failed` +
        ` (${(g.time / 1000).toFixed(1)} s)\n`,
    );
  };

  this.onRunStart = () => {
    group = null;
  };
  this.onBrowserStart = () => {};
  this.onBrowserLog = (browser, log, type) => {
    if (type === 'debug') return;
    this.write(`  [chromium] ${type.toUpperCase()}: ${unquote(log)}\n`);
  };
  this.onBrowserError = (browser, error) => {
    flush();
    this.write(`  \u2717 [chromium] ERROR\n${clean(formatError(error, '      '))}\n`);
  };
  this.onSpecComplete = (browser, result) => {
    const top = result.suite[0] ?? '(top level)';
    if (group && group.name !== top) flush();
    if (!group) group = {name: top, passed: 0, failed: 0, time: 0};
    group.time += result.time || 0;
    if (result.skipped) return;
    if (result.success) {
      group.passed++;
      return;
    }
    group.failed++;
    const name = [...result.suite, result.description].join(' ');
    const logs = result.log.map(l => clean(formatError(l, '      '))).join('\n');
    this.write(`  \u2717 ${name} (${result.time} ms)\n${logs}\n`);
  };
  this.onRunComplete = () => flush();
}
DiffrastReporter.$inject = ['baseReporterDecorator', 'formatError', 'config'];

module.exports = function (config) {
  const bundleDir = process.env.DIFFRAST_TEST_BROWSER_DIR;
  if (!bundleDir) {
    throw new Error('karma.conf.cjs: DIFFRAST_TEST_BROWSER_DIR is not set; run `npm test -- --browser-only`');
  }
  const rel = path.relative(__dirname, bundleDir).split(path.sep).join('/');
  const grep = process.env.DIFFRAST_TEST_GREP;

  config.set({
    basePath: __dirname,
    frameworks: ['jasmine'],
    files: [
      // The entry is an ES module: it holds karma's start until the backends are known and the
      // spec chunks are imported (see test/entry/browser_setup.ts).
      {pattern: `${rel}/entry.js`, type: 'module', included: true, watched: false},
      {pattern: `${rel}/chunks/*.js`, included: false, served: true, watched: false},
      {pattern: `${rel}/**/*.map`, included: false, served: true, watched: false},
      // The wasm backend fetches these (test/entry/browser_setup.ts sets the path).
      {
        pattern: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
        included: false,
        served: true,
        watched: false,
      },
    ],
    mime: {'application/wasm': ['wasm']},
    preprocessors: {[`${rel}/**/*.js`]: ['diffrast-sourcemap']},
    plugins: [
      'karma-jasmine',
      {
        'launcher:DiffrastChromium': ['type', DiffrastChromium],
        'preprocessor:diffrast-sourcemap': ['factory', sourceMapPreprocessor],
        'reporter:diffrast': ['type', DiffrastReporter],
      },
    ],
    browsers: ['DiffrastChromium'],
    reporters: ['diffrast'],
    // WebGPU needs a secure context: http://localhost is one. Listen on loopback only.
    hostname: 'localhost',
    listenAddress: '127.0.0.1',
    port: 9876, // karma moves to the next free port if this one is taken
    singleRun: true,
    autoWatch: false,
    concurrency: 1,
    // SwiftShader renders on the CPU: one draw or shader compile can block the page for minutes.
    captureTimeout: 120000,
    browserNoActivityTimeout: TEN_MINUTES,
    browserDisconnectTimeout: TEN_MINUTES,
    browserDisconnectTolerance: 0,
    pingTimeout: TEN_MINUTES,
    processKillTimeout: 5000,
    failOnEmptyTestSuite: false,
    client: {
      captureConsole: true,
      clearContext: true,
      jasmine: {random: false, timeoutInterval: 120000},
      // karma-jasmine treats /.../ as a regular expression (as the Node runner does).
      args: grep ? ['--grep', `/${grep}/`] : [],
    },
    browserConsoleLogOptions: {level: 'debug', terminal: true},
    logLevel: config.LOG_WARN,
    colors: false,
  });
};
