// The installed package (pack.setup.mjs put it in out/package/project) in every environment it promises:
// Node ESM and CommonJS, TypeScript (bundler, node16 ESM and CJS), a page with <script> tags; the README's
// quick start; publint and attw on the tarball. The scene: test/package/triangle_check.cjs.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {expect, test} from '@playwright/test';

import {serve} from '../../demo/tools/server.mjs';
import {DIR, PROJECT, pkg, repo} from './package_files.mjs';

/** Runs a command; returns its exit code and output (stdout then stderr). */
function run(cmd, args, cwd = PROJECT) {
  const r = spawnSync(cmd, args, {cwd, encoding: 'utf8', maxBuffer: 1 << 26});
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
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const code = readme.split(/^## Quick start.*$/m)[1]?.match(/^```js\n([\s\S]*?)^```/m)?.[1];
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
