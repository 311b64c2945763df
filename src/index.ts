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
export type {TensorOrLike} from './ops/checks';
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
export type {BoundaryMode, Coverage, CullMode, FilterMode} from './kernels/names';
/** 4×4 transforms (row-major, column vectors, OpenGL conventions) and `transformPos` into clip space. */
export * as mat4 from './utils/matrix';
/** Meshes as typed arrays, welding, batching, tensors for the ops, and small meshes made in code (docs/meshes.md). */
export * as meshes from './utils/mesh';
export type {Image, MeshTensors, TriangleMesh} from './utils/mesh';
/** Cameras: projections, look-at and orbit views, OpenCV intrinsics; differentiable (docs/cameras.md). */
export * as cameras from './utils/camera';
export * from './render/index';
