// The installed package (pack.setup.mjs put it in out/package/project) in every environment it promises:
// Node ESM and CommonJS, TypeScript (bundler, node16 ESM and CJS), a page with <script> tags; the README's
// quick start and "GPU in Node"; publint and attw on the tarball. The scene: test/package/triangle_check.cjs.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {expect, test} from '@playwright/test';

import {serve} from '../../demo/tools/server.mjs';
import {ensureVulkan, SWIFTSHADER_ICD} from '../../scripts/chromium.mjs';
import {DIR, PROJECT, pkg, readmeBlock, repo} from './package_files.mjs';

/** Runs a command; returns its exit code and output (stdout then stderr). */
function run(cmd, args, cwd = PROJECT, env = process.env) {
  const r = spawnSync(cmd, args, {cwd, env, encoding: 'utf8', maxBuffer: 1 << 26});
  return {code: r.status, out: `${r.stdout}${r.stderr}${r.error ?? ''}`};
}
const bin = name => path.join(repo, 'node_modules', '.bin', name);

test('publint: nothing to report on the tarball', () => {
  const {code, out} = run(bin('publint'), ['run', path.join(DIR, 'package.tgz'), '--strict']);
  expect(code, out).toBe(0);
  expect(out).not.toMatch(/Suggestions?:|Warnings?:|Errors?:/);
});

test('attw: types resolve for import and require under node16 and for bundlers', () => {
  // (node10 has no "exports": it cannot see the subpath entries, and nothing here targets it.)
  const {code, out} = run(bin('attw'), [path.join(DIR, 'package.tgz'), '--profile', 'node16', '--format', 'ascii']);
  expect(code, out).toBe(0);
});

test('the bundles load nothing at run time but @tensorflow/tfjs-core (the UMD builds: the global tf)', () => {
  const read = f => fs.readFileSync(path.join(repo, f), 'utf8');
  const esm = [...read(pkg.module).matchAll(/^\s*(?:import|export)\b[^'"]*?['"]([^'"]+)['"]/gm)].map(m => m[1]);
  const cjs = [...read(pkg.main).matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => m[1]);
  expect([...new Set([...esm, ...cjs])]).toEqual(['@tensorflow/tfjs-core']);
  for (const file of ['dist/tfjs-diffrast.umd.js', pkg.unpkg]) {
    const umd = read(file);
    expect(umd.match(/define\(\s*\[([^\]]*)\]/)?.[1].replace(/['"\s]/g, ''), file).toBe(
      'exports,@tensorflow/tfjs-core',
    );
    // rollup's UMD wrapper: factory(global.diffrast = {}, global.tf) (minified: e((t=…).diffrast={},t.tf)).
    expect(umd, file).toMatch(/\.diffrast\s*=\s*\{\}\s*,\s*[\w$]+\.tf\s*\)/);
  }
});

test("the README's quick start runs in the project and prints a gradient", () => {
  const code = readmeBlock('Quick start');
  expect(code, 'a ```js block under "## Quick start"').toBeTruthy();
  fs.writeFileSync(path.join(PROJECT, 'quickstart.mjs'), code);
  const {code: exit, out} = run(process.execPath, ['quickstart.mjs']);
  expect(exit, out).toBe(0);
  // grads[pos.name].print(): a [1,3,4] tensor of finite numbers, not all zero.
  const values = (out.slice(out.indexOf('Tensor')).match(/-?\d+(\.\d+)?(e[-+]?\d+)?|NaN|-?Infinity/g) ?? [])
    .slice(0, 12)
    .map(Number);
  expect(values.length === 12 && values.every(Number.isFinite) && values.some(v => v !== 0), out).toBe(true);
});

// After the snippet: the backend it left, and one rasterize on it (read with await data(), as the README's
// Limitations ask on webgpu).
const GPU_IN_NODE_CHECKS = `
const tf = await import('@tensorflow/tfjs');
const dr = await import('tfjs-diffrast');
// What the snippet set (tf.getBackend() alone would pick webgpu, the highest priority, on its own), then the name.
const backend = [tf.engine().backendName, tf.getBackend()];
const pos = tf.tensor3d([[[-0.8, -0.8, 0, 1], [0.8, -0.8, 0, 1], [0, 0.8, 0, 1]]]);
const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
const rast = await dr.rasterize(pos, tri, [8, 8]).rast.data();
console.log('@@result ' + JSON.stringify({backend, ids: Array.from({length: 64}, (_, i) => rast[4 * i + 3])}));
`;

test(`the README's GPU in Node runs in the project: the adapter, then rasterize on webgpu (Dawn)`, () => {
  const code = readmeBlock('GPU in Node');
  expect(code, 'a ```js block under "### GPU in Node"').toContain("from 'tfjs-diffrast/node-webgpu'");
  fs.writeFileSync(path.join(PROJECT, 'gpu_in_node.mjs'), code + GPU_IN_NODE_CHECKS);
  // No GPU here: SwiftShader's Vulkan driver, as `npm test` gives its Dawn runner (scripts/chromium.mjs).
  ensureVulkan();
  // (FORCE_COLOR: playwright sets it, and console.log would colour the adapter's fields.)
  const env = {...process.env, FORCE_COLOR: '0', VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD};
  const {code: exit, out} = run(process.execPath, ['gpu_in_node.mjs'], PROJECT, env);
  expect(exit, out).toBe(0);
  // console.log of the adapter info: every field, in the README's order.
  expect(out).toMatch(
    /vendor: '.*',\s+architecture: '.*',\s+device: '.*',\s+description: '.*',\s+software: (true|false)/,
  );
  const line = out.split('\n').find(l => l.startsWith('@@result '));
  expect(line, out).toBeTruthy();
  const {backend, ids} = JSON.parse(line.slice('@@result '.length));
  expect(backend).toEqual(['webgpu', 'webgpu']);
  // Row 0 at the bottom: the centroid (0, -0.27) falls in pixel (4, 2), triangle 1; the top-left corner is empty.
  expect([ids[2 * 8 + 4], ids[7 * 8 + 0]]).toEqual([1, 0]);
});

for (const [kind, fixture] of [
  ['ES module (import)', 'node_esm.mjs'],
  ['CommonJS (require)', 'node_cjs.cjs'],
]) {
  test(`Node, ${kind}: loads through "exports", rasterizes the triangle, grad through it`, () => {
    const {out} = run(process.execPath, [fixture]);
    const line = out.split('\n').find(l => l.startsWith('@@result '));
    expect(line, out).toBeTruthy();
    const failed = JSON.parse(line.slice('@@result '.length)).filter(r => !r.ok);
    expect(failed).toEqual([]);
  });
}

for (const [resolution, files] of [
  ['Bundler', ['types_usage.mts']],
  // One program: node16 reads the .mts as an ES module and the .cts as CommonJS.
  ['Node16', ['types_usage.mts', 'types_usage_cjs.cts']],
]) {
  test(`TypeScript, moduleResolution ${resolution}: ${files.join(' and ')} type-check against the declarations`, () => {
    const compilerOptions = {
      ...{target: 'ES2020', lib: ['ES2020', 'DOM'], strict: true, noEmit: true, types: []},
      ...{module: resolution === 'Bundler' ? 'ESNext' : resolution, moduleResolution: resolution},
      // Our declarations are checked too; errors inside tfjs's own are filtered out below.
      ...{skipLibCheck: false, skipDefaultLibCheck: true},
    };
    const config = `tsconfig.${resolution}.json`;
    fs.writeFileSync(path.join(PROJECT, config), JSON.stringify({compilerOptions, files}));
    const {out} = run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', config]);
    // tfjs's declarations do not pass strict checks of their own (tfjs-layers, Long): not ours to fix.
    const errors = out.split('\n').filter(l => /error TS\d+/.test(l) && !/node_modules[\\/]@tensorflow[\\/]/.test(l));
    expect(errors).toEqual([]);
  });
}

test('a page with <script> tags: tf.min.js, then the UMD bundle; rasterize and grad on cpu', async ({page}) => {
  const {server, url} = await serve(repo);
  try {
    const problems = [];
    page.on('pageerror', e => problems.push(e.message));
    page.on('response', r => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`));
    await page.goto(`${url}test/package/browser.html`);
    await page.waitForFunction(() => window.__diffrastCheck, null, {timeout: 60_000});
    const failed = (await page.evaluate(() => window.__diffrastCheck)).filter(r => !r.ok);
    expect([...failed, ...problems]).toEqual([]);
  } finally {
    server.close();
  }
});
