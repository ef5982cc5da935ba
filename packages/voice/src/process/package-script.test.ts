import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageScriptPath } from './package-script.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = 'engines/faster-whisper/faster_whisper_worker.py';

describe('packageScriptPath', () => {
  it('finds a shipped script beside the module on sources', () => {
    const moduleUrl = new URL('../engines/faster-whisper/faster-whisper.ts', import.meta.url).href;
    const found = packageScriptPath(moduleUrl, script);
    expect(found).toBe(`${packageRoot}src/${script}`);
    expect(existsSync(found)).toBe(true);
  });

  it('finds it under the package src/ from a bundled dist/ chunk', () => {
    const bundled = pathToFileURL(`${packageRoot}dist/chunk-ABCDEF.js`).href;
    expect(packageScriptPath(bundled, script)).toBe(`${packageRoot}src/${script}`);
    expect(packageScriptPath(bundled, 'engines/piper/piper_worker.py')).toBe(
      `${packageRoot}src/engines/piper/piper_worker.py`,
    );
  });
});
