import fc from 'fast-check';
import { sizedTensors } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { scalar, tensor, type Tensor } from '../tensor/index.js';
import { add, column, matrix, product, row, scale, vecMat } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

interface Inputs extends NamedTensors {
  A: Tensor;
  b: Tensor;
  x: Tensor;
}

/** f(x) = ½ xᵀA x + bᵀ sin(x), with A not symmetric. */
const f = ({ A, b, x }: Inputs): Tensor => {
  const quad = product(row(x), product(matrix(A), column(x))).get(0, 0);
  const lin = b.data.reduce((s, bi, i) => s + bi * Math.sin(x.data[i]), 0);
  return scalar(0.5 * quad + lin);
};

/** b ∘ cos(x), reading x through `index` (the identity when correct). */
function bCos({ b, x }: Inputs, index: (i: number) => number = (i) => i): Tensor {
  return tensor([b.data.length], Array.from(b.data, (bi, i) => bi * Math.cos(x.data[index(i)])));
}

/** The 1×n row ∂f/∂x = ½ xᵀ(A + Aᵀ) + (b ∘ cos x)ᵀ, built from its two parts. */
function rowOf(quadratic: Tensor, linear: Tensor): Tensor {
  const n = quadratic.data.length;
  return tensor([1, n], add(quadratic, linear).data);
}

/** ½ xᵀ(A + Aᵀ) as a vector [n]. */
function quadraticPart({ A, x }: Inputs): Tensor {
  const xA = vecMat(x, A);
  const Ax = tensor([x.data.length], product(matrix(A), column(x)).to1DArray());
  return scale(add(xA, Ax), 0.5);
}

/** Definition 2 (f: R^n → R): ∂f/∂x is the 1×n row [∂f/∂x_1, …, ∂f/∂x_n]. */
export function definition2(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const inputs: fc.Arbitrary<Inputs> = sizedTensors({ n: [1, max] }, { A: { shape: ['n', 'n'] }, b: { shape: ['n'] }, x: { shape: ['n'] } });
  const spec: CheckSpec<Inputs> = {
    name: 'definition-2/row',
    inputs,
    wrt: ['x'],
    f,
    jacobian: (i) => rowOf(quadraticPart(i), bCos(i)),
  };
  const entry: CatalogEntry<Inputs> = {
    section: 'Definition 2',
    title: 'f: R^n → R, f(x) = ½ xᵀA x + bᵀ sin x: ∂f/∂x is the 1×n row ½ xᵀ(A + Aᵀ) + (b ∘ cos x)ᵀ',
    spec,
    mutants: [
      mutant(spec, 'symmetric-assumed', '(A x)ᵀ in place of ½ xᵀ(A + Aᵀ): the rule for a symmetric A', {
        jacobian: (i) => rowOf(tensor([i.x.data.length], product(matrix(i.A), column(i.x)).to1DArray()), bCos(i)),
      }),
      mutant(spec, 'sign-flipped', '−∂f/∂x', { jacobian: (i) => scale(rowOf(quadraticPart(i), bCos(i)), -1) }, { hints: ['sign-flipped'] }),
      mutant(spec, 'scaled', '2·∂f/∂x (a constant factor off)', { jacobian: (i) => scale(rowOf(quadraticPart(i), bCos(i)), 2) }, { hints: ['scaled'] }),
      mutant(spec, 'one-wrong-entry', 'the b ∘ cos x loop stops one short: the last entry misses b_n cos x_n', {
        jacobian: (i) => {
          const lin = bCos(i);
          lin.data[lin.data.length - 1] = 0;
          return rowOf(quadraticPart(i), lin);
        },
      }),
      mutant(
        spec,
        'cache-of-five',
        'cos x read from a 5-entry cache: entries i ≥ 5 use cos x_(i mod 5)',
        { jacobian: (i) => rowOf(quadraticPart(i), bCos(i, (k) => k % 5)) },
        { onlyWhen: 'n > 5', maxShrunkDim: 6 },
      ),
    ],
  };
  return [erase(entry)];
}
