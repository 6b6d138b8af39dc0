// @ts-check
/**
 * Lint, with the import directions of STYLE.md as rules (a zone per layer):
 *   shared -> nothing of the project; renderer -> shared only; preload -> electron + shared;
 *   tfjs only inside the engine worker's tree (engine/worker, engine/backend, engine/kernels,
 *   model, training, decoding, text, eval); services and the main-thread plumbing never load it.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
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

const electron = {
  group: ['electron', 'electron/*'],
  message: 'Only main/index, window, ipc and preload may import electron.',
};
const tfjs = {
  group: ['@tensorflow/*'],
  message:
    'TensorFlow.js is loaded only inside the engine worker (main/engine/worker, model, training, decoding).',
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
const workerTree = {
  group: [
    '**/model/**',
    '**/training/*',
    '!**/training/namedTensors',
    '!**/training/checkpointIO',
    '!**/training/safetensors',
    '**/decoding/**',
    '**/engine/*',
    '!**/engine/EngineHost',
    '!**/engine/protocol',
  ],
  message:
    'The engine worker tree (model, training, decoding) runs only in the worker; talk to it through EngineHost.',
};
const mainThread = {
  group: [
    '**/services/**',
    '!**/services/atomicFs',
    '**/engine/EngineHost',
    '**/web/**',
    '**/ipc',
    '**/studio',
    '**/cli/**',
  ],
  message: 'Pure model/text/eval code does not reach up into services, the engine host or the CLI.',
};

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
  // preload: electron + shared only.
  {
    files: ['main/preload.ts'],
    rules: restrict(
      {
        group: ['./*', '../main/**', '**/renderer/**'],
        message: 'The preload imports only electron and shared.',
      },
      tfjs,
      node,
    ),
  },
  // model, text, eval: pure, no fs, no worker_threads, no electron.
  {
    files: ['main/model/**/*.ts', 'main/text/**/*.ts', 'main/eval/**/*.ts'],
    rules: restrict(electron, node, rendererCode, mainThread, {
      group: ['**/decoding/**', '**/training/**', '!**/training/namedTensors'],
      message: 'model, text and eval sit below training and decoding.',
    }),
  },
  // Their tests may read fixtures from disk.
  {
    files: ['main/model/**/*.test.ts', 'main/text/**/*.test.ts', 'main/eval/**/*.test.ts'],
    rules: restrict(electron, rendererCode),
  },
  // training, decoding: may use fs (checkpoints), never electron or the main-thread plumbing.
  {
    files: ['main/training/**/*.ts', 'main/decoding/**/*.ts'],
    rules: restrict(electron, rendererCode, mainThread, {
      group: ['worker_threads', 'node:worker_threads'],
      message: 'Threads belong to main/engine.',
    }),
  },
  // The engine worker's entry and backend choice: tfjs allowed, electron not.
  {
    files: ['main/engine/*.ts'],
    ignores: ['main/engine/EngineHost*.ts', 'main/engine/protocol.ts'],
    rules: restrict(electron, rendererCode),
  },
  // Everything else in main runs on the main thread: no tfjs, no worker-tree code.
  {
    files: [
      'main/*.ts',
      'main/engine/EngineHost*.ts',
      'main/engine/protocol.ts',
      'main/services/**/*.ts',
      'main/web/**/*.ts',
      'main/cli/**/*.ts',
      'main/handlers/**/*.ts',
    ],
    ignores: ['main/preload.ts', 'main/**/*.test.ts'],
    rules: restrict(tfjs, workerTree, rendererCode),
  },
  {
    files: [
      'main/services/**/*.ts',
      'main/web/**/*.ts',
      'main/cli/**/*.ts',
      'main/handlers/**/*.ts',
      'main/engine/EngineHost*.ts',
    ],
    ignores: ['main/**/*.test.ts'],
    rules: restrict(tfjs, workerTree, rendererCode, electron),
  },
);
