// @ts-check
/**
 * Lint, with the import directions of STYLE.md as rules: one zone per folder, and a folder's
 * name says which thread runs its code (README "Layout"). No zone has a per-file exception.
 *   shared        -> nothing of the project, no platform
 *   renderer      -> shared
 *   main/preload  -> electron, shared (the sandboxed preload script)
 *   main/app      -> host, shared, electron (the Electron main process)
 *   main/host     -> importer, runFolder, protocol, text, eval, shared (the main thread: never tfjs)
 *   main/importer -> runFolder, protocol, text, shared (the dataset-import worker thread)
 *   main/worker   -> training, decoding, model, text, eval, runFolder, protocol, shared, tfjs
 *   main/training, main/decoding -> model, text, eval, shared, tfjs
 *   main/model, main/text, main/eval -> shared (model: tfjs)
 *   main/runFolder -> shared, node (files on disk; host and worker alike)
 *   main/protocol -> shared (message types between host and workers)
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'http',
  'net',
  'url',
  'zlib',
  'stream',
  'util',
];

/** A pattern that forbids importing a folder of main/. */
const folder = (name, message) => ({
  group: [`**/main/${name}/**`, `../${name}/*`, `../../${name}/*`, `**/${name}/*`],
  message,
});

const electron = {
  group: ['electron', 'electron/*'],
  message: 'Only main/app and main/preload import electron.',
};
const tfjs = {
  group: ['@tensorflow/*'],
  message:
    'TensorFlow.js is loaded only inside the engine worker (main/worker and the model, training and decoding code it runs).',
};
const node = {
  group: ['node:*', ...NODE_BUILTINS],
  message: 'This layer is pure: no Node built-ins.',
};
const mainCode = {
  group: ['**/main', '**/main/**'],
  message: 'The renderer reaches main only through window.studio (shared/api.ts).',
};
const rendererCode = {
  group: ['**/renderer', '**/renderer/**'],
  message: 'main and shared never import renderer code.',
};
const app = folder('app', 'main/app is the Electron entry; nothing imports it.');
const host = folder(
  'host',
  'main/host runs on the main thread; workers and pure code never import it.',
);
const importer = folder(
  'importer',
  'main/importer runs in the import worker; only the host starts it.',
);
const worker = folder(
  'worker',
  'main/worker is the engine worker; the host talks to it through EngineHost and main/protocol.',
);
const engineTree = ['model', 'training', 'decoding'].map((f) =>
  folder(
    f,
    `main/${f} runs only in the engine worker (it loads tfjs); talk to it through EngineHost.`,
  ),
);
const runFolder = folder(
  'runFolder',
  'Pure model, text and eval code does not touch the run folder on disk.',
);
const protocol = folder('protocol', 'Pure code does not know about threads or their messages.');
const textEval = {
  group: ['**/main/text/**', '**/main/eval/**', '../text/*', '../eval/*'],
  message: 'The preload imports only electron and shared.',
};
const above = (f, ...names) => names.map((n) => folder(n, `main/${f} sits below main/${n}.`));

/** @param {Array<{group: string[], message: string}>} patterns */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'docs/**',
      '**/*.fixture.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
  },
  // shared: imports nothing of the project, no platform.
  {
    files: ['shared/**/*.ts'],
    rules: {
      ...restrict(
        {
          group: ['../*', '**/main/**', '**/renderer/**'],
          message: 'shared imports nothing of the project.',
        },
        electron,
        tfjs,
        node,
        {
          group: ['react', 'react-dom', 'zustand', 'recharts'],
          message: 'shared is plain TypeScript.',
        },
      ),
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // renderer: shared only.
  { files: ['renderer/**/*.{ts,tsx}'], rules: restrict(mainCode, electron, tfjs, node) },
  // preload (a sandboxed renderer-side script): electron + shared only.
  {
    files: ['main/preload/**/*.ts'],
    rules: restrict(
      tfjs,
      node,
      rendererCode,
      app,
      host,
      importer,
      worker,
      runFolder,
      protocol,
      textEval,
      ...engineTree,
    ),
  },
  // app: the Electron main process; host, shared, electron.
  {
    files: ['main/app/**/*.ts'],
    rules: restrict(tfjs, rendererCode, importer, worker, runFolder, ...engineTree),
  },
  // host: the main thread. Never tfjs, never electron (the same code runs headless).
  {
    files: ['main/host/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(tfjs, electron, rendererCode, app, worker, ...engineTree),
  },
  // importer: the dataset-import worker thread.
  {
    files: ['main/importer/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(tfjs, electron, rendererCode, app, host, worker, ...engineTree),
  },
  // worker: the engine worker thread; the only place tfjs is loaded.
  {
    files: ['main/worker/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(electron, rendererCode, app, host, importer),
  },
  // runFolder: files on disk for host and worker alike; no tfjs.
  {
    files: ['main/runFolder/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(
      tfjs,
      electron,
      rendererCode,
      app,
      host,
      importer,
      worker,
      protocol,
      ...engineTree,
    ),
  },
  // protocol: message types between threads.
  {
    files: ['main/protocol/**/*.ts'],
    rules: restrict(
      tfjs,
      electron,
      node,
      rendererCode,
      app,
      host,
      importer,
      worker,
      runFolder,
      ...engineTree,
    ),
  },
  // training, decoding: pure tfjs code run by the worker.
  {
    files: ['main/training/**/*.ts', 'main/decoding/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(electron, node, rendererCode, app, host, importer, worker, runFolder, protocol),
  },
  // model: pure tfjs, below training and decoding.
  {
    files: ['main/model/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(
      electron,
      node,
      rendererCode,
      app,
      host,
      importer,
      worker,
      runFolder,
      protocol,
      ...above('model', 'training', 'decoding', 'text', 'eval'),
    ),
  },
  // text, eval: pure, no tfjs (the host uses them too).
  {
    files: ['main/text/**/*.ts', 'main/eval/**/*.ts'],
    ignores: ['main/**/*.test.ts', 'main/**/*.fixture.ts'],
    rules: restrict(
      tfjs,
      electron,
      node,
      rendererCode,
      app,
      host,
      importer,
      worker,
      runFolder,
      protocol,
      ...engineTree,
    ),
  },
  // Tests and test helpers may read fixtures from disk and drive any layer, never electron.
  {
    files: ['main/**/*.test.ts', 'main/testing/**/*.ts'],
    rules: restrict(electron, rendererCode),
  },
);
