/**
 * Floors: for rasterize, a plain draw of the same mesh at the same size, with a depth buffer, no
 * readback, in a context of its own: WebGL2 (for every row) and WebGPU (for the webgpu rows); for
 * any op, tfjs's own kernels writing an output of the same size on the same backend.
 */
import * as tf from '@tensorflow/tfjs';

import {backendFence, glFence} from './backends';
import {Timed} from './harness';
import type {Scene} from './scenes';

const GL_VERTEX = `#version 300 es
in vec4 position;
void main() { gl_Position = position; }
`;
/** The fragment shader: one constant colour per target, optionally writing gl_FragDepth itself. */
function glFragment(targets: number, fragDepth: boolean): string {
  const outs = Array.from({length: targets}, (_, k) => k);
  return `#version 300 es
precision highp float;
${outs.map(k => `layout(location = ${k}) out vec4 color${k};`).join('\n')}
void main() {
  ${outs.map(k => `color${k} = vec4(1.0);`).join(' ')}
  ${fragDepth ? 'gl_FragDepth = gl_FragCoord.z;' : ''}
}
`;
}

export interface DrawVariant {
  /** RGBA32F colour targets instead of one RGBA8 (rasterize writes rast and rastDb: two). */
  float32Targets?: number;
  /** The fragment shader writes gl_FragDepth (as rasterize does), which turns off early depth tests. */
  fragDepth?: boolean;
}

/**
 * Indexed triangles from a vertex buffer into a colour target with a 24-bit depth buffer (depth
 * test on, no culling), cleared first; a fence ends each call. The variant adds rasterize's
 * output format and shader-written depth, to split its cost from the cost of its own shaders.
 */
export function plainWebGL2Draw(scene: Scene, height: number, width: number, variant: DrawVariant = {}): Timed {
  const targets = variant.float32Targets ?? 0;
  let gl: WebGL2RenderingContext;
  return {
    name:
      targets || variant.fragDepth
        ? `plain WebGL2 draw${targets ? `, ${targets}× RGBA32F` : ''}${variant.fragDepth ? ', gl_FragDepth' : ''}`
        : 'plain WebGL2 draw',
    role: 'yardstick',
    compare: 'floor',
    setup() {
      gl = new OffscreenCanvas(1, 1).getContext('webgl2', {antialias: false, depth: false})!;
      if (targets && !gl.getExtension('EXT_color_buffer_float')) throw new Error('no EXT_color_buffer_float');
      const shader = (type: number, source: string) => {
        const s = gl.createShader(type)!;
        gl.shaderSource(s, source);
        gl.compileShader(s);
        return s;
      };
      const program = gl.createProgram()!;
      gl.attachShader(program, shader(gl.VERTEX_SHADER, GL_VERTEX));
      gl.attachShader(
        program,
        shader(gl.FRAGMENT_SHADER, glFragment(Math.max(1, targets), variant.fragDepth ?? false)),
      );
      gl.linkProgram(program);
      if (!gl.getProgramParameter(program, gl.LINK_STATUS))
        throw new Error(gl.getProgramInfoLog(program) ?? 'link failed');
      gl.useProgram(program);
      gl.bindVertexArray(gl.createVertexArray());
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, scene.clip, gl.STATIC_DRAW);
      const loc = gl.getAttribLocation(program, 'position');
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, 4, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array(scene.triangles), gl.STATIC_DRAW);
      gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
      const attach = (attachment: number, format: number) => {
        const rb = gl.createRenderbuffer();
        gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
        gl.renderbufferStorage(gl.RENDERBUFFER, format, width, height);
        gl.framebufferRenderbuffer(gl.FRAMEBUFFER, attachment, gl.RENDERBUFFER, rb);
      };
      const colors = Array.from({length: Math.max(1, targets)}, (_, k) => gl.COLOR_ATTACHMENT0 + k);
      colors.forEach(a => attach(a, targets ? gl.RGBA32F : gl.RGBA8));
      gl.drawBuffers(colors);
      attach(gl.DEPTH_ATTACHMENT, gl.DEPTH_COMPONENT24);
      if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE)
        throw new Error('incomplete framebuffer');
      gl.viewport(0, 0, width, height);
      gl.enable(gl.DEPTH_TEST);
    },
    async run() {
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.drawElements(gl.TRIANGLES, scene.triangles.length, gl.UNSIGNED_INT, 0);
      await glFence(gl);
    },
    teardown() {
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    },
  };
}

// WebGPU's clip z runs 0..w where OpenGL's runs −w..w.
const WGSL = `
@vertex fn vs(@location(0) p: vec4f) -> @builtin(position) vec4f { return vec4f(p.xy, 0.5 * (p.z + p.w), p.w); }
@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0); }
`;

/** The same draw through WebGPU: vertex and index buffers, rgba8unorm colour, depth24plus, less. */
export function plainWebGPUDraw(scene: Scene, height: number, width: number): Timed {
  let device: GPUDevice;
  let pipeline: GPURenderPipeline;
  let vertices: GPUBuffer, indices: GPUBuffer;
  let color: GPUTexture, depth: GPUTexture;
  return {
    name: 'plain WebGPU draw',
    role: 'yardstick',
    compare: 'floor',
    unavailable: typeof navigator !== 'undefined' && 'gpu' in navigator ? undefined : 'no navigator.gpu',
    async setup() {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) throw new Error('no WebGPU adapter');
      device = await adapter.requestDevice();
      const module = device.createShaderModule({code: WGSL});
      pipeline = device.createRenderPipeline({
        layout: 'auto',
        vertex: {
          module,
          entryPoint: 'vs',
          buffers: [{arrayStride: 16, attributes: [{format: 'float32x4', offset: 0, shaderLocation: 0}]}],
        },
        fragment: {module, entryPoint: 'fs', targets: [{format: 'rgba8unorm'}]},
        primitive: {topology: 'triangle-list', cullMode: 'none'},
        depthStencil: {format: 'depth24plus', depthWriteEnabled: true, depthCompare: 'less'},
      });
      const upload = (data: Float32Array | Uint32Array, usage: number) => {
        const buffer = device.createBuffer({size: data.byteLength, usage: usage | GPUBufferUsage.COPY_DST});
        device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
        return buffer;
      };
      vertices = upload(scene.clip, GPUBufferUsage.VERTEX);
      indices = upload(new Uint32Array(scene.triangles), GPUBufferUsage.INDEX);
      const size = {width, height};
      color = device.createTexture({size, format: 'rgba8unorm', usage: GPUTextureUsage.RENDER_ATTACHMENT});
      depth = device.createTexture({size, format: 'depth24plus', usage: GPUTextureUsage.RENDER_ATTACHMENT});
      await device.queue.onSubmittedWorkDone();
    },
    async run() {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginRenderPass({
        colorAttachments: [{view: color.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0]}],
        depthStencilAttachment: {
          view: depth.createView(),
          depthLoadOp: 'clear',
          depthStoreOp: 'store',
          depthClearValue: 1,
        },
      });
      pass.setPipeline(pipeline);
      pass.setVertexBuffer(0, vertices);
      pass.setIndexBuffer(indices, 'uint32');
      pass.drawIndexed(scene.triangles.length);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    },
    teardown() {
      [vertices, indices, color, depth].forEach(r => r?.destroy());
      device?.destroy();
    },
  };
}

/**
 * tfjs's own work for an output of `shape` on `backend`: `tf.add` of two such tensors (what any
 * kernel pays to write that much), or for a texture lookup `tf.image.resizeBilinear` of a texture
 * of `textureShape` to that size (a bilinear gather written by tfjs).
 */
export function tfjsFloor(
  subject: string,
  backend: string,
  shape: [number, number, number, number],
  textureShape?: [number, number, number, number],
): Timed {
  let a: tf.Tensor4D, b: tf.Tensor4D;
  const call = () => (textureShape ? tf.image.resizeBilinear(b, [shape[1], shape[2]]) : tf.add(a, a));
  return {
    name: `${textureShape ? 'tf.image.resizeBilinear' : 'tf.add'} [${backend}]`,
    role: 'yardstick',
    compare: 'floor',
    for: subject,
    backend,
    setup() {
      a = tf.fill(shape, 0.5);
      b = tf.fill(textureShape ?? shape, 0.5);
    },
    async run() {
      const out = call();
      await backendFence();
      out.dispose();
    },
    teardown() {
      tf.dispose([a, b]);
    },
  };
}
