/**
 * The API reference and the README agree with the exports (Node only: it reads the repository and
 * runs typedoc). `npm run docs` builds the reference into docs/api/ with warnings as errors, so an
 * export without TSDoc, a broken {@link} or a referenced type left out fails here.
 */
import * as dr from '../src/index';

interface Fs {
  readFileSync(file: string, encoding: 'utf8'): string;
  readdirSync(dir: string): string[];
  existsSync(file: string): boolean;
}
interface ChildProcess {
  spawnSync(
    cmd: string,
    args: string[],
    opts: {cwd: string; encoding: 'utf8'; timeout: number},
  ): {status: number | null; stdout: string; stderr: string; error?: Error};
}

const nodeProcess = (globalThis as {process?: {versions?: {node?: string}; cwd(): string; execPath: string}}).process;
const inNode = nodeProcess?.versions?.node != null;
// A computed specifier: the browser bundle must not try to resolve node modules.
const nodeModule = <T>(name: string) => import(['node', name].join(':')) as Promise<T>;

/** The names inside the text's code: fenced blocks and backtick spans, word by word. */
function backtickWords(markdown: string): Set<string> {
  const words = new Set<string>();
  const fenced = /```[^\n]*\n([\s\S]*?)```/g;
  const code = [...markdown.matchAll(fenced)].map(m => m[1]);
  const prose = markdown.replace(fenced, '');
  for (const span of [...code, ...[...prose.matchAll(/`([^`]+)`/g)].map(m => m[1])]) {
    for (const w of span.match(/[A-Za-z_$][\w$]*/g) ?? []) words.add(w);
  }
  return words;
}

if (inNode) {
  describe('API docs', () => {
    let fs: Fs;
    let root: string;

    beforeAll(async () => {
      fs = await nodeModule<Fs>('fs');
      root = nodeProcess!.cwd();
      while (!fs.existsSync(`${root}/typedoc.json`)) {
        const up = root.replace(/\/[^/]+$/, '');
        if (up === root || up === '') throw new Error(`no typedoc.json above ${nodeProcess!.cwd()}`);
        root = up;
      }
    });

    it('typedoc documents every export with no warning', async () => {
      const {spawnSync} = await nodeModule<ChildProcess>('child_process');
      const bin = `${root}/node_modules/typedoc/bin/typedoc`;
      const run = spawnSync(nodeProcess!.execPath, [bin, '--emit', 'none'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 280_000,
      });
      const output = `${run.stdout}${run.stderr}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
      expect(run.error).toBeUndefined();
      expect(run.status).toBe(0, output);
      expect(output).not.toMatch(/\[warning\]|\[error\]/);
    }, 300_000);

    it("every export is in the README's API table and in docs/", () => {
      const readme = fs.readFileSync(`${root}/README.md`, 'utf8');
      const api = /\n## API\n([\s\S]*?)\n## /.exec(readme);
      expect(api).not.toBeNull('README.md has no "## API" section');
      const inReadme = backtickWords(api![1]);
      const pages = fs.readdirSync(`${root}/docs`).filter(f => f.endsWith('.md'));
      const inDocs = backtickWords(pages.map(p => fs.readFileSync(`${root}/docs/${p}`, 'utf8')).join('\n'));
      const names = Object.keys(dr).sort();
      expect(names.length).toBeGreaterThan(10);
      expect(names.filter(n => !inReadme.has(n))).toEqual([], "exports missing from README.md's API section");
      expect(names.filter(n => !inDocs.has(n))).toEqual([], 'exports missing from docs/');
    });

    it('README links the API reference and `npm run docs` builds it', () => {
      const readme = fs.readFileSync(`${root}/README.md`, 'utf8');
      expect(readme).toContain('npm run docs');
      const pkg = JSON.parse(fs.readFileSync(`${root}/package.json`, 'utf8'));
      expect(pkg.scripts.docs).toBe('typedoc');
      expect(fs.readFileSync(`${root}/.gitignore`, 'utf8')).toMatch(/^docs\/api\/?$/m);
    });
  });
}
