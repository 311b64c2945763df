/**
 * tfjs-diffrast: differentiable rasterization for TensorFlow.js.
 *
 * Importing this module registers every kernel (cpu, wasm, webgl, webgpu) and every gradient; other
 * backends that read and write tensor data synchronously get them through `registerSyncBackend`.
 */
import './kernels/cpu/register_all_kernels';
import './kernels/webgl/register_all_kernels';
import './kernels/webgpu/register_all_kernels';

export {registerSyncBackend} from './kernels/cpu/register_all_kernels';
export {rasterize} from './ops/rasterize';
export type {RasterizeOptions, RasterizeResult} from './ops/rasterize';
export {DepthPeeler} from './ops/depth_peeler';
export {interpolate} from './ops/interpolate';
export type {InterpolateOptions, InterpolateResult} from './ops/interpolate';
export {texture} from './ops/texture';
export type {TextureOptions} from './ops/texture';
export {TextureMip, textureConstructMip} from './ops/texture_mip';
export type {TextureConstructMipOptions} from './ops/texture_mip';
export {antialias, antialiasConstructTopologyHash, TopologyHash} from './ops/antialias';
export type {AntialiasOptions} from './ops/antialias';
export {decodeTriangleId} from './kernels/shared/triangle_id';
export type {BoundaryMode, FilterMode} from './kernels/names';
export * as mat4 from './utils/matrix';
export * as meshes from './utils/mesh';
export type {Image, MeshTensors, TriangleMesh} from './utils/mesh';
export * as cameras from './utils/camera';
export * from './render/index';
