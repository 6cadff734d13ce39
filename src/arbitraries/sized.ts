import fc from 'fast-check';
import { sizeOf, tensor, type Tensor } from '../tensor/index.js';
import { value, type ValueConstraints } from './tensor.js';

/** One tensor of sizedTensors: its shape by dimension names, and its values. */
export interface SizedTensor<K extends string> {
  /** Shape by dimension names or fixed sizes, e.g. ['m', 'n']; [] for a scalar. */
  shape: readonly (K | number)[];
  /** The values, as for value(). @defaultValue [-3, 3] */
  values?: ValueConstraints;
  /** A one-hot vector (rank 1, a label) in place of values. @defaultValue false */
  oneHot?: boolean;
}

/**
 * Named tensors whose shapes depend on named dimensions drawn together from inclusive ranges, e.g.
 * sizedTensors({ m: [1, 8], n: [1, 8] }, { W: { shape: ['m', 'n'] }, x: { shape: ['n'] } }).
 * Dimensions and values shrink independently: each tensor is cut from a pool of values drawn at its largest shape,
 * and each dimension is a list of distinct indices into the pool, so shrinking drops any row or column (in every
 * tensor that shares the dimension) while the others keep their values. A counterexample shrinks to the rows and
 * columns that make it fail (dims(...).chain(...) would draw fresh values for every smaller shape, and shrinking a
 * plain size would only ever drop the last row).
 */
export function sizedTensors<K extends string, N extends string>(
  ranges: Record<K, readonly [number, number]>,
  tensors: Record<N, SizedTensor<K>>,
): fc.Arbitrary<Record<N, Tensor>> {
  const maxOf = (d: K | number, name: string): number => {
    if (typeof d === 'number') {
      if (!(Number.isInteger(d) && d >= 0)) throw new RangeError(`gradproof sizedTensors: tensor "${name}" has an invalid fixed dimension ${d}`);
      return d;
    }
    const r = ranges[d];
    if (!r) throw new RangeError(`gradproof sizedTensors: tensor "${name}" uses dimension "${d}", which is not among ${Object.keys(ranges).join(', ')}`);
    return r[1];
  };
  const dimNames = Object.keys(ranges) as K[];
  const indices = {} as Record<K, fc.Arbitrary<number[]>>;
  for (const d of dimNames) {
    const [min, max] = ranges[d];
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && min <= max)) {
      throw new RangeError(`gradproof sizedTensors: dimension "${d}" has range [${min}, ${max}]; it must be whole numbers with 0 ≤ min ≤ max`);
    }
    indices[d] = max === 0 ? fc.constant([]) : fc.uniqueArray(fc.nat({ max: max - 1 }), { minLength: min, maxLength: max });
  }
  const names = Object.keys(tensors) as N[];
  const pools = {} as Record<N, fc.Arbitrary<number[]>>;
  for (const name of names) {
    const t = tensors[name];
    const maxShape = t.shape.map((d) => maxOf(d, name));
    if (t.oneHot) {
      if (t.shape.length !== 1) throw new RangeError(`gradproof sizedTensors: one-hot tensor "${name}" must have rank 1`);
      pools[name] = fc.nat({ max: Math.max(maxShape[0] - 1, 0) }).map((k) => [k]);
    } else {
      const n = sizeOf(maxShape);
      pools[name] = fc.array(value(t.values), { minLength: n, maxLength: n });
    }
  }
  const arb = fc.record({ index: fc.record(indices) as fc.Arbitrary<Record<K, number[]>>, pool: fc.record(pools) as fc.Arbitrary<Record<N, number[]>> });
  return arb.map(({ index, pool }) => {
    const out = {} as Record<N, Tensor>;
    for (const name of names) {
      const t = tensors[name];
      // Along each axis: the chosen pool indices (a fixed size takes all of its indices).
      const axes = t.shape.map((d) => (typeof d === 'number' ? Array.from({ length: d }, (_, i) => i) : index[d]));
      const shape = axes.map((a) => a.length);
      if (t.oneHot) {
        // The hot class is a pool index, like a row of the other tensors: dropping other classes while shrinking
        // keeps it hot (it moves up), and only when its own class is dropped does it fall back to another.
        const y = tensor(shape, new Float64Array(shape[0]));
        const p = pool[name][0];
        const at = axes[0].indexOf(p);
        if (shape[0] > 0) y.data[at >= 0 ? at : p % shape[0]] = 1;
        out[name] = y;
      } else {
        out[name] = tensor(shape, gather(pool[name], t.shape.map((d) => maxOf(d, name)), axes));
      }
    }
    return out;
  });
}

/** The entries at the given indices along each axis of a row-major array of shape `maxShape`. */
function gather(data: readonly number[], maxShape: readonly number[], axes: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  const at = new Array<number>(axes.length).fill(0);
  const total = axes.reduce((s, a) => s * a.length, 1);
  for (let k = 0; k < total; k++) {
    let flat = 0;
    for (let a = 0; a < axes.length; a++) flat = flat * maxShape[a] + axes[a][at[a]];
    out.push(data[flat]);
    for (let a = axes.length - 1; a >= 0; a--) {
      if (++at[a] < axes[a].length) break;
      at[a] = 0;
    }
  }
  return out;
}
