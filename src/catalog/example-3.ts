import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { sizedTensors } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { diag, fromMatrix, map, matrix, matVec, product, scale, transpose } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

interface Inputs extends NamedTensors {
  /** Inner map y = tanh(A x): A is p×n. */
  A: Tensor;
  /** Outer map z = sin(B y): B is m×p. */
  B: Tensor;
  x: Tensor;
}

const inner = ({ A, x }: Inputs): Tensor => map(matVec(A, x), Math.tanh);
const outer = ({ B }: Inputs, y: Tensor): Tensor => map(matVec(B, y), Math.sin);

/** ∂y/∂x = diag(1 − y²) A, a p×n matrix. */
function dydx(i: Inputs, y: Tensor): Matrix {
  return product(matrix(diag(Array.from(y.data, (v) => 1 - v * v))), matrix(i.A));
}

/** ∂z/∂y = diag(cos(B y)) B, an m×p matrix. */
function dzdy(i: Inputs, y: Tensor): Matrix {
  return product(matrix(diag(map(matVec(i.B, y), Math.cos).data)), matrix(i.B));
}

/** (∂z/∂y)(∂y/∂x), with the inner sum over p limited to its first `terms` terms (all of them when correct). */
function chain(i: Inputs, terms = Infinity): Tensor {
  const y = inner(i);
  const G = dzdy(i, y);
  const F = dydx(i, y);
  if (terms >= G.columns) return fromMatrix(product(G, F));
  const out = Matrix.zeros(G.rows, F.columns);
  for (let r = 0; r < G.rows; r++) {
    for (let c = 0; c < F.columns; c++) {
      let s = 0;
      for (let k = 0; k < terms; k++) s += G.get(r, k) * F.get(k, c);
      out.set(r, c, s);
    }
  }
  return fromMatrix(out);
}

/** Example 3 (chain rule, z = g(y), y = f(x)): ∂z/∂x = (∂z/∂y)(∂y/∂x), an (m×p)·(p×n) product. */
export function example3(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const values = { min: -2, max: 2 };
  const inputs: fc.Arbitrary<Inputs> = sizedTensors({ m: [1, max], p: [1, max], n: [1, max] }, { A: { shape: ['p', 'n'], values }, B: { shape: ['m', 'p'], values }, x: { shape: ['n'], values } });
  // The wrong order (∂y/∂x)(∂z/∂y) is an (p×n)·(m×p) product: it only has the right shape when m = n = p.
  const square: fc.Arbitrary<Inputs> = sizedTensors({ d: [1, max] }, { A: { shape: ['d', 'd'], values }, B: { shape: ['d', 'd'], values }, x: { shape: ['d'], values } });
  const spec: CheckSpec<Inputs> = {
    name: 'example-3/chain-rule',
    inputs,
    wrt: ['x'],
    f: (i) => outer(i, inner(i)),
    jacobian: (i) => chain(i),
  };
  const entry: CatalogEntry<Inputs> = {
    section: 'Example 3',
    title: 'z = sin(B y), y = tanh(A x): ∂z/∂x = (∂z/∂y)(∂y/∂x) = diag(cos By) B · diag(1 − y²) A',
    spec,
    mutants: [
      mutant(
        spec,
        'wrong-order',
        '(∂y/∂x)(∂z/∂y): the chain rule multiplied in the wrong order (checked where shapes allow it, m = n = p)',
        {
          inputs: square,
          jacobian: (i) => {
            const y = inner(i);
            return fromMatrix(product(dydx(i, y), dzdy(i, y)));
          },
        },
        { onlyWhen: 'm = n = p > 1' },
      ),
      mutant(spec, 'transposed', '(∂z/∂x)ᵀ: the n×m transpose', { jacobian: (i) => transpose(chain(i)) }, { hints: ['transposed'] }),
      mutant(spec, 'sign-flipped', "tanh' taken as y² − 1: the whole product changes sign", { jacobian: (i) => scale(chain(i), -1) }, { hints: ['sign-flipped'] }),
      mutant(spec, 'scaled', '½·∂z/∂x (a constant factor off)', { jacobian: (i) => scale(chain(i), 0.5) }, { hints: ['scaled'] }),
      mutant(spec, 'inner-derivative-dropped', "diag(cos By) B A: the inner function's tanh' forgotten", {
        jacobian: (i) => fromMatrix(product(dzdy(i, inner(i)), matrix(i.A))),
      }),
      mutant(
        spec,
        'rows-and-columns-confused',
        'the m×n data declared with shape [n, m] (rows and columns confused)',
        { jacobian: (i) => tensor([i.x.data.length, i.B.shape[0]], chain(i).data) },
        { onlyWhen: 'm ≠ n', hints: ['shape-mismatch'] },
      ),
      mutant(spec, 'inner-sum-of-five', 'the product’s inner sum over y stops after 5 terms', { jacobian: (i) => chain(i, 5) }, { onlyWhen: 'p > 5', maxShrunkDim: 6 }),
    ],
  };
  return [erase(entry)];
}
