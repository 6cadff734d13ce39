/** A deterministic source of uniform and Gaussian numbers (so probes replay with the input that drew them). */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  gaussian(): number;
  /**
   * Fills `out` with independent standard normals (the ziggurat: one 32-bit draw for nearly every one of them), each
   * times max(|scaleBy[j]|, 1) when `scaleBy` is given; returns the largest |normal| drawn (before that scaling).
   */
  fillGaussian(out: Float64Array, scaleBy?: Float64Array): number;
}

/** mulberry32's increment. */
const STEP = 0x6d2b79f5;

// The ziggurat of Marsaglia and Tsang (2000) for the standard normal, 128 layers. A 32-bit draw gives the layer
// (its low 7 bits) and a signed 25-bit abscissa (the other bits: no bit serves both, the flaw Doornik (2005) found in
// the original). ZIG_R is where the tail begins, ZIG_V the area of each layer.
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_M = 2 ** 24;
/** |abscissa| below kn[i] lies inside layer i's rectangle; wn[i] scales it; fn[i] = exp(−x_i²/2) at its edge. */
const kn = new Float64Array(128);
const wn = new Float64Array(128);
const fn = new Float64Array(128);
{
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * ZIG_M;
  kn[1] = 0;
  wn[0] = q / ZIG_M;
  wn[127] = dn / ZIG_M;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * ZIG_M;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / ZIG_M;
  }
}

/** mulberry32's output function: a well-mixed 32-bit word from a state, as a signed int32 (kept in V8's small integers). */
function mix32(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return t ^ (t >>> 14);
}


/** mulberry32 with the polar method and the ziggurat; its state is a field, so V8 keeps the hot loops tight. */
class Mulberry32 implements Rng {
  // Both fields hold numbers from the start (a field first undefined makes V8 box what it holds: loops half as fast).
  private state = 0;
  /** The second normal of the last polar pair, NaN when used. */
  private spare = NaN;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** The next 32 random bits, as a signed int32. */
  private next32(): number {
    this.state = (this.state + STEP) | 0;
    return mix32(this.state);
  }

  uniform(): number {
    return (this.next32() >>> 0) / 4294967296;
  }

  gaussian(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    // Marsaglia's polar form of Box–Muller: a point uniform in the unit disc, no trigonometry.
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const r = Math.sqrt((-2 * Math.log(q)) / q);
    this.spare = v * r;
    return u * r;
  }

  fillGaussian(out: Float64Array, scaleBy?: Float64Array): number {
    let s = this.state;
    let top = 0;
    for (let i = 0; i < out.length; i++) {
      s = (s + STEP) | 0;
      const u = mix32(s);
      const iz = u & 127;
      const hz = u >> 7;
      let g: number;
      if (Math.abs(hz) < kn[iz]) g = hz * wn[iz];
      else {
        this.state = s;
        g = this.zigguratTail(u);
        s = this.state;
      }
      const a = Math.abs(g);
      if (a > top) top = a;
      if (scaleBy) {
        const x = Math.abs(scaleBy[i]);
        if (x > 1) g *= x;
      }
      out[i] = g;
    }
    this.state = s;
    return top;
  }

  /** The ziggurat's slow path, for the draws (about 3%) outside their layer's rectangle. */
  private zigguratTail(u: number): number {
    for (;;) {
      const iz = u & 127;
      const hz = u >> 7;
      if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
      const x = hz * wn[iz];
      if (iz === 0) {
        // The tail beyond ZIG_R, by Marsaglia's exponential method; uniforms in (0, 1) so the logarithms stay finite.
        let t: number;
        let y: number;
        do {
          t = -Math.log(((this.next32() >>> 0) + 0.5) / 4294967296) / ZIG_R;
          y = -Math.log(((this.next32() >>> 0) + 0.5) / 4294967296);
        } while (y + y < t * t);
        return hz > 0 ? ZIG_R + t : -ZIG_R - t;
      }
      if (fn[iz] + this.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
      u = this.next32();
    }
  }
}

/** A seeded random source (mulberry32, normals by Marsaglia's polar method or the ziggurat); never Math.random, so every check replays exactly. */
export function rng(seed: number): Rng {
  return new Mulberry32(seed);
}

/**
 * A 32-bit hash of the bits of some numbers (murmur3's 32-bit mixing over their 32-bit words in the machine's byte
 * order): seeds the probes of a check from its input.
 */
export function hashNumbers(arrays: readonly ArrayLike<number>[], salt = 0): number {
  let h = salt | 0;
  const mix = (word: number): void => {
    // Each word is mixed in full before it meets h (a plain FNV step lets a flip of the top bit reach only the top
    // bit of h, so two sign flips would cancel), then h is stirred.
    let k = Math.imul(word, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  };
  let total = 0;
  for (const a of arrays) {
    const words = a instanceof Float64Array ? new Uint32Array(a.buffer, a.byteOffset, 2 * a.length) : new Uint32Array(Float64Array.from(a).buffer);
    for (let i = 0; i < words.length; i++) mix(words[i]);
    mix(a.length);
    total += words.length;
  }
  // murmur3's finalizer spreads the last words over every bit.
  h ^= total;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A vector of n standard normal numbers. */
export function gaussianVector(r: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  r.fillGaussian(v);
  return v;
}
