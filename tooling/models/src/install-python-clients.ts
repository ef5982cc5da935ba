// The stock Python clients (the Python MCP SDK today), in their own virtual environment under
// .tools/python-clients/: created once, then every pin of python-clients-requirements.txt checked
// against what it holds (importlib.metadata, no pip, no network); pip runs only when a pin is missing
// or at another version, and the pins are checked again after it.
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ModelInstallError } from './model-install-error.js';
import { parsePinnedRequirements, unsatisfiedRequirements } from './pinned-requirements.js';
import {
  type PythonClientsManifest,
  pythonClientsPython,
  writePythonClientsManifest,
} from './python-clients-manifest.js';
import { runCommand } from './run-command.js';

/** Where the pins are, relative to the repository root. */
export const pythonClientsRequirements = join('tooling', 'models', 'python-clients-requirements.txt');

export interface InstallPythonClientsOptions {
  /** The repository root (the requirements file is read from tooling/models/). */
  root: string;
  /** Where the virtual environment (venv/) and installed.json go. */
  folder: string;
  /** The Python that creates the virtual environment (`python3` by default). */
  python?: string;
  /** Progress lines, for people (stderr). */
  log: (line: string) => void;
}

export interface PythonClientsInstall extends PythonClientsManifest {
  folder: string;
  /** The virtual environment's python. */
  executable: string;
  /** installed: pip ran (a first install, or a pin changed); checked: every pin was already there. */
  outcome: 'installed' | 'checked';
}

// Prints the environment's Python version and the installed version of each name given (null when
// absent) as one JSON object.
const inspectProgram = [
  'import importlib.metadata as metadata, json, platform, sys',
  'def version(name):',
  '    try:',
  '        return metadata.version(name)',
  '    except metadata.PackageNotFoundError:',
  '        return None',
  "print(json.dumps({'python': platform.python_version(), 'installed': {name: version(name) for name in json.loads(sys.argv[1])}}))",
].join('\n');

interface Inspection {
  python: string;
  installed: Record<string, string | null>;
}

function inspect(python: string, names: readonly string[], folder: string): Inspection {
  let output: string;
  try {
    output = runCommand(python, ['-c', inspectProgram, JSON.stringify(names)]);
  } catch (error) {
    throw new ModelInstallError(
      `the Python clients' virtual environment does not run (remove ${join(folder, 'venv')} and install again): ${(error as Error).message}`,
    );
  }
  return JSON.parse(output) as Inspection;
}

export async function installPythonClients(
  options: InstallPythonClientsOptions,
): Promise<PythonClientsInstall> {
  const { log } = options;
  const requirements = join(options.root, pythonClientsRequirements);
  let pins: ReturnType<typeof parsePinnedRequirements>;
  try {
    pins = parsePinnedRequirements(readFileSync(requirements, 'utf8'));
  } catch (error) {
    throw new ModelInstallError(`${requirements}: ${(error as Error).message}`);
  }
  const names = pins.map((pin) => pin.name);
  mkdirSync(options.folder, { recursive: true });
  // A venv records its own path (pyvenv.cfg, the scripts' #! lines): give it the real one, not a path
  // through a symbolic link (a worktree's .tools) that may go away.
  const folder = realpathSync(options.folder);
  const python = pythonClientsPython(folder);
  if (!existsSync(python)) {
    log(`creating the Python clients' virtual environment in ${join(folder, 'venv')}`);
    runCommand(options.python ?? 'python3', ['-m', 'venv', join(folder, 'venv')]);
  }
  let inspection = inspect(python, names, folder);
  let unsatisfied = unsatisfiedRequirements(pins, inspection.installed);
  let outcome: PythonClientsInstall['outcome'] = 'checked';
  if (unsatisfied.length > 0) {
    const shown = unsatisfied
      .slice(0, 3)
      .map((pin) => `${pin.name}==${pin.version}${pin.installed ? ` (has ${pin.installed})` : ''}`);
    log(
      `installing the Python clients of ${requirements} (${unsatisfied.length} to install: ${shown.join(', ')}${unsatisfied.length > 3 ? ', …' : ''}; about 30 MB the first time)`,
    );
    runCommand(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirements],
      {
        show: true,
      },
    );
    outcome = 'installed';
    inspection = inspect(python, names, folder);
    unsatisfied = unsatisfiedRequirements(pins, inspection.installed);
    if (unsatisfied.length > 0) {
      throw new ModelInstallError(
        `pip ran, yet ${unsatisfied.map((pin) => `${pin.name}==${pin.version} (has ${pin.installed ?? 'nothing'})`).join(', ')}`,
      );
    }
  }
  const manifest: PythonClientsManifest = {
    checkedAt: new Date().toISOString(),
    python: inspection.python,
    packages: Object.fromEntries(pins.map((pin) => [pin.name, pin.version])),
  };
  writePythonClientsManifest(folder, manifest);
  log(
    `Python clients ${outcome === 'checked' ? 'already installed' : 'installed'}: ${pins.length} pinned packages in ${join(folder, 'venv')}`,
  );
  return { ...manifest, folder, executable: python, outcome };
}
