import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    // The worker runs in its own thread and is loaded by file URL, so it is an entry of its own.
    'retrieval-worker': 'src/retriever/retrieval-worker.ts',
    'eval/cli': 'src/eval/cli.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } },
  clean: true,
  sourcemap: true,
});
