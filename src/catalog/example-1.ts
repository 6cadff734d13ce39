import fc from 'fast-check';
import { sizedTensors } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { matVec, scale, transpose } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

interface Inputs extends NamedTensors {
  W: Tensor;
  x: Tensor;
}

/** Example 1 (z = W x, W ∈ R^{m×n}): ∂z/∂x = W, because ∂z_i/∂x_j = W_ij. */
export function example1(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const inputs: fc.Arbitrary<Inputs> = sizedTensors({ m: [1, max], n: [1, max] }, { W: { shape: ['m', 'n'] }, x: { shape: ['n'] } });
  const spec: CheckSpec<Inputs> = {
    name: 'example-1/linear-map',
    inputs,
    wrt: ['x'],
    f: ({ W, x }) => matVec(W, x),
    jacobian: ({ W }) => W,
  };
  const entry: CatalogEntry<Inputs> = {
    section: 'Example 1',
    title: 'z = W x: ∂z/∂x = W',
    spec,
    mutants: [
      mutant(spec, 'transposed', 'Wᵀ in place of W', { jacobian: ({ W }) => transpose(W) }, { hints: ['transposed'] }),
      mutant(spec, 'sign-flipped', '−W in place of W', { jacobian: ({ W }) => scale(W, -1) }, { hints: ['sign-flipped'] }),
      mutant(spec, 'scaled-2', '2W in place of W', { jacobian: ({ W }) => scale(W, 2) }, { hints: ['scaled'] }),
      mutant(spec, 'scaled-half', '½W in place of W', { jacobian: ({ W }) => scale(W, 0.5) }, { hints: ['scaled'] }),
      mutant(spec, 'one-wrong-entry', 'the last entry W_mn counted twice', {
        jacobian: ({ W }) => {
          const J = tensor(W.shape, W.data);
          J.data[J.data.length - 1] *= 2;
          return J;
        },
      }),
      mutant(
        spec,
        'rows-and-columns-confused',
        "W's data declared with shape [n, m] (rows and columns confused)",
        { jacobian: ({ W }) => tensor([W.shape[1], W.shape[0]], W.data) },
        { onlyWhen: 'm ≠ n', hints: ['shape-mismatch'] },
      ),
      mutant(
        spec,
        'columns-past-five-dropped',
        'a loop unrolled by 5 without its remainder: columns j ≥ 5 of W left at 0',
        { jacobian: ({ W }) => tensor(W.shape, Array.from(W.data, (w, k) => (k % W.shape[1] < 5 ? w : 0))) },
        { onlyWhen: 'n > 5', maxShrunkDim: 6 },
      ),
    ],
  };
  return [erase(entry)];
}
