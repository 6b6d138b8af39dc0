import { useEffect } from 'react';
import { DropZone } from '../../components/DropZone';
import { ErrorNote } from '../../components/Notice';
import { useStudio } from '../../store';
import { DatasetList } from './DatasetList';
import { ImportPanel } from './ImportPanel';

/** Datasets: drop or pick a corpus, preview it, import it, and look at what is stored. */
export function DatasetsScreen() {
  const loadDatasets = useStudio((s) => s.loadDatasets);
  const addFiles = useStudio((s) => s.addFiles);
  const pending = useStudio((s) => s.pendingFiles.length > 0);
  const uploading = useStudio((s) => s.uploading);
  const previewError = useStudio((s) => s.previewError);
  const importing = useStudio((s) => s.importState?.running ?? false);

  useEffect(() => {
    void loadDatasets();
  }, [loadDatasets]);

  return (
    <>
      <header className="screen-head">
        <h1>Datasets</h1>
        <p className="muted">
          Parallel corpora: two aligned text files (one sentence per line), TSV / CSV with two text
          columns, or JSONL; gzipped is fine.
        </p>
      </header>
      <section className="panel" aria-labelledby="add-title">
        <h2 id="add-title">Add a corpus</h2>
        <DropZone
          onFiles={(files) => void addFiles(files)}
          disabled={importing || !!uploading}
          buttonLabel="Choose files…"
        >
          <p className="dropzone-text">
            <strong>Drop a corpus here</strong>
            <span className="muted">
              one TSV / CSV / JSONL file, or two aligned files (e.g. <code>train.en</code> and{' '}
              <code>train.de</code>)
            </span>
          </p>
        </DropZone>
        <PathEntry />
        {uploading && (
          <p className="muted" data-testid="upload-status">
            Uploading {uploading.name}… {Math.round(uploading.fraction * 100)}%
          </p>
        )}
        <ErrorNote testId="preview-error">{previewError}</ErrorNote>
      </section>
      {pending && <ImportPanel />}
      <DatasetList />
    </>
  );
}

/** For files already on the studio machine (web mode on a server, or the sample corpus). */
function PathEntry() {
  const addPaths = useStudio((s) => s.addPaths);
  return (
    <form
      noValidate
      className="path-entry"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const paths = String(data.get('paths') ?? '')
          .split(/[\n,]/)
          .map((p) => p.trim())
          .filter(Boolean);
        if (paths.length > 0) void addPaths(paths);
      }}
    >
      <label htmlFor="dataset-paths" className="muted small">
        Or give paths on the studio machine (one file, or two separated by a comma)
      </label>
      <div className="row">
        <input
          id="dataset-paths"
          name="paths"
          type="text"
          placeholder="/path/to/corpus.tsv  or  /path/train.en, /path/train.de"
          data-testid="dataset-paths"
        />
        <button type="submit" className="btn" data-testid="dataset-paths-preview">
          Preview
        </button>
      </div>
    </form>
  );
}
