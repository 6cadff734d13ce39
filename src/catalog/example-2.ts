import fc from 'fast-check';
import { sizedTensors, type ValueConstraints } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { relu, reluPrime, sigmoid, softplus } from './activations.js';
import { diag, map, scale } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions, type Mutant } from './types.js';

interface Inputs extends NamedTensors {
  x: Tensor;
}

/** A scalar function applied elementwise, its derivative, the inputs it is checked on, and its own classic mistake. */
interface Elementwise {
  id: string;
  name: string;
  fn: (x: number) => number;
  d: (x: number) => number;
  values: ValueConstraints;
  mistake: { name: string; description: string; d: (x: number) => number; hints?: Mutant['expectedHints'] };
}

const FUNCTIONS: readonly Elementwise[] = [
  {
    id: 'tanh',
    name: 'tanh',
    fn: Math.tanh,
    d: (x) => 1 - Math.tanh(x) ** 2,
    values: { min: -3, max: 3 },
    mistake: { name: 'square-forgotten', description: "tanh' taken as 1 − tanh x (the square forgotten)", d: (x) => 1 - Math.tanh(x) },
  },
  {
    id: 'sigmoid',
    name: 'σ',
    fn: sigmoid,
    d: (x) => sigmoid(x) * (1 - sigmoid(x)),
    values: { min: -6, max: 6 },
    mistake: { name: 'value-for-derivative', description: "σ' taken as σ(x) itself", d: sigmoid },
  },
  {
    id: 'exp',
    name: 'exp',
    fn: Math.exp,
    d: Math.exp,
    values: { min: -3, max: 3 },
    mistake: { name: 'power-rule', description: "exp' taken as x·e^(x−1) (the power rule misapplied)", d: (x) => x * Math.exp(x - 1) },
  },
  {
    id: 'softplus',
    name: 'softplus',
    fn: softplus,
    d: sigmoid,
    values: { min: -6, max: 6 },
    mistake: { name: 'inner-sign', description: "softplus' taken as σ(−x) (the sign inside the logistic flipped)", d: (x) => sigmoid(-x) },
  },
  {
    id: 'relu',
    name: 'ReLU',
    fn: relu,
    d: reluPrime,
    // ReLU is differentiable except at 0: inputs are kept 1e-3 away, farther than any finite-difference step reaches.
    values: { min: -3, max: 3, awayFrom: [0], margin: 1e-3 },
    mistake: { name: 'missing-mask', description: "ReLU' taken as 1 everywhere (the mask forgotten)", d: () => 1, hints: ['mask'] },
  },
];

/** Example 2 (z = f(x) elementwise): ∂z/∂x = diag(f'(x_1), …, f'(x_n)), for tanh, σ, exp, softplus and ReLU away from 0. */
export function example2(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  return FUNCTIONS.map((e) => {
    const inputs: fc.Arbitrary<Inputs> = sizedTensors({ n: [1, max] }, { x: { shape: ['n'], values: e.values } });
    const jac = (x: Tensor, d: (v: number) => number = e.d) => diag(Array.from(x.data, d));
    const spec: CheckSpec<Inputs> = {
      name: `example-2/${e.id}`,
      inputs,
      wrt: ['x'],
      f: ({ x }) => map(x, e.fn),
      jacobian: ({ x }) => jac(x),
    };
    const entry: CatalogEntry<Inputs> = {
      section: 'Example 2',
      title: `z = ${e.name}(x) elementwise: ∂z/∂x = diag(${e.name}'(x))`,
      spec,
      mutants: [
        mutant(spec, e.mistake.name, e.mistake.description, { jacobian: ({ x }) => jac(x, e.mistake.d) }, e.mistake.hints ? { hints: e.mistake.hints } : {}),
        mutant(spec, 'sign-flipped', `−diag(${e.name}'(x))`, { jacobian: ({ x }) => scale(jac(x), -1) }, { hints: ['sign-flipped'] }),
        mutant(spec, 'scaled', `2·diag(${e.name}'(x))`, { jacobian: ({ x }) => scale(jac(x), 2) }, { hints: ['scaled'] }),
        mutant(spec, 'not-diagonal', `every row filled with ${e.name}'(x)ᵀ (broadcast in place of diag)`, {
          jacobian: ({ x }) => {
            const n = x.data.length;
            return tensor([n, n], Array.from({ length: n * n }, (_, k) => e.d(x.data[k % n])));
          },
        }),
        mutant(
          spec,
          'vector-not-diag',
          `the vector ${e.name}'(x) in place of the matrix diag(${e.name}'(x))`,
          { jacobian: ({ x }) => map(x, e.d) },
          { onlyWhen: 'n > 1', hints: ['shape-mismatch'] },
        ),
        mutant(
          spec,
          'cache-of-five',
          `${e.name}'(x_i) read from a 5-entry cache: entries i ≥ 5 use x_(i mod 5)`,
          { jacobian: ({ x }) => diag(Array.from(x.data, (_, i) => e.d(x.data[i % 5]))) },
          { onlyWhen: 'n > 5', maxShrunkDim: 6 },
        ),
      ],
    };
    return erase(entry);
  });
}
