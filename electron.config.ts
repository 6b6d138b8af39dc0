/**
 * electron-vite config: `electron-vite build -c electron.config.ts`.
 * main: the app (main/app/index.ts), the engine worker as its own bundle, and the headless CLI;
 * preload: one sandbox-safe CommonJS file with its dependencies bundled in;
 * renderer: the React app rooted at renderer/.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/app/index.ts'),
          worker: resolve(__dirname, 'main/worker/engineWorker.ts'),
          importWorker: resolve(__dirname, 'main/importer/importWorker.ts'),
          cli: resolve(__dirname, 'main/host/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(__dirname, 'main/preload/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
