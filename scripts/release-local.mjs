#!/usr/bin/env node
// `pnpm release:local --registry <url>`: builds every package, then publishes every public one to
// the registry named here. The registry's URL comes from the command line or the environment
// (KLODY_RELEASE_REGISTRY), never from a file in the repository.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`release:local: ${message}\n`);
  process.exit(2);
}

function parseArguments(argv) {
  let registry = process.env.KLODY_RELEASE_REGISTRY;
  let dryRun = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--registry') registry = argv[++index];
    else if (argument?.startsWith('--registry=')) registry = argument.slice('--registry='.length);
    else if (argument === '--dry-run') dryRun = true;
    else fail(`unknown argument "${argument}" (usage: pnpm release:local --registry <url> [--dry-run])`);
  }
  if (!registry) fail('missing --registry <url> (or KLODY_RELEASE_REGISTRY)');
  try {
    const url = new URL(registry);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    fail(`--registry "${registry}" is not an http(s) URL`);
  }
  return { registry, dryRun };
}

// Under `pnpm release:local`, npm_execpath is the pnpm that runs us; elsewhere the project's own
// (brought by `npm start`/`npm test`), else whatever pnpm is on PATH. Since pnpm 12, npm_execpath is
// a native executable, not a JavaScript file: only a .js/.cjs/.mjs entry is run through node.
function pnpmCommand() {
  const fromParent = process.env.npm_execpath;
  const projectEntry = join(root, '.tools', 'pnpm', 'node_modules', 'pnpm', 'bin', 'pnpm.mjs');
  const entry = fromParent?.includes('pnpm') ? fromParent : existsSync(projectEntry) ? projectEntry : 'pnpm';
  return /\.[cm]?js$/.test(entry)
    ? { command: process.execPath, prefix: [entry] }
    : { command: entry, prefix: [] };
}

function pnpm(args) {
  const { command, prefix } = pnpmCommand();
  const result = spawnSync(command, [...prefix, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  if (result.error) {
    process.stderr.write(`release:local: could not run ${command}: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.status !== 0) {
    process.stderr.write(`release:local: pnpm ${args.join(' ')} failed\n`);
    process.exit(1);
  }
}

const { registry, dryRun } = parseArguments(process.argv.slice(2));
pnpm(['run', 'build']);
// `pnpm -r publish` publishes every package that is not private, in dependency order, replaces
// `workspace:` ranges with real versions, and skips versions the registry already has.
pnpm([
  '-r',
  'publish',
  '--no-git-checks',
  '--access',
  'public',
  '--registry',
  registry,
  ...(dryRun ? ['--dry-run'] : []),
]);
process.stderr.write(`release:local: published to ${registry}\n`);
