import { describe, expect, it } from 'vitest';
import { mergeByStep } from '../lib/series';
import { chartCsv, type ChartSeries } from './MetricChart';

describe('chartCsv', () => {
  it('exports the plotted values: one row per x, one column per series', () => {
    const series: ChartSeries[] = [
      {
        key: 'a:loss',
        name: 'run a',
        color: '#000',
        points: [
          { step: 10, value: 5.5 },
          { step: 20, value: 4.25 },
        ],
      },
      { key: 'b:loss', name: 'run b', color: '#111', points: [{ step: 20, value: 6 }] },
    ];
    const rows = mergeByStep(series);
    expect(chartCsv(rows, series, 'step')).toBe('step,run a,run b\r\n10,5.5,\r\n20,4.25,6\r\n');
    expect(chartCsv(rows, series, 'time').split('\r\n')[0]).toBe('seconds,run a,run b');
    expect(chartCsv(rows, series, 'tokens').split('\r\n')[0]).toBe('tokens_seen,run a,run b');
  });
});
