/** Seeded randomness for tests (mulberry32), so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random unit vector (Gaussian components via Box–Muller, then normalised). */
export function randomUnitVector(random: () => number, dims: number): Float32Array {
  const vec = new Float32Array(dims);
  let norm = 0;
  for (let d = 0; d < dims; d++) {
    const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    vec[d] = g;
    norm += g * g;
  }
  norm = Math.sqrt(norm);
  for (let d = 0; d < dims; d++) vec[d]! /= norm;
  return vec;
}
