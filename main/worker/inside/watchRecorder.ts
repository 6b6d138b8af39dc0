/**
 * Watch it learn (the Inside screen's strip): at every validation point of a run, the model
 * being trained translates the run's pinned sentences greedily and the translation and the
 * last layer's encoder-decoder attention (mean over heads) are appended to watch.jsonl, so
 * the alignment can be seen sharpening over the steps. A failure here only logs: it never
 * stops the training.
 */
import type { WatchRecord, WatchTranslation } from '../../../shared/inside';
import { greedyDecode } from '../../decoding/greedy';
import { prepareSource } from '../../decoding/stepper';
import type { Tokenizers } from '../../decoding/translate';
import type { Transformer } from '../../model/transformer';
import { appendWatch, readPins } from '../../runFolder/watchLog';
import { EOS_ID } from '../../text/tokenizer';

/** [head][tgt][src] -> [tgt][src], the mean over heads. */
export function meanOverHeads(heads: readonly number[][][]): number[][] {
  const first = heads[0] ?? [];
  return first.map((row, t) =>
    row.map((_, s) => heads.reduce((sum, h) => sum + (h[t]?.[s] ?? 0), 0) / heads.length),
  );
}

/** The pinned sentences' translations by `model` now. */
export function watchTranslations(
  model: Transformer,
  tokenizers: Tokenizers,
  texts: readonly string[],
): WatchTranslation[] {
  const limit = model.config.maxPositions;
  const sources = texts.map((t) => {
    const s = prepareSource(tokenizers.src.encode(t));
    return s.length <= limit ? s : [...s.slice(0, limit - 1), EOS_ID];
  });
  const decoded = greedyDecode(model, sources, { returnAttention: true });
  return texts.map((text, i) => {
    const d = decoded[i];
    const cross = d?.attention?.cross ?? [];
    return {
      text,
      srcTokens: (sources[i] ?? []).map((id) => tokenizers.src.idToToken(id)),
      tokens: (d?.ids ?? []).map((id) => tokenizers.tgt.idToToken(id)),
      // Four decimals are plenty for a map and keep watch.jsonl small over a long run.
      cross: meanOverHeads(cross[cross.length - 1] ?? []).map((row) =>
        row.map((w) => Math.round(w * 1e4) / 1e4),
      ),
    };
  });
}

export class WatchRecorder {
  constructor(
    private readonly runDir: string,
    private readonly tokenizers: Tokenizers,
    private readonly warn: (message: string) => void,
  ) {}

  /** Records the pinned sentences when `step` is a validation point (validEvery > 0). */
  async afterStep(step: number, validEvery: number, model: Transformer): Promise<void> {
    if (validEvery <= 0 || step % validEvery !== 0) return;
    try {
      const pins = await readPins(this.runDir);
      if (pins.length === 0) return;
      const record: WatchRecord = {
        step,
        time: Date.now(),
        translations: watchTranslations(model, this.tokenizers, pins),
      };
      await appendWatch(this.runDir, record);
    } catch (err) {
      this.warn(
        `Watch it learn could not record step ${step}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
