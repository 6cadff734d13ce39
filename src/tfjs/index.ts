export { tfjsSpec, type TfjsSpecOptions, type TfTensors, type TfDerivative, type TfjsAutodiffForm } from './tfjs-spec.js';
export { type TfjsDim, type TfjsDims, type TfjsInputDeclaration, type TfjsInputOptions } from './inputs.js';
export { toTf, fromTf } from './convert.js';
