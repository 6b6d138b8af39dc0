/** The settings of the runs on the charts, side by side, the ones that differ highlighted. */
import { useState } from 'react';
import type { RunInfo } from '../../../../shared/types';
import { useStudio } from '../../store';
import { compareRows } from './compareRows';

export function CompareSettings({ runs, colors }: { runs: RunInfo[]; colors: string[] }) {
  const datasets = useStudio((s) => s.datasets);
  const [all, setAll] = useState(false);
  const rows = compareRows(runs, (id) => datasets.find((d) => d.id === id)?.name ?? id);
  const differing = rows.filter((r) => r.differs).length;
  const visible = all ? rows : rows.filter((r) => r.differs);
  return (
    <section
      className="compare-settings"
      aria-labelledby="compare-settings-title"
      data-testid="compare-settings"
    >
      <div className="panel-head">
        <h3 id="compare-settings-title">
          Settings compared{' '}
          <span className="muted small" data-testid="compare-differing">
            {differing === 0
              ? 'all the same'
              : `${differing} ${differing === 1 ? 'differs' : 'differ'}`}
          </span>
        </h3>
        <label className="check inline">
          <input
            type="checkbox"
            checked={all}
            data-testid="compare-all"
            onChange={(e) => setAll(e.target.checked)}
          />
          Show every setting
        </label>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              {runs.map((r, i) => (
                <th key={r.id} scope="col" style={{ color: colors[i] }}>
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.map((row) => (
              <tr
                key={row.key}
                className={row.differs ? 'differs' : undefined}
                data-testid="compare-row"
                data-key={row.key}
                data-differs={row.differs}
              >
                <th scope="row">{row.label}</th>
                {row.values.map((v, i) => (
                  <td key={i} className="num">
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
