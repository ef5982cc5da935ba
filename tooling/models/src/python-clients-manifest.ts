// .tools/python-clients/: the stock Python clients' own virtual environment (venv/) and installed.json,
// written once the install has checked every pin, so that a test finds the client without running
// Python. Not the models' manifest: these are programs, not models.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const pythonClientsManifestSchema = z.object({
  checkedAt: z.string(),
  /** The virtual environment's Python version. */
  python: z.string(),
  /** Every pinned package, by name as pinned, with the version found installed. */
  packages: z.record(z.string(), z.string()),
});
export type PythonClientsManifest = z.infer<typeof pythonClientsManifestSchema>;

/** `.tools/python-clients` under the repository root, or KLODY_PYTHON_CLIENTS_DIR. */
export function pythonClientsFolder(
  repositoryRoot: string,
  environment: NodeJS.ProcessEnv = process.env,
): string {
  return environment.KLODY_PYTHON_CLIENTS_DIR || join(repositoryRoot, '.tools', 'python-clients');
}

/** The python of the clients' virtual environment (it may not exist yet). */
export function pythonClientsPython(folder: string): string {
  return join(folder, 'venv', 'bin', 'python');
}

export function pythonClientsManifestPath(folder: string): string {
  return join(folder, 'installed.json');
}

/** What the last install checked, or null when none did (or the file is not one). */
export function readPythonClientsManifest(folder: string): PythonClientsManifest | null {
  const path = pythonClientsManifestPath(folder);
  if (!existsSync(path)) return null;
  try {
    const parsed = pythonClientsManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writePythonClientsManifest(folder: string, manifest: PythonClientsManifest): void {
  const temporary = `${pythonClientsManifestPath(folder)}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, pythonClientsManifestPath(folder));
}
