/**
 * How our webgl kernels use tfjs's own WebGL2 context: a session per kernel call.
 *
 * tfjs sets its GL state once (blend off, depth off, scissor on, cull face on, its framebuffer,
 * program and VAO per draw, …) and assumes it afterwards. Every kernel runs inside a GlSession
 * that changes state only through its methods, which remember the first value they overwrite;
 * `restore()` puts all of it back. All tfjs interaction (reading inputs, allocating outputs)
 * happens before the first draw, so tfjs never runs a program under our state.
 */
import type {MathBackendWebGL} from '@tensorflow/tfjs-backend-webgl';
import {env, TensorInfo, util} from '@tensorflow/tfjs-core';

import {kernelError, withKernelPrefix} from '../errors';

import {
  BOX_BATCH,
  DiffrastGL,
  diffrastGL,
  FORCE_NO_FLOAT_BLEND_FLAG,
  glOf,
  KeptGL,
  SCRATCH_BYTES,
  PROFILE_FLAG,
} from './gl_context';
import {GlProgram, UniformValues} from './gl_program';

/** Float32 channels of a scratch texture's texels (GlSession.scratchTexture). */
export type TexelComponents = 1 | 2 | 3 | 4;

/** A tensor's texture: one float per texel, row-major over the texture (tfjs's unpacked layout). */
export interface GlTensor {
  info: TensorInfo;
  texture: WebGLTexture | null;
  /** [rows, columns] of the texture. */
  texShape: [number, number];
  size: number;
}

export interface Draw {
  program: GlProgram;
  /** Colour attachments, in fragment output location order. */
  targets: WebGLTexture[];
  /** A depth attachment: enables the depth test (LESS, writes on). */
  depth?: WebGLRenderbuffer;
  viewport: [number, number, number, number];
  uniforms?: UniformValues;
  /** Every active sampler of the program must be given (null reads zeros). */
  textures?: {[sampler: string]: WebGLTexture | null};
  /** Face culling by the pipeline: the face (gl.FRONT or gl.BACK) not drawn, counter-clockwise in NDC the front. */
  cull?: number;
  /** Additive blending (ONE, ONE). */
  blend?: boolean;
  /** Clear the whole targets first: colour to 0, depth to 1. */
  clear?: boolean;
  mode: number;
  count: number;
  first?: number;
  /** Draw `count` indices of the context's box index list from index `first` (see BOX_BATCH). */
  boxIndexed?: boolean;
  /** Draw `count` indices of this VAO's element buffer (see meshArrays) from index `first`. */
  elements?: WebGLVertexArrayObject;
}

/** An index list and integer vertex attributes (see GlSession.meshArrays). */
export interface MeshArrays {
  indices: Uint32Array;
  attributes: Array<{data: Int32Array; size: number}>;
}

/** Integers a float32 holds exactly. */
const EXACT_INDEX_LIMIT = 1 << 24;

const TOGGLED_CAPS = [
  'BLEND',
  'DEPTH_TEST',
  'SCISSOR_TEST',
  'CULL_FACE',
  'STENCIL_TEST',
  'POLYGON_OFFSET_FILL',
  'RASTERIZER_DISCARD',
  'SAMPLE_ALPHA_TO_COVERAGE',
  'SAMPLE_COVERAGE',
  'DITHER',
] as const;

export class GlSession {
  readonly gl: WebGL2RenderingContext;
  private readonly restores: Array<() => void> = [];
  private readonly saved = new Set<string>();
  private readonly intermediates: TensorInfo[] = [];
  private readonly outputs: TensorInfo[] = [];
  /** Unpacked inputs to copy into their kept textures when the kernel's draws are done (see unpacked). */
  private readonly pendingCopies: Array<{made: GlTensor; to: WebGLTexture}> = [];
  private drawing = false;
  private attached = 0;
  private depthAttached = false;
  private readonly id: number;

  constructor(
    readonly ctx: DiffrastGL,
    readonly backend: MathBackendWebGL,
    readonly kernel: string,
  ) {
    this.gl = ctx.gl;
    this.id = ++ctx.sessions;
    // Reading inputs and allocating outputs runs tfjs's own upload and unpack programs, which
    // set the framebuffer, viewport, program, VAO and texture bindings (and creating a texture
    // binds null to the active unit). Save those now, so the caller gets its state back whole.
    // (Our draws set all of these for themselves.)
    const gl = this.gl;
    this.save('drawFramebuffer', gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING), f =>
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, f),
    );
    this.save('readFramebuffer', gl.getParameter(gl.READ_FRAMEBUFFER_BINDING), f =>
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, f),
    );
    this.save('viewport', gl.getParameter(gl.VIEWPORT), v => gl.viewport(v[0], v[1], v[2], v[3]));
    this.save('program', gl.getParameter(gl.CURRENT_PROGRAM), p => gl.useProgram(p));
    this.save('vao', gl.getParameter(gl.VERTEX_ARRAY_BINDING), v => gl.bindVertexArray(v));
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) - gl.TEXTURE0;
    this.save('activeTexture', gl.TEXTURE0 + active, u => gl.activeTexture(u));
    for (const unit of new Set([0, active])) this.saveTextureUnit(unit);
    gl.activeTexture(gl.TEXTURE0 + active);
  }

  private saveTextureUnit(unit: number) {
    const gl = this.gl;
    if (this.saved.has(`texture:${unit}`)) return;
    gl.activeTexture(gl.TEXTURE0 + unit);
    this.save(`texture:${unit}`, gl.getParameter(gl.TEXTURE_BINDING_2D), t => {
      gl.activeTexture(gl.TEXTURE0 + unit);
      gl.bindTexture(gl.TEXTURE_2D, t);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Tensors (before the first draw)

  /** Throws an error that names the public op and webgl (docs/backends.md#errors). */
  fail(message: string): never {
    throw kernelError(this.kernel, 'webgl', message);
  }

  private beforeDrawing(what: string) {
    if (this.drawing) this.fail(`internal error: ${what} after the first draw`);
  }

  /**
   * An input's texture in tfjs's unpacked layout. Packed tensors, shallow slices and values still
   * on the CPU (tfjs keeps small tensors there and passes them as uniforms) become a texture first.
   * `shared`: whether other kernels are likely to read the tensor too, so that a packed one's unpacked values are
   * kept for them (see unpacked); not for a gradient's dy, which its kernel alone reads: keeping it would cost a
   * texture and a copy of it per call.
   */
  input(info: TensorInfo, shared = true): GlTensor {
    this.beforeDrawing('input');
    const size = util.sizeFromShape(info.shape);
    if (size === 0) return {info, texture: null, texShape: [1, 1], size};
    const backend = this.backend;
    let use = info;
    const data = backend.texData.get(info.dataId);
    if (data.isPacked && data.slice == null) {
      const kept = shared ? this.unpacked(info, size) : null;
      if (kept) return kept;
      // tfjs's unpack program alone: the copy program below, given a packed input, has tfjs unpack it first and
      // then copies the result (two full passes, of every packed 512² image of a fit iteration, for one).
      use = backend.unpackTensor(info);
      this.intermediates.push(use);
    } else if (data.slice != null) {
      use = backend.runWebGLProgram(
        {variableNames: ['A'], outputShape: info.shape, userCode: 'void main() { setOutput(getAAtOutCoords()); }'},
        [info],
        info.dtype,
      );
      this.intermediates.push(use);
    } else if (data.texture == null) {
      backend.uploadToGPU(info.dataId);
    }
    const d = backend.texData.get(use.dataId);
    return {info: use, texture: d.texture!.texture, texShape: d.texShape!, size};
  }

  /**
   * A packed input's values in tfjs's unpacked layout, kept per tensor (see kept; DiffrastGL.unpacked) while it lives: a fit's texture,
   * which Adam leaves packed, is read by the mip pyramid, the lookup and its gradient, its clip-space positions by
   * rasterize, antialias and their gradients, and each of those reads would otherwise run tfjs's unpack program
   * (a fragment per element) again. Made by that program and a GPU memory copy of its result into our own
   * texture (once the kernel's draws are done: copyKept), since a tfjs tensor kept across kernels would count as
   * their leak; the kernel that made it reads that result. Null when the kept budget has no room.
   */
  private unpacked(info: TensorInfo, size: number): GlTensor | null {
    let made: GlTensor | null = null;
    const kept = this.ctx.unpacked.get(this.keptObjects(), info.dataId, 'unpacked', 4 * size, () => {
      const use = this.backend.unpackTensor(info);
      this.intermediates.push(use);
      const d = this.backend.texData.get(use.dataId);
      const texShape = d.texShape! as [number, number];
      made = {info: use, texture: d.texture!.texture, texShape, size};
      const texture = this.newTexture(this.gl.R32F, texShape[1], texShape[0]);
      this.pendingCopies.push({made, to: texture});
      return {value: {vao: null, buffers: [], textures: [texture], texShape}, bytes: 4 * texShape[0] * texShape[1]};
    });
    if (!kept) return null;
    // (Made by this kernel, for this or an earlier input of the same tensor: not yet copied.)
    made ??= this.pendingCopies.find(c => c.to === kept.textures[0])?.made ?? null;
    return made ?? {info, texture: kept.textures[0], texShape: kept.texShape!, size};
  }

  /**
   * An index tensor's texture (tri, topology). tfjs keeps int32 tensors as float32 texels, exact
   * up to 2^24: refuse meshes whose vertex indices could exceed that.
   */
  indices(info: TensorInfo, numVertices: number): GlTensor {
    if (numVertices > EXACT_INDEX_LIMIT) {
      this.fail(
        `${numVertices} vertices, but webgl stores vertex indices as float32 ` +
          `texels, exact up to ${EXACT_INDEX_LIMIT}; split the mesh or use the cpu backend`,
      );
    }
    return this.input(info);
  }

  /**
   * A VAO whose element buffer holds an index list (UNSIGNED_INT) and whose integer vertex attributes 0, 1, …
   * hold per-vertex data (`size` ints per vertex each), both derived from the values of `owner` by `build`; kept
   * per tensor and `key` (see kept). Null when they could take more than the kept budget (`bound`, an upper bound
   * of their bytes).
   */
  meshArrays(
    owner: TensorInfo,
    key: string,
    bound: number,
    build: (values: ArrayLike<number>) => MeshArrays,
  ): WebGLVertexArrayObject | null {
    this.beforeDrawing('meshArrays');
    const gl = this.gl;
    const kept = this.kept(owner, key, bound, values => {
      const {indices, attributes} = build(values);
      const vao = gl.createVertexArray()!;
      this.save('arrayBuffer', gl.getParameter(gl.ARRAY_BUFFER_BINDING), b => gl.bindBuffer(gl.ARRAY_BUFFER, b));
      gl.bindVertexArray(vao); // the session restores tfjs's VAO
      const buffers = [indices, ...attributes.map(a => a.data)].map((data, i) => {
        const buffer = gl.createBuffer()!;
        const target = i === 0 ? gl.ELEMENT_ARRAY_BUFFER : gl.ARRAY_BUFFER;
        gl.bindBuffer(target, buffer);
        gl.bufferData(target, data, gl.STATIC_DRAW);
        if (i > 0) {
          gl.enableVertexAttribArray(i - 1);
          gl.vertexAttribIPointer(i - 1, attributes[i - 1].size, gl.INT, 0, 0);
        }
        return buffer;
      });
      gl.bindVertexArray(null);
      const bytes = indices.byteLength + attributes.reduce((sum, a) => sum + a.data.byteLength, 0);
      return {value: {vao, buffers, textures: []}, bytes};
    });
    return kept && kept.vao;
  }

  /**
   * Float textures (one float per texel, row-major: read with FETCH's `fetch`) of the arrays `build` derives from
   * the values of `owner`; kept per tensor and `key` (see kept). Null when they could take more than the kept
   * budget (`bound`, an upper bound of their bytes).
   */
  keptTextures(
    owner: TensorInfo,
    key: string,
    bound: number,
    build: (values: ArrayLike<number>) => Float32Array[],
  ): WebGLTexture[] | null {
    this.beforeDrawing('keptTextures');
    const kept = this.kept(owner, key, bound, values => {
      const arrays = build(values);
      const textures = arrays.map(a => this.floatTexture(a));
      return {value: {vao: null, buffers: [], textures}, bytes: arrays.reduce((sum, a) => sum + a.byteLength, 0)};
    });
    return kept && kept.textures;
  }

  /**
   * GL objects derived from the values of `owner` by `make`, kept by the context per tensor and `key` while the
   * tensor lives (docs/backends.md#kept-data): a fit's constant mesh is read and uploaded once. The values are
   * taken where tfjs still holds them on the CPU, else read back once (a synchronous round trip).
   */
  private kept(
    owner: TensorInfo,
    key: string,
    bound: number,
    make: (values: ArrayLike<number>) => {value: KeptGL; bytes: number},
  ): KeptGL | null {
    const backend = this.backend;
    return this.ctx.kept.get(this.keptObjects(), owner.dataId, key, bound, () =>
      make((backend.texData.get(owner.dataId).values ?? backend.readSync(owner.dataId)) as ArrayLike<number>),
    );
  }

  /** What the kept store asks of our GL objects: whether their tensor lives, and how to free them. */
  private keptObjects() {
    const gl = this.gl,
      backend = this.backend;
    return {
      alive: (dataId: object) => backend.texData.has(dataId as never),
      free: ({vao, buffers, textures}: KeptGL) => {
        if (vao) gl.deleteVertexArray(vao);
        buffers.forEach(b => gl.deleteBuffer(b));
        textures.forEach(t => gl.deleteTexture(t));
      },
    };
  }

  /**
   * An R32F texture of `values` (as wide as the context allows, zero past the end). Leaves the GL state as it
   * found it at once, since tfjs may still upload inputs after.
   */
  private floatTexture(values: Float32Array): WebGLTexture {
    const gl = this.gl;
    const width = Math.max(1, Math.min(values.length, this.ctx.maxTextureSize));
    const height = Math.max(1, Math.ceil(values.length / width));
    const texels = new Float32Array(width * height);
    texels.set(values);
    const texture = this.newTexture(gl.R32F, width, height);
    const was = {
      texture: gl.getParameter(gl.TEXTURE_BINDING_2D),
      unpack: gl.getParameter(gl.PIXEL_UNPACK_BUFFER_BINDING),
    };
    gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    const pixelStore = this.ctx.baseline.pixelStore;
    for (const [pname, , want] of pixelStore) gl.pixelStorei(pname, want as number);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RED, gl.FLOAT, texels);
    for (const [pname, have] of pixelStore) gl.pixelStorei(pname, have as number);
    gl.bindTexture(gl.TEXTURE_2D, was.texture);
    gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, was.unpack);
    return texture;
  }

  /** A texture of ours (defineTexture), the GL state left as it was (tfjs may still run programs after). */
  private newTexture(format: number, width: number, height: number): WebGLTexture {
    const gl = this.gl;
    const texture = gl.createTexture()!;
    const was = gl.getParameter(gl.TEXTURE_BINDING_2D);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    defineTexture(gl, format, width, height);
    gl.bindTexture(gl.TEXTURE_2D, was);
    return texture;
  }

  /** A new float32 output tensor (unpacked, on the GPU); disposed again if the kernel fails. */
  output(shape: number[]): GlTensor {
    this.beforeDrawing('output');
    const size = util.sizeFromShape(shape);
    const backend = this.backend;
    if (size === 0) {
      const info = backend.makeTensorInfo(shape, 'float32', new Float32Array(0));
      this.outputs.push(info);
      return {info, texture: null, texShape: [1, 1], size};
    }
    this.checkFits(shape, size);
    const info = backend.makeTensorInfo(shape, 'float32');
    this.outputs.push(info);
    backend.uploadToGPU(info.dataId);
    const d = backend.texData.get(info.dataId);
    return {info, texture: d.texture!.texture, texShape: d.texShape!, size};
  }

  /**
   * Allocates outputs or intermediates (`allocate`) after draws, for a size the draws decide. Allocating
   * creates or reuses a tfjs texture and nothing else: the only state it touches is the active unit's
   * texture binding, which the session saved when its draws bound that unit.
   */
  afterDrawing<T>(allocate: () => T): T {
    const drawing = this.drawing;
    this.drawing = false;
    try {
      return allocate();
    } finally {
      this.drawing = drawing;
    }
  }

  /** A float32 tensor for intermediate results (on the GPU), disposed when the kernel ends. */
  intermediate(shape: number[]): GlTensor {
    const t = this.output(shape);
    this.outputs.pop();
    this.intermediates.push(t.info);
    return t;
  }

  /** tfjs keeps a tensor in one texture: at most maxTextureSize² elements. */
  private checkFits(shape: number[], size: number) {
    const max = this.ctx.maxTextureSize;
    if (size > max * max) {
      this.fail(
        `an output of shape [${shape.join(',')}] has ${size} elements, more than ` +
          `the ${max}x${max} = ${max * max} one WebGL texture holds here; use a smaller resolution or batch`,
      );
    }
  }

  /**
   * A scratch target of exactly width × height, kept by the context for reuse: a float32 texture of `components`
   * channels (R32F, RG32F, RGB32F or RGBA32F; RGB32F is not a render target), or a 32-bit float depth buffer. Its
   * contents are whatever the last user left.
   */
  private scratch(
    name: string,
    width: number,
    height: number,
    depth: boolean,
    components: TexelComponents = 4,
  ): WebGLTexture | WebGLRenderbuffer {
    const gl = this.gl,
      ctx = this.ctx;
    const key = `${name}:${width}x${height}${components === 4 ? '' : `:${components}`}`;
    const have = ctx.scratch.get(key);
    if (have) {
      ctx.scratch.delete(key); // re-insert: most recently used last
      ctx.scratch.set(key, {...have, session: this.id});
      return have.object;
    }
    const bytes = (depth ? 4 : 4 * components) * width * height; // DEPTH_COMPONENT32F or float32 channels
    for (const [k, old] of ctx.scratch) {
      if (ctx.scratchBytes + bytes <= SCRATCH_BYTES) break;
      if (old.session === this.id) continue;
      if (old.depth) gl.deleteRenderbuffer(old.object);
      else gl.deleteTexture(old.object);
      ctx.scratch.delete(k);
      ctx.scratchBytes -= old.bytes;
    }
    let object: WebGLTexture | WebGLRenderbuffer;
    if (depth) {
      object = gl.createRenderbuffer()!;
      this.save('renderbuffer', gl.getParameter(gl.RENDERBUFFER_BINDING), b => gl.bindRenderbuffer(gl.RENDERBUFFER, b));
      gl.bindRenderbuffer(gl.RENDERBUFFER, object);
      gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT32F, width, height);
    } else {
      object = gl.createTexture()!;
      this.bindTexture(0, object);
      defineTexture(gl, [gl.R32F, gl.RG32F, gl.RGB32F, gl.RGBA32F][components - 1], width, height);
      this.bindTexture(0, null);
    }
    ctx.scratch.set(key, {object, depth, session: this.id, bytes});
    ctx.scratchBytes += bytes;
    return object;
  }

  scratchTexture(name: string, width: number, height: number, components: TexelComponents = 4): WebGLTexture {
    return this.scratch(name, width, height, false, components);
  }

  scratchDepth(name: string, width: number, height: number): WebGLRenderbuffer {
    return this.scratch(name, width, height, true);
  }

  // ---------------------------------------------------------------------------------------------
  // State

  private save<T>(key: string, value: T, restore: (value: T) => void) {
    if (this.saved.has(key)) return;
    this.saved.add(key);
    this.restores.push(() => restore(value));
  }

  private setCap(name: (typeof TOGGLED_CAPS)[number], on: boolean) {
    const gl = this.gl;
    const cap = gl[name];
    this.save(`cap:${name}`, gl.isEnabled(cap), was => (was ? gl.enable(cap) : gl.disable(cap)));
    if (on) gl.enable(cap);
    else gl.disable(cap);
  }

  private bindTexture(unit: number, texture: WebGLTexture | null) {
    const gl = this.gl;
    this.drawing = true;
    this.saveTextureUnit(unit);
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, texture);
  }

  /** Attaches colour targets (and a depth buffer) to our framebuffer and binds it. */
  private attach(targets: WebGLTexture[], depth: WebGLRenderbuffer | undefined) {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.ctx.framebuffer);
    const count = Math.max(targets.length, this.attached);
    for (let i = 0; i < count; i++) {
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, targets[i] ?? null, 0);
    }
    this.attached = targets.length;
    if (depth || this.depthAttached) {
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, depth ?? null);
      this.depthAttached = depth != null;
    }
    gl.drawBuffers(targets.map((_, i) => gl.COLOR_ATTACHMENT0 + i));
    // Our attachments are always float32 colour (R32F from tfjs, or RGBA32F) and DEPTH_COMPONENT32F:
    // check each configuration once (the check is a synchronous round trip).
    const config = `${this.kernel}:${targets.length}:${depth != null}`;
    if (!this.ctx.completeConfigs.has(config)) {
      const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
      if (status !== gl.FRAMEBUFFER_COMPLETE && !gl.isContextLost()) {
        this.fail(
          `render target incomplete (status 0x${status.toString(16)}); ` +
            'float32 colour targets need EXT_color_buffer_float',
        );
      }
      this.ctx.completeConfigs.add(config);
    }
  }

  private setColorMask() {
    const gl = this.gl,
      {colorMask} = this.ctx.baseline;
    this.save('colorMask', colorMask, m => gl.colorMask(m[0], m[1], m[2], m[3]));
    gl.colorMask(true, true, true, true);
  }

  // ---------------------------------------------------------------------------------------------
  // Copies through a pixel buffer (GPU memory copies, no shader)

  /** Makes `texture` the read buffer (attachment 0 of our framebuffer). */
  readFrom(texture: WebGLTexture) {
    this.drawing = true;
    this.attach([texture], undefined);
    this.gl.readBuffer(this.gl.COLOR_ATTACHMENT0);
  }

  /**
   * Texels i .. i + count − 1 (row-major, all in one row) of one of our RGBA32F textures, read back: a synchronous
   * GPU round trip.
   */
  readTexels(grid: {texture: WebGLTexture; width: number}, i: number, count: number): Float32Array {
    const gl = this.gl;
    this.readFrom(grid.texture);
    const target = gl.PIXEL_PACK_BUFFER;
    this.save(`buffer:${target}`, gl.getParameter(gl.PIXEL_PACK_BUFFER_BINDING), b => gl.bindBuffer(target, b));
    gl.bindBuffer(target, null);
    const texels = new Float32Array(4 * count);
    gl.readPixels(i % grid.width, Math.floor(i / grid.width), count, 1, gl.RGBA, gl.FLOAT, texels);
    return texels;
  }

  /** Our pixel buffer, at least `bytes` long, bound to `target` (PIXEL_PACK or PIXEL_UNPACK). */
  bindPixelBuffer(target: number, bytes: number): WebGLBuffer {
    const gl = this.gl,
      ctx = this.ctx;
    this.drawing = true;
    const bindingOf = target === gl.PIXEL_PACK_BUFFER ? gl.PIXEL_PACK_BUFFER_BINDING : gl.PIXEL_UNPACK_BUFFER_BINDING;
    this.save(`buffer:${target}`, gl.getParameter(bindingOf), b => gl.bindBuffer(target, b));
    if (!ctx.pixelBuffer || ctx.pixelBuffer.bytes < bytes) {
      if (ctx.pixelBuffer) gl.deleteBuffer(ctx.pixelBuffer.buffer);
      ctx.pixelBuffer = {buffer: gl.createBuffer()!, bytes};
      gl.bindBuffer(target, ctx.pixelBuffer.buffer);
      gl.bufferData(target, bytes, gl.STREAM_COPY);
    }
    gl.bindBuffer(target, ctx.pixelBuffer.buffer);
    for (const [pname, have, want] of ctx.baseline.pixelStore) {
      this.save(`pixelStore:${pname}`, have, v => gl.pixelStorei(pname, v as number));
      gl.pixelStorei(pname, want as number);
    }
    return ctx.pixelBuffer.buffer;
  }

  unbindPixelBuffer(target: number) {
    this.gl.bindBuffer(target, null);
  }

  /** Binds `texture` to TEXTURE_2D for an update (texSubImage2D). */
  bindForUpdate(texture: WebGLTexture) {
    this.bindTexture(0, texture);
  }

  /**
   * Copies an R32F texture into another of the same texture shape (copyTexSubImage2D from the source attached for
   * reading: a GPU memory copy, where a copy pass runs a fragment per element).
   */
  copyTexture(source: WebGLTexture, output: {texture: WebGLTexture | null; texShape: [number, number]}) {
    this.timed('copy tensor', () => {
      this.readFrom(source);
      this.bindForUpdate(output.texture!);
      this.gl.copyTexSubImage2D(this.gl.TEXTURE_2D, 0, 0, 0, 0, 0, output.texShape[1], output.texShape[0]);
    });
  }

  /** The copies into kept unpacked inputs (see unpacked), once the kernel's draws are done. */
  copyKept() {
    for (const {made, to} of this.pendingCopies)
      this.copyTexture(made.texture!, {texture: to, texShape: made.texShape});
    this.pendingCopies.length = 0;
  }

  /** Runs one draw call with everything it needs set, and nothing else assumed. */
  draw(d: Draw) {
    const gl = this.gl;
    this.drawing = true;
    this.attach(d.targets, d.depth);
    gl.viewport(...d.viewport);
    for (const cap of TOGGLED_CAPS) {
      if (cap !== 'BLEND' && cap !== 'DEPTH_TEST' && cap !== 'CULL_FACE') this.setCap(cap, false);
    }
    this.setCap('BLEND', !!d.blend);
    this.setCap('DEPTH_TEST', !!d.depth);
    this.setCap('CULL_FACE', d.cull != null);
    this.setColorMask();
    const baseline = this.ctx.baseline;
    if (d.cull != null) {
      this.save('cull', baseline.cull, v => {
        gl.cullFace(v[0]);
        gl.frontFace(v[1]);
      });
      gl.cullFace(d.cull);
      gl.frontFace(gl.CCW);
    }
    if (d.blend) {
      this.save('blend', baseline.blend, b => {
        gl.blendFuncSeparate(b[0], b[1], b[2], b[3]);
        gl.blendEquationSeparate(b[4], b[5]);
      });
      gl.blendFunc(gl.ONE, gl.ONE);
      gl.blendEquation(gl.FUNC_ADD);
    }
    if (d.depth) {
      this.save('depth', [baseline.depthFunc, baseline.depthMask] as const, v => {
        gl.depthFunc(v[0]);
        gl.depthMask(v[1]);
      });
      gl.depthFunc(gl.LESS);
      gl.depthMask(true);
    }
    if (d.clear) {
      // clearBuffer* leave the clear colour and depth state alone.
      d.targets.forEach((_, i) => gl.clearBufferfv(gl.COLOR, i, [0, 0, 0, 0]));
      if (d.depth) gl.clearBufferfv(gl.DEPTH, 0, [1]);
    }
    gl.useProgram(d.program.program);
    gl.bindVertexArray(d.elements ?? this.ctx.vao);
    d.program.samplers.forEach((name, unit) => {
      const textures = d.textures ?? {};
      if (!(name in textures)) this.fail(`program ${d.program.label}: no texture given for sampler ${name}`);
      this.bindTexture(unit, textures[name]);
      d.program.setSampler(name, unit);
    });
    d.program.setUniforms(d.uniforms ?? {});
    if (d.boxIndexed) this.bindBoxIndices();
    if (d.count <= 0) return;
    this.timed(d.program.label, () => {
      if (d.boxIndexed || d.elements) gl.drawElements(d.mode, d.count, gl.UNSIGNED_INT, 4 * (d.first ?? 0));
      else gl.drawArrays(d.mode, d.first ?? 0, d.count);
    });
  }

  /** Runs GPU work under a timer query labelled `${kernel} ${label}` when DIFFRAST_WEBGL_PROFILE is on. */
  timed(label: string, work: () => void) {
    const gl = this.gl;
    const timer = env().getBool(PROFILE_FLAG) ? gl.getExtension('EXT_disjoint_timer_query_webgl2') : null;
    const query = timer ? gl.createQuery() : null;
    if (query) gl.beginQuery(timer.TIME_ELAPSED_EXT, query);
    work();
    if (query) {
      gl.endQuery(timer.TIME_ELAPSED_EXT);
      this.ctx.pendingTimes.push({label: `${this.kernel} ${label}`, query});
    }
  }

  /** Our VAO's element buffer: the box index list (made on first use; VAO state, not global). */
  private bindBoxIndices() {
    const gl = this.gl,
      ctx = this.ctx;
    if (ctx.boxIndices) return;
    const indices = new Uint32Array(6 * BOX_BATCH);
    for (let b = 0; b < BOX_BATCH; b++)
      indices.set([4 * b, 4 * b + 1, 4 * b + 2, 4 * b + 2, 4 * b + 1, 4 * b + 3], 6 * b);
    ctx.boxIndices = gl.createBuffer()!;
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, ctx.boxIndices);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.STATIC_DRAW);
  }

  /** Zeros the given textures (whole). */
  clear(targets: WebGLTexture[]) {
    const gl = this.gl;
    this.drawing = true;
    this.attach(targets, undefined);
    this.setCap('SCISSOR_TEST', false);
    this.setCap('RASTERIZER_DISCARD', false);
    this.setColorMask();
    targets.forEach((_, i) => gl.clearBufferfv(gl.COLOR, i, [0, 0, 0, 0]));
  }

  /** Puts back every piece of state this session changed, in reverse order. */
  restore() {
    const gl = this.gl;
    if (this.attached > 0 || this.depthAttached) {
      // Let go of tfjs's textures: our framebuffer must not keep them alive.
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.ctx.framebuffer);
      for (let i = 0; i < this.attached; i++)
        gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, null, 0);
      if (this.depthAttached) gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, null);
      this.attached = 0;
      this.depthAttached = false;
    }
    for (let i = this.restores.length - 1; i >= 0; i--) this.restores[i]();
    this.restores.length = 0;
    this.saved.clear();
  }

  disposeIntermediates() {
    this.intermediates.forEach(t => this.backend.disposeIntermediateTensorInfo(t));
    this.intermediates.length = 0;
  }

  disposeOutputs() {
    this.outputs.forEach(t => this.backend.disposeIntermediateTensorInfo(t));
    this.outputs.length = 0;
  }
}

function lostError(kernel: string): Error {
  return kernelError(
    kernel,
    'webgl',
    `the WebGL context was lost; results would be wrong. ` +
      'Re-create the backend (tf.removeBackend / tf.setBackend) after the context is restored',
  );
}

/**
 * Runs a kernel body in a GlSession on the backend's context, restoring the GL state and
 * releasing intermediates whatever happens. Fails clearly on a lost context, on WebGL 1 and on
 * contexts that cannot render float32.
 */
export function runGL<T>(backendIn: unknown, kernel: string, body: (s: GlSession) => T): T {
  const backend = backendIn as MathBackendWebGL;
  const gl = glOf(backend);
  if (typeof WebGL2RenderingContext === 'undefined' || !(gl instanceof WebGL2RenderingContext)) {
    throw kernelError(kernel, 'webgl', `needs WebGL 2 (tf.env().set('WEBGL_VERSION', 2))`);
  }
  if (gl.isContextLost()) throw lostError(kernel);
  if (!env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) {
    throw kernelError(
      kernel,
      'webgl',
      `needs float32 render targets (EXT_color_buffer_float), which this context ` +
        'lacks (or WEBGL_FORCE_F16_TEXTURES is set); half floats cannot hold triangle ids exactly',
    );
  }
  // Under tfjs's DEBUG or IS_TEST (every spec), a GL error in the kernel's calls fails it: WebGL otherwise skips the
  // call (e.g. a texture wider than allowed) and the kernel returns zeros. Off elsewhere: getError waits for the GPU
  // process. Errors pending from before are not this kernel's.
  const checkErrors = env().getBool('DEBUG') || env().getBool('IS_TEST');
  if (checkErrors) while (gl.getError() !== gl.NO_ERROR && !gl.isContextLost());
  const session = new GlSession(diffrastGL(backend), backend, kernel);
  let result: T;
  try {
    result = body(session);
    session.copyKept();
  } catch (e) {
    // (A kept unpacked input must hold its values before the intermediate goes.)
    session.copyKept();
    session.restore();
    session.disposeIntermediates();
    session.disposeOutputs();
    throw withKernelPrefix(e, kernel, 'webgl');
  }
  session.restore();
  session.disposeIntermediates();
  if (gl.isContextLost()) {
    session.disposeOutputs();
    throw lostError(kernel);
  }
  const error = checkErrors ? gl.getError() : gl.NO_ERROR;
  if (error !== gl.NO_ERROR) {
    session.disposeOutputs();
    throw kernelError(
      kernel,
      'webgl',
      `WebGL error 0x${error.toString(16)} in its GL calls (checked under DEBUG or IS_TEST)`,
    );
  }
  return result;
}

/** Throws unless additive float blending is available (every scatter-add needs it). */
export function requireFloatBlend(s: GlSession) {
  if (!s.ctx.floatBlend) {
    s.fail(
      `needs the WebGL extension EXT_float_blend (additive blending into float32 ` +
        'targets) to accumulate gradients, and this context does not offer it' +
        (env().getBool(FORCE_NO_FLOAT_BLEND_FLAG) ? ` (disabled by the flag ${FORCE_NO_FLOAT_BLEND_FLAG})` : '') +
        '; compute gradients on the cpu or webgpu backend',
    );
  }
}

/** Our textures' definition, for the one bound to TEXTURE_2D: read texel by texel (nearest, clamped), one level. */
function defineTexture(gl: WebGL2RenderingContext, format: number, width: number, height: number) {
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texStorage2D(gl.TEXTURE_2D, 1, format, width, height);
}
