// The release configuration, end to end and for real: verdaccio on 127.0.0.1, `pnpm release:local`
// run from the repository root as a user would, then `npm install @klody/memory` into a fresh project
// outside the repository (the @klody scope from verdaccio, everything else from the machine's own
// registry), where a strict TypeScript consumer is type-checked and run. Two deliberately broken
// copies of the published package show that the same check fails when exports or types are wrong.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeResult,
  findPnpm,
  nodeHeadersPrefix,
  runCommand,
  userEnvironment,
} from './commands/index.js';
import {
  addConsumerProgram,
  type ConsumerProject,
  checkConsumer,
  createConsumerProject,
  npmInstall,
  publishBrokenCopy,
  readDefaultRegistry,
} from './consumer/index.js';
import { fetchPackument, startVerdaccio, type Verdaccio } from './registry/index.js';

const root = repositoryRoot();
const pnpm = findPnpm(root);
const memoryVersion = (
  JSON.parse(readFileSync(join(root, 'packages', 'memory', 'package.json'), 'utf8')) as { version: string }
).version;
const publishedPackages = ['@klody/memory', '@klody/gateway-client', '@klody/voice', '@klody/service'];

// Cold, on 2 shared cores: the build takes about a minute, npm's install (downloads and
// better-sqlite3's compile) one to two. Generous bounds, far below "hangs forever".
const releaseTimeoutMs = 8 * 60_000;
const installTimeoutMs = 8 * 60_000;

function elapsed(label: string, started: number): void {
  process.stderr.write(`[release-test] ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Runs `step` once; every test that needs it awaits the same promise (and sees the same failure). */
function once<T>(step: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= step();
    return promise;
  };
}

// npm comes with Node; pnpm is the project's own (.tools/pnpm, brought by `npm test`) or one on PATH.
// The install needs the machine's npm registry, as CI has.
describeRequiring(
  { tools: pnpm ? ['npm'] : ['npm', 'pnpm'] },
  'release configuration (verdaccio, npm)',
  () => {
    let workspace = '';
    // The consumer project weighs about 550 MB (onnxruntime-node ships every platform's binary): it
    // is removed after the tests, and also if the test process exits without running its hooks
    // (a run cancelled with Ctrl-C).
    const removeWorkspace = () => {
      if (workspace) rmSync(workspace, { recursive: true, force: true });
    };
    beforeAll(() => {
      workspace = mkdtempSync(join(tmpdir(), 'klody-release-'));
      process.once('exit', removeWorkspace);
    });
    // Registered before the reaper: after-hooks run in reverse, so every process is stopped first.
    afterAll(() => {
      process.removeListener('exit', removeWorkspace);
      removeWorkspace();
    });
    const reaper = useProcessReaper();
    const env = userEnvironment();

    const registry = once(
      async (): Promise<Verdaccio> => startVerdaccio({ reaper, folder: join(workspace, 'verdaccio'), env }),
    );

    const release = once(async () => {
      const { url } = await registry();
      if (!pnpm) throw new Error('no pnpm (describeRequiring should have stopped here)');
      const started = performance.now();
      const result = await runCommand(
        reaper,
        pnpm.command,
        [...pnpm.prefix, 'release:local', '--registry', url],
        { cwd: root, env, timeoutMs: releaseTimeoutMs },
      );
      elapsed('pnpm release:local', started);
      return result;
    });

    const consumer = once(async (): Promise<ConsumerProject> => {
      const released = await release();
      if (released.code !== 0)
        throw new Error(`the release failed, nothing to install: ${describeResult(released)}`);
      const { url } = await registry();
      const headers = nodeHeadersPrefix();
      const projectEnv = userEnvironment({
        ONNXRUNTIME_NODE_INSTALL: 'skip',
        ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
        ...(headers ? { npm_config_nodedir: headers } : {}),
      });
      const folder = join(workspace, 'consumer');
      const project = createConsumerProject({
        folder,
        env: projectEnv,
        scopeRegistry: url,
        defaultRegistry: await readDefaultRegistry(reaper, { cwd: workspace, env: projectEnv }),
      });
      const started = performance.now();
      const installed = await npmInstall(
        reaper,
        project,
        [`@klody/memory@${memoryVersion}`, 'typescript@5.9.3', '@types/node@^20.19.0'],
        installTimeoutMs,
      );
      elapsed('npm install @klody/memory', started);
      if (installed.code !== 0) throw new Error(describeResult(installed));
      return project;
    });

    it(
      'pnpm release:local publishes every public package to the registry it is given',
      async () => {
        const released = await release();
        expect(released.code, describeResult(released)).toBe(0);
        const { url } = await registry();
        for (const name of publishedPackages) {
          const version = (
            JSON.parse(
              readFileSync(join(root, 'packages', name.replace('@klody/', ''), 'package.json'), 'utf8'),
            ) as { version: string }
          ).version;
          const packument = await fetchPackument(url, name);
          expect(packument?.versions[version], `${name}@${version} on ${url}`).toBeDefined();
          expect(packument?.['dist-tags'].latest).toBe(version);
        }
        // Private packages (apps, tooling) stay private.
        expect(await fetchPackument(url, '@klody/test-helpers')).toBeNull();
        expect(await fetchPackument(url, '@klody/gateway')).toBeNull();
      },
      releaseTimeoutMs + 60_000,
    );

    it(
      'a fresh npm project installs @klody/memory, type-checks a strict consumer and runs it',
      async () => {
        const project = await consumer();
        const installed = JSON.parse(
          readFileSync(join(project.folder, 'node_modules', '@klody', 'memory', 'package.json'), 'utf8'),
        ) as { version: string; dependencies: Record<string, string> };
        expect(installed.version).toBe(memoryVersion);
        // Its dependencies came from the machine's registry, not from verdaccio (which has none).
        expect(
          JSON.parse(
            readFileSync(join(project.folder, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'),
          ).version,
        ).toBe(installed.dependencies['better-sqlite3']);

        const program = addConsumerProgram(project, 'memory', '@klody/memory');
        const check = await checkConsumer(reaper, project, program, '@klody/memory');
        // Soft: a broken release shows what every stage says, not only the first one.
        expect.soft(check.lint).toEqual([]);
        expect.soft(check.typecheck.code, describeResult(check.typecheck)).toBe(0);
        expect.soft(check.run.code, describeResult(check.run)).toBe(0);

        const output = check.output;
        expect(output?.migration.from).toBe(0);
        expect(output?.migration.to).toBeGreaterThanOrEqual(1);
        expect(output?.ingested).toEqual({ added: 2, chunks: 2, unchangedOnRerun: 2 });
        // Hybrid: the bees text is the only one sharing words with the question, so BM25 ranks it first
        // and the fusion keeps it first.
        expect(output?.hybrid[0]).toMatchObject({ uri: 'notes/bees.txt', ranks: { lexical: 1 } });
        expect(output?.lexical.map((chunk) => chunk.uri)).toEqual(['notes/lighthouse.txt']);
        // The worker thread ran the published dist/retrieval-worker.js.
        expect(output?.worker.map((chunk) => chunk.uri)).toEqual(['notes/lighthouse.txt']);
        for (const chunk of [
          ...(output?.hybrid ?? []),
          ...(output?.lexical ?? []),
          ...(output?.worker ?? []),
        ]) {
          expect(chunk.offsetsHold, chunk.text).toBe(true);
        }
      },
      releaseTimeoutMs + installTimeoutMs + 180_000,
    );

    it(
      'the same check fails for a published copy whose types or exports are broken',
      async () => {
        const project = await consumer();
        const { url } = await registry();
        if (!pnpm) throw new Error('no pnpm');
        const installedFolder = join(project.folder, 'node_modules', '@klody', 'memory');
        for (const breakage of ['types', 'exports'] as const) {
          const published = await publishBrokenCopy({
            reaper,
            pnpm,
            installedFolder,
            folder: join(workspace, `broken-${breakage}`),
            name: `@klody/memory-broken-${breakage}`,
            breakage,
            registryUrl: url,
            env,
          });
          expect(published.code, describeResult(published)).toBe(0);
        }
        // Same dependencies as @klody/memory: nothing new to download or compile.
        const installed = await npmInstall(
          reaper,
          project,
          [`@klody/memory-broken-types@${memoryVersion}`, `@klody/memory-broken-exports@${memoryVersion}`],
          installTimeoutMs,
        );
        expect(installed.code, describeResult(installed)).toBe(0);

        // Types lose `createIngester`: publint sees nothing wrong and the JavaScript still runs, but the
        // type-check names the missing export.
        const types = await checkConsumer(
          reaper,
          project,
          addConsumerProgram(project, 'broken-types', '@klody/memory-broken-types'),
          '@klody/memory-broken-types',
        );
        process.stderr.write(`[release-test] broken types, tsc says:\n${types.typecheck.stdout}\n`);
        expect(types.typecheck.code).not.toBe(0);
        // TS2459: "declares 'createIngester' locally, but it is not exported".
        expect(types.typecheck.stdout).toMatch(
          /error TS\d+: Module '"@klody\/memory-broken-types"' [^\n]*'createIngester'[^\n]*not exported/,
        );
        expect(types.run.code, describeResult(types.run)).toBe(0);

        // The exports map names files that do not exist: every stage fails.
        const exports = await checkConsumer(
          reaper,
          project,
          addConsumerProgram(project, 'broken-exports', '@klody/memory-broken-exports'),
          '@klody/memory-broken-exports',
        );
        process.stderr.write(
          `[release-test] broken exports:\n${exports.lint.join('\n')}\n${exports.typecheck.stdout}\n${exports.run.stderr}\n`,
        );
        expect(exports.lint).toContain(
          'error FILE_DOES_NOT_EXIST: pkg.exports["."].types is ./dist/index.d.mts but the file does not exist.',
        );
        expect(exports.typecheck.code).not.toBe(0);
        expect(exports.typecheck.stdout).toMatch(
          /error TS2307: Cannot find module '@klody\/memory-broken-exports'/,
        );
        expect(exports.run.code).not.toBe(0);
        expect(exports.run.stderr).toMatch(/ERR_MODULE_NOT_FOUND/);
      },
      releaseTimeoutMs + 2 * installTimeoutMs + 240_000,
    );
  },
);
