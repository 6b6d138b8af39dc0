import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LengthHistogram } from '../../../shared/types';

/** Sentence lengths of one side as bars (bucket upper bounds on the x axis). */
export function Histogram({
  histogram,
  title,
  color = 'var(--accent)',
  testId,
}: {
  histogram: LengthHistogram;
  title: string;
  color?: string;
  testId: string;
}) {
  const data = histogram.bounds.map((b, i) => {
    const lo = i === 0 ? 0 : (histogram.bounds[i - 1] ?? 0) + 1;
    return { bucket: lo === b ? `${b}` : `${lo}–${b}`, count: histogram.counts[i] ?? 0 };
  });
  return (
    <figure className="histogram" data-testid={testId} aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={160}>
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="bucket"
            tick={{ fill: 'var(--muted)', fontSize: 10 }}
            stroke="var(--border)"
          />
          <YAxis tick={{ fill: 'var(--muted)', fontSize: 10 }} stroke="var(--border)" width={44} />
          <Tooltip
            cursor={{ fill: 'var(--accent-soft)' }}
            contentStyle={{
              background: 'var(--panel)',
              border: '1px solid var(--border)',
              borderRadius: 8,
              fontSize: 12,
            }}
            formatter={(v) => [String(v), 'pairs']}
            labelFormatter={(l) => `${String(l)} tokens`}
          />
          <Bar dataKey="count" fill={color} isAnimationActive={false} radius={[3, 3, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
