// `npm install` when node_modules is missing or does not match package-lock.json, for the test, bench, sample
// and start commands on a fresh clone. Node builtins only: this runs before node_modules exists. Hand-written
// because npm has no "install only if stale" command.
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

/** Why node_modules needs `npm install`, or null: missing, or older than package-lock.json and not matching it. */
export function installReason(root) {
  const nm = path.join(root, 'node_modules');
  const lock = path.join(root, 'package-lock.json');
  const hidden = path.join(nm, '.package-lock.json');
  if (!fs.existsSync(nm)) return 'node_modules is missing';
  const marker = fs.existsSync(hidden) ? hidden : nm;
  // The lockfile's mtime also moves on checkouts that leave it unchanged: reinstall only if the tree differs.
  if (fs.existsSync(lock) && mtime(marker) < mtime(lock) && !installMatchesLock(lock, hidden)) {
    return 'node_modules is older than package-lock.json';
  }
  return null;
}

/**
 * Not `npm ci`: npm 11 refuses lockfiles that lack other platforms' optional packages (rollup's native
 * builds), which is what npm itself writes here (npm/cli#4828). `--no-save` installs the lockfile's versions.
 */
export const INSTALL = ['install', '--no-save', '--no-audit', '--no-fund'];

/** `npm install` when installReason says so. Returns null, or an error message. */
export function ensureDependencies(root, say) {
  const why = installReason(root);
  if (!why) return null;
  say(`${why}: npm ${INSTALL.join(' ')}`);
  const r = spawnSync('npm', INSTALL, {cwd: root, stdio: ['ignore', 'inherit', 'inherit']});
  return r.status === 0 ? null : `npm install failed (exit ${r.status ?? r.signal})`;
}
