#!/usr/bin/env node
// Measures how long the samples take on this machine — seconds per iteration at each row's settings, on cpu
// (Node) and webgl (headless Chromium), a few iterations each — and the package build, writes
// demo/times.json and regenerates the README's block of sample times from it. The pages and the
// samples' --help quote the same file (demo/lib/times.ts), and the demo tests fail when the README's
// block and the file disagree, so no quoted time can drift from the measurement. Takes minutes.
//
//   node demo/tools/measure-times.mjs [--backends cpu,webgl] [--only earth,cube]   measure, write, regenerate
//   node demo/tools/measure-times.mjs --readme                                   only regenerate the README block
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {ROOT} from './build.mjs';
import * as runner from './runner.mjs';

const TIMES = path.join(ROOT, 'demo', 'times.json');
const README = path.join(ROOT, 'README.md');
const BEGIN = '<!-- sample times: generated from demo/times.json by node demo/tools/measure-times.mjs -->';
const END = '<!-- end of sample times -->';

/** The rows: a sample, the settings changed from its defaults, and how many iterations to time (after one untimed). */
const ROWS = [
  {sample: 'triangle', given: {}, timed: 10},
  {sample: 'cube', given: {}, timed: 40},
  {sample: 'earth', given: {texture: 512}, timed: 4},
  {sample: 'earth', given: {}, timed: 3},
  {sample: 'envphong', given: {}, timed: 4},
  {sample: 'pose', given: {}, timed: 20},
  {sample: 'model', given: {}, timed: 10},
];

/** The README's block for `times` (also what the demo tests compare the README with). */
export async function readmeBlock(times) {
  const {timesTable, measuredWhen} = await runner.loadNodeBundle();
  return [
    BEGIN,
    timesTable(times),
    '',
    `Seconds per iteration, ${measuredWhen(times)}; the whole run is that times the sample's iterations. ` +
      `Set-up (building the page, compiling shaders, generating assets) comes on top. ` +
      `\`npm run build\` took ${Math.round(times.buildSeconds)} s in the same session.`,
    END,
  ].join('\n');
}

/** The README with its block of sample times replaced by `block`; throws when the markers are missing. */
export function withBlock(readme, block) {
  const a = readme.indexOf(BEGIN),
    b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no block between "${BEGIN}" and "${END}"`);
  return readme.slice(0, a) + block + readme.slice(b + END.length);
}

export function readTimes() {
  return JSON.parse(fs.readFileSync(TIMES, 'utf8'));
}

/** Seconds per iteration of `row` on `backend`: one untimed iteration (shaders, caches), then `timed`. */
async function perIteration(row, backend, session) {
  const given = {...row.given, iters: row.timed + 1};
  let first = null;
  const result = await runner.runSample({
    name: row.sample,
    backend,
    given,
    session: backend === 'cpu' ? null : session,
    onProgress: (i, _loss, s) => {
      if (i === 1) first = s;
    },
  });
  return (result.seconds - first) / row.timed;
}

async function measure(backends, only) {
  const bundle = await runner.loadNodeBundle();
  const loadBefore = os.loadavg()[0];
  const previous = fs.existsSync(TIMES) ? readTimes() : null;
  // (With --only, the rows not named and the build keep their earlier times.)
  let buildSeconds = previous?.buildSeconds;
  if (!only || buildSeconds == null) {
    const t = Date.now();
    const build = spawnSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'ignore'});
    if (build.status !== 0) throw new Error('npm run build failed');
    buildSeconds = (Date.now() - t) / 1000;
    console.log(`npm run build: ${buildSeconds.toFixed(0)} s`);
  }
  const session = backends.some(b => b !== 'cpu') ? await runner.BrowserSession.start({say: console.log}) : null;
  const rows = [];
  try {
    for (const row of ROWS) {
      const sample = bundle.findSample(row.sample);
      const old = previous?.rows.find(
        r => r.sample === row.sample && JSON.stringify(r.given) === JSON.stringify(row.given),
      );
      const perIter = {};
      for (const backend of backends) {
        if (only && !only.includes(row.sample)) {
          perIter[backend] = old?.perIteration[backend] ?? null;
          continue;
        }
        perIter[backend] = Number((await perIteration(row, backend, session)).toPrecision(4));
        console.log(
          `${row.sample} ${JSON.stringify(row.given)} on ${backend}: ${perIter[backend].toFixed(3)} s/iteration`,
        );
      }
      rows.push({
        sample: row.sample,
        given: row.given,
        iters: bundle.resolveSettings(sample, row.given).iters,
        perIteration: perIter,
      });
    }
  } finally {
    await session?.close();
  }
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    machine: `the project's machine (${cpus[0]?.model.trim() ?? 'unknown CPU'}, no GPU: WebGL on SwiftShader)`,
    cores: cpus.length,
    load: [loadBefore, os.loadavg()[0], ...(only ? (previous?.load ?? []) : [])]
      .sort((a, b) => a - b)
      .filter((v, i, a) => i === 0 || i === a.length - 1),
    buildSeconds: Math.round(buildSeconds),
    rows,
  };
}

const args = process.argv.slice(2);
const arg = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!args.includes('--readme')) {
    const times = await measure((arg('--backends') ?? 'cpu,webgl').split(','), arg('--only')?.split(','));
    fs.writeFileSync(TIMES, JSON.stringify(times, null, 2) + '\n');
    spawnSync('npx', ['prettier', '--write', TIMES], {cwd: ROOT, stdio: 'ignore'});
    console.log(`wrote ${path.relative(ROOT, TIMES)}`);
  }
  fs.writeFileSync(README, withBlock(fs.readFileSync(README, 'utf8'), await readmeBlock(readTimes())));
  console.log('regenerated the README block of sample times');
}
