#!/usr/bin/env node
// Benchmarks in headless Chromium: `node bench/run.mjs [--reps N] [--warmup N]`.
//
// Bundles bench/page.ts (with src/ and tfjs) using esbuild, serves it from http://localhost,
// runs every case of bench/cases.ts in Debian's Chromium (CHROME_BIN or /usr/bin/chromium, the
// flags of DESIGN.md), prints a table and writes bench/results/<date>.json.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const options = {reps: opt('--reps', 25), warmup: opt('--warmup', 5)};

/** The Chromium flags that work on this kind of machine (DESIGN.md, "Tests"). */
const FLAGS = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

async function main() {
  const esbuild = await import('esbuild');
  const {chromium} = await import('playwright-core');
  const outDir = path.join(root, 'out', 'bench');
  fs.mkdirSync(outDir, {recursive: true});
  await esbuild.build({
    entryPoints: [path.join(root, 'bench', 'page.ts')], bundle: true, format: 'esm', target: 'chrome120',
    outfile: path.join(outDir, 'page.js'), mainFields: ['module', 'main'], logLevel: 'error',
  });
  const page = `<!doctype html><meta charset="utf-8"><title>tfjs-diffrast bench</title><script type="module" src="/page.js"></script>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, {'content-type': 'text/javascript'});
      res.end(fs.readFileSync(path.join(outDir, 'page.js')));
    } else {
      res.writeHead(200, {'content-type': 'text/html'});
      res.end(page);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const loadBefore = os.loadavg()[0];
  const browser = await chromium.launch({executablePath: process.env.CHROME_BIN || '/usr/bin/chromium', args: FLAGS});
  try {
    const tab = await browser.newPage();
    tab.on('console', (m) => { if (m.type() === 'error') console.error(`[chromium] ${m.text()}`); });
    await tab.goto(`http://localhost:${server.address().port}/`);
    await tab.waitForFunction(() => typeof globalThis.runBench === 'function', null, {timeout: 60_000});
    const report = await tab.evaluate((o) => globalThis.runBench(o), options);
    const machine = {
      cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}`, memoryGB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`, browser: browser.version(), renderer: report.renderer,
      // Other work on the machine skews timings (the GPU is emulated on these CPUs).
      loadAverage: {before: loadBefore, after: os.loadavg()[0]},
    };
    printTable(report.results);
    const date = new Date().toISOString().slice(0, 10);
    const file = path.join(root, 'bench', 'results', `${date}.json`);
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fs.writeFileSync(file, JSON.stringify({date: new Date().toISOString(), machine, options, results: report.results}, null, 2) + '\n');
    console.log(`\nmachine: ${machine.cpus}, ${machine.memoryGB} GB, ${machine.platform}; Chromium ${machine.browser}; ${machine.renderer}` +
                `; load average ${loadBefore.toFixed(1)} -> ${machine.loadAverage.after.toFixed(1)}`);
    console.log(`wrote ${path.relative(root, file)}`);
  } finally {
    await browser.close();
    server.close();
  }
}

function printTable(results) {
  const rows = [['case', 'timed', 'median ms', 'ratio']];
  for (const r of results) {
    rows.push([r.name, r.subject.name, r.subject.medianMs.toFixed(2), '']);
    for (const [pass, ms] of Object.entries(r.subject.breakdownMs ?? {})) rows.push(['', `  GPU: ${pass}`, ms.toFixed(2), '']);
    for (const y of r.yardsticks) rows.push(['', y.name, y.medianMs.toFixed(2), `${y.ratio.toFixed(2)}x`]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
