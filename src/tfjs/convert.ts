import * as tf from '@tensorflow/tfjs';
import { UserCodeError } from '../check/user-call.js';
import { describeValue, scalar, type Tensor } from '../tensor/index.js';

/** A gradproof tensor as a float32 tf.Tensor (values rounded to float32). */
export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

/** True when a value is a tf.Tensor (of any copy of tfjs-core). */
export function isTfTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/** A tf.Tensor (or a plain number) returned by user code as a gradproof tensor; anything else is a UserCodeError. */
export function fromTf(what: string, value: unknown): Tensor {
  if (typeof value === 'number') return scalar(value);
  if (!isTfTensor(value)) {
    const got = value instanceof Promise ? 'a Promise' : describeValue(value);
    throw new UserCodeError(`${what} returned ${got}, expected a tf.Tensor`);
  }
  if (value.isDisposed) throw new UserCodeError(`${what} returned a disposed tf.Tensor`);
  if (value.dtype !== 'float32') {
    throw new UserCodeError(`${what} returned a ${value.dtype} tf.Tensor; gradproof differentiates float32 tensors`);
  }
  return { shape: [...value.shape], data: Float64Array.from(value.dataSync() as Float32Array) };
}
