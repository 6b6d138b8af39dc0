import { EmptyState } from '../../components/Notice';

/** What the Datasets screen shows before the first import. */
export function NoDatasets() {
  return (
    <EmptyState title="No datasets yet" testId="datasets-empty">
      Drop a corpus above, or import the sample from <code>resources/sample</code> (give its path
      above). Then train a model on it in <strong>Train</strong>.
    </EmptyState>
  );
}
