/**
 * The documentation's cross-references (Node only: it reads the repository's files). Every
 * `docs/<page>.md#<anchor>` cited in src/, test/, demo/, bench/, README.md and docs/, and every
 * relative link between docs pages, names a page and a heading that exist; nothing cites the
 * contract that used to live outside the repository.
 */
interface Fs {
  readdirSync(dir: string, opts: {withFileTypes: true}): Array<{name: string; isDirectory(): boolean}>;
  readFileSync(file: string, encoding: 'utf8'): string;
  existsSync(file: string): boolean;
}

const nodeProcess = (globalThis as {process?: {versions?: {node?: string}; cwd(): string}}).process;
const inNode = nodeProcess?.versions?.node != null;

/** Folders whose files may cite docs (generated output and recorded results left out). */
const SCANNED = ['src', 'test', 'demo', 'bench', 'docs', 'README.md'];
const SKIPPED_DIRS = new Set(['node_modules', 'results', 'dist', 'out', 'api']);
const TEXT_FILE = /\.(ts|mts|cts|js|mjs|cjs|html|md|json)$/;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, -1, -2 on repeats. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

if (inNode) {
  describe('docs', () => {
    let fs: Fs;
    let root: string;
    const files = new Map<string, string>();
    const pages = new Map<string, Set<string>>();

    beforeAll(async () => {
      // A computed specifier: the browser bundle must not try to resolve node:fs.
      fs = (await import(['node', 'fs'].join(':'))) as Fs;
      root = nodeProcess!.cwd();
      while (!fs.existsSync(`${root}/docs/README.md`)) {
        const up = root.replace(/\/[^/]+$/, '');
        if (up === root || up === '') throw new Error(`docs: no docs/README.md above ${nodeProcess!.cwd()}`);
        root = up;
      }
      const walk = (rel: string) => {
        const abs = `${root}/${rel}`;
        if (!fs.existsSync(abs)) return;
        if (TEXT_FILE.test(rel)) {
          files.set(rel, fs.readFileSync(abs, 'utf8'));
          return;
        }
        for (const e of fs.readdirSync(abs, {withFileTypes: true})) {
          if (e.name.startsWith('.') || SKIPPED_DIRS.has(e.name)) continue;
          if (e.isDirectory() || TEXT_FILE.test(e.name)) walk(`${rel}/${e.name}`);
        }
      };
      SCANNED.forEach(walk);
      for (const [rel, text] of files) {
        const m = /^docs\/([\w-]+)\.md$/.exec(rel);
        if (m) pages.set(m[1], headingAnchors(text));
      }
    });

    it('has the pages the code cites', () => {
      for (const page of ['README', 'conventions', 'rasterize', 'interpolate', 'texture', 'antialias', 'backends']) {
        expect(pages.has(page)).toBe(true, `docs/${page}.md is missing`);
      }
      expect(pages.has('testing')).toBe(true, 'docs/testing.md is missing');
    });

    it('computes anchors as GitHub does', () => {
      const anchors = headingAnchors(
        '# rasterize\n## Depth peeling\n```\n# not a heading\n```\n## Backend differences\n## Depth peeling\n',
      );
      expect([...anchors]).toEqual(['rasterize', 'depth-peeling', 'backend-differences', 'depth-peeling-1']);
    });

    it('every docs/<page>.md#<anchor> citation exists', () => {
      const broken: string[] = [];
      let count = 0;
      for (const [rel, text] of files) {
        for (const m of text.matchAll(/(?<![\w/.-])docs\/([\w-]+)\.md(?:#([\w-]+))?/g)) {
          count++;
          const [cite, page, anchor] = m;
          const anchors = pages.get(page);
          if (!anchors || (anchor && !anchors.has(anchor))) broken.push(`${rel}: ${cite}`);
        }
      }
      expect(count).toBeGreaterThan(20);
      expect(broken).toEqual([]);
    });

    it('every link between docs pages resolves', () => {
      const broken: string[] = [];
      for (const [rel, text] of files) {
        const m = /^docs\/([\w-]+)\.md$/.exec(rel);
        if (!m) continue;
        for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^[a-z]+:/.test(target)) continue; // an external address
          const [file, anchor] = target.split('#');
          const page = file === '' ? m[1] : /^([\w-]+)\.md$/.exec(file)?.[1];
          if (page == null) {
            if (!fs.existsSync(`${root}/docs/${file}`)) broken.push(`${rel}: ${target}`);
            continue;
          }
          const anchors = pages.get(page);
          if (!anchors || (anchor && !anchors.has(anchor))) broken.push(`${rel}: ${target}`);
        }
      }
      expect(broken).toEqual([]);
    });

    it("the README's API table lists every option of each op", () => {
      // The options each op accepts are the optionNames<…Options>({...}) lists that reject unknown names.
      const accepted = new Map<string, string[]>();
      for (const [rel, text] of files) {
        if (!rel.startsWith('src/ops/')) continue;
        for (const m of text.matchAll(/optionNames<(\w+)Options>\(\{([^}]*)\}\)/g)) {
          accepted.set(m[1], [...m[2].matchAll(/(\w+):\s*true/g)].map(n => n[1]).sort());
        }
      }
      const calls: Record<string, string> = {
        Rasterize: 'rasterize(pos, tri, [H, W], {',
        Interpolate: 'interpolate(attr, rast, tri, {',
        Texture: 'texture(tex, uv, {',
        TextureConstructMip: 'textureConstructMip(tex, {',
        Antialias: 'antialias(color, rast, pos, tri, {',
      };
      expect([...accepted.keys()].sort()).toEqual(Object.keys(calls).sort());
      const readme = files.get('README.md')!;
      const listed = (call: string) => {
        const at = readme.indexOf('| `' + call);
        if (at < 0) return [`no API table row starting with ${call}`];
        const inside = readme.slice(at + 3 + call.length, readme.indexOf('}', at));
        return inside
          .split(',')
          .map(o => o.trim().split(/\s*=/)[0])
          .sort();
      };
      for (const [name, call] of Object.entries(calls))
        expect(listed(call)).withContext(call).toEqual(accepted.get(name)!);
      expect(listed('new DepthPeeler(pos, tri, [H, W], {'))
        .withContext('DepthPeeler')
        .toEqual(accepted.get('Rasterize')!);
    });

    it('nothing cites the contract outside the repository', () => {
      // Built from pieces so that this file does not match itself.
      const outside = new RegExp(
        ['SPEC(\\s*§|\\.md)', 'DESIGN\\.md', '\\.\\./shared/(SPEC|DESIGN)', '/work/' + 'shared'].join('|'),
      );
      const found: string[] = [];
      for (const [rel, text] of files) {
        text.split('\n').forEach((line, i) => {
          if (outside.test(line)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
      expect(found).toEqual([]);
    });
  });
}
