// esbuild bundles of the demo: the pages (browser) and the Node entry of the headless runner.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {NODE_BANNER} from './node_banner.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(ROOT, 'out', 'demo');

const common = {
  bundle: true,
  format: 'esm',
  sourcemap: 'linked',
  sourcesContent: false,
  absWorkingDir: ROOT,
  logLevel: 'warning',
  legalComments: 'none',
  // The tfjs packages' ESM builds, so tfjs-core is one module instance across backends.
  mainFields: ['module', 'main'],
};

/** The Node entry (demo/node.ts) → out/demo/node/node.mjs; returns its path. */
export async function buildNode() {
  const esbuild = await import('esbuild');
  const outfile = path.join(OUT, 'node', 'node.mjs');
  await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, 'demo/node.ts')],
    outfile,
    platform: 'node',
    target: 'node20',
    banner: NODE_BANNER,
  });
  return outfile;
}

const page = (title, sample) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="style.css">
<link rel="icon" href="data:,">
</head>
<body${sample ? ` data-sample="${sample}"` : ''}>
<script type="module" src="app.js"></script>
</body>
</html>
`;

/**
 * The gallery → out/demo/www: index.html, one <name>.html per sample (the same shell, told which
 * sample by data-sample), app.js and style.css. Returns the directory. With `watch`, esbuild keeps
 * rebuilding app.js as demo/ and src/ change (reload the page to see it).
 */
export async function buildPages({watch = false} = {}) {
  const esbuild = await import('esbuild');
  const dir = path.join(OUT, 'www');
  fs.mkdirSync(dir, {recursive: true});
  const options = {
    ...common,
    entryPoints: [path.join(ROOT, 'demo/page/shell.ts')],
    outfile: path.join(dir, 'app.js'),
    platform: 'browser',
    target: 'chrome120',
  };
  if (watch) {
    const context = await esbuild.context(options);
    await context.rebuild();
    await context.watch();
  } else {
    await esbuild.build(options);
  }
  fs.copyFileSync(path.join(ROOT, 'demo/page/style.css'), path.join(dir, 'style.css'));
  fs.writeFileSync(path.join(dir, 'index.html'), page('tfjs-diffrast samples'));
  for (const name of sampleNames())
    fs.writeFileSync(path.join(dir, `${name}.html`), page(`${name} — tfjs-diffrast samples`, name));
  return dir;
}

/** The sample names, without loading TypeScript: the files in demo/samples/ other than index.ts. */
export function sampleNames() {
  return fs
    .readdirSync(path.join(ROOT, 'demo/samples'))
    .filter(f => f.endsWith('.ts') && f !== 'index.ts')
    .map(f => f.slice(0, -3));
}
