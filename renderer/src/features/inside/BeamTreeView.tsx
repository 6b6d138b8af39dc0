/**
 * View 5: the beam search's tree, drawn as SVG (nodes are a few dozen to a few hundred, each
 * with a hover title and a colour for its fate; edges follow the parents). Columns are output
 * steps; greedy's path is outlined and listed beside the n-best.
 */
import { useMemo } from 'react';
import type { BeamPath, BeamTreeNode, InsideBeamTree } from '../../../../shared/inside';
import { formatNum } from '../../lib/format';

const COL = 118;
const ROW = 26;
const NODE_W = 104;

const FATE_LABEL: Record<BeamTreeNode['fate'], string> = {
  kept: 'kept in the beam',
  finished: 'ended with </s>',
  dropped: 'dropped',
  cutOff: 'cut off at the maximum length',
};

const END_LABEL: Record<InsideBeamTree['endReason'], string> = {
  noLive: 'every hypothesis had ended',
  maxLength: 'the maximum length was reached',
  bound: 'no live hypothesis could beat the n-th finished one any more',
};

function PathRow({ path, label, testId }: { path: BeamPath; label: string; testId: string }) {
  return (
    <tr data-testid={testId}>
      <td className="small">{label}</td>
      <td>
        <code>{path.tokens.join(' ')}</code>
      </td>
      <td className="small">{formatNum(path.logProb, 4)}</td>
      <td className="small">{formatNum(path.score, 4)}</td>
      <td className="small">{path.finished ? '</s>' : 'cut off'}</td>
    </tr>
  );
}

export function BeamTreeView({ result }: { result: InsideBeamTree }) {
  const layout = useMemo(() => {
    const byStep = new Map<number, BeamTreeNode[]>();
    for (const n of result.nodes) byStep.set(n.step, [...(byStep.get(n.step) ?? []), n]);
    const at = new Map<number, { x: number; y: number }>([[0, { x: 8, y: 14 }]]);
    let rows = 1;
    for (const [step, nodes] of [...byStep.entries()].sort((a, b) => a[0] - b[0])) {
      // Children sit in their parents' order, so edges cross little.
      const ordered = [...nodes].sort(
        (a, b) => (at.get(a.parent)?.y ?? 0) - (at.get(b.parent)?.y ?? 0) || b.logProb - a.logProb,
      );
      ordered.forEach((n, i) => at.set(n.id, { x: 8 + step * COL, y: 14 + i * ROW }));
      rows = Math.max(rows, ordered.length);
    }
    return { at, rows, steps: Math.max(0, ...result.nodes.map((n) => n.step)) };
  }, [result.nodes]);
  const greedy = new Set(result.greedy.nodeIds ?? []);
  const best = new Set(result.nbest[0]?.nodeIds ?? []);
  return (
    <div data-testid="view-beamtree">
      <p className="small" data-testid="beam-summary">
        Width {result.beamSize}, α = {result.alpha}: {result.nodes.length} candidates over{' '}
        {layout.steps} steps; the search stopped after step {result.endStep} because{' '}
        {END_LABEL[result.endReason]}.
      </p>
      <div className="in-legend small">
        {(['kept', 'finished', 'cutOff', 'dropped'] as const).map((f) => (
          <span key={f}>
            <span className={`in-fate-swatch fate-${f}`} /> {FATE_LABEL[f]}
          </span>
        ))}
        <span>
          <span className="in-fate-swatch greedy" /> greedy&apos;s path
        </span>
        <span>
          <span className="in-fate-swatch best" /> best hypothesis
        </span>
      </div>
      <div className="in-scroll in-tree">
        <svg
          width={16 + (layout.steps + 1) * COL}
          height={20 + layout.rows * ROW}
          role="img"
          aria-label="Beam search tree"
          data-testid="beam-svg"
        >
          {result.nodes.map((n) => {
            const a = layout.at.get(n.parent);
            const b = layout.at.get(n.id);
            if (!a || !b) return null;
            return (
              <line
                key={`e${n.id}`}
                className={`in-edge fate-${n.fate}${best.has(n.id) ? ' best' : ''}`}
                x1={a.x + NODE_W}
                y1={a.y}
                x2={b.x}
                y2={b.y}
              />
            );
          })}
          <text x={12} y={18} className="in-label">
            &lt;s&gt;
          </text>
          {result.nodes.map((n) => {
            const p = layout.at.get(n.id);
            if (!p) return null;
            return (
              <g key={n.id} transform={`translate(${p.x}, ${p.y - 10})`} data-fate={n.fate}>
                <rect
                  className={`in-node fate-${n.fate}${greedy.has(n.id) ? ' greedy' : ''}`}
                  width={NODE_W}
                  height={20}
                  rx={4}
                />
                <text x={5} y={14} className="in-node-text">
                  {n.token.length > 8 ? `${n.token.slice(0, 7)}…` : n.token} {formatNum(n.score, 3)}
                </text>
                <title>{`${n.token} (step ${n.step}), ${FATE_LABEL[n.fate]}: log p(token) ${formatNum(n.tokenLogProb, 4)}, log P ${formatNum(n.logProb, 4)}, score ${formatNum(n.score, 4)}`}</title>
              </g>
            );
          })}
        </svg>
      </div>
      <p className="muted small">
        Each box: the token and its score, log P / ((5 + length) / 6)^α. Of the 2B best extensions
        at a step, the first B that do not end stay live; an ending counts only among the first B.
      </p>
      <table className="in-steps" data-testid="beam-nbest">
        <thead>
          <tr>
            <th />
            <th>hypothesis</th>
            <th>log P</th>
            <th>score</th>
            <th>ended</th>
          </tr>
        </thead>
        <tbody>
          {result.nbest.map((h, i) => (
            <PathRow key={i} path={h} label={`beam #${i + 1}`} testId={`beam-hyp-${i}`} />
          ))}
          <PathRow path={result.greedy} label="greedy" testId="beam-greedy" />
        </tbody>
      </table>
    </div>
  );
}
