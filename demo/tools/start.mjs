#!/usr/bin/env node
// npm start [-- --port P]: builds the sample gallery and serves it on http://localhost:<port>/
// (default 8080, or the next free port), rebuilding as demo/ and src/ change. localhost is a
// secure context, which WebGPU requires.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {ensureDependencies} from '../../scripts/test-setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const say = msg => console.log(`[start] ${msg}`);

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
let port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;

const depsError = ensureDependencies(root, say);
if (depsError) {
  console.error(`[start] ${depsError}`);
  process.exit(1);
}
const {buildPages, sampleNames} = await import('./build.mjs');
const {serve} = await import('./server.mjs');
const t = Date.now();
const dir = await buildPages({watch: true});
say(`built ${path.relative(root, dir)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
for (;;) {
  try {
    const {url} = await serve(dir, port);
    say(`serving the samples at ${url}  (Ctrl-C to stop)`);
    for (const name of sampleNames()) console.log(`  ${url}${name}.html`);
    break;
  } catch (e) {
    if (e.code !== 'EADDRINUSE' || portArg >= 0) throw e;
    port++;
  }
}
