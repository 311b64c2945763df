#!/usr/bin/env node
// `npm run bench:pack [-- --out DIR]`: the Node rows of the bench in one folder (default out/bench-pack/), to copy
// to a machine with Node 20 and a GPU driver but no npm, and run there: `node DIR/bench.mjs [--quick] [--only
// REGEX] [--reps N] [--json PATH]` (bench/standalone.mjs). The folder holds, and nothing else (no node_modules):
//   bench.mjs                  bench/standalone.mjs bundled with src/, tfjs and the `webgpu` package's JS
//   dist/<platform>-<arch>/    this platform's dawn.node (Windows: its DLLs beside it), where that JS looks for
//                              it, relative to bench.mjs
//   *.wasm                     tfjs-backend-wasm's
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {ensureDependencies} from '../scripts/test-setup.mjs';
import {bundleNode} from './bundle.mjs';
import {DAWN_PLATFORM} from './dawn_platform.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * What a user copies (issue 18's bound). With the `webgpu` package 0.6.2: 25.5 MB on linux-x64, under 40 on
 * linux-arm64, macOS and win32-x64; win32-arm64's Dawn (with its DLLs) alone is 40.2 MB.
 */
const MAX_BYTES = 40 * 1000 * 1000;
const USAGE = 'usage: npm run bench:pack [-- --out DIR]   (default: out/bench-pack)';

const say = msg => console.log(`[bench:pack] ${msg}`);
function fail(msg) {
  console.error(`[bench:pack] ${msg}`);
  process.exit(1);
}

function parseArgs(argv) {
  let out = path.join(root, 'out', 'bench-pack');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && i + 1 < argv.length) out = path.resolve(argv[++i]);
    else if (argv[i] === '-h' || argv[i] === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${argv[i]}\n${USAGE}`);
  }
  return out;
}

/** The `webgpu` package's folder of this platform's dawn.node (named as its index.js names it). */
function dawnDir() {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('webgpu'));
  const dir = path.join(pkg, 'dist', DAWN_PLATFORM);
  if (!fs.existsSync(path.join(dir, 'dawn.node')))
    fail(`the webgpu package has no dawn.node for ${DAWN_PLATFORM} (${dir})`);
  return dir;
}

const sizeOf = p =>
  fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).reduce((s, f) => s + sizeOf(path.join(p, f)), 0)
    : fs.statSync(p).size;
const mb = bytes => `${(bytes / 1e6).toFixed(1)} MB`;

async function main() {
  const out = parseArgs(process.argv.slice(2));
  const depError = ensureDependencies(root, say);
  if (depError) fail(depError);
  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(out, {recursive: true});
  await bundleNode('bench/standalone.mjs', path.join(out, 'bench.mjs'), {webgpu: 'bundled', small: true});
  const dawn = dawnDir();
  fs.cpSync(dawn, path.join(out, 'dist', path.basename(dawn)), {recursive: true});
  const total = sizeOf(out);
  const files = fs.readdirSync(out, {recursive: true}).filter(f => fs.statSync(path.join(out, f)).isFile());
  for (const f of files.sort()) say(`  ${f.padEnd(40)} ${mb(sizeOf(path.join(out, f))).padStart(9)}`);
  if (total > MAX_BYTES) fail(`${out} is ${mb(total)}, over the bound of ${mb(MAX_BYTES)}: not a packable bench`);
  say(`${out}: ${mb(total)}; run it with \`node ${path.relative(process.cwd(), out) || '.'}/bench.mjs [--quick]\``);
}

main().catch(e => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
