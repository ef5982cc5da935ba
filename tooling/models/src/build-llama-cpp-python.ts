// llama-cpp-python (the `python -m llama_cpp.server` worker) has no wheel on PyPI: pip compiles
// llama.cpp from its sdist, about 190 compile steps that take minutes on 2 cores and print nothing
// through pip's default spinner. This step installs it on its own, before the other packages, with
// the compiler's step counter shown as progress; pip keeps the wheel it built in its cache, so a second
// install (a fresh venv, CI again) reuses it instead of compiling again.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const llamaCppPythonPackage = 'llama-cpp-python';

/**
 * CPU-only, and GGML_NATIVE off: llama.cpp then compiles for AVX/AVX2/FMA/F16C (its non-native
 * defaults) instead of this exact CPU. pip's wheel cache is keyed by the sdist, not by the CPU or
 * CMAKE_ARGS, so a native build cached on one machine could die with SIGILL on another sharing the cache
 * (a CI image, a home folder synced across machines); AVX2 is what every x86-64 machine of the last
 * decade has. LLAVA_BUILD off: the multimodal (mtmd) library is not needed to serve text, and leaving
 * it out takes the build from 193 compile steps to 140 (measured: 312 s on 2 quiet cores, against
 * 27 min for the full build on the same cores under load). A CMAKE_ARGS of yours wins (then clear the
 * cache: `pip cache remove llama_cpp_python`).
 */
export const defaultCmakeArgs = '-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF';

/** The version requirements.txt pins for a package (`name==version`), or null. */
export function pinnedVersion(requirementsText: string, name: string): string | null {
  const wanted = name.toLowerCase().replace(/[-_.]+/g, '-');
  for (const line of requirementsText.split('\n')) {
    const match = /^\s*([A-Za-z0-9._-]+)\s*==\s*([^\s;#]+)/.exec(line);
    if (match && (match[1] as string).toLowerCase().replace(/[-_.]+/g, '-') === wanted)
      return match[2] as string;
  }
  return null;
}

export interface BuildProgress {
  step: number;
  steps: number;
}

/** A compile step of the build's output (`[70/193] /usr/bin/g++ …`, Ninja's counter), or null. */
export function parseBuildStep(line: string): BuildProgress | null {
  const match = /^\s*\[(\d+)\/(\d+)\]\s/.exec(line);
  return match ? { step: Number(match[1]), steps: Number(match[2]) } : null;
}

function formatSeconds(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

export interface BuildLlamaCppPythonOptions {
  /** The virtual environment's python. */
  python: string;
  version: string;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** How often a progress line is printed while it compiles. */
  progressIntervalMs?: number;
}

export interface BuildResult {
  /** compiled: built from the sdist now; cached: pip's cached wheel; installed: already in the venv. */
  outcome: 'compiled' | 'cached' | 'installed';
  milliseconds: number;
}

export async function buildLlamaCppPython(options: BuildLlamaCppPythonOptions): Promise<BuildResult> {
  const { python, version, log } = options;
  const environment = options.env ?? process.env;
  const started = Date.now();
  const interval = options.progressIntervalMs ?? 15_000;
  const env = {
    ...environment,
    CMAKE_ARGS: environment.CMAKE_ARGS ?? defaultCmakeArgs,
    CMAKE_BUILD_PARALLEL_LEVEL: environment.CMAKE_BUILD_PARALLEL_LEVEL ?? String(availableParallelism()),
  };
  log(
    `${llamaCppPythonPackage} ${version}: compiled from source unless pip has it already (CMAKE_ARGS="${env.CMAKE_ARGS}", ${env.CMAKE_BUILD_PARALLEL_LEVEL} jobs; about 5 min on 2 cores)`,
  );
  // --no-deps: its dependencies come with the other pinned packages in the next step. -v: pip then
  // passes the compiler's output through, where the step counter is.
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps', '-v'];
  const child = spawn(python, [...args, `${llamaCppPythonPackage}==${version}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let outcome: BuildResult['outcome'] = 'compiled';
  let lastReport = 0;
  let pending = '';
  const onText = (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (/Requirement already satisfied: llama[-_]cpp[-_]python/i.test(line)) outcome = 'installed';
      else if (/Using cached llama_cpp_python-.*\.whl/i.test(line)) outcome = 'cached';
      const progress = parseBuildStep(line);
      if (progress && (Date.now() - lastReport >= interval || progress.step === progress.steps)) {
        lastReport = Date.now();
        log(
          `${llamaCppPythonPackage}: compiling, step ${progress.step}/${progress.steps} (${formatSeconds(Date.now() - started)})`,
        );
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', onText);
  child.stderr.setEncoding('utf8').on('data', onText);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  onText('\n');
  if (code !== 0) {
    throw new Error(
      `pip install ${llamaCppPythonPackage}==${version} failed (exit ${code}); the build needs cmake and a C++ compiler (Debian: apt-get install cmake g++)\n${tail.join('\n')}`,
    );
  }
  const milliseconds = Date.now() - started;
  const how = {
    compiled: 'compiled and installed',
    cached: "installed from pip's wheel cache",
    installed: 'already installed',
  }[outcome];
  log(`${llamaCppPythonPackage} ${version}: ${how} in ${formatSeconds(milliseconds)}`);
  return { outcome, milliseconds };
}
