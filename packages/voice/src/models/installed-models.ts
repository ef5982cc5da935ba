// The speech models `pnpm klody-models install` put on this machine, read from its manifest
// (.tools/models/manifest.json), so that the CLI and the voice worker find the Piper voice and the
// Whisper folder without a machine's paths written in a config. @klody/voice is published and the
// models tooling is a private workspace package, so this reads the few manifest fields it needs
// itself instead of importing @klody/models.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InstalledModel {
  /** Catalogue name (`piper-joe-en-us`, `whisper-base`). */
  name: string;
  kind: string;
  /** The model file (a Piper `.onnx`, a CTranslate2 `model.bin`). */
  path: string;
  /** Programs that come with it (`piper`, the venv's `python`), by name. */
  executables: Record<string, string>;
}

export interface InstalledModelsLookup {
  env?: NodeJS.ProcessEnv;
  /** Where to start looking for the repository root (default: the working directory). */
  from?: string;
}

export const modelsInstallHint = 'run pnpm klody-models install';

function repositoryRootAbove(start: string): string | null {
  let folder = resolve(start);
  for (;;) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/**
 * The manifest paths looked at, in order: `$KLODY_MODELS_DIR/manifest.json`, then `.tools/models/`
 * of the Klody checkout holding the working directory, then of the one holding this file (a worker
 * started elsewhere, on the checkout's sources).
 */
export function manifestCandidates(lookup: InstalledModelsLookup = {}): string[] {
  const env = lookup.env ?? process.env;
  if (env.KLODY_MODELS_DIR) return [join(env.KLODY_MODELS_DIR, 'manifest.json')];
  const roots = [lookup.from ?? process.cwd(), dirname(fileURLToPath(import.meta.url))]
    .map(repositoryRootAbove)
    .filter((root): root is string => root !== null);
  return [...new Set(roots)].map((root) => join(root, '.tools', 'models', 'manifest.json'));
}

function isInstalledModel(value: unknown): value is InstalledModel {
  const entry = value as Partial<InstalledModel> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.name === 'string' &&
    typeof entry.kind === 'string' &&
    typeof entry.path === 'string' &&
    typeof entry.executables === 'object' &&
    entry.executables !== null
  );
}

/** Every model of the first manifest found (an unreadable manifest counts as none). */
export function installedModels(lookup: InstalledModelsLookup = {}): InstalledModel[] {
  for (const candidate of manifestCandidates(lookup)) {
    if (!existsSync(candidate)) continue;
    try {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { models?: unknown };
      return Array.isArray(parsed.models) ? parsed.models.filter(isInstalledModel) : [];
    } catch {
      return [];
    }
  }
  return [];
}

export function installedModel(name: string, lookup: InstalledModelsLookup = {}): InstalledModel | null {
  return installedModels(lookup).find((model) => model.name === name) ?? null;
}

export interface InstalledPiperVoice {
  /** The voice id: the model file's name without `.onnx` (`en_US-joe-medium`). */
  id: string;
  model: string;
  /** The `piper` program installed with it, when the manifest names one. */
  executable: string | null;
  /**
   * The Python beside that program (same virtual environment, so it imports piper), for the engine's
   * long-lived worker; null when there is none.
   */
  python: string | null;
}

/** The installed Piper voices (catalogue names starting with `piper-`). */
export function installedPiperVoices(lookup: InstalledModelsLookup = {}): InstalledPiperVoice[] {
  return installedModels(lookup)
    .filter((model) => model.kind === 'text-to-speech' && model.name.startsWith('piper-'))
    .map((model) => {
      const executable = model.executables.piper ?? null;
      const python = executable ? join(dirname(executable), 'python') : null;
      return {
        id: basename(model.path).replace(/\.onnx$/, ''),
        model: model.path,
        executable,
        python: python && existsSync(python) ? python : null,
      };
    });
}

export interface InstalledWhisperModel {
  /** The CTranslate2 folder faster-whisper loads. */
  folder: string;
  /** The Python of the virtual environment holding faster-whisper. */
  python: string | null;
}

/** The installed Whisper model for faster-whisper (`whisper-base`), or null. */
export function installedWhisperModel(
  lookup: InstalledModelsLookup = {},
  name = 'whisper-base',
): InstalledWhisperModel | null {
  const model = installedModel(name, lookup);
  if (!model) return null;
  return { folder: dirname(model.path), python: model.executables.python ?? null };
}
