import fc from 'fast-check';
import { sizedTensors } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { scale, transpose } from './algebra.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

interface Inputs extends NamedTensors {
  /** The scalar input (shape []). */
  x: Tensor;
  /** One coefficient per component f_i. */
  c: Tensor;
}

/** A smooth scalar function and its derivative. */
interface Component {
  name: string;
  g: (x: number) => number;
  dg: (x: number) => number;
}

/** The component functions, used in turn: f_i(x) = c_i · g_(i mod 6)(x). */
const COMPONENTS: readonly Component[] = [
  { name: 'sin x', g: Math.sin, dg: Math.cos },
  { name: 'cos 2x', g: (x) => Math.cos(2 * x), dg: (x) => -2 * Math.sin(2 * x) },
  { name: 'x²', g: (x) => x * x, dg: (x) => 2 * x },
  { name: 'exp(x/2)', g: (x) => Math.exp(x / 2), dg: (x) => Math.exp(x / 2) / 2 },
  { name: 'tanh x', g: Math.tanh, dg: (x) => 1 - Math.tanh(x) ** 2 },
  { name: 'x³', g: (x) => x ** 3, dg: (x) => 3 * x * x },
];

const f = ({ x, c }: Inputs): Tensor => tensor([c.data.length], Array.from(c.data, (ci, i) => ci * COMPONENTS[i % COMPONENTS.length].g(x.data[0])));

/** The m×1 column [c_i · g_i'(x)], from a derivative table (the correct one, or a wrong one). */
function column({ x, c }: Inputs, table: readonly ((x: number) => number)[] = COMPONENTS.map((k) => k.dg)): Tensor {
  const m = c.data.length;
  return tensor([m, 1], Array.from(c.data, (ci, i) => ci * table[i % table.length](x.data[0])));
}

/** Definition 1 (f: R → R^m): ∂f/∂x is the m×1 column [∂f_1/∂x, …, ∂f_m/∂x]ᵀ. */
export function definition1(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const inputs: fc.Arbitrary<Inputs> = sizedTensors({ m: [1, max] }, { x: { shape: [], values: { min: -2, max: 2 } }, c: { shape: ['m'] } });
  const spec: CheckSpec<Inputs> = {
    name: 'definition-1/column',
    inputs,
    wrt: ['x'],
    f,
    jacobian: (i) => column(i),
  };
  const entry: CatalogEntry<Inputs> = {
    section: 'Definition 1',
    title: `f: R → R^m, f_i(x) = c_i·g_i(x) with g_i among ${COMPONENTS.map((k) => k.name).join(', ')}: ∂f/∂x is the m×1 column`,
    spec,
    mutants: [
      mutant(spec, 'row-not-column', 'the 1×m row (Definition 2 layout) in place of the m×1 column', { jacobian: (i) => transpose(column(i)) }, { hints: ['shape-mismatch', 'transposed'] }),
      mutant(spec, 'sign-flipped', '−∂f/∂x', { jacobian: (i) => scale(column(i), -1) }, { hints: ['sign-flipped'] }),
      mutant(spec, 'scaled', '½·∂f/∂x (a factor off)', { jacobian: (i) => scale(column(i), 0.5) }, { hints: ['scaled'] }),
      mutant(spec, 'inner-factor-dropped', 'd/dx cos 2x taken as −sin 2x: the chain factor 2 dropped in the components cos 2x', {
        jacobian: (i) => column(i, COMPONENTS.map((k, n) => (n === 1 ? (x: number) => -Math.sin(2 * x) : k.dg))),
      }),
      mutant(
        spec,
        'table-too-short',
        'a derivative table of 5 entries, so components i ≥ 5 (x³, …) take the wrong derivative',
        { jacobian: (i) => column(i, COMPONENTS.slice(0, 5).map((k) => k.dg)) },
        { onlyWhen: 'm > 5', maxShrunkDim: 6 },
      ),
    ],
  };
  return [erase(entry)];
}
