// Karma for the browser half of `npm test` (scripts/test.mjs starts it; to run it alone:
// `npm test -- --browser-only [--grep <re>] [--backends cpu,webgl]`). Stock plugins only: karma-esbuild
// bundles the specs (one bundle, source-mapped stacks), karma-chrome-launcher starts the system
// Chromium with our flags, karma-spec-reporter prints each spec and its time as it ends (progress), and a
// five-line reporter writes names, times and counts as JSON for scripts/test.mjs (karma-json-reporter keeps
// every passed expectation and prints the browser's console a second time).
// Environment (set by scripts/test.mjs): CHROME_BIN, DIFFRAST_GREP, DIFFRAST_BACKENDS, DIFFRAST_RESULT.
'use strict';

const fs = require('node:fs');

const TWENTY_MINUTES = 20 * 60 * 1000;

function JsonResult(config) {
  const specs = [];
  this.onSpecComplete = (_, {fullName, time, success, skipped}) => specs.push({fullName, time, success, skipped});
  this.onRunComplete = (_, summary) => fs.writeFileSync(config.jsonResult, JSON.stringify({summary, specs}));
}
JsonResult.$inject = ['config'];

module.exports = async config => {
  const {CHROMIUM_FLAGS} = await import('./scripts/chromium.mjs');
  const grep = process.env.DIFFRAST_GREP;
  config.set({
    frameworks: ['jasmine'],
    files: [
      'test/**/*.spec.ts',
      // The wasm backend fetches these (test/entry/browser_setup.ts sets the path).
      {pattern: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm', included: false, watched: false},
    ],
    mime: {'application/wasm': ['wasm']},
    preprocessors: {'test/**/*.spec.ts': ['esbuild']},
    esbuild: {
      target: 'chrome120',
      // The loaders (and @gltf-transform/core) import Node built-ins only on Node code paths.
      external: ['node:*'],
      // The set-up runs before any spec: it decides which backends describeEachBackend loops over.
      inject: [`${__dirname}/test/entry/browser_setup.ts`],
    },
    browsers: ['DiffrastChromium'],
    // Base 'Chrome', not 'ChromeHeadless': that one adds --disable-gpu (no WebGL/WebGPU) and a fixed
    // debugging port, which concurrent runs on one machine would fight over.
    customLaunchers: {DiffrastChromium: {base: 'Chrome', flags: CHROMIUM_FLAGS}},
    plugins: ['karma-*', {'reporter:json-result': ['type', JsonResult]}],
    reporters: ['spec', 'json-result'],
    specReporter: {suppressSkipped: true, showSpecTiming: true},
    jsonResult: process.env.DIFFRAST_RESULT ?? 'out/test/browser.json',
    // WebGPU needs a secure context: http://localhost is one.
    hostname: 'localhost',
    listenAddress: '127.0.0.1',
    singleRun: true,
    autoWatch: false,
    // SwiftShader renders on the CPU: one draw or shader compile can block the page for minutes, and a
    // spec of 20 s here took over 10 min with seven test runs sharing the two cores.
    captureTimeout: 120_000,
    browserNoActivityTimeout: TWENTY_MINUTES,
    browserDisconnectTimeout: TWENTY_MINUTES,
    browserDisconnectTolerance: 0,
    pingTimeout: TWENTY_MINUTES,
    // With a --grep, scripts/test.mjs judges an empty run (the grep may match Node specs only).
    failOnEmptyTestSuite: !grep,
    client: {
      captureConsole: true,
      jasmine: {random: false, timeoutInterval: 120_000},
      args: grep ? ['--grep', `/${grep}/`] : [],
      diffrastBackends: process.env.DIFFRAST_BACKENDS || null,
    },
    browserConsoleLogOptions: {level: 'log', terminal: true},
    logLevel: config.LOG_WARN,
    colors: false,
  });
};
