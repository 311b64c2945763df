/**
 * How our webgpu kernels use tfjs's WebGPU backend: its device, its tensors' GPU buffers, and a
 * command encoder of our own submitted after tfjs's pending work (docs/backends.md#webgpu).
 *
 * tfjs-backend-webgpu is an optional peer dependency: it is imported for its types only, and
 * everything is reached through the `backend` object a kernel receives.
 */
/// <reference types="@webgpu/types" />
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';
import type {KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs-core';
import {env} from '@tensorflow/tfjs-core';

import {kernelError, withKernelPrefix} from '../errors';
import {keptBudget, KeptPerTensor} from '../shared/kept_per_tensor';

/** The parts of tfjs's per-tensor record we read (WebGPUBackend.tensorMap values). */
interface TensorData {
  resource?: GPUBuffer | GPUTexture | null;
  values?: ArrayLike<number> | null;
  dtype: string;
}

/** A texture and its default view (made once: a view per call is an API call per call). */
export interface Target {
  texture: GPUTexture;
  view: GPUTextureView;
}

/** rasterize's scratch render targets: triangle ids (exact coverage), rast, rastDb and depth. */
export type TargetKind = 'id' | 'rast' | 'db' | 'depth';
function targetFormat(kind: TargetKind): {format: GPUTextureFormat; usage: number} {
  const {RENDER_ATTACHMENT, COPY_SRC, TEXTURE_BINDING} = GPUTextureUsage;
  if (kind === 'id') return {format: 'r32uint', usage: RENDER_ATTACHMENT | TEXTURE_BINDING};
  if (kind === 'depth') return {format: 'depth32float', usage: RENDER_ATTACHMENT};
  return {format: 'rgba32float', usage: RENDER_ATTACHMENT | COPY_SRC};
}

interface DeviceState {
  /** Set when device.lost resolved: every later call fails with this message. */
  lostReason: string | null;
  pipelines: Map<string, GPUComputePipeline | GPURenderPipeline>;
  /** A 16-byte buffer bound where an optional or empty input has nothing to bind. */
  dummy: GPUBuffer;
  /**
   * Scratch render targets for rasterize, per size (`${width}x${height}`, exactly the call's: a render pass clears
   * its attachments whole, so a larger target would cost clearing pixels the call never draws) and kind, made when
   * first needed; least recently used size first. The most recently used sizes are kept while their pixels sum
   * to at most KEPT_TARGET_PIXELS_FLAG's.
   */
  targets: Map<string, {pixels: number; kinds: {[k in TargetKind]?: Target}}>;
  /** Compute passes timed under PROFILE_FLAG, not yet read (takePassTimes). */
  pendingTimes: PendingTime[];
  /** Uniform buffers by content, never written after creation: calls with the same values share one. */
  uniforms: Map<string, GPUBuffer>;
  /** GPU buffers made from tensors tfjs keeps on the CPU (see GpuCall.buffer, GpuCall.meshBuffers). */
  kept: KeptPerTensor<GPUBuffer[]>;
  /** Tensors whose values meshBuffers asked tfjs to read back. */
  readBacks: WeakSet<object>;
}

/** Uniform buffers kept per device (each 16–64 bytes). */
const MAX_UNIFORM_BUFFERS = 256;
/**
 * Render targets are kept per device up to this many pixels in all (36 bytes a pixel with hardware coverage, 151 MB
 * at 2048²; exact coverage adds 4); a call of more pixels makes its own, for that call.
 */
export const KEPT_TARGET_PIXELS_FLAG = 'DIFFRAST_WEBGPU_KEPT_TARGET_PIXELS';
env().registerFlag(KEPT_TARGET_PIXELS_FLAG, () => 2048 * 2048);

/**
 * When true, every compute and render pass of our kernels is timed with timestamp queries (where the device
 * has 'timestamp-query'): for benchmarks; read the times with `takePassTimes`.
 */
export const PROFILE_FLAG = 'DIFFRAST_WEBGPU_PROFILE';
env().registerFlag(PROFILE_FLAG, () => false);

interface PendingTime {
  label: string;
  querySet: GPUQuerySet;
  resolved: GPUBuffer;
  read: GPUBuffer;
}

/** GPU milliseconds per pass label of the passes timed since the last call (summed per label). */
export async function takePassTimes(backend: unknown): Promise<{[label: string]: number}> {
  const device = (backend as {device?: GPUDevice}).device;
  const times: {[label: string]: number} = {};
  if (!device) return times;
  await device.queue.onSubmittedWorkDone();
  for (const {label, querySet, resolved, read} of deviceState(device).pendingTimes.splice(0)) {
    await read.mapAsync(GPUMapMode.READ);
    const t = new BigInt64Array(read.getMappedRange());
    times[label] = (times[label] ?? 0) + Number(t[1] - t[0]) / 1e6;
    read.unmap();
    [read, resolved].forEach(b => b.destroy());
    querySet.destroy();
  }
  return times;
}

const states = new WeakMap<GPUDevice, DeviceState>();

function deviceState(device: GPUDevice): DeviceState {
  let state = states.get(device);
  if (!state) {
    const created: DeviceState = {
      lostReason: null,
      pipelines: new Map(),
      dummy: device.createBuffer({size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM}),
      targets: new Map(),
      pendingTimes: [],
      uniforms: new Map(),
      kept: new KeptPerTensor(),
      readBacks: new WeakSet(),
    };
    device.lost.then(info => {
      created.lostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    states.set(device, created);
    state = created;
  }
  return state;
}

/** An error that names the public op and webgpu (docs/backends.md#errors). */
export function gpuError(kernelName: string, message: string): Error {
  return kernelError(kernelName, 'webgpu', message);
}

/** A uniform struct described once: its WGSL declaration and its packing agree by construction. */
export class Uniforms {
  readonly wgsl: string;

  constructor(private readonly fields: Array<[name: string, type: 'i32' | 'u32' | 'f32']>) {
    this.wgsl =
      `struct Uniforms {\n${fields.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n};\n` +
      '@group(0) @binding(0) var<uniform> U: Uniforms;\n';
  }

  pack(values: {[name: string]: number}): ArrayBuffer {
    const bytes = new ArrayBuffer(Math.ceil(this.fields.length / 4) * 16);
    const i32 = new Int32Array(bytes),
      u32 = new Uint32Array(bytes),
      f32 = new Float32Array(bytes);
    this.fields.forEach(([name, type], i) => {
      const v = values[name];
      if (v === undefined) throw new Error(`uniform ${name} has no value`);
      if (type === 'i32') i32[i] = v;
      else if (type === 'u32') u32[i] = v;
      else f32[i] = v;
    });
    return bytes;
  }
}

/** A binding after the uniforms: its WGSL name and type, and how the shader uses it. */
export type StorageSpec = [name: string, type: string, access?: Access];
/** What a binding takes: a whole buffer, a range of one (`{buffer, offset, size}`), or a texture view. */
export type Resource = GPUBuffer | GPUBufferBinding | GPUTextureView;
type Access = 'read' | 'read_write' | 'texture' | 'uniform';

/** Per kind of binding: its WGSL declaration's qualifier and its bind group layout entry. */
const ACCESS: {[a in Access]: {qualifier: string; entry: Pick<GPUBindGroupLayoutEntry, 'buffer' | 'texture'>}} = {
  read: {qualifier: 'var<storage, read>', entry: {buffer: {type: 'read-only-storage'}}},
  read_write: {qualifier: 'var<storage, read_write>', entry: {buffer: {type: 'storage'}}},
  uniform: {qualifier: 'var<uniform>', entry: {buffer: {type: 'uniform'}}},
  texture: {qualifier: 'var', entry: {texture: {sampleType: 'uint'}}},
};

/**
 * A program's bind group 0: the uniforms at binding 0, then buffers 1..n (storage, or small uniform tables: a
 * stage may bind only 8 storage buffers where the device keeps WebGPU's default limits). Gives the WGSL
 * declarations and the explicit layout from one list (an 'auto' layout would drop bindings a
 * specialisation happens not to use).
 */
export class Bindings {
  readonly wgsl: string;

  constructor(
    readonly uniforms: Uniforms,
    private readonly storage: StorageSpec[],
  ) {
    this.wgsl =
      uniforms.wgsl +
      storage
        .map(
          ([name, type, access = 'read'], i) =>
            `@group(0) @binding(${i + 1}) ${ACCESS[access].qualifier} ${name}: ${type};`,
        )
        .join('\n') +
      '\n';
  }

  layout(device: GPUDevice, visibility: number): GPUBindGroupLayout {
    return device.createBindGroupLayout({
      entries: [
        {binding: 0, visibility, buffer: {type: 'uniform'}},
        ...this.storage.map(([, , access = 'read'], i): GPUBindGroupLayoutEntry => ({
          binding: i + 1,
          visibility,
          ...ACCESS[access].entry,
        })),
      ],
    });
  }
}

export const WORKGROUP_2D = 8;

/**
 * One kernel call's GPU work: input buffers, outputs, scratch buffers and one command encoder,
 * submitted once after tfjs's pending commands. Scratch buffers are destroyed after submit.
 */
export class GpuCall {
  readonly device: GPUDevice;
  readonly encoder: GPUCommandEncoder;
  private readonly state: DeviceState;
  private readonly scratch: GPUBuffer[] = [];
  private readonly scratchTextures: GPUTexture[] = [];
  private readonly outputs: TensorInfo[] = [];
  /** This call's timed passes (PROFILE_FLAG), resolved at submit. */
  private readonly timed: PendingTime[] = [];
  private readonly maxBinding: number;
  private readonly maxBuffer: number;

  constructor(
    readonly backend: WebGPUBackend,
    /** The kernel this call runs (names the public op in errors). */
    readonly kernelName: string,
  ) {
    const device = (backend as {device?: GPUDevice}).device;
    if (!device || typeof device.createCommandEncoder !== 'function') {
      throw gpuError(
        kernelName,
        'the webgpu backend has no GPU device (no WebGPU adapter or device is available here); ' +
          "use another backend, e.g. tf.setBackend('webgl') or 'cpu'",
      );
    }
    this.device = device;
    this.state = deviceState(device);
    if (this.state.lostReason != null) {
      throw gpuError(
        kernelName,
        `the GPU device was lost (${this.state.lostReason}); results would be wrong, so nothing ` +
          "was computed. Re-create the webgpu backend (tf.removeBackend('webgpu'), then register it again) " +
          'and reload the tensors',
      );
    }
    this.maxBinding = device.limits.maxStorageBufferBindingSize;
    this.maxBuffer = device.limits.maxBufferSize;
    // tfjs records uploads of CPU-side tensors into its own encoder: they are flushed in submit().
    this.encoder = device.createCommandEncoder();
  }

  /** Fails unless a buffer of `bytes` can be created and bound as storage on this device. */
  checkSize(what: string, bytes: number) {
    const limit = Math.min(this.maxBinding, this.maxBuffer);
    if (bytes > limit) {
      this.fail(
        `${what} needs a GPU buffer of ${bytes} bytes, more than this device allows ` +
          `(maxStorageBufferBindingSize ${this.maxBinding}, maxBufferSize ${this.maxBuffer}; tfjs already requests ` +
          "the adapter's maxima). Split the batch or lower the resolution; or create the backend from a device with " +
          "higher limits: tf.registerBackend('webgpu', async () => new WebGPUBackend(await adapter.requestDevice(" +
          '{requiredLimits: {maxStorageBufferBindingSize, maxBufferSize}})))',
      );
    }
  }

  /**
   * The GPU buffer of a tensor, uploaded if its values are still on the CPU; null when empty.
   * Index tensors (int32) still on the CPU stay there (the ops read them there: the antialias
   * topology, ranges; moving them would make such reads synchronous GPU readbacks, which are slow
   * and, in some headless browsers, lose the device): a GPU copy of their values is kept beside them
   * while the tensor lives (tensors are immutable), so a fit's constant `tri` is uploaded once.
   * tfjs keeps a cast's input buffer when the cast loses nothing (bool or int32 → float32): such a
   * tensor's buffer holds i32 and is converted here, since our shaders read float32 tensors as f32.
   */
  buffer(t: TensorInfo): GPUBuffer | null {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size === 0) return null;
    this.checkSize('an input tensor', size * 4);
    const asFloat = t.dtype === 'float32';
    const stored = this.backend.tensorMap.get(t.dataId) as unknown as TensorData;
    const storedAsFloat = stored.dtype === 'float32';
    if (stored.resource == null && stored.values != null && (!asFloat || !storedAsFloat)) {
      return this.hostCopy(t.dataId, asFloat, stored.values);
    }
    this.backend.uploadToGPU(t.dataId);
    const data = this.backend.tensorMap.get(t.dataId) as unknown as TensorData;
    if (!(data.resource instanceof GPUBuffer)) {
      this.fail('an input tensor is not held in a GPU buffer (a texture-backed tensor?)');
    }
    return asFloat === storedAsFloat ? data.resource : this.convert(data.resource, size, asFloat);
  }

  /** The kept GPU copy of a CPU-held tensor's values as f32 or i32 (see buffer); for this call only past the budget. */
  private hostCopy(dataId: object, asFloat: boolean, stored: ArrayLike<number>): GPUBuffer {
    const typed = asFloat ? Float32Array : Int32Array;
    // (A copy of a big index tensor costs seconds: pass typed values as they are.)
    const data = () => (stored instanceof typed ? stored : typed.from(stored));
    const {STORAGE} = GPUBufferUsage;
    const kept = this.kept(dataId, String(asFloat), 4 * stored.length, () => [{data: data(), usage: STORAGE}]);
    return kept ? kept[0] : this.dataBuffer(data(), STORAGE);
  }

  /**
   * GPU buffers derived by `build` from the values of `t`, an int32 tensor, kept beside it per `key` (see kept);
   * null when they could take more than the kept budget (`bytes`, an upper bound), or while tfjs holds the
   * values only on the GPU: then they are read back once, without waiting (a synchronous read loses the device
   * on SwiftShader, and Dawn in Node has none), for the calls after.
   */
  meshBuffers(
    t: TensorInfo,
    key: string,
    bytes: number,
    build: (values: ArrayLike<number>) => Array<{data: ArrayBufferView; usage: number}>,
  ): GPUBuffer[] | null {
    const stored = this.backend.tensorMap.get(t.dataId) as unknown as TensorData;
    if (stored.dtype !== 'int32' || bytes > keptBudget()) return null;
    const values = stored.values;
    if (values == null) {
      this.readBack(t.dataId);
      return null;
    }
    return this.kept(t.dataId, key, bytes, () => build(values));
  }

  /**
   * Starts reading a GPU-held tensor's values back, once per tensor: tfjs keeps them beside its buffer (as after
   * `await t.data()`). Recorded after tfjs's pending commands, before this call's.
   */
  private readBack(dataId: object) {
    if (this.state.readBacks.has(dataId)) return;
    this.state.readBacks.add(dataId);
    // Fails only when the tensor is disposed first (nothing to keep) or the device is lost (the next call says so).
    this.backend.read(dataId).catch(() => {});
  }

  /**
   * GPU buffers made by `make` once per tensor and key while the tensor lives (docs/backends.md#kept-data); null
   * when `bound` (an upper bound of their bytes) passes the kept budget. Evicted buffers are destroyed after this
   * call's submit: an earlier binding of this call may still use one.
   */
  private kept(
    dataId: object,
    key: string,
    bound: number,
    make: () => Array<{data: ArrayBufferView; usage: number}>,
  ): GPUBuffer[] | null {
    const owner = {
      alive: (id: object) => this.backend.tensorMap.has(id as never),
      free: (buffers: GPUBuffer[]) => this.scratch.push(...buffers),
    };
    return this.state.kept.get(owner, dataId, key, bound, () => {
      const buffers = make().map(({data, usage}) => this.dataBuffer(data, usage, false));
      return {value: buffers, bytes: buffers.reduce((sum, b) => sum + b.size, 0)};
    });
  }

  /** A scratch copy of `count` elements of `source` converted i32 → f32 (toFloat) or f32 → i32. */
  private convert(source: GPUBuffer, count: number, toFloat: boolean): GPUBuffer {
    const [from, to] = toFloat ? ['i32', 'f32'] : ['f32', 'i32'];
    const result = this.scratchBuffer(count * 4, 'a converted input');
    const pipeline = this.computePipeline(
      `convert/${from}`,
      convertBindings(from, to),
      () => `
${LINEAR_INDEX_WGSL}
@compute @workgroup_size(${WORKGROUP_1D}) fn main(@builtin(global_invocation_id) g: vec3u,
                                                 @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(g, groups);
  if (i < U.count) { dst[i] = ${to}(src[i]); }
}`,
    );
    this.dispatch(pipeline, [this.uniforms(countUniforms, {count}), source, result], groups1d(count));
    return result;
  }

  /** A new float32 tfjs tensor with a GPU buffer (contents undefined until written or cleared). */
  output(shape: number[], what: string, clear = false): {info: TensorInfo; buffer: GPUBuffer | null} {
    const size = shape.reduce((a, b) => a * b, 1);
    this.checkSize(what, size * 4);
    const info = this.backend.makeTensorInfo(shape, 'float32');
    this.outputs.push(info);
    if (size === 0) {
      // tfjs represents an empty tensor by empty CPU values.
      (this.backend.tensorMap.get(info.dataId) as unknown as {values: Float32Array}).values = new Float32Array(0);
      return {info, buffer: null};
    }
    this.backend.uploadToGPU(info.dataId);
    const buffer = (this.backend.tensorMap.get(info.dataId) as unknown as TensorData).resource as GPUBuffer;
    if (clear) this.encoder.clearBuffer(buffer);
    return {info, buffer};
  }

  /** Throws for this op, first releasing what the call made. */
  private fail(message: string): never {
    this.release();
    throw gpuError(this.kernelName, message);
  }

  /** Releases what the call made, its outputs and scratch buffers, after a failure (see runGPU). */
  release() {
    this.outputs.splice(0).forEach(o => this.backend.disposeData(o.dataId, true));
    this.scratch.splice(0).forEach(b => b.destroy());
    this.scratchTextures.splice(0).forEach(t => t.destroy());
  }

  /** A scratch storage buffer, destroyed after submit. */
  scratchBuffer(bytes: number, what: string, usage = 0): GPUBuffer {
    this.checkSize(what, bytes);
    const buffer = this.device.createBuffer({
      size: Math.max(16, Math.ceil(bytes / 4) * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | usage,
    });
    this.scratch.push(buffer);
    return buffer;
  }

  /** A buffer filled with `data` (small tables); a scratch buffer unless `scratch` is false (then the caller keeps it). */
  dataBuffer(data: ArrayBuffer | ArrayBufferView, usage: number, scratch = true): GPUBuffer {
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const buffer = this.device.createBuffer({
      size: Math.max(16, Math.ceil(bytes.length / 16) * 16),
      usage,
      mappedAtCreation: true,
    });
    new Uint8Array(buffer.getMappedRange()).set(bytes);
    buffer.unmap();
    if (scratch) this.scratch.push(buffer);
    return buffer;
  }

  /** A uniform buffer holding `values`, shared with every call that packs the same bytes (kept per device). */
  uniforms(u: Uniforms, values: {[name: string]: number}): GPUBuffer {
    return this.uniformData(u.pack(values));
  }

  /** A uniform buffer holding `packed` (a multiple of 16 bytes), shared like uniforms'. */
  uniformData(packed: ArrayBuffer): GPUBuffer {
    const key = String.fromCharCode(...new Uint16Array(packed));
    const cache = this.state.uniforms;
    let buffer = cache.get(key);
    if (buffer) {
      cache.delete(key); // re-insert: most recently used last
    } else {
      buffer = this.dataBuffer(packed, GPUBufferUsage.UNIFORM, false);
      if (cache.size >= MAX_UNIFORM_BUFFERS) {
        const [oldest, old] = cache.entries().next().value!;
        cache.delete(oldest);
        this.scratch.push(old); // destroyed after this call's submit, which may still bind it
      }
    }
    cache.set(key, buffer);
    return buffer;
  }

  /** A binding for a buffer that may be absent (optional or empty input). */
  bind(buffer: GPUBuffer | null): GPUBuffer {
    return buffer ?? this.state.dummy;
  }

  /** A binding for an output that may be empty (writable bindings must not alias the dummy). */
  bindOutput(buffer: GPUBuffer | null): GPUBuffer {
    return buffer ?? this.scratchBuffer(16, 'an empty output');
  }

  /** A cached pipeline, built on first use per device. */
  pipeline<T extends GPUComputePipeline | GPURenderPipeline>(key: string, make: (device: GPUDevice) => T): T {
    let p = this.state.pipelines.get(key);
    if (!p) {
      p = make(this.device);
      this.state.pipelines.set(key, p);
    }
    return p as T;
  }

  /** A cached compute pipeline; `code` gets the bindings' declarations prepended. */
  computePipeline(key: string, bindings: Bindings, code: () => string): GPUComputePipeline {
    return this.pipeline(key, device =>
      device.createComputePipeline({
        label: key,
        layout: device.createPipelineLayout({bindGroupLayouts: [bindings.layout(device, GPUShaderStage.COMPUTE)]}),
        compute: {module: device.createShaderModule({code: bindings.wgsl + code(), label: key}), entryPoint: 'main'},
      }),
    );
  }

  /** Binds `buffers` (uniforms first) and dispatches; `groups` counts workgroups. */
  dispatch(pipeline: GPUComputePipeline, buffers: Resource[], groups: [number, number, number]) {
    if (groups.some(g => g === 0)) return;
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups.some(g => g > limit)) {
      throw gpuError(
        this.kernelName,
        `needs ${groups.join('x')} workgroups, more than maxComputeWorkgroupsPerDimension ${limit}`,
      );
    }
    this.computePass(pipeline, buffers, pass => pass.dispatchWorkgroups(...groups));
  }

  /**
   * Like dispatch, with the workgroup counts read on the GPU from three u32 of `args` at byte
   * `offset` (written by an earlier pass: work lists whose length only the GPU knows).
   */
  dispatchIndirect(pipeline: GPUComputePipeline, buffers: Resource[], args: GPUBuffer, offset: number) {
    this.computePass(pipeline, buffers, pass => pass.dispatchWorkgroupsIndirect(args, offset));
  }

  private computePass(pipeline: GPUComputePipeline, buffers: Resource[], run: (pass: GPUComputePassEncoder) => void) {
    const timestampWrites = this.timestampWrites(pipeline.label);
    const pass = this.encoder.beginComputePass(timestampWrites ? {timestampWrites} : undefined);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup(pipeline, buffers));
    run(pass);
    pass.end();
  }

  /** A render pass on the call's encoder, timed as `label` under PROFILE_FLAG. */
  beginRenderPass(label: string, descriptor: GPURenderPassDescriptor): GPURenderPassEncoder {
    const timestampWrites = this.timestampWrites(label);
    return this.encoder.beginRenderPass(timestampWrites ? {...descriptor, timestampWrites} : descriptor);
  }

  /**
   * Under PROFILE_FLAG (where the device has timestamp queries): the timestamp writes of a pass
   * labelled `label`, whose time takePassTimes reads after submit; else undefined.
   */
  private timestampWrites(label: string): GPUComputePassTimestampWrites | undefined {
    if (!env().getBool(PROFILE_FLAG) || !this.device.features.has('timestamp-query')) return undefined;
    const querySet = this.device.createQuerySet({type: 'timestamp', count: 2});
    const resolved = this.device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const read = this.device.createBuffer({size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST});
    const time = {label: `${this.kernelName} ${label}`, querySet, resolved, read};
    this.timed.push(time);
    this.state.pendingTimes.push(time);
    return {querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1};
  }

  bindGroup(pipeline: GPUComputePipeline | GPURenderPipeline, resources: Resource[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: resources.map((r, binding) => ({binding, resource: r instanceof GPUBuffer ? {buffer: r} : r})),
    });
  }

  /**
   * A scratch render target of `kind` (targetFormat) of width × height: rasterize's triangle ids (exact coverage
   * only), rast, rastDb and depth. Kept per device, size and kind (DeviceState.targets): making them per call costs
   * as much as a small draw, and at 2048² more than the draw (the pass that first writes fresh memory pays for it:
   * docs/performance.md). Sizes used less recently are destroyed once the kept ones exceed KEPT_TARGET_PIXELS_FLAG's
   * pixels; a call beyond it gets targets destroyed after the call.
   */
  renderTarget(kind: TargetKind, width: number, height: number): Target {
    const make = () => {
      const texture = this.device.createTexture({size: [width, height], ...targetFormat(kind)});
      return {texture, view: texture.createView()};
    };
    const pixels = width * height,
      budget = env().getNumber(KEPT_TARGET_PIXELS_FLAG);
    if (pixels > budget) {
      const made = make();
      this.scratchTextures.push(made.texture);
      return made;
    }
    const targets = this.state.targets,
      key = `${width}x${height}`;
    const set = targets.get(key) ?? {pixels, kinds: {}};
    targets.delete(key);
    targets.set(key, set);
    let kept = 0;
    targets.forEach(t => (kept += t.pixels));
    for (const [k, t] of targets) {
      if (kept <= budget || k === key) break;
      Object.values(t.kinds).forEach(({texture}) => texture.destroy());
      targets.delete(k);
      kept -= t.pixels;
    }
    return (set.kinds[kind] ??= make());
  }

  /**
   * Copies the bottom-left width × height texels of an rgba32float texture into image n of a
   * [N, height, width, 4] float32 buffer: one copy when a row is a multiple of 256 bytes (what
   * copies require of a buffer's row stride), else one per row.
   */
  copyImage(texture: GPUTexture, buffer: GPUBuffer, n: number, width: number, height: number) {
    const rowBytes = 16 * width;
    const offset = n * height * rowBytes;
    if (rowBytes % 256 === 0) {
      this.encoder.copyTextureToBuffer({texture}, {buffer, offset, bytesPerRow: rowBytes}, [width, height]);
      return;
    }
    for (let y = 0; y < height; y++) {
      this.encoder.copyTextureToBuffer({texture, origin: [0, y]}, {buffer, offset: offset + y * rowBytes}, [width, 1]);
    }
  }

  /**
   * Submits: first whatever tfjs has recorded (uploads of our inputs included), then our
   * commands. Scratch buffers are released once submitted.
   */
  submit() {
    const b = this.backend;
    // (Nothing recorded: no empty command buffer to submit.)
    if ((b as unknown as {commandEncoder: GPUCommandEncoder | null}).commandEncoder) {
      b.endComputePassEncoder();
      b.submitQueue();
    }
    for (const {querySet, resolved, read} of this.timed) {
      this.encoder.resolveQuerySet(querySet, 0, 2, resolved, 0);
      this.encoder.copyBufferToBuffer(resolved, 0, read, 0, 16);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.scratch.forEach(s => s.destroy());
    this.scratchTextures.forEach(t => t.destroy());
  }
}

/**
 * Runs one webgpu kernel call, as webgl's runGL does: `body` records its work into a GpuCall, which
 * is then submitted. Whatever throws (a limit, a dispatch, uniform packing, tfjs), the outputs and
 * scratch buffers the call made are released and the error names the op (docs/backends.md#errors).
 */
export function runGPU<T>(backend: unknown, kernelName: string, body: (call: GpuCall) => T): T {
  const call = new GpuCall(asWebGPU(backend), kernelName);
  try {
    const result = body(call);
    call.submit();
    return result;
  } catch (e) {
    call.release();
    throw withKernelPrefix(e, kernelName, 'webgpu');
  }
}

/** A webgpu KernelFunc whose body runs inside runGPU. */
export function gpuKernel(
  kernelName: string,
  body: (call: GpuCall, args: {inputs: NamedTensorInfoMap; attrs: NamedAttrMap}) => TensorInfo | TensorInfo[],
): KernelFunc {
  return ({inputs, backend, attrs}) => runGPU(backend, kernelName, call => body(call, {inputs, attrs: attrs!}));
}

/** Threads per workgroup of element-wise passes. */
export const WORKGROUP_1D = 64;

/**
 * Workgroups covering `count` items with 64-thread workgroups, folded into y past the
 * per-dimension limit; the shader's item index is LINEAR_INDEX_WGSL's.
 */
export function groups1d(count: number): [number, number, number] {
  const total = Math.ceil(count / WORKGROUP_1D);
  const x = Math.min(total, 65535);
  return [x, Math.ceil(total / Math.max(x, 1)), 1];
}

export const LINEAR_INDEX_WGSL = `
fn linearIndex(g: vec3u, groups: vec3u) -> i32 { return i32(g.x + g.y * groups.x * ${WORKGROUP_1D}u); }
`;

/** Workgroup counts covering `[x, y, z]` items with 8×8 workgroups in x, y. */
export function groups2d(x: number, y: number, z: number): [number, number, number] {
  return [Math.ceil(x / WORKGROUP_2D), Math.ceil(y / WORKGROUP_2D), z];
}

const countUniforms = new Uniforms([['count', 'i32']]);
const convertBindings = (from: string, to: string) =>
  new Bindings(countUniforms, [
    ['src', `array<${from}>`],
    ['dst', `array<${to}>`, 'read_write'],
  ]);

/** The sizes of the device's kept render targets (GpuCall.renderTarget), least recently used first, for specs. */
export function keptTargetSizes(backend: unknown): string[] {
  return [...deviceState(asWebGPU(backend).device).targets.keys()];
}

/** The device's kept data (docs/backends.md#kept-data), for specs. */
export function keptData(backend: unknown): KeptPerTensor<GPUBuffer[]> {
  return deviceState(asWebGPU(backend).device).kept;
}

export function asWebGPU(backend: unknown): WebGPUBackend {
  return backend as unknown as WebGPUBackend;
}
