#!/usr/bin/env node
/**
 * Proves the built package loads everywhere it must.
 *
 *   node scripts/check-package.mjs [--no-build] [--verbose] [--keep]
 *
 * Packs the package as a fresh clone would: removes dist/ and runs `npm pack`, whose `prepare` script
 * builds it (with --no-build: `npm pack --ignore-scripts` of the dist/ there is). Then installs the
 * tarball into an empty temporary project the way the README says (`npm install <tarball>
 * @tensorflow/tfjs`, from npm's cache when it can), and runs named checks, each printing
 * `ok <name>` or `FAIL <name>: <reason>`:
 *
 *   build                  npm pack built dist/ by itself (the prepare script)
 *   dist/files             every file package.json points at exists; no test declarations in dist/types
 *   dist/externals         the bundles import nothing at run time but @tensorflow/tfjs-core (UMD: global tf)
 *   pack                   npm pack contains those files; npm install of the tarball into the temp project
 *   quickstart             the README's quick start, copied from the README, runs there and prints a gradient
 *   node-esm/{import,rasterize,grad}   import('tfjs-diffrast') through "exports", with @tensorflow/tfjs, cpu
 *   node-cjs/{require,rasterize,grad}  require('tfjs-diffrast') likewise
 *   types/bundler          test/package/types_usage.mts with tsc --noEmit, moduleResolution bundler
 *   types/node16           the same with module/moduleResolution node16 (an ES module consumer)
 *   types/node16-cjs       test/package/types_usage_cjs.cts, node16: `import x = require('tfjs-diffrast')`
 *   browser/{script,rasterize,grad}    test/package/browser.html: tf.min.js + the UMD bundle by <script>
 *                          tags, served from localhost, in headless Chromium ($CHROME_BIN or /usr/bin/chromium)
 *
 * The scene (test/package/triangle_check.cjs): one triangle, 8×8, cpu backend; the centroid pixel has
 * id 1, the corners 0, and tf.grad through rasterize gives a gradient of pos's shape.
 *
 * The last line is always `N passed, M failed`; the exit code is non-zero on any failure.
 * --verbose prints the output of the steps; --keep keeps the temp project and prints its path.
 */
import {spawn} from 'node:child_process';
import {createReadStream, existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {cp, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {stripVTControlCharacters} from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(repo, 'test', 'package');
const args = new Set(process.argv.slice(2));
const verbose = args.has('--verbose');
const keep = args.has('--keep');
// A guard against hangs, not a speed limit: a loaded 2-core machine took 55 s to build.
const STEP_TIMEOUT_MS = 300_000;

const results = [];
function report(name, ok, reason = '') {
  results.push({name, ok});
  console.log(ok ? `ok ${name}` : `FAIL ${name}: ${oneLine(reason)}`);
}
function oneLine(s) {
  const text = stripVTControlCharacters(String(s ?? '')).trim();
  const line =
    text
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)[0] ?? 'unknown error';
  return line.length > 300 ? line.slice(0, 297) + '...' : line;
}
function log(...lines) {
  if (verbose) console.log(lines.join('\n').replace(/^/gm, '  | '));
}

/** Runs a command; resolves to {code, out} (stdout + stderr interleaved), never rejects. */
function run(cmd, argv, options = {}) {
  return new Promise(resolve => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, argv, {cwd: repo, ...options, stdio: ['ignore', 'pipe', 'pipe']});
    } catch (e) {
      resolve({code: -1, out: String(e)});
      return;
    }
    const timer = setTimeout(() => {
      out += `\ntimed out after ${STEP_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, STEP_TIMEOUT_MS);
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    child.on('error', e => (out += `\n${e.message}`));
    child.on('close', code => {
      clearTimeout(timer);
      log(`$ ${cmd} ${argv.join(' ')}  (exit ${code})`, out.trimEnd());
      resolve({code: code ?? -1, out});
    });
  });
}

/** Lines of tool output worth quoting in a FAIL reason (errors first, npm's own warnings never). */
function errorLines(out) {
  const lines = stripVTControlCharacters(out)
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^npm (warn|notice)/i.test(l) && !l.startsWith('>'));
  const errors = lines.filter(l => /error|\[!\]|cannot|failed|not found/i.test(l));
  return (errors.length ? errors : lines.slice(-3)).join(' | ');
}

const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));

/** Every file package.json points at, relative to the package root. */
function declaredFiles() {
  const files = new Set();
  for (const key of ['main', 'module', 'types', 'unpkg', 'jsdelivr']) if (pkg[key]) files.add(pkg[key]);
  const walk = v => {
    if (typeof v === 'string') files.add(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  return [...new Set([...files].map(f => path.posix.normalize(f)))];
}

function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, {withFileTypes: true}).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

function checkDistFiles() {
  const missing = declaredFiles().filter(f => !existsSync(path.join(repo, f)));
  if (missing.length) return report('dist/files', false, `missing ${missing.join(', ')}`);
  const maps = [pkg.module, pkg.main, pkg.unpkg].map(f => `${f}.map`).filter(f => !existsSync(path.join(repo, f)));
  if (maps.length) return report('dist/files', false, `missing source maps ${maps.join(', ')}`);
  const leaked = listFiles(path.join(repo, 'dist', 'types')).filter(
    f => /(^|\/)(test|tests|__tests__)\//.test(f) || /([_.](test|spec))\.d\.[cm]?ts$/.test(f) || /test_util/.test(f),
  );
  if (leaked.length) return report('dist/files', false, `test declarations in dist/types: ${leaked.join(', ')}`);
  report('dist/files', true);
}

/** Static import check of the emitted bundles: only @tensorflow/tfjs-core may be loaded at run time. */
function checkExternals() {
  const allowed = new Set(['@tensorflow/tfjs-core']);
  const read = f => readFileSync(path.join(repo, f), 'utf8');
  const problems = [];
  const collect = (file, ids) => {
    for (const id of ids) if (!allowed.has(id)) problems.push(`${file} loads ${id}`);
  };
  try {
    const esm = read(pkg.module);
    collect(
      pkg.module,
      [...esm.matchAll(/^\s*(?:import|export)\b[^'"]*?(?:\bfrom\s*)?['"]([^'"]+)['"]/gm)].map(m => m[1]),
    );
    collect(
      pkg.main,
      [...read(pkg.main).matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => m[1]),
    );
    for (const file of ['dist/tfjs-diffrast.umd.js', pkg.unpkg]) {
      const umd = read(file);
      const define = umd.match(/define\(\s*\[([^\]]*)\]/);
      if (!define) {
        problems.push(`${file} is not UMD (no define([...]))`);
        continue;
      }
      collect(
        file,
        [...define[1].matchAll(/['"]([^'"]+)['"]/g)].map(m => m[1]).filter(id => id !== 'exports'),
      );
      // rollup's UMD wrapper: factory(global.diffrast = {}, global.tf) (minified: e((t=…).diffrast={},t.tf)).
      if (!/\.diffrast\s*=\s*\{\}\s*,\s*[\w$]+\.tf\s*\)/.test(umd)) {
        problems.push(`${file} does not define the global diffrast from the global tf alone`);
      }
    }
  } catch (e) {
    problems.push(e.message);
  }
  report('dist/externals', problems.length === 0, problems.join('; '));
}

/** Is every declared dist/ file newer than every source of the build? */
function distIsFresh() {
  const sources = [
    'package.json',
    'rollup.config.js',
    'tsconfig.json',
    ...listFiles(path.join(repo, 'src')).map(f => `src/${f}`),
  ];
  const built = declaredFiles().map(f => path.join(repo, f));
  if (!built.every(f => existsSync(f))) return false;
  const newestSource = Math.max(...sources.map(f => statSync(path.join(repo, f)).mtimeMs));
  return Math.min(...built.map(f => statSync(f).mtimeMs)) > newestSource;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * `npm pack` into <tmp>/pack; with `build`, from a tree without dist/, so the prepare script must build it
 * (what a fresh clone relies on). Resolves to npm's description of the tarball; throws on failure.
 */
async function packTarball(tmp, build) {
  const packDir = path.join(tmp, 'pack');
  await mkdir(packDir, {recursive: true});
  if (build) await rm(path.join(repo, 'dist'), {recursive: true, force: true});
  const pack = await run(npm, [
    'pack',
    ...(build ? [] : ['--ignore-scripts']),
    '--json',
    '--pack-destination',
    packDir,
  ]);
  if (pack.code !== 0) throw new Error(`npm pack failed: ${errorLines(pack.out)}`);
  // (The prepare script's output comes first; npm's JSON is the last top-level array.)
  const json = pack.out.slice(pack.out.lastIndexOf('\n[\n') + 1, pack.out.lastIndexOf(']') + 1);
  const [info] = JSON.parse(json);
  info.path = path.join(packDir, info.filename);
  const missing = declaredFiles().filter(f => !existsSync(path.join(repo, f)));
  if (missing.length) throw new Error(`npm pack left dist/ without ${missing.join(', ')}`);
  return info;
}

/** The packed tarball and @tensorflow/tfjs installed into <tmp> by npm, as the README's install path says. */
async function installPacked(tmp, info) {
  const packed = new Set(info.files.map(f => f.path));
  const missing = declaredFiles().filter(f => !packed.has(f));
  if (missing.length) throw new Error(`npm pack leaves out ${missing.join(', ')} (package.json "files")`);
  const leaked = [...packed].filter(f => /^(src|test|scripts)\//.test(f));
  if (leaked.length) throw new Error(`npm pack includes ${leaked.slice(0, 3).join(', ')}… (package.json "files")`);
  await writeFile(path.join(tmp, 'package.json'), JSON.stringify({name: 'diffrast-package-check', private: true}));
  const tfjs = `@tensorflow/tfjs@${pkg.devDependencies['@tensorflow/tfjs']}`;
  const install = await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', info.path, tfjs], {
    cwd: tmp,
  });
  if (install.code !== 0) throw new Error(`npm install ${info.filename} ${tfjs} failed: ${errorLines(install.out)}`);
  for (const f of ['triangle_check.cjs', 'node_esm.mjs', 'node_cjs.cjs', 'types_usage.mts', 'types_usage_cjs.cts']) {
    await cp(path.join(fixtures, f), path.join(tmp, f));
  }
  return `${info.files.length} files, ${(info.size / 1024).toFixed(1)} kB packed`;
}

/** The README's quick start (its first js block), run as an ES module in the temp project. */
async function quickstartCheck(tmp) {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const code = readme.split(/^## Quick start.*$/m)[1]?.match(/^```js\n([\s\S]*?)^```/m)?.[1];
  if (!code) return [['quickstart', false, 'README.md has no ```js block under "## Quick start"']];
  await writeFile(path.join(tmp, 'quickstart.mjs'), code);
  const {code: exit, out} = await run(process.execPath, ['quickstart.mjs'], {cwd: tmp});
  if (exit !== 0) return [['quickstart', false, `exited ${exit}: ${errorLines(out)}`]];
  // grads[pos.name].print(): a [1,3,4] tensor of finite numbers, not all zero.
  const printed = out.slice(out.indexOf('Tensor')).match(/-?\d+(\.\d+)?(e[-+]?\d+)?|NaN|-?Infinity/g) ?? [];
  const values = printed.slice(0, 12).map(Number);
  const ok = values.length === 12 && values.every(Number.isFinite) && values.some(v => v !== 0);
  return [['quickstart', ok, ok ? '' : `expected a printed [1,3,4] gradient, got: ${oneLine(out)}`]];
}

/** Runs a Node fixture in the temp project; reports `<prefix>/<check>` for each result it prints. */
async function nodeChecks(tmp, prefix, fixture, names) {
  const {code, out} = await run(process.execPath, [fixture], {cwd: tmp});
  const line = out.split('\n').find(l => l.startsWith('@@result '));
  if (!line) {
    const reason = `${fixture} exited ${code} without a result: ${errorLines(out)}`;
    return names.map(name => [`${prefix}/${name}`, false, reason]);
  }
  return JSON.parse(line.slice('@@result '.length)).map(r => [`${prefix}/${r.name}`, r.ok, r.reason]);
}

/**
 * tsc --noEmit over the test/package/types_usage* fixtures with the given module settings. Resolves
 * to one check per fixture: `types/<label>` for each [label, file] of `fixtures` (errors are
 * attributed by file: a `.cts` fixture owns errors in .cts/.d.cts files, the other one the rest).
 */
async function typesChecks(tmp, config, fixtures, moduleOptions) {
  const tsconfig = {
    compilerOptions: {
      target: 'ES2020',
      lib: ['ES2020', 'DOM'],
      strict: true,
      noEmit: true,
      types: [],
      // Our own declarations are checked too; errors inside tfjs's own are filtered out below.
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      ...moduleOptions,
    },
    files: fixtures.map(([, file]) => file),
  };
  const configFile = path.join(tmp, `tsconfig.${config}.json`);
  await writeFile(configFile, JSON.stringify(tsconfig, null, 2));
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const {code, out} = await run(process.execPath, [tsc, '-p', configFile, '--pretty', 'false'], {cwd: tmp});
  // tfjs's declarations do not pass strict checks of their own (tfjs-layers, Long): not ours to fix.
  const errors = out
    .split('\n')
    .filter(l => /error TS\d+/.test(l))
    .filter(l => !/node_modules[\\/]@tensorflow[\\/]/.test(l));
  if (code !== 0 && !/error TS\d+/.test(out)) errors.push(`tsc exited ${code}: ${errorLines(out)}`);
  const isCjs = l => /\.c[tj]s\(/.test(l) || /\.d\.cts\b/.test(l);
  return fixtures.map(([label, file]) => {
    const mine =
      fixtures.length === 1
        ? errors
        : errors.filter(l => (file.endsWith('.cts') ? isCjs(l) : !isCjs(l)) || !/\(\d+,\d+\)/.test(l));
    return [`types/${label}`, mine.length === 0, mine.join(' | ')];
  });
}

const MIME = {
  '.js': 'text/javascript',
  '.cjs': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

/** Serves the repo's dist/, test/package/ and node_modules/@tensorflow/ (read-only) on localhost. */
function startServer() {
  const allowed = ['dist/', 'test/package/', 'node_modules/@tensorflow/'];
  const server = createServer((req, res) => {
    const rel = path.posix
      .normalize(decodeURIComponent(new URL(req.url, 'http://localhost').pathname))
      .replace(/^\/+/, '');
    const file = path.join(repo, rel);
    if (
      !allowed.some(p => rel.startsWith(p)) ||
      !file.startsWith(repo + path.sep) ||
      !existsSync(file) ||
      !statSync(file).isFile()
    ) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function findChromium() {
  const candidates = [
    process.env.CHROME_BIN,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
  ].filter(Boolean);
  return candidates.find(p => existsSync(p));
}

async function browserChecks(tmp) {
  const names = ['script', 'rasterize', 'grad'];
  const fail = reason => names.map(name => [`browser/${name}`, false, reason]);
  const executablePath = findChromium();
  if (!executablePath) return fail("no Chromium found (set CHROME_BIN or install Debian's chromium)");
  let chromium;
  try {
    ({chromium} = await import('playwright-core'));
  } catch (e) {
    return fail(`cannot load playwright-core: ${e.message}`);
  }
  let server;
  let context;
  const userDataDir = path.join(tmp, 'chromium-profile');
  const pageErrors = [];
  try {
    server = await startServer();
    const url = `http://localhost:${server.address().port}/test/package/browser.html`;
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      timeout: STEP_TIMEOUT_MS,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', e => pageErrors.push(e.message));
    page.on('response', r => {
      if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('console', m => log(`[browser ${m.type()}] ${m.text()}`));
    await page.goto(url, {waitUntil: 'load', timeout: STEP_TIMEOUT_MS});
    try {
      await page.waitForFunction(() => window.__diffrastCheck, null, {timeout: 30_000, polling: 100});
    } catch (e) {
      return fail(pageErrors[0] ?? `the page reported nothing: ${e.message}`);
    }
    const checks = await page.evaluate(() => window.__diffrastCheck);
    const pageError = pageErrors.length ? ` (page: ${pageErrors[0]})` : '';
    return checks.map(r => [`browser/${r.name}`, r.ok, r.ok ? '' : `${r.reason ?? 'failed'}${pageError}`]);
  } catch (e) {
    return fail(pageErrors[0] ?? e.message);
  } finally {
    await context?.close().catch(() => {});
    server?.close();
  }
}

async function main() {
  const started = Date.now();
  // Build once: on a fresh clone `npm install` ran the prepare script; pack again only what is stale.
  const build = !args.has('--no-build') && !distIsFresh();
  const tmp = await mkdtemp(path.join(tmpdir(), 'tfjs-diffrast-check-'));
  try {
    let info = null;
    try {
      info = await packTarball(tmp, build);
      if (build) report('build', true);
    } catch (e) {
      if (build) report('build', false, e.message);
      // Checking a stale dist would prove nothing.
      for (const name of ['dist/files', 'dist/externals', 'pack']) report(name, false, `skipped: ${e.message}`);
    }
    if (info) {
      checkDistFiles();
      checkExternals();
    }
    let installed = false;
    if (info) {
      try {
        const summary = await installPacked(tmp, info);
        log(`packed: ${summary}`);
        report('pack', true);
        installed = true;
      } catch (e) {
        report('pack', false, e.message);
      }
    }
    const notInstalled = names => Promise.resolve(names.map(n => [n, false, 'skipped: no packed package']));
    // Independent checks run concurrently and report in a fixed order.
    const groups = await Promise.all([
      installed ? quickstartCheck(tmp) : notInstalled(['quickstart']),
      installed
        ? nodeChecks(tmp, 'node-esm', 'node_esm.mjs', ['import', 'rasterize', 'grad'])
        : notInstalled(['node-esm/import', 'node-esm/rasterize', 'node-esm/grad']),
      installed
        ? nodeChecks(tmp, 'node-cjs', 'node_cjs.cjs', ['require', 'rasterize', 'grad'])
        : notInstalled(['node-cjs/require', 'node-cjs/rasterize', 'node-cjs/grad']),
      installed
        ? typesChecks(tmp, 'bundler', [['bundler', 'types_usage.mts']], {module: 'ESNext', moduleResolution: 'Bundler'})
        : notInstalled(['types/bundler']),
      // One program: node16 reads the .mts as an ES module and the .cts as CommonJS.
      installed
        ? typesChecks(
            tmp,
            'node16',
            [
              ['node16', 'types_usage.mts'],
              ['node16-cjs', 'types_usage_cjs.cts'],
            ],
            {module: 'Node16', moduleResolution: 'Node16'},
          )
        : notInstalled(['types/node16', 'types/node16-cjs']),
      info ? browserChecks(tmp) : notInstalled(['browser/script', 'browser/rasterize', 'browser/grad']),
    ]);
    for (const group of groups) for (const [name, ok, reason] of group) report(name, ok, reason);
  } finally {
    if (keep) console.log(`kept ${tmp}`);
    else await rm(tmp, {recursive: true, force: true});
  }
  log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  const failed = results.filter(r => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch(e => {
  console.log(`FAIL check-package: ${oneLine(e?.stack ?? e)}`);
  const failed = results.filter(r => !r.ok).length + 1;
  console.log(`${results.length - failed + 1} passed, ${failed} failed`);
  process.exitCode = 1;
});
