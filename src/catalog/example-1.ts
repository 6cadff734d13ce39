import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { dims, tensorOf } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { toMatrix, toTensor, type Tensor } from '../tensor/index.js';
import { mutant, type CatalogEntry } from './types.js';

interface Inputs extends NamedTensors {
  W: Tensor;
  x: Tensor;
}

const inputs: fc.Arbitrary<Inputs> = dims({ m: [1, 8], n: [1, 8] }).chain(({ m, n }) => fc.record({ W: tensorOf([m, n]), x: tensorOf([n]) }));

/** z = W x (the source document's Example 1): ∂z/∂x = W. */
const spec: CheckSpec<Inputs> = {
  name: 'example-1/linear-map',
  inputs,
  wrt: ['x'],
  f: ({ W, x }) => toTensor(toMatrix(W).mmul(toMatrix(x)).getColumn(0)),
  jacobian: ({ W }) => W,
};

export const example1: CatalogEntry<Inputs> = {
  section: 'Example 1',
  title: 'z = W x, ∂z/∂x = W',
  spec,
  mutants: [
    mutant(spec, 'transposed', 'Wᵀ in place of W', { jacobian: ({ W }) => toTensor(toMatrix(W).transpose()) }, ['transposed']),
    mutant(spec, 'sign-flipped', '−W in place of W', { jacobian: ({ W }) => toTensor(Matrix.mul(toMatrix(W), -1)) }, ['sign-flipped']),
    mutant(spec, 'scaled', '2W in place of W', { jacobian: ({ W }) => toTensor(Matrix.mul(toMatrix(W), 2)) }, ['scaled']),
  ],
};
