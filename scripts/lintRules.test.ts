/**
 * The import directions of STYLE.md are lint rules, one zone per folder (eslint.config.js).
 * Each case below is code that breaks a zone's rule, linted as if it lived in that folder;
 * the linter must report it. The last cases keep the rules and must pass.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(code: string, asPath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: asPath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const tfjsImport =
  "import * as tf from '@tensorflow/tfjs';\nexport const z = () => tf.zeros([2]);\n";
const fsImport = "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n";
const electronImport = "import { app } from 'electron';\nexport const a = app;\n";

/** [zone, file the code is linted as, code, part of the expected message] */
const violations: Array<[string, string, string, string]> = [
  ['shared imports node', 'shared/bad.ts', fsImport, 'no Node built-ins'],
  [
    'shared imports main',
    'shared/bad.ts',
    "import { x } from '../main/host/studio';\nexport const y = x;\n",
    'shared imports nothing',
  ],
  [
    'renderer imports main',
    'renderer/src/bad.ts',
    "import { EngineHost } from '../../main/host/EngineHost';\nexport const h = EngineHost;\n",
    'window.studio',
  ],
  [
    'preload imports host',
    'main/preload/bad.ts',
    "import { x } from '../host/studio';\nexport const y = x;\n",
    'main thread',
  ],
  ['app imports tfjs', 'main/app/bad.ts', tfjsImport, 'TensorFlow.js is loaded only'],
  [
    'app imports the engine worker',
    'main/app/bad.ts',
    "import { x } from '../worker/backend';\nexport const y = x;\n",
    'engine worker',
  ],
  ['host imports tfjs', 'main/host/bad.ts', tfjsImport, 'TensorFlow.js is loaded only'],
  ['host imports electron', 'main/host/bad.ts', electronImport, 'Only main/app'],
  [
    'host imports the model',
    'main/host/services/bad.ts',
    "import { x } from '../../model/transformer';\nexport const y = x;\n",
    'runs only in the engine worker',
  ],
  [
    'host imports the worker',
    'main/host/bad.ts',
    "import { x } from '../worker/trainingJob';\nexport const y = x;\n",
    'EngineHost and main/protocol',
  ],
  [
    'importer imports host',
    'main/importer/bad.ts',
    "import { x } from '../host/services/runs';\nexport const y = x;\n",
    'main thread',
  ],
  ['importer imports tfjs', 'main/importer/bad.ts', tfjsImport, 'TensorFlow.js is loaded only'],
  [
    'worker imports host',
    'main/worker/bad.ts',
    "import { x } from '../host/services/runs';\nexport const y = x;\n",
    'main thread',
  ],
  ['worker imports electron', 'main/worker/bad.ts', electronImport, 'Only main/app'],
  ['runFolder imports tfjs', 'main/runFolder/bad.ts', tfjsImport, 'TensorFlow.js is loaded only'],
  [
    'runFolder imports the model',
    'main/runFolder/bad.ts',
    "import { x } from '../model/params';\nexport const y = x;\n",
    'runs only in the engine worker',
  ],
  ['protocol imports node', 'main/protocol/bad.ts', fsImport, 'no Node built-ins'],
  [
    'training imports the run folder',
    'main/training/bad.ts',
    "import { x } from '../runFolder/checkpointStore';\nexport const y = x;\n",
    'run folder',
  ],
  ['training imports node', 'main/training/bad.ts', fsImport, 'no Node built-ins'],
  [
    'decoding imports the worker',
    'main/decoding/bad.ts',
    "import { x } from '../worker/translator';\nexport const y = x;\n",
    'engine worker',
  ],
  [
    'model imports training',
    'main/model/bad.ts',
    "import { x } from '../training/loss';\nexport const y = x;\n",
    'sits below main/training',
  ],
  ['model imports node', 'main/model/bad.ts', fsImport, 'no Node built-ins'],
  ['text imports tfjs', 'main/text/bad.ts', tfjsImport, 'TensorFlow.js is loaded only'],
  [
    'eval imports the host',
    'main/eval/bad.ts',
    "import { x } from '../host/studio';\nexport const y = x;\n",
    'main thread',
  ],
  ['a test imports electron', 'main/host/bad.test.ts', electronImport, 'Only main/app'],
];

describe('import-direction lint rules', () => {
  it.each(violations)('%s is reported', async (_zone, asPath, code, message) => {
    const messages = await restrictedImports(code, asPath);
    expect(messages).toEqual([expect.stringContaining(message)]);
  });

  const allowed: Array<[string, string, string]> = [
    ['the model uses tfjs', 'main/model/ok.ts', tfjsImport],
    [
      'the worker uses tfjs and the run folder',
      'main/worker/ok.ts',
      `${tfjsImport}import { x } from '../runFolder/checkpointStore';\nexport const y = x;\n`,
    ],
    [
      'the host uses the run folder, the importer and the protocol',
      'main/host/ok.ts',
      "import { a } from '../runFolder/metricsLog';\nimport { b } from '../importer/datasets';\nimport type { c } from '../protocol/engine';\nexport const y = [a, b] as c;\n",
    ],
    [
      'the renderer uses shared types',
      'renderer/src/ok.ts',
      "import type { EngineInfo } from '../../shared/types';\nexport const f = (i: EngineInfo) => i;\n",
    ],
    [
      'app uses electron and the host',
      'main/app/ok.ts',
      `${electronImport}import { x } from '../host/studio';\nexport const y = x;\n`,
    ],
  ];
  it.each(allowed)('%s passes', async (_zone, asPath, code) => {
    expect(await restrictedImports(code, asPath)).toEqual([]);
  });
});
