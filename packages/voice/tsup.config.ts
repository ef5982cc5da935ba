import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/testing/index.ts',
    'src/worker/index.ts',
    'src/cli/bin.ts',
    'src/worker/bin.ts',
  ],
  format: ['esm'],
  target: 'node20',
  dts: true,
  clean: true,
  sourcemap: true,
  // Heavy or optional engines are loaded lazily at run time, never bundled.
  external: ['onnxruntime-node', '@echogarden/espeak-ng-emscripten'],
});
