// `pnpm klody-models install`: a virtual environment under .tools/models/ (created once, reused), the
// pinned packages installed into it (pip skips what is already there, so a second run is quick), then
// every catalogue model located, measured and hashed into the manifest.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildLlamaCppPython, llamaCppPythonPackage, pinnedVersion } from './build-llama-cpp-python.js';
import { catalogue } from './model-catalogue.js';
import { ModelInstallError } from './model-install-error.js';
import { type Manifest, type ManifestModel, writeManifest } from './model-manifest.js';
import { runCommand as run } from './run-command.js';

export interface InstallModelsOptions {
  /** The repository root (requirements.txt is read from tooling/models/). */
  root: string;
  /** Where the virtual environment, the assembled files and the manifest go. */
  folder: string;
  /** The Python that creates the virtual environment (`python3` by default). */
  python?: string;
  /** Progress lines, for people (stderr). */
  log: (line: string) => void;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function installModels(options: InstallModelsOptions): Promise<Manifest> {
  const { folder, log } = options;
  mkdirSync(folder, { recursive: true });
  const environmentFolder = join(folder, 'venv');
  const python = join(environmentFolder, 'bin', 'python');
  if (!existsSync(python)) {
    log(`creating a Python virtual environment in ${environmentFolder}`);
    run(options.python ?? 'python3', ['-m', 'venv', environmentFolder]);
  }
  const requirements = join(options.root, 'tooling', 'models', 'requirements.txt');
  // The one package pip must compile goes first, alone, with its progress shown (and its wheel cached).
  const llamaCppPythonVersion = pinnedVersion(readFileSync(requirements, 'utf8'), llamaCppPythonPackage);
  if (llamaCppPythonVersion) {
    try {
      await buildLlamaCppPython({ python, version: llamaCppPythonVersion, log });
    } catch (error) {
      throw new ModelInstallError((error as Error).message);
    }
  }
  log(`installing the pinned packages of ${requirements} (downloads about 700 MB the first time)`);
  run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirements], {
    show: true,
  });
  const pythonVersion = run(python, ['-c', 'import platform; print(platform.python_version())']).trim();
  const models: ManifestModel[] = [];
  for (const model of catalogue) {
    log(`locating ${model.name}`);
    const located = JSON.parse(
      run(python, ['-c', model.locate], { env: { ...process.env, KLODY_MODELS_DIR: folder } }),
    ) as { file: string; executables: Record<string, string> };
    const version = run(python, [
      '-c',
      `import importlib.metadata as metadata; print(metadata.version(${JSON.stringify(model.package)}))`,
    ]).trim();
    for (const [name, path] of Object.entries(located.executables)) {
      if (!existsSync(path))
        throw new ModelInstallError(`${model.name}: its program ${name} is not at ${path}`);
    }
    models.push({
      name: model.name,
      kind: model.kind,
      description: model.description,
      package: model.package,
      version,
      licence: model.licence,
      path: located.file,
      sizeBytes: statSync(located.file).size,
      sha256: await sha256Of(located.file),
      executables: located.executables,
    });
  }
  const manifest: Manifest = { installedAt: new Date().toISOString(), python: pythonVersion, models };
  writeManifest(folder, manifest);
  return manifest;
}
