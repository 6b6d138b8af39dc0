// Linted as main/services/bad.ts: no tensor work on the main thread.
import * as tf from '@tensorflow/tfjs';
export const zeros = () => tf.zeros([2]);
