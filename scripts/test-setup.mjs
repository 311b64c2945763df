// Set-up for scripts/test.mjs: dependencies and a Chromium, idempotent, on a fresh clone too.
// Node builtins only: this runs before node_modules exists.
import fs from 'node:fs';
import path from 'node:path';
import {spawnSync} from 'node:child_process';

const mtime = p => fs.statSync(p).mtimeMs;

/** Does node_modules hold what package-lock.json asks for? (npm's hidden lockfile vs the lockfile.) */
function installMatchesLock(lockPath, hiddenPath) {
  try {
    const want = JSON.parse(fs.readFileSync(lockPath, 'utf8')).packages ?? {};
    const have = JSON.parse(fs.readFileSync(hiddenPath, 'utf8')).packages ?? {};
    for (const [key, w] of Object.entries(want)) {
      if (key === '') continue;
      const h = have[key];
      if (!h) {
        if (w.optional || w.devOptional || w.peer) continue; // e.g. other platforms' esbuild binaries
        return false;
      }
      if ((w.version ?? w.resolved) !== (h.version ?? h.resolved)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm install --no-save` when node_modules is missing or older than package-lock.json (and does
 * not match it): it installs the lockfile's versions without rewriting it. Not `npm ci`: npm 11
 * refuses lockfiles that lack other platforms' optional packages (rollup's native builds), which
 * is what npm itself writes here (npm/cli#4828). Returns null, or an error message.
 */
export function ensureDependencies(root, say) {
  const nm = path.join(root, 'node_modules');
  const lock = path.join(root, 'package-lock.json');
  const hidden = path.join(nm, '.package-lock.json');
  let why = null;
  if (!fs.existsSync(nm)) why = 'node_modules is missing';
  else if (fs.existsSync(lock)) {
    const marker = fs.existsSync(hidden) ? hidden : nm;
    // The lockfile's mtime also moves on checkouts that leave it unchanged: reinstall only if the
    // installed tree does not match it.
    if (mtime(marker) < mtime(lock) && !installMatchesLock(lock, hidden)) {
      why = 'node_modules is older than package-lock.json';
    }
  }
  if (!why) return null;
  say(`${why}: npm install --no-save`);
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  return r.status === 0 ? null : `npm install failed (exit ${r.status ?? r.signal})`;
}

function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function locateChromium(candidates, say) {
  const envBin = process.env.CHROME_BIN;
  if (envBin) {
    if (isExecutable(envBin)) return envBin;
    say(`CHROME_BIN=${envBin} is not an executable file; looking elsewhere`);
  }
  return candidates.find(isExecutable) ?? null;
}

function tail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Finds Chromium ($CHROME_BIN, then CHROMIUM_PATHS); if there is none and we are root with apt-get,
 * installs Debian's `chromium` (output to `logDir/apt-chromium.log`, its tail shown on failure).
 * No test tool downloads a browser of its own. Returns {bin} or {error}.
 */
export function ensureChromium({logDir, say, candidates = CHROMIUM_PATHS}) {
  let bin = locateChromium(candidates, say);
  if (bin) return {bin};
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], {stdio: 'ignore'}).status === 0;
  if (!isRoot || !hasApt) {
    return {
      error:
        "no Chromium found: set CHROME_BIN, or install Debian's `chromium` package" +
        `${isRoot ? '' : ' (not root, so not installing it)'}${hasApt ? '' : ' (no apt-get)'}`,
    };
  }
  fs.mkdirSync(logDir, {recursive: true});
  const logFile = path.join(logDir, 'apt-chromium.log');
  say(`no Chromium found: apt-get update && apt-get install -y chromium (log: ${logFile})`);
  const t = Date.now();
  const fd = fs.openSync(logFile, 'w');
  const r = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y chromium'], {
    stdio: ['ignore', fd, fd],
    env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'},
  });
  fs.closeSync(fd);
  bin = locateChromium(CHROMIUM_PATHS, say);
  if (r.status !== 0 || !bin) {
    console.log(tail(logFile, 30));
    return {error: `installing chromium failed (exit ${r.status ?? r.signal}); log: ${logFile}`};
  }
  say(`installed ${bin} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return {bin};
}
