/**
 * The README's "GPU in Node" section, as written there, in a Node process of its own (Dawn must be set
 * up before anything imports tfjs-backend-webgpu, which this suite's process already did): the snippet
 * reports its adapter and leaves 'webgpu' the current backend, and our kernels run on it. Without a
 * Vulkan driver the call must say what is missing. Node only.
 */
import {readmeBlock} from './util/readme_block';

interface Fs {
  readFileSync(file: string, encoding: 'utf8'): string;
  writeFileSync(file: string, text: string): void;
  mkdirSync(dir: string, opts: {recursive: true}): void;
}
interface ChildProcess {
  spawnSync(
    cmd: string,
    args: string[],
    opts: {cwd: string; encoding: 'utf8'; timeout: number; env: Record<string, string | undefined>},
  ): {status: number | null; stdout: string; stderr: string; error?: Error};
}

const nodeProcess = (
  globalThis as {process?: {versions?: {node?: string}; cwd(): string; execPath: string; env: Record<string, string>}}
).process;
const inNode = nodeProcess?.versions?.node != null;
// A computed specifier: the browser bundle must not try to resolve node modules.
const nodeModule = <T>(name: string) => import(['node', name].join(':')) as Promise<T>;

/**
 * What the spec appends to the snippet: one line of JSON with the backend it set, and a render and its
 * gradient on it and on the cpu backend.
 */
const CHECKS = `
const tf = await import('@tensorflow/tfjs');
const dr = await import(process.env.DIFFRAST_SRC + '/index.ts');
const backend = tf.getBackend();
// Corners on a 1/64-pixel grid, every pixel center at least 0.11 pixel from an edge: the same coverage
// whatever the rasterizer's sub-pixel snapping. Inputs made on each backend (a move would read synchronously).
const run = async () => {
  const pos = tf.tensor2d([[-0.849609375, -0.728515625, 0, 1], [0.744140625, -0.744140625, 0, 1], [-0.0625, 0.849609375, 0, 1]]);
  const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
  const attr = tf.tensor2d([[1], [0.5], [-2]]);
  const render = p => dr.interpolate(attr, dr.rasterize(p, tri, [16, 16], {ranges: [[0, 1]]}).rast, tri).out;
  return {
    image: Array.from(await render(pos).data()),
    grad: Array.from(await tf.grad(p => tf.sum(tf.square(render(p))))(pos).data()),
  };
};
const gpu = await run();
await tf.setBackend('cpu');
console.log('@@result ' + JSON.stringify({backend, gpu, cpu: await run()}));
`;

// In the Node run that has webgpu under test (test/entry/node_setup.ts).
if (inNode && nodeProcess!.env.DIFFRAST_BACKENDS?.split(',').includes('webgpu')) {
  describe('README GPU in Node', () => {
    let fs: Fs, childProcess: ChildProcess;
    let root: string, snippet: string;

    /** Runs the snippet (plus `checks`) in a fresh Node; resolves to its exit status and output. */
    const run = (checks: string, env: Record<string, string | undefined> = {}) => {
      const dir = `${root}/out/test/readme-gpu-in-node`;
      fs.mkdirSync(dir, {recursive: true});
      // The package's own source stands in for the published entry point.
      const code = snippet.replace("'tfjs-diffrast/node-webgpu'", `'${root}/src/node_webgpu.ts'`) + checks;
      fs.writeFileSync(`${dir}/snippet.mts`, code);
      const r = childProcess.spawnSync(nodeProcess!.execPath, ['--import', 'tsx', `${dir}/snippet.mts`], {
        cwd: root,
        encoding: 'utf8',
        timeout: 280_000,
        env: {...nodeProcess!.env, DIFFRAST_SRC: `${root}/src`, ...env},
      });
      expect(r.error).toBeUndefined();
      return {status: r.status, out: `${r.stdout}${r.stderr}`};
    };

    beforeAll(async () => {
      fs = await nodeModule<Fs>('fs');
      childProcess = await nodeModule<ChildProcess>('child_process');
      root = nodeProcess!.cwd();
      snippet = readmeBlock(fs.readFileSync(`${root}/README.md`, 'utf8'), 'GPU in Node') ?? '';
    });

    it('has a js block that imports tfjs-diffrast/node-webgpu', () => {
      expect(snippet).toContain("from 'tfjs-diffrast/node-webgpu'");
    });

    it('runs as written: prints the adapter, sets the webgpu backend, and the kernels run on it', () => {
      const {status, out} = run(CHECKS);
      expect(status).toBe(0, out);
      expect(out).toMatch(
        /vendor: '[^']*',\s+architecture: '[^']*',\s+device: '[^']*',\s+description: '[^']*',\s+software: (true|false)/,
      );
      const line = out.split('\n').find(l => l.startsWith('@@result '));
      expect(line).toBeDefined(out);
      const result = JSON.parse(line!.slice('@@result '.length));
      expect(result.backend).toBe('webgpu');
      // The same image and gradient as the cpu backend (atomic sums: 1e-4 of the largest, docs/testing.md#tolerances).
      const close = (a: number[], b: number[], tol: number) => {
        const scale = Math.max(...b.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        expect(a.length).toBe(b.length);
        expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThanOrEqual(tol * scale);
      };
      close(result.gpu.image, result.cpu.image, 1e-5);
      close(result.gpu.grad, result.cpu.grad, 1e-4);
    }, 300_000);

    it('says what is missing when there is no Vulkan driver', () => {
      const {status, out} = run('', {VK_ICD_FILENAMES: '/nonexistent/vk_icd.json'});
      expect(status).not.toBe(0);
      expect(out).toContain('initWebGPU: VK_ICD_FILENAMES names a missing file: /nonexistent/vk_icd.json');
    }, 300_000);
  });
}
