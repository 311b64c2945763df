/**
 * One format for every error a backend's kernel raises: `<op> (<backend>): <message>`, with op the
 * public op the kernel serves (docs/backends.md#errors). Argument errors are the ops' own
 * (`<op>: <message>`, src/ops/checks.ts).
 */
import * as k from './names';

const PUBLIC_OP: {[kernelName: string]: string} = {
  [k.Rasterize]: 'rasterize',
  [k.RasterizeGrad]: 'rasterize',
  [k.Interpolate]: 'interpolate',
  [k.InterpolateGrad]: 'interpolate',
  [k.Texture]: 'texture',
  [k.TextureGrad]: 'texture',
  [k.TextureMip]: 'textureConstructMip',
  [k.TextureMipGrad]: 'textureConstructMip',
  [k.Antialias]: 'antialias',
  [k.AntialiasGrad]: 'antialias',
  [k.TransformPos]: 'mat4.transformPos',
  [k.TransformPosGrad]: 'mat4.transformPos',
};

const GRADIENT_KERNELS = new Set([
  k.RasterizeGrad,
  k.InterpolateGrad,
  k.TextureGrad,
  k.TextureMipGrad,
  k.AntialiasGrad,
  k.TransformPosGrad,
]);

/** The public op a kernel serves (a name that is no kernel of ours is returned as it is). */
export function publicOp(kernelName: string): string {
  return PUBLIC_OP[kernelName] ?? kernelName;
}

/** `<op> (<backend>): `, plus `gradient: ` for a gradient kernel. */
export function errorPrefix(kernelName: string, backend: string): string {
  return `${publicOp(kernelName)} (${backend}): ${GRADIENT_KERNELS.has(kernelName) ? 'gradient: ' : ''}`;
}

/** An error raised by a backend's kernel. */
export function kernelError(kernelName: string, backend: string, message: string): Error {
  return new Error(errorPrefix(kernelName, backend) + message);
}

/**
 * Gives an error that escaped a kernel (from tfjs, the driver, or a helper that does not know the
 * op) the kernel's prefix, unless it already has it; returns it for rethrowing.
 */
export function withKernelPrefix(e: unknown, kernelName: string, backend: string): unknown {
  const prefix = errorPrefix(kernelName, backend);
  if (e instanceof Error && !e.message.startsWith(prefix)) e.message = prefix + e.message;
  return e;
}
