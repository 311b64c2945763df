// `npm run bench:pack` (bench/pack.mjs) as a user on another machine gets it: the folder packed into a temp dir,
// copied to another one outside the repository, and its bench.mjs run there with no node_modules reachable (cwd
// the temp dir, NODE_PATH unset). One small case, --quick: seconds.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {expect, test} from '@playwright/test';

import {DAWN_PLATFORM} from '../../bench/dawn_platform.mjs';
import {repo} from './package_files.mjs';

const CASE = 'rasterize forward | 64 | 12';

/** Runs a command; returns its exit code and output (stdout then stderr). */
function run(args, cwd, env = process.env) {
  const r = spawnSync(process.execPath, args, {cwd, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 240_000});
  return {code: r.status, out: `${r.stdout}${r.stderr}${r.error ?? ''}`};
}

test.describe('bench:pack', () => {
  let tmp, bench, env;
  test.beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diffrast-bench-pack-'));
    const packed = path.join(tmp, 'packed');
    const {code, out} = run(['bench/pack.mjs', '--out', packed], repo);
    expect(code, out).toBe(0);
    const copy = path.join(tmp, 'copy');
    fs.cpSync(packed, copy, {recursive: true});
    bench = path.join(copy, 'bench.mjs');
    // Nothing on the way up from the copy that Node could resolve a package from.
    expect(path.relative(repo, copy).startsWith('..')).toBe(true);
    for (let dir = copy; dir !== path.dirname(dir); dir = path.dirname(dir))
      expect(fs.existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
    env = {...process.env};
    delete env.NODE_PATH;
    delete env.NODE_OPTIONS;
  });
  test.afterAll(() => fs.rmSync(tmp, {recursive: true, force: true}));

  test('the folder: bench.mjs, dawn.node of this platform, the .wasm files, ≤ 40 MB', () => {
    const dir = path.dirname(bench);
    const files = fs.readdirSync(dir, {recursive: true}).filter(f => fs.statSync(path.join(dir, f)).isFile());
    expect(files).toContain('bench.mjs');
    expect(files).toContain(path.join('dist', DAWN_PLATFORM, 'dawn.node'));
    expect(files.filter(f => f.endsWith('.wasm')).length).toBeGreaterThan(0);
    expect(files.filter(f => !/^(bench\.mjs|dist[/\\].*|[\w-]+\.wasm)$/.test(f))).toEqual([]);
    const bytes = files.reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(40e6);
  });

  test('bench.mjs runs from the copy: the adapter, then the case in the JSON on cpu, wasm and webgpu', () => {
    const json = path.join(tmp, 'results.json');
    const only = `^${CASE.replace(/\|/g, '\\|')}$`;
    const {code, out} = run([bench, '--quick', '--reps', '2', '--only', only, '--json', json], tmp, env);
    expect(code, out).toBe(0);
    expect(out).toMatch(/WebGPU adapter \(Dawn\): .+ \(vendor [^,]*, architecture [^,]*, (software|hardware)\)/);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.cases.map(c => c.id)).toEqual([CASE]);
    const entries = Object.fromEntries(report.cases[0].entries.map(e => [e.name, e]));
    for (const name of ['cpu (Node)', 'wasm (Node)', 'webgpu (Node)', 'plain WebGPU draw (Node)']) {
      expect(entries[name]?.status, `${name}: ${JSON.stringify(entries[name])}`).toBe('ok');
      expect(entries[name].medianMs).toBeGreaterThan(0);
    }
    // The same table as `npm run bench`'s, with the ratio against the plain draw.
    expect(out).toContain('webgpu (Node) ÷ plain WebGPU draw (Node)');
  });

  test('bench.mjs says what is missing when Vulkan has no driver', () => {
    const bad = {...env, VK_ICD_FILENAMES: '/nonexistent/vk_icd.json'};
    const {code, out} = run(
      [bench, '--quick', '--only', '^no such case$', '--json', path.join(tmp, 'none.json')],
      tmp,
      bad,
    );
    expect(code, out).toBe(1);
    expect(out).toContain('initWebGPU: VK_ICD_FILENAMES names a missing file: /nonexistent/vk_icd.json');
  });
});
