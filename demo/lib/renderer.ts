/**
 * Which renderer is behind the browser's WebGL and WebGPU, and is it software? On a machine without a
 * GPU, Chromium emulates both on the CPU (SwiftShader; Mesa's llvmpipe on Linux Firefox), and tfjs's
 * pure-JS cpu backend is then faster than either: the pages and `npm run sample` say so and, with
 * backend `auto`, pick cpu.
 */

export interface RendererInfo {
  /** WebGL's UNMASKED_RENDERER_WEBGL (or RENDERER when the debug extension is hidden); null without WebGL2. */
  webgl: string | null;
  /** The WebGPU adapter's vendor and architecture, with "(fallback adapter)" when it is one; null without WebGPU. */
  webgpu: string | null;
  /** Is WebGL / WebGPU emulated on the CPU (or missing)? */
  webglSoftware: boolean;
  webgpuSoftware: boolean;
  /** Both are: every GPU the browser offers renders in software. */
  software: boolean;
  /** One line for the user when `software`, else null. */
  note: string | null;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

async function webgpuAdapter(): Promise<{name: string; software: boolean} | null> {
  const adapter = await (navigator as any).gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  return {name: `${name}${fallback ? ' (fallback adapter)' : ''}`, software: fallback || SOFTWARE.test(name)};
}

/** Asks WebGL and WebGPU who renders; the note names the renderer in the user's terms. */
export async function detectRenderer(): Promise<RendererInfo> {
  const webgl = webglRenderer();
  const gpu = await webgpuAdapter();
  const webglSoftware = webgl == null || SOFTWARE.test(webgl);
  const software = webglSoftware && (gpu == null || gpu.software);
  const what = webgl == null ? 'there is no WebGL2' : `WebGL renders on ${softwareName(webgl)}`;
  const note = software
    ? `Software rendering: ${what}, a CPU emulating a GPU, where the cpu backend is usually faster.`
    : null;
  return {webgl, webgpu: gpu?.name ?? null, webglSoftware, webgpuSoftware: gpu == null || gpu.software, software, note};
}

/** "SwiftShader" out of "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) …), SwiftShader driver)". */
function softwareName(renderer: string): string {
  return renderer.match(SOFTWARE)?.[0] ?? renderer;
}

/** Backend `auto`: webgl on a hardware GPU, else webgpu on one, else cpu. */
export function autoBackend(info: RendererInfo): 'cpu' | 'webgl' | 'webgpu' {
  return !info.webglSoftware ? 'webgl' : !info.webgpuSoftware ? 'webgpu' : 'cpu';
}
