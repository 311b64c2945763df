// The package as a user gets it: `npm pack` (dist/ built by the prepare script unless it is newer than its
// sources: a fresh clone's `npm install` just built it), then the README's install path, `npm install
// <tarball> @tensorflow/tfjs`, in an empty project: out/package/project, which package.spec.mjs checks.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {expect, test} from '@playwright/test';

import {DIR, PROJECT, declaredFiles, newestMtime, pkg, repo} from './package_files.mjs';

test('npm pack builds dist/ and the tarball holds it, and npm installs the tarball into an empty project', () => {
  const built = declaredFiles().map(f => path.join(repo, f));
  const fresh = built.every(f => fs.existsSync(f)) && newestMtime(built, Math.min) > newestMtime(sourceFiles());
  fs.rmSync(DIR, {recursive: true, force: true});
  fs.mkdirSync(PROJECT, {recursive: true});
  const npm = (args, cwd) => execFileSync('npm', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
  const out = npm(['pack', '--json', '--pack-destination', DIR, ...(fresh ? ['--ignore-scripts'] : [])], repo);
  // (The prepare script's output comes first; npm's JSON is the last top-level array.)
  const [info] = JSON.parse(out.slice(out.lastIndexOf('\n[\n') + 1));
  const packed = info.files.map(f => f.path);
  expect(
    declaredFiles().filter(f => !packed.includes(f)),
    'package.json points at files not packed',
  ).toEqual([]);
  // Only the public surface: no sources, no declarations but the entries' own.
  const internal = f => /^(src|test|scripts)\//.test(f) || (/\.d\.c?ts$/.test(f) && !declaredFiles().includes(f));
  expect(packed.filter(internal), 'packed files that are not the package').toEqual([]);
  fs.renameSync(path.join(DIR, info.filename), path.join(DIR, 'package.tgz'));
  fs.writeFileSync(path.join(PROJECT, 'package.json'), JSON.stringify({name: 'diffrast-package-check', private: true}));
  const tfjs = `@tensorflow/tfjs@${pkg.devDependencies['@tensorflow/tfjs']}`;
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '../package.tgz', tfjs], PROJECT);
  for (const f of fs.readdirSync(path.join(repo, 'test/package'))) {
    fs.copyFileSync(path.join(repo, 'test/package', f), path.join(PROJECT, f));
  }
});

/** What the build reads. */
function sourceFiles() {
  const src = fs.readdirSync(path.join(repo, 'src'), {recursive: true}).map(f => path.join(repo, 'src', f));
  return [...src, ...['package.json', 'rollup.config.js', 'tsconfig.json'].map(f => path.join(repo, f))];
}
