import fc from 'fast-check';
import { sizedTensors } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { add, diag, fromMatrix, hadamard, map, matrix, matVec, product, scale, transpose } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

interface Inputs extends NamedTensors {
  A: Tensor;
  B: Tensor;
  x: Tensor;
}

/** f(x) = A (x ∘ x) + sin(B x), A and B of shape m×n. */
const f = ({ A, B, x }: Inputs): Tensor => add(matVec(A, hadamard(x, x)), map(matVec(B, x), Math.sin));

/** The m×n Jacobian 2 A diag(x) + diag(cos(B x)) B, reading x_j through `index` (the identity when correct). */
function jacobian({ A, B, x }: Inputs, index: (j: number) => number = (j) => j): Tensor {
  const xs = map(x, (_, j) => x.data[index(j)]);
  const quadratic = product(matrix(A), matrix(diag(scale(xs, 2).data)));
  const sine = product(matrix(diag(map(matVec(B, x), Math.cos).data)), matrix(B));
  return add(fromMatrix(quadratic), fromMatrix(sine));
}

/** Definition 3 (f: R^n → R^m): ∂f/∂x is the m×n Jacobian with entry (i, j) = ∂f_i/∂x_j. */
export function definition3(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const inputs: fc.Arbitrary<Inputs> = sizedTensors({ m: [1, max], n: [1, max] }, { A: { shape: ['m', 'n'] }, B: { shape: ['m', 'n'] }, x: { shape: ['n'] } });
  const spec: CheckSpec<Inputs> = {
    name: 'definition-3/jacobian',
    inputs,
    wrt: ['x'],
    f,
    jacobian: (i) => jacobian(i),
  };
  const entry: CatalogEntry<Inputs> = {
    section: 'Definition 3',
    title: 'f: R^n → R^m, f(x) = A(x ∘ x) + sin(B x): ∂f/∂x is the m×n Jacobian 2A diag(x) + diag(cos Bx) B',
    spec,
    mutants: [
      mutant(spec, 'transposed', 'the n×m transpose (denominator layout) in place of the m×n Jacobian', { jacobian: (i) => transpose(jacobian(i)) }, { hints: ['transposed'] }),
      mutant(spec, 'sign-flipped', '−∂f/∂x', { jacobian: (i) => scale(jacobian(i), -1) }, { hints: ['sign-flipped'] }),
      mutant(spec, 'scaled', '2·∂f/∂x (a constant factor off)', { jacobian: (i) => scale(jacobian(i), 2) }, { hints: ['scaled'] }),
      mutant(spec, 'one-wrong-entry', 'entry (1, 1) misses the factor cos((B x)_1) of the chain rule', {
        jacobian: (i) => {
          const J = jacobian(i);
          J.data[0] += i.B.data[0] * (1 - Math.cos(matVec(i.B, i.x).data[0]));
          return J;
        },
      }),
      mutant(
        spec,
        'rows-and-columns-confused',
        'the m×n data declared with shape [n, m] (rows and columns confused)',
        { jacobian: (i) => tensor([i.x.data.length, i.A.shape[0]], jacobian(i).data) },
        { onlyWhen: 'm ≠ n', hints: ['shape-mismatch'] },
      ),
      mutant(
        spec,
        'unrolled-by-five',
        'a column loop unrolled by 5 whose remainder re-reads x: columns j ≥ 5 use x_(j mod 5)',
        { jacobian: (i) => jacobian(i, (j) => j % 5) },
        { onlyWhen: 'n > 5', maxShrunkDim: 6 },
      ),
    ],
  };
  return [erase(entry)];
}
