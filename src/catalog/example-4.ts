import fc from 'fast-check';
import { sizedTensors } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { scalar, tensor, type Tensor } from '../tensor/index.js';
import { matVec, outer, scale, vecMat } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

interface Inputs extends NamedTensors {
  /** The row δ = ∂J/∂z (held fixed: J is linear in z). */
  c: Tensor;
  W: Tensor;
  x: Tensor;
}

/** J = c · (W x): a scalar, with ∂J/∂z = δ = cᵀ. */
const J = ({ c, W, x }: Inputs): Tensor => scalar(matVec(W, x).data.reduce((s, z, i) => s + c.data[i] * z, 0));

/** Example 4 (gradient of a scalar with respect to a matrix): ∂J/∂W = δᵀ xᵀ, shaped like W. */
export function example4(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const inputs: fc.Arbitrary<Inputs> = sizedTensors({ m: [1, max], n: [1, max] }, { c: { shape: ['m'] }, W: { shape: ['m', 'n'] }, x: { shape: ['n'] } });
  const spec: CheckSpec<Inputs> = {
    name: 'example-4/matrix-gradient',
    inputs,
    wrt: ['W'],
    f: J,
    gradient: ({ c, x }) => outer(c, x),
  };
  const entry: CatalogEntry<Inputs> = {
    section: 'Example 4',
    title: 'J = c·(W x), ∂J/∂z = δ = cᵀ: ∂J/∂W = δᵀ xᵀ (the outer product c xᵀ), shaped like W',
    spec,
    mutants: [
      // A gradient shaped like a vector-shaped matrix (1×n) is read in either orientation: a transposed one shows at 2×2 (by value) or 2×3 (by shape).
      mutant(spec, 'transposed', 'x δ in place of δᵀ xᵀ (the n×m transpose)', { gradient: ({ c, x }) => outer(x, c) }, { hints: ['transposed'], maxShrunkDim: 3 }),
      mutant(spec, 'sign-flipped', '−δᵀ xᵀ', { gradient: ({ c, x }) => scale(outer(c, x), -1) }, { hints: ['sign-flipped'] }),
      mutant(spec, 'scaled', '2·δᵀ xᵀ (a constant factor off)', { gradient: ({ c, x }) => scale(outer(c, x), 2) }, { hints: ['scaled'] }),
      mutant(spec, 'gradient-wrt-x', 'δ W (the gradient with respect to x) in place of the gradient with respect to W', { gradient: ({ c, W }) => vecMat(c, W) }),
      mutant(
        spec,
        'rows-and-columns-confused',
        'the m×n outer product declared with shape [n, m] (rows and columns confused)',
        { gradient: ({ c, x }) => tensor([x.data.length, c.data.length], outer(c, x).data) },
        // A gradient shaped like a vector W (m = 1 or n = 1) may come as a row or a column, so it takes m ≠ n, both > 1.
        { onlyWhen: 'm ≠ n, both > 1', maxShrunkDim: 3, hints: ['shape-mismatch'] },
      ),
      mutant(
        spec,
        'x-cache-of-five',
        'x read from a 5-entry cache: columns j ≥ 5 use x_(j mod 5)',
        { gradient: ({ c, x }) => outer(c, tensor(x.shape, Array.from(x.data, (_, j) => x.data[j % 5]))) },
        { onlyWhen: 'n > 5', maxShrunkDim: 6 },
      ),
    ],
  };
  return [erase(entry)];
}
