/** A deterministic source of uniform and Gaussian numbers (so probes replay with the input that drew them). */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  gaussian(): number;
}

/** A seeded random source (mulberry32, normals by Marsaglia's polar method); never Math.random, so every check replays exactly. */
export function rng(seed: number): Rng {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  const gaussian = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // Marsaglia's polar form of Box–Muller: a point uniform in the unit disc, no trigonometry.
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const r = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * r;
    return u * r;
  };
  return { uniform, gaussian };
}

/** A 32-bit hash of the bits of some numbers (FNV-1a): seeds the probes of a check from its input. */
export function hashNumbers(arrays: readonly ArrayLike<number>[], salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  const f = new Float64Array(1);
  const bytes = new Uint8Array(f.buffer);
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      f[0] = a[i];
      for (let b = 0; b < 8; b++) {
        h ^= bytes[b];
        h = Math.imul(h, 0x01000193) >>> 0;
      }
    }
    h ^= a.length;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A vector of n standard normal numbers. */
export function gaussianVector(r: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = r.gaussian();
  return v;
}
