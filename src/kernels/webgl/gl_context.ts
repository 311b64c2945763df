/**
 * Our state for one of tfjs's WebGL2 contexts: its capabilities, our compiled programs, our
 * framebuffer, VAO and scratch targets, and the environment flags of the webgl kernels.
 */
import type {MathBackendWebGL} from '@tensorflow/tfjs-backend-webgl';
import {env} from '@tensorflow/tfjs-core';

import {KeptPerTensor} from '../shared/kept_per_tensor';

import {GlProgram} from './gl_program';

/** Environment flag: behave as if EXT_float_blend were missing (tests the error path). */
export const FORCE_NO_FLOAT_BLEND_FLAG = 'DIFFRAST_WEBGL_FORCE_NO_FLOAT_BLEND';
env().registerFlag(FORCE_NO_FLOAT_BLEND_FLAG, () => false);

/**
 * Environment flag: time every draw of our kernels on the GPU (EXT_disjoint_timer_query_webgl2),
 * for benchmarks; read the times with `takePassTimes`.
 */
export const PROFILE_FLAG = 'DIFFRAST_WEBGL_PROFILE';
env().registerFlag(PROFILE_FLAG, () => false);

interface PendingTime {
  label: string;
  query: WebGLQuery;
}

/** Per-context state: capabilities, compiled programs, our framebuffer and scratch targets. */
export class DiffrastGL {
  readonly maxTextureSize: number;
  readonly maxRenderSize: number;
  /** Fragment outputs a draw may have (WebGL 2 promises 4; SwiftShader offers 6). */
  readonly maxDrawBuffers: number;
  /** The largest point size a draw may ask for. */
  readonly maxPointSize: number;
  private readonly floatBlendExtension: boolean;
  readonly vao: WebGLVertexArrayObject;
  readonly framebuffer: WebGLFramebuffer;
  private readonly programs = new Map<string, GlProgram>();
  /** Scratch targets by purpose and size, oldest first; see GlSession.scratch. */
  readonly scratch = new Map<string, Scratch>();
  /** Their bytes. */
  scratchBytes = 0;
  /** Counts sessions, so that eviction spares the scratch targets of the running one. */
  sessions = 0;
  /** Attachment configurations already found complete (the check is a synchronous round trip). */
  readonly completeConfigs = new Set<string>();
  private baselineValues: Baseline | null = null;
  readonly pendingTimes: PendingTime[] = [];
  /** The element buffer of our VAO (see BOX_BATCH). */
  boxIndices: WebGLBuffer | null = null;
  /** GL objects derived from input tensors' values (GlSession.meshArrays, keptTextures). */
  readonly kept = new KeptPerTensor<KeptGL>();
  /**
   * Unpacked copies of packed inputs (GlSession.unpacked), in a store of their own under the same budget: a large
   * texture must not push a mesh's kept arrays out (making them again reads tri back).
   */
  readonly unpacked = new KeptPerTensor<KeptGL>();
  /** A GPU buffer for copies through pixel buffers (grows). */
  pixelBuffer: {buffer: WebGLBuffer; bytes: number} | null = null;
  /**
   * Per channel count (1: R32F, 2: RG32F), whether readPixels reads such an attachment as RED / FLOAT or RG / FLOAT
   * here (buffer_copy.ts; RGBA32F as RGBA / FLOAT always), asked once: the query is a round trip to the GPU process.
   */
  readonly readsFloat = new Map<number, boolean>();

  constructor(readonly gl: WebGL2RenderingContext) {
    this.maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    const viewport = gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array;
    this.maxRenderSize = Math.min(
      this.maxTextureSize,
      gl.getParameter(gl.MAX_RENDERBUFFER_SIZE),
      viewport[0],
      viewport[1],
    );
    this.maxDrawBuffers = gl.getParameter(gl.MAX_DRAW_BUFFERS);
    this.maxPointSize = (gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE) as Float32Array)[1];
    // Enabling an extension is permanent for the context and changes no state tfjs relies on.
    this.floatBlendExtension = gl.getExtension('EXT_float_blend') != null;
    this.vao = gl.createVertexArray()!;
    this.framebuffer = gl.createFramebuffer()!;
  }

  /** Additive blending into RGBA32F targets: needed by every backward pass (scatter-add). */
  get floatBlend(): boolean {
    return this.floatBlendExtension && !env().getBool(FORCE_NO_FLOAT_BLEND_FLAG);
  }

  /**
   * Colour mask, blend function and equation, depth function and mask, pixel store parameters as
   * found on first use.
   * Reading them is a synchronous round trip to the GPU process (~0.3 ms each in Chromium), and
   * tfjs never changes them, so they are read once per context and put back as read.
   */
  get baseline(): Baseline {
    const gl = this.gl;
    if (!this.baselineValues) {
      this.baselineValues = {
        colorMask: gl.getParameter(gl.COLOR_WRITEMASK),
        blend: [
          gl.BLEND_SRC_RGB,
          gl.BLEND_DST_RGB,
          gl.BLEND_SRC_ALPHA,
          gl.BLEND_DST_ALPHA,
          gl.BLEND_EQUATION_RGB,
          gl.BLEND_EQUATION_ALPHA,
        ].map(p => gl.getParameter(p)),
        depthFunc: gl.getParameter(gl.DEPTH_FUNC),
        depthMask: gl.getParameter(gl.DEPTH_WRITEMASK),
        cull: [gl.getParameter(gl.CULL_FACE_MODE), gl.getParameter(gl.FRONT_FACE)],
        pixelStore: PIXEL_STORE.map(([name, want]) => {
          const pname = (gl as unknown as {[k: string]: number})[name];
          return [pname, gl.getParameter(pname), want] as [number, number | boolean, number | boolean];
        }).filter(([, have, want]) => have !== want),
      };
    }
    return this.baselineValues;
  }

  /** The compiled program for `key` (compiled from the sources on first use). */
  program(key: string, vertexSource: () => string, fragmentSource: () => string): GlProgram {
    let p = this.programs.get(key);
    if (!p) {
      p = new GlProgram(this.gl, vertexSource(), fragmentSource(), key);
      this.programs.set(key, p);
    }
    return p;
  }
}

export interface Baseline {
  colorMask: boolean[];
  blend: number[];
  depthFunc: number;
  depthMask: boolean;
  /** CULL_FACE_MODE and FRONT_FACE. */
  cull: [number, number];
  /** Pixel store parameters that are not at the values a pixel-buffer copy needs. */
  pixelStore: Array<[number, number | boolean, number | boolean]>;
}

/** Pixel store parameters a tight float copy through pixel buffers needs (name, value). */
const PIXEL_STORE: Array<[string, number | boolean]> = [
  ['PACK_ROW_LENGTH', 0],
  ['PACK_SKIP_ROWS', 0],
  ['PACK_SKIP_PIXELS', 0],
  ['PACK_ALIGNMENT', 4],
  ['UNPACK_ROW_LENGTH', 0],
  ['UNPACK_SKIP_ROWS', 0],
  ['UNPACK_SKIP_PIXELS', 0],
  ['UNPACK_ALIGNMENT', 4],
  ['UNPACK_FLIP_Y_WEBGL', false],
  ['UNPACK_PREMULTIPLY_ALPHA_WEBGL', false],
];

/** GL objects derived from a tensor's values (see GlSession.meshArrays, keptTextures). */
export interface KeptGL {
  vao: WebGLVertexArrayObject | null;
  buffers: WebGLBuffer[];
  textures: WebGLTexture[];
  /** [rows, columns] of textures[0], where it holds a tensor in tfjs's unpacked layout (GlSession.unpacked). */
  texShape?: [number, number];
}

export interface Scratch {
  object: WebGLTexture | WebGLRenderbuffer;
  depth: boolean;
  session: number;
  bytes: number;
}

/**
 * Bytes of scratch targets kept per context; beyond this the least recently used are deleted
 * (those of the running session spared). A 512² textured fit iteration uses about thirty 4 MiB
 * targets: a smaller pool would delete and re-create some of them on every iteration.
 */
export const SCRATCH_BYTES = 256 * 2 ** 20;

/**
 * Boxes per batch of the box index list: box b's two triangles are vertices 4b + (0, 1, 2) and
 * 4b + (2, 1, 3), so the vertex cache shades four vertices per box, not six.
 */
export const BOX_BATCH = 1 << 16;

const contexts = new WeakMap<WebGL2RenderingContext, DiffrastGL>();

export function glOf(backend: MathBackendWebGL): WebGL2RenderingContext {
  return backend.gpgpu.gl as WebGL2RenderingContext;
}

/** Our state for the backend's context (created on first use). */
export function diffrastGL(backend: MathBackendWebGL): DiffrastGL {
  const gl = glOf(backend);
  let ctx = contexts.get(gl);
  if (!ctx) {
    ctx = new DiffrastGL(gl);
    contexts.set(gl, ctx);
  }
  return ctx;
}

/**
 * With DIFFRAST_WEBGL_PROFILE on: the GPU milliseconds of every draw since the last call, summed
 * by kernel and program (waits for the GPU).
 */
export async function takePassTimes(backend: unknown): Promise<{[label: string]: number}> {
  const ctx = diffrastGL(backend as MathBackendWebGL);
  const gl = ctx.gl;
  const pending = ctx.pendingTimes.splice(0);
  const times: {[label: string]: number} = {};
  for (const {label, query} of pending) {
    while (!gl.getQueryParameter(query, gl.QUERY_RESULT_AVAILABLE)) await new Promise(r => setTimeout(r, 1));
    times[label] = (times[label] ?? 0) + gl.getQueryParameter(query, gl.QUERY_RESULT) / 1e6;
    gl.deleteQuery(query);
  }
  return times;
}
