// Paths shared by the package check's set-up (pack.setup.mjs) and checks (package.spec.mjs).
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

// (A TypeScript module: @playwright/test compiles it on import.)
import {readmeBlock as blockOf} from '../util/readme_block.ts';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
/** The tarball (package.tgz) and the consumer project it is installed into. */
export const DIR = path.join(repo, 'out', 'package');
export const PROJECT = path.join(DIR, 'project');

/** Every file package.json points at (main, module, types, unpkg, exports…), relative to the package root. */
export function declaredFiles() {
  const files = new Set();
  const walk = v => {
    if (typeof v === 'string') files.add(path.posix.normalize(v));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk([pkg.main, pkg.module, pkg.types, pkg.unpkg, pkg.jsdelivr, pkg.exports]);
  return [...files];
}

/** The first ```js block of the README section whose heading starts with `title` (test/util/readme_block.ts). */
export const readmeBlock = title => blockOf(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'), title);

/** The newest (or with Math.min, the oldest) modification time of `files`. */
export const newestMtime = (files, pick = Math.max) => pick(...files.map(f => fs.statSync(f).mtimeMs));
