/**
 * Runs a shader function on a table of inputs in one tiny pass, for the conformance spec
 * (docs/testing.md#conformance): one fragment (webgl) or one invocation (webgpu) per output element of
 * a [cases, outputs] tensor. The body reads case inputs with `arg(j)` and writes `r[k]`, k < outputs.
 */
import * as tf from '@tensorflow/tfjs';

import {GlSession, runGL} from '../../src/kernels/webgl/gl_session';
import {HEADER, OUTPUT_INDEX} from '../../src/kernels/webgl/glsl_common';
import {elementPass, elementProgram} from '../../src/kernels/webgl/passes';
import {
  Bindings,
  groups1d,
  LINEAR_INDEX_WGSL,
  runGPU,
  StorageSpec,
  Uniforms,
} from '../../src/kernels/webgpu/gpu_context';

export interface ShaderRun {
  /** Cache key of the program: unique per (snippets, body, sizes). */
  key: string;
  /** Shader functions under test (and what they need), before the body's main. */
  snippets: string;
  /** Statements reading arg(j) and writing r[0 .. outputs - 1]. */
  body: string;
  /** One row of inputs per case (all rows the same length). */
  cases: number[][];
  outputs: number;
  /** GLSL only: extra uniforms (int, bool or float arrays by name). */
  glUniforms?: {[name: string]: number | boolean | number[]};
  /** GLSL only: extra uniforms and textures made inside the pass's session (e.g. a kernel's own bindings). */
  glBindings?: (s: GlSession) => {
    uniforms: {[name: string]: number | boolean | number[]};
    textures: {[sampler: string]: WebGLTexture | null};
  };
  /** WGSL only: extra uniform fields (declared as i32) and their values. */
  gpuUniforms?: {[name: string]: number};
  /** WGSL only: extra read-only storage buffers the snippets reference, with their contents. */
  gpuStorage?: Array<[name: string, type: string, data: Float32Array | Int32Array]>;
}

/** The results of `run` on the active backend (webgl or webgpu), one row per case. */
export async function runShader(run: ShaderRun): Promise<number[][]> {
  const backend = tf.getBackend();
  const inputs = tf.tensor2d(run.cases.flat(), [run.cases.length, run.cases[0].length], 'float32');
  try {
    const info = backend === 'webgl' ? runGlsl(run, inputs) : runWgsl(run, inputs);
    const out = tf.engine().makeTensorFromTensorInfo(info);
    const values = await out.data();
    out.dispose();
    return run.cases.map((_, i) => Array.from(values.subarray(i * run.outputs, (i + 1) * run.outputs)));
  } finally {
    inputs.dispose();
  }
}

function runGlsl(run: ShaderRun, inputs: tf.Tensor2D) {
  return runGL(tf.backend(), 'Conformance', (s: GlSession) => {
    const input = s.input(inputs);
    const out = s.output([run.cases.length, run.outputs]); // (before glBindings, which may draw)
    const extra = run.glBindings?.(s) ?? {uniforms: {}, textures: {}};
    const program = elementProgram(
      s.ctx,
      `conformance/${run.key}`,
      () => `${HEADER}${OUTPUT_INDEX}${run.snippets}
uniform sampler2D uConformanceIn;
int gCase;
float arg(int j) {
  int i = gCase * ${inputs.shape[1]} + j, w = textureSize(uConformanceIn, 0).x;
  return texelFetch(uConformanceIn, ivec2(i - (i / w) * w, i / w), 0).r;
}
out float outValue;
void main() {
  ivec2 cell = outputCell(${run.outputs});
  gCase = cell.x;
  float r[${run.outputs}];
  for (int k = 0; k < ${run.outputs}; k++) r[k] = 0.0;
  {
${run.body}
  }
  outValue = r[cell.y];
}
`,
    );
    elementPass(
      s,
      program,
      [out],
      {...run.glUniforms, ...extra.uniforms},
      {...extra.textures, uConformanceIn: input.texture},
    );
    return out.info;
  });
}

function runWgsl(run: ShaderRun, inputs: tf.Tensor2D) {
  return runGPU(tf.backend(), 'Conformance', call => {
    const extra = run.gpuUniforms ?? {};
    const storage = run.gpuStorage ?? [];
    const bindings = new Bindings(
      new Uniforms([['conformanceCases', 'i32'], ...Object.keys(extra).map(n => [n, 'i32'] as [string, 'i32'])]),
      [
        ['conformanceIn', 'array<f32>'],
        ['conformanceOut', 'array<f32>', 'read_write'],
        ...storage.map(([name, type]): StorageSpec => [name, type]),
      ],
    );
    const out = call.output([run.cases.length, run.outputs], 'out');
    const pipeline = call.computePipeline(
      `conformance/${run.key}`,
      bindings,
      () => `${LINEAR_INDEX_WGSL}${run.snippets}
var<private> gCase: i32;
fn arg(j: i32) -> f32 { return conformanceIn[gCase * ${inputs.shape[1]} + j]; }
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(g, groups);
  if (i >= U.conformanceCases) { return; }
  gCase = i;
  var r: array<f32, ${run.outputs}>;
  {
${run.body}
  }
  for (var k = 0; k < ${run.outputs}; k++) { conformanceOut[i * ${run.outputs} + k] = r[k]; }
}
`,
    );
    call.dispatch(
      pipeline,
      [
        call.uniforms(bindings.uniforms, {conformanceCases: run.cases.length, ...extra}),
        call.buffer(inputs)!,
        out.buffer!,
        ...storage.map(([, , data]) => call.dataBuffer(data, GPUBufferUsage.STORAGE)),
      ],
      groups1d(run.cases.length),
    );
    return out.info;
  });
}
