#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { renderTable } from '@klody/service';
import { installModels } from './install-models.js';
import { installPythonClients } from './install-python-clients.js';
import { catalogue, findCatalogueModel } from './model-catalogue.js';
import { ModelInstallError } from './model-install-error.js';
import { modelsFolder, readManifest } from './model-manifest.js';
import { pythonClientsFolder } from './python-clients-manifest.js';
import { repositoryRoot } from './repository-root.js';

const root = repositoryRoot;
const usage = 'usage: pnpm klody-models <install|list|path NAME> [--json]';

function fail(code: number, message: string, json: boolean): never {
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: code === 2 ? 'usage' : 'failed', message } })}\n`,
    );
  process.stderr.write(`klody-models: ${message}\n`);
  process.exit(code);
}

function size(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(2)} GiB`
    : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (error) {
    fail(2, `${(error as Error).message}\n${usage}`, false);
  }
  const json = parsed.values.json === true;
  const [command, ...rest] = parsed.positionals;
  const folder = modelsFolder(root);
  switch (command) {
    case 'install': {
      if (rest.length > 0) fail(2, usage, json);
      const log = (line: string) => process.stderr.write(`[klody-models] ${line}\n`);
      try {
        // The stock Python clients first: a minute at most, and independent of the models' compile.
        const pythonClients = await installPythonClients({ root, folder: pythonClientsFolder(root), log });
        const manifest = await installModels({ root, folder, log });
        if (json) process.stdout.write(`${JSON.stringify({ folder, ...manifest, pythonClients })}\n`);
        else {
          for (const model of manifest.models) process.stdout.write(`${model.name}  ${model.path}\n`);
          process.stdout.write(`python-clients  ${pythonClients.executable}\n`);
        }
      } catch (error) {
        if (error instanceof ModelInstallError) fail(1, error.message, json);
        throw error;
      }
      return;
    }
    case 'list': {
      if (rest.length > 0) fail(2, usage, json);
      const manifest = readManifest(folder);
      const installed = new Map((manifest?.models ?? []).map((model) => [model.name, model]));
      const rows = catalogue.map((model) => ({
        name: model.name,
        kind: model.kind,
        installed: installed.has(model.name),
        path: installed.get(model.name)?.path ?? null,
        sizeBytes: installed.get(model.name)?.sizeBytes ?? null,
        licence: model.licence,
        description: model.description,
      }));
      if (json) process.stdout.write(`${JSON.stringify({ folder, models: rows })}\n`);
      else {
        const lines = renderTable(
          ['NAME', 'KIND', 'INSTALLED', 'SIZE', 'LICENCE'],
          rows.map((row) => [
            row.name,
            row.kind,
            row.installed ? 'yes' : 'no',
            row.sizeBytes === null ? '-' : size(row.sizeBytes),
            row.licence,
          ]),
        );
        process.stdout.write(`${lines.join('\n')}\n`);
        if (rows.some((row) => !row.installed))
          process.stdout.write('Install them with: pnpm klody-models install\n');
      }
      return;
    }
    case 'path': {
      const [name] = rest;
      if (!name || rest.length > 1) fail(2, usage, json);
      if (!findCatalogueModel(name))
        fail(2, `no model "${name}" (known: ${catalogue.map((model) => model.name).join(', ')})`, json);
      const model = readManifest(folder)?.models.find((entry) => entry.name === name);
      if (!model) fail(1, `${name} is not installed: run pnpm klody-models install`, json);
      process.stdout.write(json ? `${JSON.stringify(model)}\n` : `${model.path}\n`);
      return;
    }
    default:
      fail(2, command ? `unknown command "${command}"\n${usage}` : usage, json);
  }
}

void main();
