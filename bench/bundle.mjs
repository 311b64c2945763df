// The bench's esbuild bundles, with src/ and tfjs: the page's (bench/page.ts) and Node's (bench/node.ts, or the
// packed bench's bench/standalone.mjs, which runs it).
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {NODE_BANNER} from '../demo/tools/node_banner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = {bundle: true, format: 'esm', mainFields: ['module', 'main'], logLevel: 'error', absWorkingDir: root};

/**
 * An esbuild plugin that takes the library from `srcRoot`/src instead of this checkout's src/: the same bench
 * (cases, scenes, harness) over another revision's library, for `npm run bench -- --ab REV` (bench/ab.mjs).
 */
function libraryFrom(srcRoot) {
  const ours = path.join(root, 'src') + path.sep;
  return {
    name: 'library-from',
    setup(build) {
      build.onResolve({filter: /^\.\.?\//}, args => {
        const target = path.resolve(args.resolveDir, args.path);
        if (!target.startsWith(ours)) return undefined;
        return build.resolve('./' + path.relative(root, target), {resolveDir: srcRoot, kind: args.kind});
      });
    },
  };
}

/** `srcRoot`: a folder holding another revision's src/ to bench instead of this checkout's (see libraryFrom). */
export async function bundlePage(outfile, {srcRoot} = {}) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    ...common,
    plugins: srcRoot ? [libraryFrom(srcRoot)] : [],
    entryPoints: [path.join(root, 'bench/page.ts')],
    outfile,
    platform: 'browser',
    target: 'chrome120',
  });
}

/**
 * The Node bundle of `entry` (a path from the repository's root) at `outfile`, with the .wasm files of
 * tfjs-backend-wasm beside it (bench/node.ts loads them from its bundle's folder); returns their paths.
 * `webgpu` 'external': the `webgpu` package is loaded from node_modules at run time; 'bundled': its JS is in the
 * bundle, and loads dawn.node from dist/<platform>-<arch>/ beside the bundle (import.meta.url is the bundle's).
 * `small`: without whitespace, names kept for stack traces (3.8 → 2.8 MB). `srcRoot`: as bundlePage's.
 */
export async function bundleNode(entry, outfile, {webgpu, small = false, srcRoot}) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    ...common,
    plugins: srcRoot ? [libraryFrom(srcRoot)] : [],
    entryPoints: [path.join(root, entry)],
    outfile,
    platform: 'node',
    target: 'node20',
    external: webgpu === 'external' ? ['webgpu'] : [],
    minifyWhitespace: small,
    minifySyntax: small,
    banner: NODE_BANNER,
  });
  const wasmDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  return fs
    .readdirSync(wasmDir)
    .filter(f => f.endsWith('.wasm'))
    .map(f => {
      const to = path.join(path.dirname(outfile), f);
      fs.copyFileSync(path.join(wasmDir, f), to);
      return to;
    });
}
