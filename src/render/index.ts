/** Rendering helpers built on the four ops: normals, depth and normal maps, supersampling, transparency. */
export {faceNormals, vertexNormals} from './normals';
export {coverage, depthMap, normalMap} from './maps';
export type {DepthMapOptions, NormalMapOptions} from './maps';
export {downsample, supersample} from './supersample';
export {compositeLayers, renderTransparent} from './transparency';
export type {Layer, RenderTransparentOptions} from './transparency';
