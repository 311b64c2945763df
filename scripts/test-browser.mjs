// Runs the browser test bundle with karma in headless Chromium (child process of scripts/test.mjs).
//
//   node scripts/test-browser.mjs --bundle <dir> --result <result.json> --log <console.log>
//                                 [--chrome <binary>] [--grep <regex>]
//
// Terminal output comes from the reporter in karma.conf.cjs. Every browser console message and
// browser error also goes to the --log file. Writes {passed, failed, skipped, backends, error}
// to the result file; exit code 0 only if nothing failed.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const args = process.argv.slice(2);
const opt = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultFile = opt('--result');
const logFile = opt('--log');

process.env.DIFFRAST_TEST_BROWSER_DIR = path.resolve(opt('--bundle'));
if (opt('--grep')) process.env.DIFFRAST_TEST_GREP = opt('--grep');
else delete process.env.DIFFRAST_TEST_GREP;
if (opt('--chrome')) process.env.CHROME_BIN = opt('--chrome');

const counts = {passed: 0, failed: 0, skipped: 0, backends: null, error: null};
let written = false;
const writeResult = () => {
  if (written || !resultFile) return;
  written = true;
  fs.writeFileSync(resultFile, JSON.stringify(counts));
};
const log = fs.createWriteStream(logFile ?? '/dev/null', {flags: 'a'});
const stamp = () => new Date().toISOString().slice(11, 23);

const require = createRequire(import.meta.url);
const karma = require('karma');

async function main() {
  const config = await karma.config.parseConfig(
    path.join(root, 'karma.conf.cjs'),
    {},
    {promiseConfig: true, throwErrors: true},
  );
  let completed = false;
  let focused = false;

  await new Promise(resolve => {
    const server = new karma.Server(config, exitCode => {
      if (!completed) {
        counts.failed = Math.max(1, counts.failed);
        counts.error = counts.error ?? `karma exited (code ${exitCode}) before the run completed`;
      } else if (focused) {
        // A focused spec silently skips all the others: never let that pass in CI.
        counts.failed += 1;
        counts.error = 'fit() or fdescribe() was found: only focused specs ran';
      } else if (exitCode !== 0 && counts.failed === 0) {
        counts.failed = 1;
        counts.error = counts.error ?? `karma exited with code ${exitCode}`;
      }
      resolve();
    });
    server.on('browser_log', (browser, msg, type) => {
      const text = typeof msg === 'string' ? msg.replace(/^'([\s\S]*)'$/, '$1') : String(msg);
      log.write(`${stamp()} ${type.toUpperCase()} ${text}\n`);
      const m = /diffrast: backends under test: ([\w, ]+)/.exec(text);
      if (m)
        counts.backends = m[1]
          .split(',')
          .map(s => s.trim())
          .filter(Boolean);
      if (/diffrast: run incomplete: fit\(\) or fdescribe\(\)/.test(text)) focused = true;
    });
    server.on('browser_error', (browser, error) => {
      log.write(`${stamp()} BROWSER ERROR ${typeof error === 'string' ? error : JSON.stringify(error)}\n`);
    });
    server.on('browser_process_failure', info => {
      log.write(`${stamp()} BROWSER PROCESS FAILURE ${JSON.stringify(info)}\n`);
    });
    server.on('run_complete', (browsers, results) => {
      completed = true;
      counts.passed = results.success;
      counts.failed = results.failed;
      counts.skipped = results.skipped ?? 0;
      if (results.error || results.disconnected) {
        counts.error = results.disconnected ? 'browser disconnected' : 'error in the browser (see above)';
        counts.failed += 1;
      }
    });
    server.start();
  });
}

main().then(
  () => {
    writeResult();
    log.end(() => process.exit(counts.failed ? 1 : 0));
  },
  e => {
    console.error('browser runner crashed:', e?.stack ?? e);
    counts.failed = Math.max(1, counts.failed);
    counts.error = String(e?.message ?? e);
    writeResult();
    log.end(() => process.exit(2));
  },
);
