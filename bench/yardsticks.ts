/** The hardware floor for rasterize: a plain WebGL2 draw of the same mesh, in its own context. */
import {fence, Timed} from './harness';
import type {ClipMesh} from './scenes';

const VERTEX = `#version 300 es
in vec4 position;
void main() { gl_Position = position; }
`;
const FRAGMENT = `#version 300 es
precision highp float;
out vec4 color;
void main() { color = vec4(1.0); }
`;

/**
 * Indexed triangles from a vertex buffer into an RGBA8 colour target with a 24-bit depth buffer
 * (depth test on), cleared first; no readback; a fence ends each call.
 */
export function plainWebGL2Draw(mesh: ClipMesh, height: number, width: number): Timed {
  let gl: WebGL2RenderingContext;
  let fbo: WebGLFramebuffer;
  return {
    name: 'plain WebGL2 draw',
    setup() {
      gl = new OffscreenCanvas(1, 1).getContext('webgl2', {antialias: false, depth: false})!;
      const shader = (type: number, source: string) => {
        const s = gl.createShader(type)!;
        gl.shaderSource(s, source);
        gl.compileShader(s);
        return s;
      };
      const program = gl.createProgram()!;
      gl.attachShader(program, shader(gl.VERTEX_SHADER, VERTEX));
      gl.attachShader(program, shader(gl.FRAGMENT_SHADER, FRAGMENT));
      gl.linkProgram(program);
      if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program) ?? 'link failed');
      gl.useProgram(program);
      const vao = gl.createVertexArray();
      gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, mesh.positions, gl.STATIC_DRAW);
      const loc = gl.getAttribLocation(program, 'position');
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, 4, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array(mesh.triangles), gl.STATIC_DRAW);
      fbo = gl.createFramebuffer()!;
      gl.bindFramebuffer(gl.FRAMEBUFFER, fbo);
      const color = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, color);
      gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, width, height);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, color);
      const depth = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, depth);
      gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT24, width, height);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, depth);
      if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) throw new Error('incomplete framebuffer');
      gl.viewport(0, 0, width, height);
      gl.enable(gl.DEPTH_TEST);
    },
    async run() {
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.drawElements(gl.TRIANGLES, 3 * mesh.numTriangles, gl.UNSIGNED_INT, 0);
      await fence(gl);
    },
    teardown() {
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    },
  };
}
