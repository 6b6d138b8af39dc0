/**
 * Dataset calls: preview, import with progress and cancel, list, stats, rename, delete, and the
 * chunked upload web mode uses in place of a dropped file's path.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ApiHandlers } from '../../../shared/api';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { DatasetService } from '../../importer/datasets';
import { importInWorker } from '../services/importRunner';
import type { RunsService } from '../services/runs';
import type { EventHub } from '../events';

type DatasetHandlers = Pick<
  ApiHandlers,
  | 'datasetsList'
  | 'datasetStats'
  | 'datasetPreview'
  | 'datasetImport'
  | 'datasetCancelImport'
  | 'datasetRename'
  | 'datasetDelete'
  | 'uploadFile'
>;

/** Largest upload accepted in web mode (the import itself streams; this only bounds disk). */
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export function datasetHandlers(
  home: string,
  datasets: DatasetService,
  runs: RunsService,
  events: EventHub,
): DatasetHandlers {
  const imports = new Map<string, AbortController>();
  const uploads = new Map<string, { path: string; bytes: number }>();
  const uploadsDir = join(home, 'uploads');

  return {
    datasetsList: () => datasets.list(),
    datasetStats: ({ id }) => datasets.stats(id),
    datasetPreview: ({ files, options }) => datasets.preview(files, options ?? {}),

    async datasetImport({ importId, files, options }) {
      if (imports.has(importId)) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `An import with id ${importId} is already running.`,
        );
      }
      const controller = new AbortController();
      imports.set(importId, controller);
      try {
        return await importInWorker(home, files, options ?? {}, {
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

    async uploadFile({ uploadId, name, chunk, last }) {
      let upload = uploadId ? uploads.get(uploadId) : undefined;
      if (uploadId && !upload) {
        throw new AppError(
          ErrorCode.NotFound,
          `Upload ${uploadId} is not in progress; start the upload again.`,
        );
      }
      if (!upload) {
        const id = randomBytes(8).toString('hex');
        const dir = join(uploadsDir, id);
        await mkdir(dir, { recursive: true });
        // Keep the user's file name: it carries the language (train.en, x.de-en.tsv).
        upload = { path: join(dir, basename(name).replace(/[/\\]/g, '_') || 'upload'), bytes: 0 };
        uploads.set(id, upload);
        uploadId = id;
      }
      const data = Buffer.from(chunk, 'base64');
      upload.bytes += data.length;
      if (upload.bytes > MAX_UPLOAD_BYTES) {
        uploads.delete(uploadId!);
        await rm(join(uploadsDir, uploadId!), { recursive: true, force: true });
        throw new AppError(
          ErrorCode.InvalidArgument,
          `${name} is larger than 4 GiB; import it with npm run import on the server instead.`,
        );
      }
      await appendFile(upload.path, data);
      if (!last) return { uploadId: uploadId! };
      uploads.delete(uploadId!);
      return { uploadId: uploadId!, path: upload.path };
    },
  };
}
