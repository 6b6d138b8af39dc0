import type { StateCreator } from 'zustand';
import type { DatasetPreview } from '../../../shared/preview';
import type {
  DatasetMeta,
  DatasetStats,
  ImportOptions,
  ImportProgress,
} from '../../../shared/types';
import { studio } from '../api';
import { errorCode, errorMessage, newId } from '../lib/format';
import { pathsForFiles } from '../lib/upload';
import { defaultForm, importOptionsFor } from './importForm';
import type { ImportForm } from './importForm';
import type { StudioState } from './index';

export interface ImportState {
  importId: string;
  progress: ImportProgress | undefined;
  error: string | undefined;
  done: DatasetMeta | undefined;
  running: boolean;
}

export type StatsEntry = { stats: DatasetStats } | { error: string } | { loading: true };

export interface DatasetsSlice {
  datasets: DatasetMeta[];
  datasetsLoaded: boolean;
  datasetsError: string | undefined;
  datasetStats: Record<string, StatsEntry>;
  expandedDatasetId: string | undefined;
  /** Server-side paths of the files waiting to be imported. */
  pendingFiles: string[];
  pendingNames: string[];
  uploading: { name: string; fraction: number } | undefined;
  preview: DatasetPreview | undefined;
  previewLoading: boolean;
  /** A failure of the upload or of the preview call itself (problems in the data are in preview.problems). */
  previewError: string | undefined;
  importForm: ImportForm;
  importState: ImportState | undefined;
  datasetActionError: string | undefined;

  loadDatasets(): Promise<void>;
  loadDatasetStats(id: string): Promise<void>;
  toggleDataset(id: string): void;
  addFiles(files: File[]): Promise<void>;
  addPaths(paths: string[], names?: string[]): Promise<void>;
  refreshPreview(): Promise<void>;
  setImportForm(patch: Partial<ImportForm>, repreview?: boolean): void;
  clearPending(): void;
  startImport(): Promise<void>;
  cancelImport(): Promise<void>;
  onImportProgress(p: ImportProgress & { importId: string }): void;
  renameDataset(id: string, name: string): Promise<boolean>;
  /** Resolves 'in-use' when the dataset is used by a run and force was not given. */
  deleteDataset(id: string, force?: boolean): Promise<'deleted' | 'in-use' | 'failed'>;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function previewOptions(form: ImportForm, touched: boolean): ImportOptions {
  if (!touched) return {};
  const o: ImportOptions = {};
  if (form.format) o.format = form.format;
  if (form.columns) o.columns = form.columns;
  if (form.header !== undefined) o.header = form.header;
  if (form.srcLang) o.srcLang = form.srcLang;
  if (form.tgtLang) o.tgtLang = form.tgtLang;
  return o;
}

export const createDatasetsSlice: StateCreator<StudioState, [], [], DatasetsSlice> = (set, get) => {
  /** Whether the user changed format/columns/header since the files were added. */
  let touched = false;
  let previewSeq = 0;

  return {
    datasets: [],
    datasetsLoaded: false,
    datasetsError: undefined,
    datasetStats: {},
    expandedDatasetId: undefined,
    pendingFiles: [],
    pendingNames: [],
    uploading: undefined,
    preview: undefined,
    previewLoading: false,
    previewError: undefined,
    importForm: defaultForm(),
    importState: undefined,
    datasetActionError: undefined,

    async loadDatasets() {
      try {
        const datasets = await studio.datasetsList();
        set({ datasets, datasetsLoaded: true, datasetsError: undefined });
      } catch (err) {
        set({ datasetsLoaded: true, datasetsError: errorMessage(err) });
      }
    },

    async loadDatasetStats(id) {
      set((s) => ({ datasetStats: { ...s.datasetStats, [id]: { loading: true } } }));
      try {
        const stats = await studio.datasetStats({ id });
        set((s) => ({ datasetStats: { ...s.datasetStats, [id]: { stats } } }));
      } catch (err) {
        set((s) => ({ datasetStats: { ...s.datasetStats, [id]: { error: errorMessage(err) } } }));
      }
    },

    toggleDataset(id) {
      const open = get().expandedDatasetId === id ? undefined : id;
      set({ expandedDatasetId: open });
      if (open && !('stats' in (get().datasetStats[open] ?? {}))) void get().loadDatasetStats(open);
    },

    async addFiles(files) {
      if (files.length === 0) return;
      if (files.length > 2) {
        set({
          previewError: `You gave ${files.length} files; give one file (TSV, CSV, JSONL) or two aligned files (one sentence per line, source and target).`,
        });
        return;
      }
      set({
        previewError: undefined,
        preview: undefined,
        importState: undefined,
        uploading: { name: files[0]?.name ?? '', fraction: 0 },
      });
      try {
        const paths = await pathsForFiles(files, (name, fraction) =>
          set({ uploading: { name, fraction } }),
        );
        set({ uploading: undefined });
        await get().addPaths(
          paths,
          files.map((f) => f.name),
        );
      } catch (err) {
        set({ uploading: undefined, previewError: errorMessage(err) });
      }
    },

    async addPaths(paths, names) {
      touched = false;
      const shownNames = names ?? paths.map(baseName);
      const stem = (shownNames[0] ?? 'corpus').replace(/\.(gz)$/i, '').replace(/\.[^.]+$/, '');
      get().dropCorpusCheck();
      set({
        pendingFiles: paths,
        pendingNames: shownNames,
        preview: undefined,
        previewError: undefined,
        importState: undefined,
        importForm: { ...defaultForm(), name: stem },
      });
      await get().refreshPreview();
    },

    async refreshPreview() {
      const files = get().pendingFiles;
      if (files.length === 0) return;
      const seq = ++previewSeq;
      set({ previewLoading: true, previewError: undefined });
      try {
        const preview = await studio.datasetPreview({
          files,
          options: previewOptions(get().importForm, touched),
        });
        if (seq !== previewSeq) return;
        const form = get().importForm;
        set({
          preview,
          previewLoading: false,
          importForm: {
            ...form,
            format: form.format ?? preview.format,
            columns: form.columns ?? preview.picked ?? preview.columns?.suggested,
            header: form.header ?? preview.header ?? preview.columns?.header,
            srcLang: form.srcLang || preview.srcLang || '',
            tgtLang: form.tgtLang || preview.tgtLang || '',
          },
        });
        get().checkPendingFiles(0);
      } catch (err) {
        if (seq !== previewSeq) return;
        set({ previewLoading: false, preview: undefined, previewError: errorMessage(err) });
      }
    },

    setImportForm(patch, repreview = false) {
      set((s) => ({ importForm: { ...s.importForm, ...patch } }));
      if (repreview) {
        touched = true;
        void get().refreshPreview();
      } else {
        get().checkPendingFiles();
      }
    },

    clearPending() {
      touched = false;
      previewSeq++;
      get().dropCorpusCheck();
      set({
        pendingFiles: [],
        pendingNames: [],
        preview: undefined,
        previewError: undefined,
        previewLoading: false,
        importForm: defaultForm(),
        importState: get().importState?.running ? get().importState : undefined,
      });
    },

    async startImport() {
      const { pendingFiles: files, importForm: f } = get();
      if (files.length === 0 || get().importState?.running) return;
      const importId = newId('import');
      // The import runs the same checks; a check still running would only compete for the CPU.
      if (get().corpusCheck?.running) get().dropCorpusCheck();
      set({
        importState: {
          importId,
          progress: undefined,
          error: undefined,
          done: undefined,
          running: true,
        },
      });
      const options = importOptionsFor(f);
      try {
        const meta = await studio.datasetImport({ importId, files, options });
        set((s) => ({
          importState: s.importState && { ...s.importState, running: false, done: meta },
          pendingFiles: [],
          pendingNames: [],
          preview: undefined,
          expandedDatasetId: meta.id,
        }));
        await get().loadDatasets();
        void get().loadDatasetStats(meta.id);
      } catch (err) {
        const cancelled = errorCode(err) === 'CANCELLED';
        set((s) => ({
          importState: s.importState && {
            ...s.importState,
            running: false,
            error: cancelled ? 'The import was cancelled; nothing was stored.' : errorMessage(err),
          },
        }));
      }
    },

    async cancelImport() {
      const st = get().importState;
      if (!st?.running) return;
      try {
        await studio.datasetCancelImport({ importId: st.importId });
      } catch (err) {
        set({ datasetActionError: errorMessage(err) });
      }
    },

    onImportProgress(p) {
      const st = get().importState;
      if (!st || st.importId !== p.importId) return;
      const { importId: _id, ...progress } = p;
      set({ importState: { ...st, progress } });
    },

    async renameDataset(id, name) {
      try {
        const meta = await studio.datasetRename({ id, name });
        set((s) => ({
          datasets: s.datasets.map((d) => (d.id === id ? meta : d)),
          datasetActionError: undefined,
        }));
        return true;
      } catch (err) {
        set({ datasetActionError: errorMessage(err) });
        return false;
      }
    },

    async deleteDataset(id, force) {
      try {
        await studio.datasetDelete(force ? { id, force } : { id });
        set((s) => ({
          datasets: s.datasets.filter((d) => d.id !== id),
          datasetActionError: undefined,
          expandedDatasetId: s.expandedDatasetId === id ? undefined : s.expandedDatasetId,
        }));
        return 'deleted';
      } catch (err) {
        if (errorCode(err) === 'IN_USE') {
          set({ datasetActionError: errorMessage(err) });
          return 'in-use';
        }
        set({ datasetActionError: errorMessage(err) });
        return 'failed';
      }
    },
  };
};
