/** Seeded randomness for the samples: every run with the same seed draws the same scenes. */
import type {Rng} from '../../test/util/random';

// The tests' mulberry32 generator (uniform, int, array); reused, not copied.
export {Rng} from '../../test/util/random';

/** A standard normal sample (Box–Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A direction drawn uniformly from the unit sphere. */
export function unitVector(rng: Rng): [number, number, number] {
  const z = rng.uniform(-1, 1),
    a = rng.uniform(0, 2 * Math.PI),
    r = Math.sqrt(1 - z * z);
  return [r * Math.cos(a), r * Math.sin(a), z];
}
