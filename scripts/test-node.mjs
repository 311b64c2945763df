// Runs the Node test bundle with jasmine (child process of scripts/test.mjs).
//
//   node scripts/test-node.mjs --entry <bundle entry.mjs> --result <result.json> [--grep <regex>]
//
// Prints failures with messages and stacks and a per-suite line; writes
// {passed, failed, skipped, backends} to the result file. Exit code 0 only if nothing failed.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

process.setSourceMapsEnabled(true);

const args = process.argv.slice(2);
const opt = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const entry = path.resolve(opt('--entry'));
const resultFile = opt('--result');
const grep = opt('--grep');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const counts = {passed: 0, failed: 0, skipped: 0, backends: ['cpu', 'wasm']};
const writeResult = () => resultFile && fs.writeFileSync(resultFile, JSON.stringify(counts));

const rel = s =>
  String(s ?? '')
    .split(root + path.sep)
    .join('')
    .split('file://')
    .join('');
const indent = (s, pad = '      ') => rel(s).replace(/^/gm, pad);

function printFailures(title, expectations) {
  console.log(`  \u2717 ${title}`);
  for (const fe of expectations) {
    console.log(indent(fe.message, '      '));
    if (fe.stack && fe.stack !== fe.message) {
      // Drop jasmine's own frames; keep ours and tfjs's.
      const frames = rel(fe.stack)
        .split('\n')
        .filter(l => /^\s+at /.test(l) && !/node_modules\/jasmine|<Jasmine>/.test(l));
      if (frames.length)
        console.log(
          frames
            .slice(0, 12)
            .map(l => `        ${l.trim()}`)
            .join('\n'),
        );
    }
  }
}

const suiteStats = new Map();
let currentSpec = null;
let finished = false;
const reporter = {
  specStarted(r) {
    currentSpec = r.fullName;
  },
  suiteStarted(r) {
    suiteStats.set(r.id, {passed: 0, failed: 0, start: Date.now()});
  },
  specDone(r) {
    currentSpec = null;
    if (r.status === 'passed') counts.passed++;
    else if (r.status === 'failed') {
      counts.failed++;
      printFailures(`${r.fullName} (${r.duration ?? '?'} ms)`, r.failedExpectations);
    } else counts.skipped++;
    for (const s of suiteStats.values()) {
      if (r.status === 'passed') s.passed++;
      if (r.status === 'failed') s.failed++;
    }
  },
  suiteDone(r) {
    const s = suiteStats.get(r.id);
    suiteStats.delete(r.id);
    if (r.failedExpectations?.length) {
      counts.failed += r.failedExpectations.length;
      printFailures(`${r.fullName} (in beforeAll/afterAll)`, r.failedExpectations);
    }
    // One line per top-level suite.
    if (s && suiteStats.size === 0 && s.passed + s.failed > 0) {
      console.log(
        `  ${s.failed ? '\u2717' : '\u2713'} ${r.fullName}: ${s.passed} passed, ${s.failed} failed` +
          ` (${((Date.now() - s.start) / 1000).toFixed(1)} s)`,
      );
    }
  },
  jasmineDone(r) {
    if (r.failedExpectations?.length) {
      counts.failed += r.failedExpectations.length;
      printFailures('top level (load error, afterAll or unhandled error)', r.failedExpectations);
    }
    if (r.incompleteCode === 'focused' || /fit\(\) or fdescribe\(\)/.test(r.incompleteReason ?? '')) {
      // A focused spec silently skips all the others: never let that pass in CI.
      counts.failed += 1;
      console.log('  \u2717 fit() or fdescribe() was found: only focused specs ran (counted as 1 failure)');
    } else if (r.overallStatus === 'incomplete' && r.incompleteCode !== 'noSpecsFound') {
      console.log(`  note: run incomplete: ${r.incompleteReason}`);
    }
    if (r.incompleteCode === 'noSpecsFound' || counts.passed + counts.failed + counts.skipped === 0) {
      console.log(`  note: no specs ran${grep ? ` (--grep ${grep})` : ''}`);
    }
  },
};

async function main() {
  const {default: Jasmine} = await import('jasmine');
  const runner = new Jasmine({projectBaseDir: path.dirname(entry)});
  runner.exitOnCompletion = false;
  runner.clearReporters();
  runner.addReporter(reporter);
  runner.env.configure({random: false});
  await runner.loadConfig({spec_dir: '.', spec_files: [path.basename(entry)]});
  await runner.execute(undefined, grep || undefined);
}

process.on('exit', code => {
  if (!finished) {
    console.log(
      `  \u2717 node: the process exited (code ${code}) before the run finished` +
        `${currentSpec ? `, during "${currentSpec}"` : ''}`,
    );
    counts.failed += 1;
  }
  writeResult();
});
main().then(
  () => {
    finished = true;
    writeResult();
    process.exitCode = counts.failed ? 1 : 0;
  },
  e => {
    console.error('node runner crashed:', e?.stack ?? e);
    counts.failed = Math.max(1, counts.failed);
    counts.crashed = true;
    finished = true;
    writeResult();
    process.exitCode = 2;
  },
);
