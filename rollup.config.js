/**
 * Builds the package from src/index.ts (one TypeScript compilation, four outputs):
 *
 *   dist/tfjs-diffrast.esm.js      ES module   ("module", exports.import)
 *   dist/tfjs-diffrast.cjs         CommonJS    ("main", exports.require)
 *   dist/tfjs-diffrast.umd.js      UMD, global `diffrast`, tfjs from the global `tf`
 *   dist/tfjs-diffrast.umd.min.js  the same, minified ("unpkg", "jsdelivr")
 *   dist/types/**.d.ts, **.d.cts   declarations ("types"; exports import.types / require.types), emitted once
 *
 * Every `@tensorflow/*` import stays external. The only one that may survive to run time is
 * `@tensorflow/tfjs-core`; the backends are imported for their types only. Any other runtime import
 * is reported as a build warning (and mapped to the global `tf` in the UMD builds, which is where
 * tfjs's own UMD bundles put everything). scripts/check-package.mjs fails on it (dist/externals).
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import {readFileSync, rmSync} from 'node:fs';
import {posix} from 'node:path';
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

/**
 * Output plugin for the one output that keeps the declarations. package.json has "type": "module",
 * so TypeScript (moduleResolution node16/nodenext) reads dist/types/*.d.ts as ES modules: their
 * relative specifiers need the `.js` / `/index.js` a Node ES module resolver wants (src/ is written
 * for moduleResolution bundler and leaves extensions out), and `require` consumers need CommonJS
 * declarations. So every types/**.d.ts gets `.js` specifiers and a twin types/**.d.cts with `.cjs`
 * specifiers (package.json exports: import → index.d.ts, require → index.d.cts).
 */
function declarationFormats() {
  const specifier = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)(['"])(\.{1,2}\/[^'"]*)\2/gm;
  return {
    name: 'declaration-formats',
    generateBundle(_, bundle) {
      const declarations = Object.keys(bundle).filter(f => f.startsWith('types/') && f.endsWith('.d.ts'));
      const known = new Set(declarations);
      const withExtension = (fileName, source, ext) =>
        source.replace(specifier, (match, lead, quote, spec) => {
          if (/\.[cm]?js$/.test(spec)) spec = spec.replace(/\.[cm]?js$/, '');
          const target = posix.normalize(posix.join(posix.dirname(fileName), spec));
          const fixed = known.has(`${target}.d.ts`)
            ? `${spec}${ext}`
            : known.has(`${target}/index.d.ts`)
              ? `${spec.replace(/\/$/, '')}/index${ext}`
              : null;
          if (fixed == null) {
            this.warn(`${fileName}: left ${spec} as it is (no such declaration)`);
            return match;
          }
          return `${lead}${quote}${fixed}${quote}`;
        });
      for (const fileName of declarations) {
        const asset = bundle[fileName];
        const source = typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source);
        asset.source = withExtension(fileName, source, '.js');
        this.emitFile({
          type: 'asset',
          fileName: fileName.replace(/\.d\.ts$/, '.d.cts'),
          source: withExtension(fileName, source, '.cjs'),
        });
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

/** Output plugin: drop the declaration assets from every output but one. */
function dropDeclarations() {
  return {
    name: 'drop-declarations',
    generateBundle(_, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (fileName.startsWith('types/')) delete bundle[fileName];
      }
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
      // Maps carry their sources: src/ is not published.
      compilerOptions: {sourceMap: true, inlineSources: true},
      noEmitOnError: true,
    }),
    reportRuntimeImports(),
  ],
  output: [
    {file: pkg.module, format: 'es', sourcemap: true, banner, plugins: [declarationFormats()]},
    {file: pkg.main, format: 'cjs', exports: 'named', sourcemap: true, banner, plugins: [dropDeclarations()]},
    {...umd, file: 'dist/tfjs-diffrast.umd.js', plugins: [dropDeclarations()]},
    {
      ...umd,
      file: pkg.unpkg,
      plugins: [dropDeclarations(), terser({format: {comments: /@license/}})],
    },
  ],
};

/**
 * The optional entries: `tfjs-diffrast/<name>` (package.json exports) → dist/tfjs-diffrast-<name>.esm.js and .cjs;
 * declarations come from the core build's one compilation. Their libraries (optional peer dependencies) and
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

export default [core, ...ENTRIES.map(optionalEntry)];
