import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    // Workers run in their own threads and are loaded by file URL, so each is an entry of its own.
    'retrieval-worker': 'src/retriever/retrieval-worker.ts',
    'preparation-worker': 'src/ingest/preparation-worker.ts',
    'eval/cli': 'src/eval/cli.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } },
  clean: true,
  sourcemap: true,
});
