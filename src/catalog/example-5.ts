import fc from 'fast-check';
import { networkInputs, sizedTensors, type NetworkInputs, type ValueConstraints } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { scalar, tensor, type Tensor } from '../tensor/index.js';
import { relu } from './activations.js';
import { diag, hadamard, map, outer, scale, transpose, vecMat } from './algebra.js';
import { backward, crossEntropy, crossEntropyOfLogits, delta1Of, fillFrom, forward, hiddenLayer, logits, reluMask, softmax, type BackwardVariant } from './network.js';
import { erase, maxDimOf, mutant, type CatalogEntry, type CatalogOptions } from './types.js';

// Example 5 of the source document: the two-layer network
//   z = W x + b1,  h = ReLU(z),  r = U h + b2,  ŷ = softmax(r),  J = CE(y, ŷ),
// with one-hot y held constant. Each result the document derives is its own entry.

/** The head of the network as a function of the hidden activations h: J(h) = CE(y, softmax(U h + b2)). */
interface HeadInputs extends NamedTensors {
  h: Tensor;
  U: Tensor;
  b2: Tensor;
  y: Tensor;
}

/** The network from the pre-activations z: J(z) = CE(y, softmax(U ReLU(z) + b2)). */
interface PreActivationInputs extends NamedTensors {
  z: Tensor;
  U: Tensor;
  b2: Tensor;
  y: Tensor;
}

interface LogitInputs extends NamedTensors {
  r: Tensor;
  y: Tensor;
}

interface SoftmaxInputs extends NamedTensors {
  r: Tensor;
}

interface ProbabilityInputs extends NamedTensors {
  yhat: Tensor;
  y: Tensor;
}

/** The network without its label: f = r, the logits, whose backward pass starts from δ1. */
type BackboneInputs = Omit<NetworkInputs, 'y'> & NamedTensors;

/** Ways to get δ1 = ∂J/∂r: the right one and the classic wrong ones. */
const DELTA1 = {
  correct: (r: Tensor, y: Tensor) => delta1Of(r, y),
  /** y − ŷ. */
  signFlipped: (r: Tensor, y: Tensor) => scale(delta1Of(r, y), -1),
  /** ŷ: the −y dropped. */
  labelDropped: (r: Tensor) => softmax(r),
  /** diag(ŷ)·(−y/ŷ) = −y: δ1 through a softmax Jacobian without its −ŷŷᵀ term. */
  noCrossTerm: (_r: Tensor, y: Tensor) => scale(y, -1),
  /** ½(ŷ − y). */
  halved: (r: Tensor, y: Tensor) => scale(delta1Of(r, y), 0.5),
} as const;

/** Masks the backward pass may apply to δ1 U. */
const MASKS = {
  /** No mask at all: ReLU' forgotten. */
  none: (z: Tensor) => map(z, () => 1),
  /** 1 where z < 0: the comparison reversed. */
  inverted: (z: Tensor) => map(z, (v) => (v < 0 ? 1 : 0)),
  /** Masked for the first 5 units only (a 5-wide unrolled loop without its remainder). */
  firstFive: (z: Tensor) => fillFrom(reluMask(z), 5, 1),
} satisfies Record<string, BackwardVariant['mask']>;

/** The network's forward and backward pass at inputs i, with a chosen δ1 and mask. */
function gradientsOf(i: NetworkInputs, delta1 = DELTA1.correct, mask?: BackwardVariant['mask']) {
  const fw = forward(i);
  return backward(i.x, i.U, fw, delta1(fw.r, i.y), mask ? { mask } : {});
}

const lossOf = (i: NetworkInputs): Tensor => scalar(forward(i).loss);

/** Example 5: the gradients of the two-layer network, each the way the source document derives it. */
export function example5(options: CatalogOptions = {}): CatalogEntry[] {
  const max = maxDimOf(options);
  const network = networkInputs({ maxDim: max });

  /** Head inputs: a hidden vector from `hidden`, with U's range narrow enough that |r| ≤ 20 (|hidden| ≤ hMax). */
  const head = (hidden: ValueConstraints, hMax: number, square = false) => {
    const k = square ? 'p' : 'k';
    return sizedTensors(
      { p: [1, max], k: [1, max] },
      { v: { shape: ['p'], values: hidden }, U: { shape: [k, 'p'], values: { min: -1, max: 1 } }, b2: { shape: [k], values: { min: -1, max: 1 } }, y: { shape: [k], oneHot: true } },
    ).map(({ U, ...rest }) => {
      const uMax = Math.min(2, 19 / (U.shape[1] * hMax));
      return { ...rest, U: map(U, (u) => u * uMax) };
    });
  };
  const headInputs = (square = false): fc.Arbitrary<HeadInputs> => head({ min: 0, max: 3 }, 3, square).map(({ v, ...rest }) => ({ h: v, ...rest }));
  // ReLU'(z) is undefined at 0: z is kept 1e-3 away, farther than any finite-difference step reaches.
  const preActivationInputs = (square = false): fc.Arbitrary<PreActivationInputs> =>
    head({ min: -3, max: 3, awayFrom: [0], margin: 1e-3 }, 3, square).map(({ v, ...rest }) => ({ z: v, ...rest }));
  const logits20 = { min: -20, max: 20 };
  const logitInputs: fc.Arbitrary<LogitInputs> = sizedTensors({ k: [1, max] }, { r: { shape: ['k'], values: logits20 }, y: { shape: ['k'], oneHot: true } });
  // The softmax Jacobian's logits stay within ±8: at ±20 a softmax saturates until its largest Jacobian entry is
  // near 1e-17, which no float64 finite difference resolves (the check passed, stating a sensitivity of 18–483
  // at such inputs). The cross-entropy keeps ±20: its gradient ŷ − y stays of order 1 however saturated ŷ is.
  const softmaxInputs: fc.Arbitrary<SoftmaxInputs> = sizedTensors({ k: [1, max] }, { r: { shape: ['k'], values: { min: -8, max: 8 } } });
  const probabilityInputs: fc.Arbitrary<ProbabilityInputs> = sizedTensors({ k: [1, max] }, { yhat: { shape: ['k'], values: { min: 0.01, max: 1 } }, y: { shape: ['k'], oneHot: true } });
  const backboneInputs = (squareHead = false): fc.Arbitrary<BackboneInputs> => networkInputs({ maxDim: max, squareHead }).map(({ y: _y, ...rest }) => rest);

  const entries: CatalogEntry[] = [];
  const section = 'Example 5';

  // ∂J/∂U = δ1ᵀ hᵀ
  {
    const spec: CheckSpec<NetworkInputs> = { name: 'example-5/dJ-dU', inputs: network, wrt: ['U'], f: lossOf, gradient: (i) => gradientsOf(i).U };
    entries.push(
      erase({
        section,
        title: '∂J/∂U = δ1ᵀ hᵀ (shaped like U)',
        spec,
        mutants: [
          // A gradient shaped like a vector-shaped matrix (1×n) is read in either orientation: a transposed one shows at 2×2 (by value) or 2×3 (by shape).
          mutant(spec, 'transposed', 'h δ1 in place of δ1ᵀ hᵀ', { gradient: (i) => outer(forward(i).h, gradientsOf(i).b2) }, { hints: ['transposed'], maxShrunkDim: 3 }),
          mutant(spec, 'sign-flipped', 'δ1 = y − ŷ in place of ŷ − y', { gradient: (i) => gradientsOf(i, DELTA1.signFlipped).U }, { hints: ['sign-flipped'] }),
          mutant(spec, 'pre-activation', 'δ1ᵀ zᵀ: the pre-activation z in place of h = ReLU(z)', { gradient: (i) => outer(gradientsOf(i).b2, forward(i).z) }),
          mutant(
            spec,
            'hidden-past-five-dropped',
            'columns p ≥ 5 of ∂J/∂U left at 0 (a 5-wide loop without its remainder)',
            { gradient: (i) => outer(gradientsOf(i).b2, fillFrom(forward(i).h, 5, 0)) },
            { onlyWhen: 'p > 5', maxShrunkDim: 6 },
          ),
        ],
      }),
    );
  }

  // ∂J/∂h = δ1 U
  {
    const f = ({ h, U, b2, y }: HeadInputs) => scalar(crossEntropyOfLogits(y, logits(U, h, b2)));
    const delta1 = ({ h, U, b2, y }: HeadInputs) => delta1Of(logits(U, h, b2), y);
    const spec: CheckSpec<HeadInputs> = { name: 'example-5/dJ-dh', inputs: headInputs(), wrt: ['h'], f, gradient: (i) => vecMat(delta1(i), i.U) };
    entries.push(
      erase({
        section,
        title: '∂J/∂h = (∂J/∂r)(∂r/∂h) = δ1 U',
        spec,
        mutants: [
          mutant(spec, 'sign-flipped', '−δ1 U', { gradient: (i) => scale(vecMat(delta1(i), i.U), -1) }, { hints: ['sign-flipped'] }),
          mutant(spec, 'scaled', '½ δ1 U (a constant factor off)', { gradient: (i) => scale(vecMat(delta1(i), i.U), 0.5) }, { hints: ['scaled'] }),
          mutant(spec, 'label-dropped', 'ŷ U: δ1 taken as ŷ, the −y dropped', { gradient: (i) => vecMat(softmax(logits(i.U, i.h, i.b2)), i.U) }),
          mutant(
            spec,
            'U-not-transposed',
            'δ1 Uᵀ in place of δ1 U (checked where shapes allow it, k = p)',
            { inputs: headInputs(true), gradient: (i) => vecMat(delta1(i), transpose(i.U)) },
            { onlyWhen: 'k = p > 1' },
          ),
          mutant(
            spec,
            'classes-past-five-dropped',
            'the sum over classes in δ1 U stops after 5 classes',
            { gradient: (i) => vecMat(fillFrom(delta1(i), 5, 0), i.U) },
            { onlyWhen: 'k > 5', maxShrunkDim: 6 },
          ),
        ],
      }),
    );
  }

  // ∂J/∂b2 = δ1
  {
    const spec: CheckSpec<NetworkInputs> = { name: 'example-5/dJ-db2', inputs: network, wrt: ['b2'], f: lossOf, gradient: (i) => gradientsOf(i).b2 };
    entries.push(
      erase({
        section,
        title: '∂J/∂b2 = (∂J/∂r)(∂r/∂b2) = δ1',
        spec,
        mutants: [
          mutant(spec, 'bias-from-wrong-layer', 'δ2 (the first layer’s bias gradient) in place of δ1', { gradient: (i) => gradientsOf(i).b1 }),
          mutant(spec, 'sign-flipped', 'y − ŷ in place of ŷ − y', { gradient: (i) => gradientsOf(i, DELTA1.signFlipped).b2 }, { hints: ['sign-flipped'] }),
          mutant(spec, 'softmax-without-cross-term', 'δ1 = −y, from a softmax Jacobian diag(ŷ) without −ŷŷᵀ', { gradient: (i) => gradientsOf(i, DELTA1.noCrossTerm).b2 }),
          mutant(
            spec,
            'classes-past-five-dropped',
            'entries k ≥ 5 of δ1 left at 0',
            { gradient: (i) => fillFrom(gradientsOf(i).b2, 5, 0) },
            { onlyWhen: 'k > 5', maxShrunkDim: 6 },
          ),
        ],
      }),
    );
  }

  // ∂J/∂z = δ1 U ∘ ReLU'(z) = δ2
  {
    const f = ({ z, U, b2, y }: PreActivationInputs) => scalar(crossEntropyOfLogits(y, logits(U, map(z, relu), b2)));
    const delta1 = ({ z, U, b2, y }: PreActivationInputs) => delta1Of(logits(U, map(z, relu), b2), y);
    const delta2 = (i: PreActivationInputs, mask: (z: Tensor) => Tensor = reluMask, Ut: Tensor = i.U) => hadamard(vecMat(delta1(i), Ut), mask(i.z));
    const spec: CheckSpec<PreActivationInputs> = { name: 'example-5/dJ-dz', inputs: preActivationInputs(), wrt: ['z'], f, gradient: (i) => delta2(i) };
    entries.push(
      erase({
        section,
        title: "∂J/∂z = (∂J/∂h)(∂h/∂z) = δ1 U ∘ ReLU'(z) = δ2",
        spec,
        mutants: [
          mutant(spec, 'missing-mask', "δ1 U without ∘ ReLU'(z)", { gradient: (i) => delta2(i, MASKS.none) }, { hints: ['mask'] }),
          mutant(spec, 'inverted-mask', "the mask 1[z < 0] in place of ReLU'(z) = 1[z > 0]", { gradient: (i) => delta2(i, MASKS.inverted) }),
          mutant(spec, 'sign-flipped', '−δ2', { gradient: (i) => scale(delta2(i), -1) }, { hints: ['sign-flipped'] }),
          mutant(
            spec,
            'U-not-transposed',
            "δ1 Uᵀ ∘ ReLU'(z) (checked where shapes allow it, k = p)",
            { inputs: preActivationInputs(true), gradient: (i) => delta2(i, reluMask, transpose(i.U)) },
            { onlyWhen: 'k = p > 1' },
          ),
          mutant(spec, 'mask-past-five-dropped', 'the mask applied to the first 5 units only', { gradient: (i) => delta2(i, MASKS.firstFive) }, { onlyWhen: 'p > 5', maxShrunkDim: 6 }),
        ],
      }),
    );
  }

  // ∂J/∂W = δ2ᵀ xᵀ
  {
    const spec: CheckSpec<NetworkInputs> = { name: 'example-5/dJ-dW', inputs: network, wrt: ['W'], f: lossOf, gradient: (i) => gradientsOf(i).W };
    entries.push(
      erase({
        section,
        title: '∂J/∂W = δ2ᵀ xᵀ (by Example 4; shaped like W)',
        spec,
        mutants: [
          // A gradient shaped like a vector-shaped matrix (1×n) is read in either orientation: a transposed one shows at 2×2 (by value) or 2×3 (by shape).
          mutant(spec, 'transposed', 'x δ2 in place of δ2ᵀ xᵀ', { gradient: (i) => outer(i.x, gradientsOf(i).z) }, { hints: ['transposed'], maxShrunkDim: 3 }),
          mutant(spec, 'missing-mask', "δ2 without ∘ ReLU'(z)", { gradient: (i) => gradientsOf(i, DELTA1.correct, MASKS.none).W }, { hints: ['mask'] }),
          mutant(spec, 'sign-flipped', 'δ1 = y − ŷ in place of ŷ − y', { gradient: (i) => gradientsOf(i, DELTA1.signFlipped).W }, { hints: ['sign-flipped'] }),
          mutant(spec, 'wrong-layer-input', 'δ2ᵀ hᵀ: the layer’s output h in place of its input x (shapes agree only when n = p)', { gradient: (i) => outer(gradientsOf(i).z, forward(i).h) }),
          mutant(
            spec,
            'x-past-five-dropped',
            'columns n ≥ 5 of ∂J/∂W left at 0',
            { gradient: (i) => outer(gradientsOf(i).z, fillFrom(i.x, 5, 0)) },
            { onlyWhen: 'n > 5', maxShrunkDim: 6 },
          ),
        ],
      }),
    );
  }

  // ∂J/∂b1 = δ2
  {
    const spec: CheckSpec<NetworkInputs> = { name: 'example-5/dJ-db1', inputs: network, wrt: ['b1'], f: lossOf, gradient: (i) => gradientsOf(i).b1 };
    entries.push(
      erase({
        section,
        title: '∂J/∂b1 = (∂J/∂z)(∂z/∂b1) = δ2',
        spec,
        mutants: [
          mutant(spec, 'bias-from-wrong-layer', 'δ1 (the second layer’s bias gradient) in place of δ2', { gradient: (i) => gradientsOf(i).b2 }),
          mutant(spec, 'missing-mask', "δ1 U without ∘ ReLU'(z)", { gradient: (i) => gradientsOf(i, DELTA1.correct, MASKS.none).b1 }, { hints: ['mask'] }),
          mutant(spec, 'sign-flipped', '−δ2', { gradient: (i) => scale(gradientsOf(i).b1, -1) }, { hints: ['sign-flipped'] }),
          mutant(spec, 'scaled', '2 δ2 (a constant factor off)', { gradient: (i) => scale(gradientsOf(i).b1, 2) }, { hints: ['scaled'] }),
          mutant(spec, 'mask-past-five-dropped', 'the mask applied to the first 5 units only', { gradient: (i) => gradientsOf(i, DELTA1.correct, MASKS.firstFive).b1 }, { onlyWhen: 'p > 5', maxShrunkDim: 6 }),
        ],
      }),
    );
  }

  // δ1 = ∂J/∂r = ŷ − y
  {
    const f = ({ r, y }: LogitInputs) => scalar(crossEntropyOfLogits(y, r));
    const spec: CheckSpec<LogitInputs> = { name: 'example-5/delta1', inputs: logitInputs, wrt: ['r'], f, gradient: ({ r, y }) => DELTA1.correct(r, y) };
    entries.push(
      erase({
        section,
        title: 'δ1 = ∂J/∂r = ŷ − y for softmax followed by cross-entropy with one-hot y',
        spec,
        mutants: [
          mutant(spec, 'sign-flipped', 'y − ŷ in place of ŷ − y', { gradient: ({ r, y }) => DELTA1.signFlipped(r, y) }, { hints: ['sign-flipped'] }),
          mutant(spec, 'label-dropped', 'ŷ in place of ŷ − y', { gradient: ({ r }) => DELTA1.labelDropped(r) }),
          mutant(spec, 'softmax-without-cross-term', '−y: (−y/ŷ) diag(ŷ), the softmax Jacobian without −ŷŷᵀ', { gradient: ({ r, y }) => DELTA1.noCrossTerm(r, y) }),
          mutant(spec, 'scaled', '½(ŷ − y) (a constant factor off)', { gradient: ({ r, y }) => DELTA1.halved(r, y) }, { hints: ['scaled'] }),
          mutant(
            spec,
            'classes-past-five-dropped',
            'entries k ≥ 5 of ŷ − y left at 0',
            { gradient: ({ r, y }) => fillFrom(DELTA1.correct(r, y), 5, 0) },
            { onlyWhen: 'k > 5', maxShrunkDim: 6 },
          ),
        ],
      }),
    );
  }

  // ∂ŷ/∂r = diag(ŷ) − ŷŷᵀ
  {
    const jac = (r: Tensor, crossTerms = Infinity) => {
      const p = softmax(r);
      const P = outer(p, p);
      const k = p.data.length;
      return tensor([k, k], Array.from(diag(p.data).data, (d, e) => d - (Math.floor(e / k) < crossTerms && e % k < crossTerms ? P.data[e] : 0)));
    };
    const spec: CheckSpec<SoftmaxInputs> = { name: 'example-5/softmax-jacobian', inputs: softmaxInputs, wrt: ['r'], f: ({ r }) => softmax(r), jacobian: ({ r }) => jac(r) };
    entries.push(
      erase({
        section,
        title: 'softmax Jacobian ∂ŷ/∂r = diag(ŷ) − ŷŷᵀ',
        spec,
        mutants: [
          mutant(spec, 'without-cross-term', 'diag(ŷ): the −ŷŷᵀ term forgotten', { jacobian: ({ r }) => diag(softmax(r).data) }),
          mutant(spec, 'sign-flipped', 'ŷŷᵀ − diag(ŷ)', { jacobian: ({ r }) => scale(jac(r), -1) }, { hints: ['sign-flipped'] }),
          mutant(spec, 'off-diagonal-dropped', 'diag(ŷ ∘ (1 − ŷ)): softmax differentiated like an elementwise sigmoid', {
            jacobian: ({ r }) => diag(Array.from(softmax(r).data, (p) => p * (1 - p))),
          }),
          mutant(spec, 'one-wrong-entry', 'entry (1, 1) taken as ŷ_1 (its −ŷ_1² dropped)', {
            jacobian: ({ r }) => {
              const J = jac(r);
              J.data[0] = softmax(r).data[0];
              return J;
            },
          }),
          mutant(spec, 'cross-term-of-five', '−ŷŷᵀ subtracted over the first 5 classes only', { jacobian: ({ r }) => jac(r, 5) }, { onlyWhen: 'k > 5', maxShrunkDim: 6 }),
        ],
      }),
    );
  }

  // ∂J/∂ŷ = −(y / ŷ), a row
  {
    const f = ({ yhat, y }: ProbabilityInputs) => scalar(crossEntropy(y, yhat));
    const row = (v: Tensor) => tensor([1, v.data.length], v.data);
    const grad = ({ yhat, y }: ProbabilityInputs) => map(y, (yk, k) => -yk / yhat.data[k]);
    const spec: CheckSpec<ProbabilityInputs> = { name: 'example-5/cross-entropy-gradient', inputs: probabilityInputs, wrt: ['yhat'], f, jacobian: (i) => row(grad(i)) };
    entries.push(
      erase({
        section,
        title: 'cross-entropy gradient ∂J/∂ŷ = −(y / ŷ) elementwise (a 1×k row)',
        spec,
        mutants: [
          mutant(spec, 'sign-flipped', 'y / ŷ in place of −y / ŷ', { jacobian: (i) => row(scale(grad(i), -1)) }, { hints: ['sign-flipped'] }),
          mutant(spec, 'reciprocal-dropped', '−y: d/dŷ log ŷ taken as 1', { jacobian: ({ y }) => row(scale(y, -1)) }),
          mutant(spec, 'scaled', '−y / (2ŷ) (a constant factor off)', { jacobian: (i) => row(scale(grad(i), 0.5)) }, { hints: ['scaled'] }),
          mutant(spec, 'classes-past-five-dropped', 'entries k ≥ 5 left at 0', { jacobian: (i) => row(fillFrom(grad(i), 5, 0)) }, { onlyWhen: 'k > 5', maxShrunkDim: 6 }),
        ],
      }),
    );
  }

  // The backward pass as a vjp: from δ1 = ∂J/∂r down to W, b1, U, b2.
  {
    const f = ({ x, W, b1, U, b2 }: BackboneInputs) => logits(U, hiddenLayer(x, W, b1).h, b2);
    const pass = (i: BackboneInputs, delta1: Tensor, mask?: BackwardVariant['mask']) => backward(i.x, i.U, hiddenLayer(i.x, i.W, i.b1), delta1, mask ? { mask } : {});
    const vjp = (i: BackboneInputs, delta1: Tensor, mask?: BackwardVariant['mask']) => {
      const g = pass(i, delta1, mask);
      return { W: g.W, b1: g.b1, U: g.U, b2: g.b2 };
    };
    const spec: CheckSpec<BackboneInputs> = { name: 'example-5/backprop-vjp', inputs: backboneInputs(), wrt: ['W', 'b1', 'U', 'b2'], f, vjp: (i, d) => vjp(i, d) };
    entries.push(
      erase({
        section,
        title: 'the backward pass from δ1 = ∂J/∂r down (a vjp of r = U ReLU(W x + b1) + b2): δ1ᵀhᵀ, δ1, δ2ᵀxᵀ, δ2',
        spec,
        mutants: [
          mutant(spec, 'missing-mask', "δ2 = δ1 U without ∘ ReLU'(z)", { vjp: (i, d) => vjp(i, d, MASKS.none) }, { hints: ['mask'] }),
          mutant(spec, 'biases-from-wrong-layers', 'b1 gets δ1 and b2 gets δ2', {
            vjp: (i, d) => {
              const g = vjp(i, d);
              return { ...g, b1: g.b2, b2: g.b1 };
            },
          }),
          mutant(spec, 'W-transposed', 'x δ2 in place of δ2ᵀ xᵀ for W', {
            vjp: (i, d) => {
              const g = pass(i, d);
              return { W: outer(i.x, g.z), b1: g.b1, U: g.U, b2: g.b2 };
            },
          }, { hints: ['transposed'], maxShrunkDim: 3 }),
          mutant(
            spec,
            'U-not-transposed',
            'δ2 from δ1 Uᵀ in place of δ1 U (checked where shapes allow it, k = p)',
            {
              inputs: backboneInputs(true),
              vjp: (i, d) => {
                const fw = hiddenLayer(i.x, i.W, i.b1);
                const g = backward(i.x, transpose(i.U), fw, d);
                return { W: g.W, b1: g.b1, U: outer(d, fw.h), b2: d };
              },
            },
            { onlyWhen: 'k = p > 1' },
          ),
          mutant(spec, 'sign-flipped', 'every gradient negated', {
            vjp: (i, d) => {
              const g = vjp(i, d);
              return { W: scale(g.W, -1), b1: scale(g.b1, -1), U: scale(g.U, -1), b2: scale(g.b2, -1) };
            },
          }, { hints: ['sign-flipped'] }),
          mutant(spec, 'mask-past-five-dropped', 'the mask applied to the first 5 units only', { vjp: (i, d) => vjp(i, d, MASKS.firstFive) }, { onlyWhen: 'p > 5', maxShrunkDim: 6 }),
        ],
      }),
    );
  }

  // The whole loss at once: ∂J/∂W, ∂J/∂b1, ∂J/∂U, ∂J/∂b2 in gradient form.
  {
    const all = (i: NetworkInputs, delta1 = DELTA1.correct, mask?: BackwardVariant['mask']) => {
      const g = gradientsOf(i, delta1, mask);
      return { W: g.W, b1: g.b1, U: g.U, b2: g.b2 };
    };
    const spec: CheckSpec<NetworkInputs> = { name: 'example-5/loss-gradient', inputs: network, wrt: ['W', 'b1', 'U', 'b2'], f: lossOf, gradient: (i) => all(i) };
    entries.push(
      erase({
        section,
        title: 'the gradient of J = CE(y, softmax(U ReLU(W x + b1) + b2)) with respect to W, b1, U, b2 at once',
        spec,
        mutants: [
          mutant(spec, 'sign-flipped', 'δ1 = y − ŷ in place of ŷ − y', { gradient: (i) => all(i, DELTA1.signFlipped) }, { hints: ['sign-flipped'] }),
          mutant(spec, 'missing-mask', "δ2 = δ1 U without ∘ ReLU'(z)", { gradient: (i) => all(i, DELTA1.correct, MASKS.none) }, { hints: ['mask'] }),
          mutant(spec, 'biases-from-wrong-layers', 'b1 gets δ1 and b2 gets δ2', {
            gradient: (i) => {
              const g = all(i);
              return { ...g, b1: g.b2, b2: g.b1 };
            },
          }),
          mutant(spec, 'softmax-without-cross-term', 'δ1 = −y, from a softmax Jacobian diag(ŷ) without −ŷŷᵀ', { gradient: (i) => all(i, DELTA1.noCrossTerm) }),
          mutant(spec, 'scaled', 'δ1 = ½(ŷ − y) (a constant factor off)', { gradient: (i) => all(i, DELTA1.halved) }, { hints: ['scaled'] }),
          mutant(spec, 'mask-past-five-dropped', 'the mask applied to the first 5 units only', { gradient: (i) => all(i, DELTA1.correct, MASKS.firstFive) }, { onlyWhen: 'p > 5', maxShrunkDim: 6 }),
        ],
      }),
    );
  }

  return entries;
}
