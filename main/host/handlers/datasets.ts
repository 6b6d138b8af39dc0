/**
 * Dataset calls: preview, the check of every line, import with progress and cancel, list, stats, rename, delete, and the
 * chunked upload web mode uses in place of a dropped file's path.
 */
import type { ApiHandlers } from '../../../shared/api';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { ValidationOptions } from '../../../shared/types';
import type { DatasetService } from '../services/datasets';
import { checkInWorker, importInWorker } from '../services/importRunner';
import type { RunsService } from '../services/runs';
import type { EventHub } from '../events';
import type { FileAccess } from '../fileAccess';
import type { UploadStore } from '../services/uploads';

type DatasetHandlers = Pick<
  ApiHandlers,
  | 'datasetsList'
  | 'datasetStats'
  | 'datasetPreview'
  | 'datasetCheck'
  | 'datasetImport'
  | 'datasetCancelImport'
  | 'datasetRename'
  | 'datasetDelete'
  | 'uploadFile'
>;

export function datasetHandlers(
  home: string,
  datasets: DatasetService,
  runs: RunsService,
  events: EventHub,
  files: FileAccess,
  uploads: UploadStore,
): DatasetHandlers {
  const imports = new Map<string, AbortController>();

  /** The files and the validation files of a preview or import, as the file policy allows them. */
  const allowed = async <O extends { validation?: ValidationOptions }>(
    paths: string[],
    options: O,
  ): Promise<{ paths: string[]; options: O }> => {
    const resolved = await Promise.all(paths.map((p) => files.readable(p)));
    const validation = options.validation;
    if (validation === undefined || !('files' in validation)) return { paths: resolved, options };
    const validationFiles = await Promise.all(validation.files.map((p) => files.readable(p)));
    return { paths: resolved, options: { ...options, validation: { files: validationFiles } } };
  };

  return {
    datasetsList: () => datasets.list(),
    datasetStats: ({ id }) => datasets.stats(id),
    async datasetPreview(input) {
      const { paths, options } = await allowed(input.files, input.options ?? {});
      return datasets.preview(paths, options);
    },

    async datasetCheck({ checkId, ...input }) {
      if (imports.has(checkId)) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `A check with id ${checkId} is already running.`,
        );
      }
      const controller = new AbortController();
      imports.set(checkId, controller);
      try {
        const { paths, options } = await allowed(input.files, input.options ?? {});
        return await checkInWorker(paths, options, {
          signal: controller.signal,
          onProgress: (progress) =>
            events.emit('importProgress', { importId: checkId, ...progress }),
        });
      } finally {
        imports.delete(checkId);
      }
    },

    async datasetImport({ importId, ...input }) {
      if (imports.has(importId)) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `An import with id ${importId} is already running.`,
        );
      }
      const controller = new AbortController();
      imports.set(importId, controller);
      try {
        const { paths, options } = await allowed(input.files, input.options ?? {});
        return await importInWorker(home, paths, options, {
          signal: controller.signal,
          onProgress: (progress) => events.emit('importProgress', { importId, ...progress }),
        });
      } finally {
        imports.delete(importId);
      }
    },

    async datasetCancelImport({ importId }) {
      const controller = imports.get(importId);
      controller?.abort();
      return controller !== undefined;
    },

    datasetRename: ({ id, name }) => datasets.rename(id, name),

    async datasetDelete({ id, force }) {
      const users = (await runs.list()).filter((r) => r.datasetId === id).map((r) => r.name);
      await datasets.delete(id, { force: force ?? false, inUseBy: users });
    },

    uploadFile: (chunk) => uploads.append(chunk),
  };
}
