/**
 * tfjs-diffrast/loaders: OBJ and glTF 2.0 / GLB files into TriangleMeshes, in Node and browsers. An
 * entry point of its own so that the core package stays free of these dependencies. See
 * docs/meshes.md#loaders.
 */
export {parseOBJ, loadOBJ} from './obj';
export {parseGLTF, loadGLTF} from './gltf';
export {decodeImage} from './image';
export type {Image, TriangleMesh} from '../utils/mesh';
