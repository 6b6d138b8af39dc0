import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { NamedTensor } from '../../../shared/namedTensor';
import { marianDimensionOrder } from './dimensionOrder';
import { fixtureModel, randomMarianTensors, randomStudioWeights } from './marian.fixture';
import { marianPositionTable } from './marianFolder';
import {
  fromMarianTensors,
  MARIAN_LOGITS_BIAS,
  MARIAN_SHARED,
  marianTensorSpecs,
  toMarianTensors,
} from './marianTensors';

const byName = (ts: readonly NamedTensor[], name: string): NamedTensor => {
  const t = ts.find((x) => x.name === name);
  if (!t) throw new Error(`no ${name}`);
  return t;
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).message;
  }
  throw new Error('expected a refusal');
}

describe('the d_model order', () => {
  it('puts the sines (even studio dimensions) first and the cosines second', () => {
    expect([...marianDimensionOrder(6)]).toEqual([0, 2, 4, 1, 3, 5]);
    expect([...marianDimensionOrder(2)]).toEqual([0, 1]);
    expect(() => marianDimensionOrder(5)).toThrow(/even/);
  });

  it("maps the studio's interleaved position table onto Marian's halves exactly", () => {
    const d = 8;
    const order = marianDimensionOrder(d);
    const marian = marianPositionTable(20, d);
    for (let pos = 0; pos < 20; pos++) {
      for (let j = 0; j < d; j++) {
        // The paper's PE (main/model/positional.ts): 2i sine, 2i+1 cosine of pos / 10000^(2i/d).
        const s = order[j]!;
        const i = Math.floor(s / 2);
        const angle = pos / Math.pow(10000, (2 * i) / d);
        const studio = Math.fround(s % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
        expect(marian[pos * d + j]).toBe(studio);
      }
    }
  });
});

describe('Marian tensor names, shapes and dtypes', () => {
  it('lists every tensor of the issue for one encoder and one decoder layer', () => {
    const model = fixtureModel(10, {
      dModel: 8,
      heads: 2,
      dFF: 16,
      encoderLayers: 1,
      decoderLayers: 1,
    });
    const proj = (p: string): [string, number[]][] =>
      ['q_proj', 'k_proj', 'v_proj', 'out_proj'].flatMap((m): [string, number[]][] => [
        [`${p}.${m}.weight`, [8, 8]],
        [`${p}.${m}.bias`, [8]],
      ]);
    const norm = (p: string): [string, number[]][] => [
      [`${p}.weight`, [8]],
      [`${p}.bias`, [8]],
    ];
    const ffn = (p: string): [string, number[]][] => [
      [`${p}.fc1.weight`, [16, 8]],
      [`${p}.fc1.bias`, [16]],
      [`${p}.fc2.weight`, [8, 16]],
      [`${p}.fc2.bias`, [8]],
    ];
    const e = 'model.encoder.layers.0';
    const dl = 'model.decoder.layers.0';
    const expected: [string, number[]][] = [
      ['model.shared.weight', [10, 8]],
      ...proj(`${e}.self_attn`),
      ...norm(`${e}.self_attn_layer_norm`),
      ...ffn(e),
      ...norm(`${e}.final_layer_norm`),
      ...proj(`${dl}.self_attn`),
      ...norm(`${dl}.self_attn_layer_norm`),
      ...proj(`${dl}.encoder_attn`),
      ...norm(`${dl}.encoder_attn_layer_norm`),
      ...ffn(dl),
      ...norm(`${dl}.final_layer_norm`),
      ['final_logits_bias', [1, 10]],
    ];
    const specs = marianTensorSpecs(model);
    expect(specs.map((s) => [s.name, s.shape])).toEqual(expected);
    expect(new Set(specs.map((s) => s.dtype))).toEqual(new Set(['float32']));
    const tensors = toMarianTensors(randomStudioWeights(model, 1), model);
    expect(tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual(
      expected.map(([n, s]) => [n, s, 'float32']),
    );
  });

  it('stores linear weights [out, in] and renumbers only the residual side', () => {
    const model = fixtureModel(10, {
      dModel: 4,
      heads: 2,
      dFF: 8,
      encoderLayers: 1,
      decoderLayers: 1,
    });
    const studio = randomStudioWeights(model, 7);
    const marian = toMarianTensors(studio, model);
    const order = marianDimensionOrder(4); // [0, 2, 1, 3]
    // W_O [heads' concat (in), residual (out)]: Marian out_proj.weight[o][i] = W_O[i][order[o]].
    const wO = byName(studio, 'encoder.layers.0.self_attn.w_o').data;
    const outProj = byName(marian, 'model.encoder.layers.0.self_attn.out_proj.weight').data;
    expect(outProj[1 * 4 + 3]).toBe(wO[3 * 4 + order[1]!]); // o=1 -> studio out 2
    // W_Q [residual (in), heads (out)]: q_proj.weight[o][i] = W_Q[order[i]][o].
    const wQ = byName(studio, 'encoder.layers.0.self_attn.w_q').data;
    const qProj = byName(marian, 'model.encoder.layers.0.self_attn.q_proj.weight').data;
    expect(qProj[3 * 4 + 2]).toBe(wQ[order[2]! * 4 + 3]); // i=2 -> studio in 1
    // b_q is on the heads' side: not renumbered; b_o is residual: renumbered.
    expect(byName(marian, 'model.encoder.layers.0.self_attn.q_proj.bias').data).toEqual(
      byName(studio, 'encoder.layers.0.self_attn.b_q').data,
    );
    const bO = byName(studio, 'encoder.layers.0.self_attn.b_o').data;
    expect([...byName(marian, 'model.encoder.layers.0.self_attn.out_proj.bias').data]).toEqual(
      [...order].map((s) => bO[s]),
    );
    // fc1 [d_ff, d]: fc1.weight[f][i] = w_1[order[i]][f].
    const w1 = byName(studio, 'encoder.layers.0.ffn.w_1').data;
    const fc1 = byName(marian, 'model.encoder.layers.0.fc1.weight').data;
    expect(fc1[5 * 4 + 1]).toBe(w1[order[1]! * 8 + 5]);
    // Embedding rows stay, columns are renumbered.
    const emb = byName(studio, 'embedding.shared').data;
    const shared = byName(marian, MARIAN_SHARED).data;
    expect(shared[6 * 4 + 2]).toBe(emb[6 * 4 + order[2]!]);
    // The logit bias is zeros (the studio has none).
    expect(byName(marian, MARIAN_LOGITS_BIAS).data.every((x) => x === 0)).toBe(true);
  });

  it('comes back bit for bit: fromMarianTensors(toMarianTensors(w)) = w', () => {
    const model = fixtureModel(30);
    const studio = randomStudioWeights(model, 3);
    const back = fromMarianTensors(toMarianTensors(studio, model), model, 'x');
    expect(back.map((t) => t.name)).toEqual(studio.map((t) => t.name));
    back.forEach((t, i) => {
      expect(t.shape).toEqual(studio[i]!.shape);
      expect(Buffer.from(t.data.buffer).equals(Buffer.from(studio[i]!.data.buffer))).toBe(true);
    });
  });
});

describe('importing Marian tensors refuses with a sentence', () => {
  const model = fixtureModel(12);
  const tensors = (): NamedTensor[] => randomMarianTensors(model, 5);

  it('a missing or misshapen tensor', () => {
    const missing = tensors().filter((t) => t.name !== 'model.decoder.layers.1.fc2.bias');
    expect(refusal(() => fromMarianTensors(missing, model, 'F'))).toMatch(
      /F cannot be imported: it has no tensor model\.decoder\.layers\.1\.fc2\.bias/,
    );
    const wrong = tensors().map((t) =>
      t.name === 'model.encoder.layers.0.fc1.weight' ? { ...t, shape: [16, 32] } : t,
    );
    expect(refusal(() => fromMarianTensors(wrong, model, 'F'))).toMatch(
      /fc1\.weight has shape \[16, 32\] but config\.json implies \[32, 16\]/,
    );
  });

  it('untied embeddings and a non-zero logit bias', () => {
    const base = tensors();
    const shared = byName(base, MARIAN_SHARED);
    const lmHead = { ...shared, name: 'lm_head.weight', data: shared.data.map((x) => x + 1) };
    expect(refusal(() => fromMarianTensors([...base, lmHead], model, 'F'))).toMatch(
      /lm_head\.weight differs/,
    );
    const same = { ...shared, name: 'lm_head.weight', data: Float32Array.from(shared.data) };
    expect(() => fromMarianTensors([...base, same], model, 'F')).not.toThrow();
    const biased = base.map((t) =>
      t.name === MARIAN_LOGITS_BIAS ? { ...t, data: t.data.map((_, i) => (i === 3 ? 0.5 : 0)) } : t,
    );
    expect(refusal(() => fromMarianTensors(biased, model, 'F'))).toMatch(
      /final_logits_bias is not zero/,
    );
  });
});
