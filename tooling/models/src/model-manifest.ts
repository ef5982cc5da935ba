// .tools/models/manifest.json: every model file the install exposes, with its size, sha256 and
// licence, so that tests, registries and people find the same files.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const manifestModelSchema = z.object({
  name: z.string(),
  kind: z.enum(['chat', 'embedding', 'text-to-speech', 'speech-to-text']),
  description: z.string(),
  package: z.string(),
  version: z.string(),
  licence: z.string(),
  path: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Programs the package brings (a model's own server), by name. */
  executables: z.record(z.string(), z.string()),
});
export type ManifestModel = z.infer<typeof manifestModelSchema>;

export const manifestSchema = z.object({
  installedAt: z.string(),
  python: z.string(),
  models: z.array(manifestModelSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** `.tools/models` under the repository root, or KLODY_MODELS_DIR. */
export function modelsFolder(repositoryRoot: string, environment: NodeJS.ProcessEnv = process.env): string {
  return environment.KLODY_MODELS_DIR || join(repositoryRoot, '.tools', 'models');
}

export function manifestPath(folder: string): string {
  return join(folder, 'manifest.json');
}

/** The manifest, or null when nothing was installed (or the file is not one). */
export function readManifest(folder: string): Manifest | null {
  const path = manifestPath(folder);
  if (!existsSync(path)) return null;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeManifest(folder: string, manifest: Manifest): void {
  // Written whole then renamed: a reader never sees half a manifest.
  const temporary = `${manifestPath(folder)}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, manifestPath(folder));
}
