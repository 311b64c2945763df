/**
 * A linked GLSL ES 3.00 program with its active uniforms, so kernels set uniforms and samplers by
 * name (uniforms the compiler removed are skipped).
 */

/** Uniform values by name: numbers, booleans (as int) and flat arrays for vectors and arrays. */
export type UniformValues = {[name: string]: number | boolean | ArrayLike<number>};

interface UniformInfo {
  location: WebGLUniformLocation;
  type: number;
}

function compileShader(gl: WebGL2RenderingContext, type: number, source: string, label: string): WebGLShader {
  const shader = gl.createShader(type);
  if (!shader) throw new Error(`program ${label}: could not create a shader (is the WebGL context lost?)`);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
    const log = gl.getShaderInfoLog(shader);
    const numbered = source
      .split('\n')
      .map((l, i) => `${String(i + 1).padStart(4)} ${l}`)
      .join('\n');
    gl.deleteShader(shader);
    throw new Error(
      `program ${label}: ${type === gl.VERTEX_SHADER ? 'vertex' : 'fragment'} shader failed to compile:\n${
        log
      }\n${numbered}`,
    );
  }
  return shader;
}

export class GlProgram {
  readonly program: WebGLProgram;
  /** Sampler uniforms in declaration order; a draw binds sampler k to texture unit k. */
  readonly samplers: string[] = [];
  private readonly uniforms = new Map<string, UniformInfo>();

  constructor(
    private readonly gl: WebGL2RenderingContext,
    vertexSource: string,
    fragmentSource: string,
    readonly label: string,
  ) {
    const vs = compileShader(gl, gl.VERTEX_SHADER, vertexSource, label);
    const fs = compileShader(gl, gl.FRAGMENT_SHADER, fragmentSource, label);
    const program = gl.createProgram();
    if (!program) throw new Error(`program ${label}: could not create a program (is the WebGL context lost?)`);
    gl.attachShader(program, vs);
    gl.attachShader(program, fs);
    gl.linkProgram(program);
    gl.deleteShader(vs);
    gl.deleteShader(fs);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
      throw new Error(`program ${label} failed to link: ${gl.getProgramInfoLog(program)}`);
    }
    this.program = program;
    const count = gl.getProgramParameter(program, gl.ACTIVE_UNIFORMS) as number;
    for (let i = 0; i < count; i++) {
      const info = gl.getActiveUniform(program, i);
      if (!info) continue;
      const name = info.name.replace(/\[0\]$/, '');
      const location = gl.getUniformLocation(program, info.name);
      if (!location) continue;
      this.uniforms.set(name, {location, type: info.type});
      if (info.type === gl.SAMPLER_2D) this.samplers.push(name);
    }
  }

  /** Sets uniforms of the program in use. */
  setUniforms(values: UniformValues) {
    const gl = this.gl;
    for (const [name, value] of Object.entries(values)) {
      const u = this.uniforms.get(name);
      if (!u) continue;
      const v: ArrayLike<number> =
        typeof value === 'number' ? [value] : typeof value === 'boolean' ? [value ? 1 : 0] : value;
      if (v.length === 0) continue; // an empty list for an unused array (GL rejects zero-length uploads)
      switch (u.type) {
        case gl.FLOAT:
          gl.uniform1fv(u.location, Float32Array.from(v));
          break;
        case gl.FLOAT_VEC2:
          gl.uniform2fv(u.location, Float32Array.from(v));
          break;
        case gl.FLOAT_VEC3:
          gl.uniform3fv(u.location, Float32Array.from(v));
          break;
        case gl.FLOAT_VEC4:
          gl.uniform4fv(u.location, Float32Array.from(v));
          break;
        case gl.INT:
        case gl.BOOL:
          gl.uniform1iv(u.location, Int32Array.from(v));
          break;
        case gl.INT_VEC2:
          gl.uniform2iv(u.location, Int32Array.from(v));
          break;
        case gl.INT_VEC3:
          gl.uniform3iv(u.location, Int32Array.from(v));
          break;
        case gl.INT_VEC4:
          gl.uniform4iv(u.location, Int32Array.from(v));
          break;
        default:
          throw new Error(`program ${this.label}: uniform ${name} has a type this helper does not set (${u.type})`);
      }
    }
  }

  /** Points sampler `name` at texture unit `unit` (program in use). */
  setSampler(name: string, unit: number) {
    const u = this.uniforms.get(name);
    if (u) this.gl.uniform1i(u.location, unit);
  }

  dispose() {
    this.gl.deleteProgram(this.program);
  }
}
