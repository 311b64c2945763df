// The folder the `webgpu` package keeps this platform's dawn.node in (dist/<it>/, as its index.js names it): one
// name for the pack (bench/pack.mjs), the packed bench that looks beside itself (bench/standalone.mjs) and the
// spec that checks the folder.
export const DAWN_PLATFORM = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;
