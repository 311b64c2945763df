/**
 * The benchmark's cases: every row kind over its cells, each a list of subjects (this package
 * on a backend) and yardsticks (what it is compared with in the same run). The page runs the
 * webgl and webgpu subjects with their yardsticks; Node runs the cpu subjects. A case has the
 * same id in both, so the runner can put a cell's figures side by side.
 */
import {BenchCase, Timed} from './harness';
import {backward, CellInputs, forward, gradientPass, OP_CALLS, tapedForward} from './ops';
import {fitIteration} from './fit';
import {packageRender, softRasRender} from './render';
import {gridScene, MESH_SIZES, Scene, screenPlane} from './scenes';
import {plainWebGL2Draw, plainWebGPUDraw, tfjsFloor} from './yardsticks';

export interface CaseOptions {
  where: 'page' | 'node';
  quick: boolean;
  /** Why our kernels cannot run on a backend here (absent: they can). */
  unavailable: {[backend: string]: string | undefined};
}

const GPU_BACKENDS = ['webgl', 'webgpu'];
/** The resolution of the fit iterations (the 512²). */
const FIT_SIZE = 512;
/** Where issue 14 compares each op's backward with its forward on webgl and webgpu: 512², cube and 100k sphere. */
const BACKWARD_SIZE = 512,
  BACKWARD_MESHES: readonly number[] = [12, 100_000];
/** Issue 4's contention case: a full-screen quad's gradient pass against a 5k-triangle mesh on the same pixels, at 1024². */
const CONTENTION_SIZE = 1024,
  CONTENTION_CELLS = [1, 50];
/**
 * --quick: a smoke test of every row kind in a few minutes on this machine (2 shared cores,
 * SwiftShader): one cell of the grid, smaller images everywhere, a short memory soak.
 */
export const QUICK = {size: 64, fitSize: 64, fitTextureSize: 64, soakIterations: 12};
/**
 * The memory soak: the cube's fit iteration, 500 times, at a small image and texture (what it
 * checks, tensors and bytes alive, does not depend on sizes; 500 iterations at 512² would take
 * hours on SwiftShader).
 */
const SOAK_SIZE = 64;
/** Where the soft rasterizer runs: its work is pixels × triangles (see softras.ts). */
const SOFTRAS_MAX_SIZE = 512,
  SOFTRAS_MAX_TRIANGLES = 5_000;
/**
 * Issue 15's growth rows compare 512² with 2048² in Node: there a 512² sample times as many calls as cover the
 * pixels of one 2048² call, for every entry alike (BenchCase.samplePixels, bench/harness.ts's SAMPLE_MAX_MS).
 */
const GROWTH_FROM = 512,
  GROWTH_TO = 2048;

type Build = (name: string, role: Timed['role'], backend: string) => Timed;

/** Backends Node times: tfjs's pure-JS cpu and its wasm backend (the host kernels), and webgpu on Dawn. */
const NODE_BACKENDS = ['cpu', 'wasm', 'webgpu'];

/** The subjects of a cell here (page: webgl, webgpu; Node: cpu, wasm), then the cpu yardstick in the page. */
function subjects(o: CaseOptions, build: Build): Timed[] {
  if (o.where === 'node')
    return NODE_BACKENDS.map(b => ({...build(`${b} (Node)`, 'subject', b), unavailable: o.unavailable[b]}));
  return [
    ...GPU_BACKENDS.map(b => ({...build(b, 'subject', b), unavailable: o.unavailable[b]})),
    build('cpu (page)', 'yardstick', 'cpu'),
  ];
}

/** The GPU subjects of a cell here: webgl and webgpu in the page, webgpu on Dawn in Node. */
function gpuSubjects(o: CaseOptions, build: Build): Timed[] {
  return subjects(o, build).filter(t => t.role === 'subject' && GPU_BACKENDS.includes(t.backend!));
}

/** A yardstick per subject backend here: (subject name, backend), skipping backends without our kernels. */
function perBackend(o: CaseOptions, make: (subject: string, backend: string) => Timed): Timed[] {
  return (o.where === 'node' ? NODE_BACKENDS : GPU_BACKENDS).map(b => {
    const subject = o.where === 'node' ? `${b} (Node)` : b;
    return o.unavailable[b] ? {...make(subject, b), unavailable: `${b}: ${o.unavailable[b]}`} : make(subject, b);
  });
}

/** The growth rows' smaller cells in Node: samples of GROWTH_TO² pixels. */
function growthSample(o: CaseOptions, size: number): Partial<BenchCase> {
  return o.where === 'node' && size === GROWTH_FROM ? {samplePixels: GROWTH_TO * GROWTH_TO} : {};
}

const scenes = new Map<number | string, Scene>();
function scene(key: number | string): Scene {
  if (!scenes.has(key))
    scenes.set(key, typeof key === 'number' ? gridScene(key) : screenPlane(Number(key.split(' ')[1])));
  return scenes.get(key)!;
}

export function benchCases(o: CaseOptions): BenchCase[] {
  const sizes = o.quick ? [QUICK.size] : [256, 512, 1024, 2048];
  const meshes = o.quick ? [MESH_SIZES[0]] : MESH_SIZES;
  const cells = meshes.flatMap(triangles => sizes.map(size => ({triangles, size})));
  const cases: BenchCase[] = [];
  const add = (
    op: string,
    key: number | string,
    size: number,
    entries: (s: Scene) => Timed[],
    extra: Partial<BenchCase> = {},
  ) => {
    const s = scene(key);
    cases.push({
      id: `${op} | ${size} | ${key}`,
      op,
      params: {height: size, width: size, triangles: s.numTriangles, scene: s.name},
      entries: () => entries(s),
      ...extra,
    });
  };

  for (const call of OP_CALLS) {
    for (const [direction, timed] of [
      ['forward', forward],
      ['backward', backward],
    ] as const) {
      const op = `${call.op} ${direction}`;
      for (const {triangles, size} of cells) {
        // A target's cell (see report.mjs) is timed whatever its cost, up to the per-call limit: rasterize
        // against the plain draw (issue 13), each op's backward against its forward on the GPUs (issue 14).
        const target =
          (op === 'rasterize forward' &&
            ((size === 1024 && triangles === 100_000) || (size === 256 && triangles === 5_000))) ||
          (o.where === 'page' && size === BACKWARD_SIZE && BACKWARD_MESHES.includes(triangles));
        add(
          op,
          triangles,
          size,
          s => {
            const image: [number, number, number, number] = [1, size, size, call.imageChannels[direction]];
            const floors = perBackend(o, (subject, backend) => tfjsFloor(subject, backend, image));
            if (op === 'texture linear forward') {
              floors.push(...perBackend(o, (subject, backend) => tfjsFloor(subject, backend, image, [1, 512, 512, 3])));
            }
            if (op.startsWith('rasterize') && op.endsWith('forward') && o.where === 'node') {
              // The plain WebGPU draw on Dawn, for webgpu's Node rows.
              const draw = {...plainWebGPUDraw(s, size, size), name: 'plain WebGPU draw (Node)', for: 'webgpu (Node)'};
              floors.push(o.unavailable.webgpu ? {...draw, unavailable: `webgpu: ${o.unavailable.webgpu}`} : draw);
            }
            if (op.startsWith('rasterize') && op.endsWith('forward') && o.where === 'page') {
              const webgpuDraw = {...plainWebGPUDraw(s, size, size), for: 'webgpu'};
              floors.push(
                plainWebGL2Draw(s, size, size),
                plainWebGL2Draw(s, size, size, {float32Targets: 2}),
                plainWebGL2Draw(s, size, size, {float32Targets: 2, fragDepth: true}),
                o.unavailable.webgpu ? {...webgpuDraw, unavailable: `webgpu: ${o.unavailable.webgpu}`} : webgpuDraw,
              );
            }
            return [
              ...subjects(o, (name, role, backend) => timed(name, role, backend, call, new CellInputs(s, size, size))),
              ...floors,
            ];
          },
          {target, ...growthSample(o, size)},
        );
      }
    }
    // The forward as a training step runs it, on a tape (bench/ops.ts's tapedForward), beside the rows above: only
    // where issue 14 reads backward ÷ forward (and --quick's one cell), on the GPU subjects the ratio is read for.
    const tapedCells = o.quick
      ? cells
      : cells.filter(c => c.size === BACKWARD_SIZE && BACKWARD_MESHES.includes(c.triangles));
    for (const {triangles, size} of tapedCells) {
      add(
        `${call.op} forward (taped)`,
        triangles,
        size,
        s =>
          gpuSubjects(o, (name, role, backend) =>
            tapedForward(name, role, backend, call, new CellInputs(s, size, size)),
          ),
        {target: o.where === 'page'},
      );
    }
  }

  for (const {triangles, size} of cells) {
    add(
      'render forward+backward (rasterize → interpolate → antialias)',
      triangles,
      size,
      s => {
        const softras =
          size <= SOFTRAS_MAX_SIZE && triangles <= SOFTRAS_MAX_TRIANGLES
            ? perBackend(o, (subject, backend) => softRasRender(subject, backend, s, size, size)).concat(
                perBackend(o, (subject, backend) => softRasRender(subject, backend, s, size, size, true)),
              )
            : perBackend(o, (subject, backend) => ({
                ...softRasRender(subject, backend, s, size, size),
                unavailable: `not run beyond ${SOFTRAS_MAX_SIZE}² and ${SOFTRAS_MAX_TRIANGLES} triangles (dense: pixels × triangles)`,
              }));
        return [...subjects(o, (name, role, backend) => packageRender(name, role, backend, s, size, size)), ...softras];
      },
      {target: size === 256 && triangles === 5_000, ...growthSample(o, size)},
    );
  }

  const fitSize = o.quick ? QUICK.fitSize : FIT_SIZE;
  const fitMeshes = o.quick ? [12] : [12, 100_000];
  for (const triangles of fitMeshes) {
    add(
      'fit iteration',
      triangles,
      fitSize,
      s =>
        subjects(o, (name, role, backend) =>
          fitIteration(name, role, backend, s, fitSize, o.quick ? QUICK.fitTextureSize : undefined),
        ),
      {target: true},
    );
  }
  // Memory over many iterations of the cube's fit (the subjects only).
  add(
    'fit memory',
    12,
    SOAK_SIZE,
    s =>
      subjects(o, (name, role, backend) => fitIteration(name, role, backend, s, SOAK_SIZE, SOAK_SIZE)).filter(
        t => t.role === 'subject',
      ),
    {kind: 'soak', soakIterations: o.quick ? QUICK.soakIterations : 500, target: true},
  );
  // (Last of the targets' cases: its target is webgpu's.)
  const contentionSize = o.quick ? QUICK.size : CONTENTION_SIZE;
  for (const cells of CONTENTION_CELLS) {
    add(
      'gradient pass (rasterize + interpolate backward), screen covered',
      `plane ${cells}`,
      contentionSize,
      s =>
        subjects(o, (name, role, backend) =>
          gradientPass(name, role, backend, new CellInputs(s, contentionSize, contentionSize)),
        ),
      {target: true},
    );
  }

  return cases;
}
