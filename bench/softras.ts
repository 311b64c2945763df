/**
 * A soft rasterizer written in plain tfjs ops, the way a tfjs user would write one without this
 * package: SoftRas (Liu et al. 2019) — for every pixel and every triangle the signed distance to
 * the triangle's edges, a sigmoid of it as coverage, and a softmax over depth that blends the
 * triangles' colours (and the background). Dense over pixels × triangles; pixels go in chunks so
 * that the [pixels, triangles] intermediates of the backward pass fit in memory. Degenerate
 * triangles (zero area) must be left out: they divide by zero.
 */
import * as tf from '@tensorflow/tfjs';

/** SoftRas's sharpness (σ, on squared NDC distances) and depth temperature (γ), and the background's depth (ε). */
const SIGMA = 1e-4,
  GAMMA = 1e-4,
  EPSILON = 1e-3;
/** Elements of one [pixels, triangles] intermediate per chunk (4 MB; ~50 of them live in a backward pass). */
const CHUNK_ELEMENTS = 1 << 20;

/** Pixel-centre NDC coordinates of an H×W image, [H·W, 2], row 0 at the bottom (as rasterize). */
export function pixelCenters(height: number, width: number): tf.Tensor2D {
  return tf.tidy(() => {
    const xs = tf.sub(tf.div(tf.add(tf.mul(tf.range(0, width), 2), 1), width), 1);
    const ys = tf.sub(tf.div(tf.add(tf.mul(tf.range(0, height), 2), 1), height), 1);
    const x = tf.tile(tf.reshape(xs, [1, width]), [height, 1]);
    const y = tf.tile(tf.reshape(ys, [height, 1]), [1, width]);
    return tf.stack([tf.reshape(x, [-1]), tf.reshape(y, [-1])], 1) as tf.Tensor2D;
  });
}

/** The pixels per chunk for a mesh of `numTriangles`. */
export function chunkPixels(numTriangles: number): number {
  return Math.max(1, Math.floor(CHUNK_ELEMENTS / numTriangles));
}

/**
 * Squared error between the soft rendering of one chunk of pixels and `target`: `pos` [V,4]
 * clip space, `tri` [T,3] int32, `colors` [V,3], `pixels` [C,2] NDC, `target` [C,3].
 */
export function softRasLoss(
  pos: tf.Tensor2D,
  tri: tf.Tensor2D,
  colors: tf.Tensor2D,
  pixels: tf.Tensor2D,
  target: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    const numTriangles = tri.shape[0];
    const w = tf.slice(pos, [0, 3], [-1, 1]);
    const ndc = tf.div(tf.slice(pos, [0, 0], [-1, 2]), w); // [V,2]
    const z = tf.div(tf.slice(pos, [0, 2], [-1, 1]), w); // [V,1]
    const corner = (k: number) => tf.reshape(tf.slice(tri, [0, k], [-1, 1]), [numTriangles]);
    const idx = [0, 1, 2].map(corner);
    const c = idx.map(i => tf.gather(ndc, i)); // 3 × [T,2]
    const x = c.map(ck => tf.reshape(tf.slice(ck, [0, 0], [-1, 1]), [numTriangles]));
    const y = c.map(ck => tf.reshape(tf.slice(ck, [0, 1], [-1, 1]), [numTriangles]));
    // Edge k runs from corner k+1 to corner k+2; its edge function at pixel p is
    // cross(c[k+2] − c[k+1], p − c[k+1]) = p·(−ey, ex) + (ey·ax − ex·ay): one matMul per edge.
    const edges = [0, 1, 2].map(k => {
      const a = (k + 1) % 3,
        b = (k + 2) % 3;
      const ex = tf.sub(x[b], x[a]),
        ey = tf.sub(y[b], y[a]);
      const normal = tf.stack([tf.neg(ey), ex]); // [2,T]
      const offset = tf.sub(tf.mul(ey, x[a]), tf.mul(ex, y[a])); // [T]
      const value = tf.add(tf.matMul(pixels, normal), offset); // [C,T]
      return {value, length: tf.sqrt(tf.add(tf.square(ex), tf.square(ey)))};
    });
    // Twice the signed area: edge 0's function at corner 0.
    const area = tf.sub(tf.mul(tf.sub(x[2], x[1]), tf.sub(y[0], y[1])), tf.mul(tf.sub(y[2], y[1]), tf.sub(x[0], x[1]))); // [T]
    const orientation = tf.sign(area);
    // Signed distance to the nearest edge line, positive inside; coverage = sigmoid(±d²/σ).
    const distances = edges.map(e => tf.mul(e.value, tf.div(orientation, e.length)));
    const distance = tf.minimum(tf.minimum(distances[0], distances[1]), distances[2]);
    // log sigmoid(s) = −softplus(−s); tf.logSigmoid's own gradient reads a tensor tf.grad has already disposed.
    const logCoverage = tf.neg(tf.softplus(tf.div(tf.mul(distance, tf.abs(distance)), -SIGMA)));
    // Barycentrics, clamped to the triangle outside it (as SoftRas does).
    const clamped = edges.map(e => tf.clipByValue(tf.div(e.value, area), 0, 1));
    const total = tf.add(tf.add(clamped[0], clamped[1]), clamped[2]);
    const bary = clamped.map(b => tf.div(b, total));
    const zs = idx.map(i => tf.reshape(tf.gather(z, i), [numTriangles]));
    const depth = tf.addN(bary.map((b, k) => tf.mul(b, zs[k]))); // NDC z, −1 near
    // Softmax over (coverage, nearness) per triangle plus the background.
    const logits = tf.add(logCoverage, tf.div(tf.div(tf.sub(1, depth), 2), GAMMA));
    const background = tf.fill([pixels.shape[0], 1], EPSILON / GAMMA);
    const weights = tf.softmax(tf.concat([logits, background], 1));
    const wTri = tf.slice(weights, [0, 0], [-1, numTriangles]);
    const image = tf.addN(bary.map((b, k) => tf.matMul(tf.mul(wTri, b), tf.gather(colors, idx[k])))); // [C,3], black background
    return tf.sum(tf.square(tf.sub(image, target)));
  });
}

/**
 * d loss / d pos over the whole image, chunk by chunk (the loss is a sum over pixels, so the
 * chunks' gradients add up). `pixels` [H·W,2], `target` [H·W,3]; only the first `maxChunks`.
 */
export function softRasGrad(
  pos: tf.Tensor2D,
  tri: tf.Tensor2D,
  colors: tf.Tensor2D,
  pixels: tf.Tensor2D,
  target: tf.Tensor2D,
  maxChunks = Infinity,
): tf.Tensor2D {
  const chunk = chunkPixels(tri.shape[0]);
  let total: tf.Tensor2D | null = null;
  for (let start = 0; start < pixels.shape[0] && start < maxChunks * chunk; start += chunk) {
    const size = Math.min(chunk, pixels.shape[0] - start);
    const g = tf.tidy(() => {
      const p = tf.slice(pixels, [start, 0], [size, 2]);
      const t = tf.slice(target, [start, 0], [size, 3]);
      const grad = tf.grad(q => softRasLoss(q as tf.Tensor2D, tri, colors, p, t))(pos) as tf.Tensor2D;
      return total ? (tf.add(total, grad) as tf.Tensor2D) : grad;
    });
    total?.dispose();
    total = g;
  }
  return total!;
}
