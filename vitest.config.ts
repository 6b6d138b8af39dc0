import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'main/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    // tfjs training tests are CPU-bound on 2 cores (a copy-task model trains in a beforeAll):
    // generous limits that only catch a hang, never timing assertions.
    testTimeout: 420_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Two test workers already fill the two cores; threaded wasm on top would oversubscribe
    // them (XNNPACK spins). Tests that are about threads ask for them explicitly.
    env: { TRANSFORMER_STUDIO_WASM_THREADS: '1' },
  },
});
