// The package as a user gets it: `npm pack` (dist/ built by the prepare script unless it is newer than its
// sources: a fresh clone's `npm install` just built it), then the README's install path, `npm install
// <tarball> @tensorflow/tfjs` plus what its "GPU in Node" installs, in an empty project: out/package/project,
// which package.spec.mjs checks.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {expect, test} from '@playwright/test';

import {DIR, PROJECT, declaredFiles, newestMtime, pkg, readmeBlock, repo} from './package_files.mjs';

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
  // What the README's quick start and "GPU in Node" need, in one install: the tarball, then the packages the
  // latter's `// npm install …` names, at the versions we test with.
  const gpuInNode = readmeBlock('GPU in Node')
    ?.match(/\/\/ npm install (.+)$/m)?.[1]
    .trim()
    .split(/\s+/);
  expect(gpuInNode, 'an `// npm install …` comment in the README\'s "GPU in Node" block').toContain(pkg.name);
  const deps = ['@tensorflow/tfjs', ...gpuInNode.filter(name => name !== pkg.name)];
  npm(
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '../package.tgz', ...new Set(deps.map(tested))],
    PROJECT,
  );
  for (const f of fs.readdirSync(path.join(repo, 'test/package'))) {
    fs.copyFileSync(path.join(repo, 'test/package', f), path.join(PROJECT, f));
  }
});

/** `name@range` at our devDependencies' range: the versions the specs test. */
function tested(name) {
  const range = pkg.devDependencies[name];
  if (!range) throw new Error(`the README installs ${name}, which is not among the devDependencies`);
  return `${name}@${range}`;
}

/** What the build reads. */
function sourceFiles() {
  const src = fs.readdirSync(path.join(repo, 'src'), {recursive: true}).map(f => path.join(repo, 'src', f));
  return [...src, ...['package.json', 'rollup.config.js', 'tsconfig.json'].map(f => path.join(repo, f))];
}
