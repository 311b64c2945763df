// The banner of every esbuild Node bundle (the demo's runner, the bench's Node rows and the packed bench): CommonJS
// dependencies inside an ESM bundle still call require() for Node builtins, and tfjs-backend-wasm's loader reads
// __dirname.
export const NODE_BANNER = {
  js: "import {createRequire as __bundleRequire} from 'node:module'; const require = __bundleRequire(import.meta.url); const __dirname = import.meta.dirname;",
};
