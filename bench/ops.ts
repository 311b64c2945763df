/**
 * The op rows: each op's forward call, and its backward (the gradient the engine runs for it in
 * training) timed on its own, on one backend, for one cell of the grid (scene × resolution).
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {backendFence, timedCall} from './backends';
import {Timed} from './harness';
import {pseudoRandom, Scene} from './scenes';

/** Texture sizes of the texture rows (fixed: the grid varies the mesh and the image). */
const TEXTURE_SIZE = 512;
const CUBE_FACE_SIZE = 256;

/**
 * The tensors one cell's op calls read, made on the backend active when first asked for (each
 * made once, on demand: a texture row does not build the topology hash).
 */
export class CellInputs {
  private readonly made = new Map<string, unknown>();
  private readonly owned: tf.Tensor[] = [];

  constructor(
    readonly scene: Scene,
    readonly height: number,
    readonly width: number,
  ) {}

  private once<T>(key: string, make: () => T, tensors: (v: T) => tf.Tensor[] = v => [v as unknown as tf.Tensor]): T {
    if (!this.made.has(key)) {
      const value = make();
      this.made.set(key, value);
      // Kept: a getter may first be reached inside another input's tf.tidy.
      this.owned.push(...tensors(value).map(t => tf.keep(t)));
    }
    return this.made.get(key) as T;
  }

  /** [1,V,4] clip-space positions. */
  get pos(): tf.Tensor3D {
    return this.once('pos', () => tf.tensor3d(this.scene.clip, [1, this.scene.numVertices, 4]));
  }
  get tri(): tf.Tensor2D {
    return this.once('tri', () => tf.tensor2d(this.scene.triangles, [this.scene.numTriangles, 3], 'int32'));
  }
  /** [V,2] texture coordinates. */
  get uvAttr(): tf.Tensor2D {
    return this.once('uvAttr', () => tf.tensor2d(this.scene.uvs, [this.scene.numVertices, 2]));
  }
  /** [V,3] per-vertex colours. */
  get colors(): tf.Tensor2D {
    return this.once('colors', () =>
      tf.tensor2d(pseudoRandom(3 * this.scene.numVertices, 7), [this.scene.numVertices, 3]),
    );
  }
  get raster(): dr.RasterizeResult {
    return this.once(
      'raster',
      () => dr.rasterize(this.pos, this.tri, [this.height, this.width]),
      r => [r.rast, r.rastDb],
    );
  }
  /** Interpolated texture coordinates and their screen-space derivatives. */
  get uv(): dr.InterpolateResult {
    return this.once(
      'uv',
      () => dr.interpolate(this.uvAttr, this.raster.rast, this.tri, {rastDb: this.raster.rastDb, diffAttrs: 'all'}),
      r => [r.out, r.outDa],
    );
  }
  /** [1,H,W,3] directions (object-space positions at the pixels), for cube-map lookups. */
  get directions(): tf.Tensor4D {
    return this.once('directions', () =>
      tf.tidy(() => {
        const positions = tf.tensor2d(this.scene.positions, [this.scene.numVertices, 3]);
        return dr.interpolate(positions, this.raster.rast, this.tri).out;
      }),
    );
  }
  /** [1,H,W,3] interpolated vertex colours: antialias's input. */
  get colorImage(): tf.Tensor4D {
    return this.once('colorImage', () => tf.tidy(() => dr.interpolate(this.colors, this.raster.rast, this.tri).out));
  }
  get texture(): tf.Tensor4D {
    const n = TEXTURE_SIZE;
    return this.once('texture', () => tf.tensor4d(pseudoRandom(n * n * 3, 11), [1, n, n, 3]));
  }
  get mip(): dr.TextureMip {
    return this.once(
      'mip',
      () => dr.textureConstructMip(this.texture),
      m => m.levels,
    );
  }
  get cubeTexture(): tf.Tensor {
    const n = CUBE_FACE_SIZE;
    return this.once('cubeTexture', () => tf.tensor5d(pseudoRandom(6 * n * n * 3, 13), [1, 6, n, n, 3]));
  }
  get topologyHash(): dr.TopologyHash {
    return this.once(
      'topologyHash',
      () => dr.antialiasConstructTopologyHash(this.tri),
      h => [h.opposite],
    );
  }

  dispose() {
    tf.dispose(this.owned);
    this.owned.length = 0;
    this.made.clear();
  }
}

/** One op call, and the inputs its backward differentiates (as a training step would). */
export interface OpCall {
  /** e.g. 'interpolate (diffAttrs)'. */
  op: string;
  call(inp: CellInputs): tf.Tensor[];
  wrt(inp: CellInputs): tf.Tensor[];
  /**
   * Channels of the image-sized tensors each direction writes (its tf.add yardstick's output size, issue 15);
   * rasterize's backward writes none (d pos only), so its row counts the image gradients it reads.
   */
  imageChannels: {forward: number; backward: number};
}

export const OP_CALLS: OpCall[] = [
  {
    op: 'rasterize',
    call: inp => Object.values(dr.rasterize(inp.pos, inp.tri, [inp.height, inp.width])),
    wrt: inp => [inp.pos],
    imageChannels: {forward: 8, backward: 8}, // rast, rastDb; d rast, d rastDb read
  },
  {
    op: 'rasterize (exact)',
    call: inp => Object.values(dr.rasterize(inp.pos, inp.tri, [inp.height, inp.width], {coverage: 'exact'})),
    wrt: inp => [inp.pos],
    imageChannels: {forward: 8, backward: 8},
  },
  {
    op: 'interpolate',
    call: inp => Object.values(dr.interpolate(inp.uvAttr, inp.raster.rast, inp.tri)),
    wrt: inp => [inp.uvAttr, inp.raster.rast],
    imageChannels: {forward: 2, backward: 4}, // out; d rast
  },
  {
    op: 'interpolate (diffAttrs)',
    call: inp =>
      Object.values(
        dr.interpolate(inp.uvAttr, inp.raster.rast, inp.tri, {rastDb: inp.raster.rastDb, diffAttrs: 'all'}),
      ),
    wrt: inp => [inp.uvAttr, inp.raster.rast, inp.raster.rastDb],
    imageChannels: {forward: 6, backward: 8}, // out, outDa; d rast, d rastDb
  },
  {
    op: 'texture linear',
    call: inp => [dr.texture(inp.texture, inp.uv.out, {filterMode: 'linear'})],
    wrt: inp => [inp.texture, inp.uv.out],
    imageChannels: {forward: 3, backward: 2}, // out; d uv
  },
  {
    // The mip pyramid is built in set-up (a constant texture's would be built once).
    op: 'texture trilinear (uvDa)',
    call: inp => [dr.texture(inp.texture, inp.uv.out, {uvDa: inp.uv.outDa, mip: inp.mip})],
    wrt: inp => [inp.texture, inp.uv.out, inp.uv.outDa],
    imageChannels: {forward: 3, backward: 6}, // out; d uv, d uvDa
  },
  {
    op: 'texture cube',
    call: inp => [dr.texture(inp.cubeTexture, inp.directions, {boundaryMode: 'cube', filterMode: 'linear'})],
    wrt: inp => [inp.cubeTexture, inp.directions],
    imageChannels: {forward: 3, backward: 3}, // out; d directions
  },
  {
    op: 'antialias',
    call: inp => [dr.antialias(inp.colorImage, inp.raster.rast, inp.pos, inp.tri, {topologyHash: inp.topologyHash})],
    wrt: inp => [inp.colorImage, inp.pos],
    imageChannels: {forward: 3, backward: 3}, // out; d color
  },
];

/** The op's forward call on `backend`. */
export function forward(name: string, role: Timed['role'], backend: string, op: OpCall, inp: CellInputs): Timed {
  const once = async () => {
    const outs = op.call(inp);
    await backendFence();
    tf.dispose(outs);
  };
  return timedCall(name, role, backend, {
    // The inputs (the rest, like a topology hash, come with the first, untimed call).
    setup: () => void op.wrt(inp),
    run: once,
    teardown: () => inp.dispose(),
  });
}

interface TapeNode {
  kernelName: string;
  inputs: {[index: string]: tf.Tensor};
  outputs: tf.Tensor[];
  saved: tf.Tensor[];
  gradient?: (dys: Array<tf.Tensor | null>) => {[index: string]: () => tf.Tensor};
}
interface EngineTape {
  startTape(): void;
  endTape(): void;
  state: {activeTape: TapeNode[] | null};
}

/**
 * Records `call` on tfjs's tape as tf.grad and optimizer.minimize do (Engine.gradients: the tape on around a tidy
 * named 'forward'), so the same kernels run, with the same attributes (texture's `recording`), and the same tensors
 * are saved for the backward. (The tidy matters: a kernel run outside every scope, as textureConstructMip's are when
 * no tidy encloses them, cannot be recorded; tfjs's own APIs never start a tape outside one.)
 */
function recordTape(call: () => tf.Tensor[]): {nodes: TapeNode[]; outputs: tf.Tensor[]} {
  const engine = tf.engine() as unknown as EngineTape;
  engine.startTape();
  let outputs: tf.Tensor[];
  try {
    outputs = tf.tidy('forward', call);
  } finally {
    engine.endTape();
  }
  const nodes = engine.state.activeTape ?? [];
  engine.state.activeTape = null;
  return {nodes, outputs};
}

/**
 * The op's forward as a training step runs it (tf.grad, optimizer.minimize): recorded on tfjs's tape, which keeps a
 * copy of what its gradient needs (inputs, and a backend's hidden output for the backward: texture's lookup on
 * webgl and webgpu); that and the outputs are freed after the fence, as the backward would free them. The
 * `forward` rows time the same call without a tape (inference).
 */
export function tapedForward(name: string, role: Timed['role'], backend: string, op: OpCall, inp: CellInputs): Timed {
  const once = async () => {
    const tape = recordTape(() => op.call(inp));
    await backendFence();
    tf.dispose(tape.outputs);
    tape.nodes.forEach(n => tf.dispose(n.saved));
  };
  return timedCall(name, role, backend, {
    // Every input, a mip pyramid and topology hash too, made untaped and untimed: a training step's would be
    // constants or made by nodes of their own.
    setup: () => tf.dispose(op.call(inp)),
    run: once,
    teardown: () => inp.dispose(),
  });
}

/** The input indices of `node` that are the given tensors, in their order; throws when one is not an input. */
function indicesOf(node: TapeNode, wanted: tf.Tensor[]): string[] {
  const indices = wanted.map(t => Object.keys(node.inputs).find(i => node.inputs[i] === t));
  if (indices.some(i => i == null))
    throw new Error(`not every input to differentiate is an input of ${node.kernelName}`);
  return indices as string[];
}

/** Fixed pseudo-random upstream gradients for a node's outputs (null for empty ones: tfjs passes zeros). */
function upstream(node: TapeNode, seed: number): Array<tf.Tensor | null> {
  return node.outputs.map((o, k) =>
    o.size === 0
      ? null
      : tf.tensor(
          pseudoRandom(o.size, seed + k).map(x => 2 * x - 1),
          o.shape,
        ),
  );
}

/** The one Diffrast kernel with a gradient on a tape named `kernel` (any, when absent). */
function ourNode(nodes: TapeNode[], kernel?: string): TapeNode {
  const ours = nodes.filter(
    n => n.kernelName.startsWith('Diffrast') && n.gradient && (!kernel || n.kernelName === kernel),
  );
  if (ours.length !== 1)
    throw new Error(
      `expected one ${kernel ?? 'Diffrast'} kernel on the tape, got ${nodes.map(n => n.kernelName).join(', ')}`,
    );
  return ours[0];
}

/**
 * The op's backward on `backend`: the gradient function tfjs would run for it, called on a tape
 * recorded once in set-up, for the inputs `op.wrt` names, with fixed pseudo-random upstream
 * gradients.
 */
export function backward(name: string, role: Timed['role'], backend: string, op: OpCall, inp: CellInputs): Timed {
  let node: TapeNode;
  let recorded: TapeNode[] = [];
  let dys: Array<tf.Tensor | null> = [];
  let inputIndices: string[] = [];
  const once = async () => {
    const grads = tf.tidy(() => {
      const fns = node.gradient!(dys);
      return inputIndices.map(i => fns[i]());
    });
    await backendFence();
    tf.dispose(grads);
  };
  return timedCall(name, role, backend, {
    setup() {
      // One call first, so that every input (and the inputs' own kernels) exists before recording.
      const first = op.call(inp);
      tf.dispose(first);
      checkImageChannels(op, 'forward', first, inp); // (shapes outlive the data)
      const tape = recordTape(() => op.call(inp));
      recorded = tape.nodes;
      node = ourNode(recorded);
      inputIndices = indicesOf(node, op.wrt(inp));
      dys = upstream(node, 17);
      // (The texture's own gradient has the texture's size, which may equal the image's.)
      const texture = op.op.startsWith('texture') ? inp.texture : null;
      const written = op.wrt(inp).filter(t => t !== texture && isImage(t, inp));
      checkImageChannels(op, 'backward', written.length ? written : dys.filter(d => d != null), inp);
      tf.dispose(tape.outputs);
    },
    run: once,
    teardown: () => releaseTape(recorded, dys, inp),
  });
}

const isImage = (t: tf.Tensor, inp: CellInputs) =>
  t.rank === 4 && t.shape[1] === inp.height && t.shape[2] === inp.width;

/** Throws when `op.imageChannels[direction]` (its yardstick's size) is not the channels of these image tensors. */
function checkImageChannels(op: OpCall, direction: 'forward' | 'backward', ts: tf.Tensor[], inp: CellInputs) {
  const channels = ts.filter(t => isImage(t, inp)).reduce((n, t) => n + t.shape[3]!, 0);
  if (channels !== op.imageChannels[direction])
    throw new Error(
      `bench: ${op.op} ${direction} has ${channels} image channels, imageChannels says ${op.imageChannels[direction]}`,
    );
}

/** Frees what a recorded backward case holds: the tape's saved tensors, its upstream gradients, its inputs. */
function releaseTape(recorded: TapeNode[], dys: Array<tf.Tensor | null>, inp: CellInputs) {
  recorded.forEach(n => tf.dispose(n.saved));
  tf.dispose(dys.filter((d): d is tf.Tensor => d != null));
  inp.dispose();
}

/**
 * The gradient pass of rasterize → interpolate (issue 4's contention case): interpolate's
 * backward (d colours, d rast) and then rasterize's backward from that d rast (d positions), on a
 * tape recorded once in set-up.
 */
export function gradientPass(name: string, role: Timed['role'], backend: string, inp: CellInputs): Timed {
  let recorded: TapeNode[] = [];
  let raster: TapeNode, interp: TapeNode;
  let dys: Array<tf.Tensor | null> = [];
  let interpWrt: string[] = [],
    rasterWrt: string[] = [];
  const once = async () => {
    const grads = tf.tidy(() => {
      const fi = interp.gradient!(dys);
      const [dColors, dRast] = interpWrt.map(i => fi[i]());
      // rast's gradient from interpolate; rastDb was not used (tfjs passes zeros).
      const fr = raster.gradient!(raster.outputs.map((_, k) => (k === 0 ? dRast : null)));
      return [dColors, ...rasterWrt.map(i => fr[i]())];
    });
    await backendFence();
    tf.dispose(grads);
  };
  return timedCall(name, role, backend, {
    setup() {
      const call = () => {
        const r = dr.rasterize(inp.pos, inp.tri, [inp.height, inp.width]);
        return [r.rast, r.rastDb, ...Object.values(dr.interpolate(inp.colors, r.rast, inp.tri))];
      };
      tf.dispose(call());
      const tape = recordTape(call);
      recorded = tape.nodes;
      raster = ourNode(recorded, 'DiffrastRasterize');
      interp = ourNode(recorded, 'DiffrastInterpolate');
      interpWrt = indicesOf(interp, [inp.colors, tape.outputs[0]]);
      rasterWrt = indicesOf(raster, [inp.pos]);
      dys = upstream(interp, 31);
      tf.dispose(tape.outputs);
    },
    run: once,
    teardown: () => releaseTape(recorded, dys, inp),
  });
}
