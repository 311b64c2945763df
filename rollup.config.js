/**
 * Builds the package from src/index.ts (one TypeScript compilation, four outputs):
 *
 *   dist/tfjs-diffrast.esm.js      ES module   ("module", exports.import)
 *   dist/tfjs-diffrast.cjs         CommonJS    ("main", exports.require)
 *   dist/tfjs-diffrast.umd.js      UMD, global `diffrast`, tfjs from the global `tf`
 *   dist/tfjs-diffrast.umd.min.js  the same, minified ("unpkg", "jsdelivr")
 *   dist/tfjs-diffrast.d.ts, .d.cts  the public declarations bundled by rollup-plugin-dts (exports import.types,
 *                                  require.types: the same text, read as an ES module and as CommonJS)
 *
 * Every `@tensorflow/*` import stays external. The only one that may survive to run time is
 * `@tensorflow/tfjs-core`; the backends are imported for their types only. Any other runtime import
 * is reported as a build warning (and mapped to the global `tf` in the UMD builds, which is where
 * tfjs's own UMD bundles put everything). test/playwright/package.spec.mjs fails on it.
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import {dts} from 'rollup-plugin-dts';
import {readFileSync, rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const banner = `/**
 * @license
 * ${pkg.name} ${pkg.version}
 * ${pkg.description}
 * SPDX-License-Identifier: ${pkg.license}
 */`;

const isTensorflow = id => id === '@tensorflow' || id.startsWith('@tensorflow/');
/** Runtime imports we expect in the output; anything else from @tensorflow is a problem to report. */
const allowedRuntimeImports = new Set(['@tensorflow/tfjs-core']);

/** Test files never enter the compilation, so neither code nor declarations leak from them. */
const testFiles = ['**/*_test.ts', '**/*.test.ts', '**/*_spec.ts', '**/*.spec.ts', 'test/**', 'src/**/test_util*.ts'];

/** Warns once per unexpected runtime import (the bundles should load nothing but tfjs-core). */
function reportRuntimeImports() {
  const seen = new Set();
  return {
    name: 'report-runtime-imports',
    generateBundle(output, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of chunk.imports) {
          if (allowedRuntimeImports.has(id) || seen.has(id)) continue;
          seen.add(id);
          this.warn(
            `unexpected runtime import of ${id} (first in ${output.file})` +
              (isTensorflow(id) ? '; the UMD builds take it from the global `tf`' : ''),
          );
        }
      }
    },
  };
}

/** Empties dist/ before a (non-watch) build, so files of removed sources never ship. */
function cleanDist() {
  return {
    name: 'clean-dist',
    buildStart() {
      if (!this.meta.watchMode) rmSync(new URL('./dist', import.meta.url), {recursive: true, force: true});
    },
  };
}

const umd = {
  format: 'umd',
  name: 'diffrast',
  exports: 'named',
  sourcemap: true,
  banner,
  // tfjs's UMD bundles (tf.min.js, tf-core.min.js, tf-backend-*.min.js) all define or extend `tf`.
  globals: id => (isTensorflow(id) ? 'tf' : undefined),
};

const core = {
  input: 'src/index.ts',
  external: isTensorflow,
  // Kernel registration happens at import time: keep the entry's side effects.
  treeshake: {moduleSideEffects: true},
  plugins: [
    cleanDist(),
    nodeResolve({extensions: ['.ts', '.mjs', '.js', '.json']}),
    typescript({
      tsconfig: './tsconfig.json',
      // Patterns are relative to the repo root (the plugin's default base would be rootDir, src/).
      filterRoot: root,
      include: ['src/**/*.ts'],
      exclude: testFiles,
      // Maps carry their sources: src/ is not published. Declarations: the dts builds below.
      compilerOptions: {sourceMap: true, inlineSources: true, declaration: false, declarationDir: undefined},
      noEmitOnError: true,
    }),
    reportRuntimeImports(),
  ],
  output: [
    {file: pkg.module, format: 'es', sourcemap: true, banner},
    {file: pkg.main, format: 'cjs', exports: 'named', sourcemap: true, banner},
    {...umd, file: 'dist/tfjs-diffrast.umd.js'},
    {...umd, file: pkg.unpkg, plugins: [terser({format: {comments: /@license/}})]},
  ],
};

/**
 * The optional entries: `tfjs-diffrast/<name>` (package.json exports) → dist/tfjs-diffrast-<name>.esm.js and .cjs;
 * declarations: see `declarations` below. Their libraries (optional peer dependencies) and
 * Node's built-ins stay imports; no UMD build. Add an entry here and in package.json "exports".
 */
const ENTRIES = [
  {
    name: 'loaders',
    input: 'src/loaders/index.ts',
    libraries: ['@gltf-transform/core', '@loaders.gl/obj', 'fast-png', 'jpeg-js'],
  },
  {name: 'node-webgpu', input: 'src/node_webgpu.ts', libraries: ['webgpu']},
];

const optionalEntry = ({name, input, libraries}) => ({
  input,
  external: id => libraries.includes(id) || id.startsWith('node:') || isTensorflow(id),
  plugins: [
    nodeResolve({extensions: ['.ts', '.mjs', '.js', '.json']}),
    typescript({
      tsconfig: './tsconfig.json',
      filterRoot: root,
      include: ['src/**/*.ts'],
      exclude: testFiles,
      compilerOptions: {sourceMap: true, inlineSources: true, declaration: false, declarationDir: undefined},
      noEmitOnError: true,
    }),
  ],
  output: [
    {file: `dist/tfjs-diffrast-${name}.esm.js`, format: 'es', sourcemap: true, banner},
    {file: `dist/tfjs-diffrast-${name}.cjs`, format: 'cjs', exports: 'named', sourcemap: true, banner},
  ],
});

/**
 * One declaration file per entry (only what the entry exports: the kernels' internals never ship), written
 * twice: package.json "type": "module" makes TypeScript read .d.ts as an ES module, so `require` consumers
 * get the same text as .d.cts (it has no relative imports, so nothing in it depends on the module kind).
 */
const declarations = ({name, input, libraries = []}) => ({
  input,
  external: id => libraries.includes(id) || id.startsWith('node:') || isTensorflow(id),
  plugins: [dts({tsconfig: './tsconfig.json'})],
  output: ['d.ts', 'd.cts'].map(ext => ({file: `dist/tfjs-diffrast${name ? `-${name}` : ''}.${ext}`, format: 'es'})),
});

export default [core, ...ENTRIES.map(optionalEntry), ...[{input: 'src/index.ts'}, ...ENTRIES].map(declarations)];
