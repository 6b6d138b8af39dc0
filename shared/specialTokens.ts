/**
 * The ids of the four special tokens every tokenizer of the studio starts with. The model
 * (padding masks), the training batches and the tokenizer all use these, so they are declared
 * once, here.
 */

/** Padding; the loss and the attention masks ignore it. */
export const PAD_ID = 0;
/** Beginning of sequence: the decoder's first input. */
export const BOS_ID = 1;
/** End of sequence: appended to targets; decoding stops on it. */
export const EOS_ID = 2;
/** Any character that was not in the training alphabet. */
export const UNK_ID = 3;
