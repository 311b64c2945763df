/**
 * The API reference and the README agree with the exports (Node only: it reads the repository and
 * runs typedoc). `npm run docs` builds the reference of the three entry points (tfjs-diffrast, /loaders,
 * /node-webgpu) into docs/api/ with warnings as errors, so an export without TSDoc, a broken {@link} or a
 * referenced type left out fails here; so does a function without @param or @returns, or an option without
 * @defaultValue.
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

/** The part of typedoc's JSON output read here. */
interface Reflection {
  name: string;
  kind: number;
  flags?: {isOptional?: boolean};
  comment?: {blockTags?: Array<{tag: string}>};
  children?: Reflection[];
  signatures?: Reflection[];
  parameters?: Reflection[];
  type?: {type: string; name?: string};
}
/** typedoc's ReflectionKind values. */
const KIND = {Function: 64, Interface: 256, Constructor: 512, Property: 1024, Method: 2048};

/**
 * What the TSDoc of the exports leaves out: a parameter without @param, a result without @returns (void and
 * constructors have none), an optional property of an options interface without @defaultValue.
 */
function undocumentedTags(root: Reflection): string[] {
  const missing: string[] = [];
  const hasTag = (r: Reflection, tag: string) => r.comment?.blockTags?.some(t => t.tag === tag) ?? false;
  const walk = (r: Reflection, path: string, parent?: Reflection) => {
    const name = path ? `${path}.${r.name}` : r.name;
    if ([KIND.Function, KIND.Method, KIND.Constructor].includes(r.kind)) {
      for (const sig of r.signatures ?? []) {
        for (const p of sig.parameters ?? []) if (!p.comment) missing.push(`${name}: @param ${p.name}`);
        const isVoid = sig.type?.type === 'intrinsic' && sig.type.name === 'void';
        if (r.kind !== KIND.Constructor && !isVoid && !hasTag(sig, '@returns')) missing.push(`${name}: @returns`);
      }
    }
    const inOptions = parent?.kind === KIND.Interface && parent.name.endsWith('Options');
    if (r.kind === KIND.Property && r.flags?.isOptional && inOptions && !hasTag(r, '@defaultValue')) {
      missing.push(`${name}: @defaultValue`);
    }
    for (const child of r.children ?? []) walk(child, name, r);
  };
  walk(root, '');
  return missing;
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

    /** The reflection typedoc builds of the package's three entry points (typedoc.json), read once. */
    let reflection: Promise<Reflection> | undefined;
    const typedocJson = () =>
      (reflection ??= (async () => {
        const {spawnSync} = await nodeModule<ChildProcess>('child_process');
        const bin = `${root}/node_modules/typedoc/bin/typedoc`;
        const out = `${root}/out/test/api-docs`;
        const run = spawnSync(nodeProcess!.execPath, [bin, '--out', `${out}/html`, '--json', `${out}/api.json`], {
          cwd: root,
          encoding: 'utf8',
          timeout: 280_000,
        });
        const output = `${run.stdout}${run.stderr}`.replace(
          new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'),
          '',
        );
        expect(run.error).toBeUndefined();
        expect(run.status).toBe(0, output);
        expect(output).not.toMatch(/\[warning\]|\[error\]/);
        return JSON.parse(fs.readFileSync(`${out}/api.json`, 'utf8')) as Reflection;
      })());

    it('typedoc documents every export of the three entry points with no warning', async () => {
      const json = await typedocJson();
      expect((json.children ?? []).map(m => m.name).sort()).toEqual(['index', 'loaders', 'node_webgpu']);
    }, 300_000);

    it('every exported function documents its parameters and result, every option its default', async () => {
      expect(undocumentedTags(await typedocJson())).toEqual([]);
    }, 300_000);

    it("every export is in the README's API table and in docs/", async () => {
      const readme = fs.readFileSync(`${root}/README.md`, 'utf8');
      const api = /\n## API\n([\s\S]*?)\n## /.exec(readme);
      expect(api).not.toBeNull('README.md has no "## API" section');
      const inReadme = backtickWords(api![1]);
      const pages = fs.readdirSync(`${root}/docs`).filter(f => f.endsWith('.md'));
      const inDocs = backtickWords(pages.map(p => fs.readFileSync(`${root}/docs/${p}`, 'utf8')).join('\n'));
      // The main entry's runtime exports, and the functions of tfjs-diffrast/loaders and /node-webgpu.
      const subpaths = ((await typedocJson()).children ?? []).filter(m => m.name !== 'index');
      const names = [
        ...Object.keys(dr),
        ...subpaths.flatMap(m => (m.children ?? []).filter(c => c.kind === KIND.Function).map(c => c.name)),
      ].sort();
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
