// The release configuration end to end: build, publish to a private verdaccio on 127.0.0.1, install
// into a fresh project where only the @klody scope points at verdaccio (everything else comes from
// the machine's default registry), type-check and run a consumer, and show that broken exports fail.
// Slow (installs and compiles better-sqlite3): run with `pnpm --filter @klody/memory test:e2e`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, waitForHttp } from '@klody/test-helpers';
import { useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execute = promisify(execFile);
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const verdaccioVersion = '6.8.0';

async function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return execute(command, args, {
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
}

/** verdaccio, installed once into a cache folder with the override Node 20 needs (TOOLCHAIN.md). */
async function installVerdaccio(): Promise<string> {
  const folder = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'klody-e2e',
    `verdaccio-${verdaccioVersion}`,
  );
  const bin = join(folder, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (existsSync(bin)) return bin;
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, 'package.json'),
    JSON.stringify({
      name: 'klody-e2e-verdaccio',
      private: true,
      overrides: { 'verdaccio-audit': { 'node-fetch': '2.7.0' } },
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', `verdaccio@${verdaccioVersion}`], folder);
  return bin;
}

/** A publishable copy of the built package with its own version (and, for the negative case, damage). */
async function stage(folder: string, version: string, damage?: (manifest: Record<string, unknown>) => void) {
  await mkdir(folder, { recursive: true });
  for (const entry of ['dist', 'src', 'README.md', 'package.json']) {
    await cp(join(packageRoot, entry), join(folder, entry), { recursive: true });
  }
  const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  manifest.version = version;
  // Development dependencies point at private workspace packages; consumers never install them.
  delete manifest.devDependencies;
  damage?.(manifest);
  await writeFile(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

describe('publishing @klody/memory to a private registry', () => {
  const reaper = useProcessReaper();
  let work: string;
  let registry: string;
  let npmrc: string;
  const version = `0.1.0-e2e.${Date.now()}`;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'klody-publish-e2e-'));
    const verdaccio = await installVerdaccio();
    const port = await freePort();
    registry = `http://127.0.0.1:${port}/`;
    await writeFile(
      join(work, 'verdaccio.yaml'),
      [
        `storage: ${join(work, 'storage')}`,
        `listen: 127.0.0.1:${port}`,
        'uplinks: {}',
        'packages:',
        "  '@klody/*':",
        '    access: $all',
        '    publish: $anonymous',
        "  '**':",
        '    access: $all',
        'log: { type: stdout, format: pretty, level: warn }',
        '',
      ].join('\n'),
    );
    reaper.spawn(process.execPath, [verdaccio, '--config', join(work, 'verdaccio.yaml')], { cwd: work });
    await waitForHttp(`${registry}-/ping`, { timeoutMs: 60_000 });
    // Scope → verdaccio; every other package from the machine's default registry.
    npmrc = [`@klody:registry=${registry}`, `//127.0.0.1:${port}/:_authToken=e2e-anonymous`, ''].join('\n');
    await run('pnpm', ['run', 'build'], packageRoot);
  }, 600_000);

  afterAll(async () => {
    await reaper.reapAll();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs from the registry, type-checks and runs a consumer; broken exports fail', async () => {
    const good = join(work, 'stage-good');
    await stage(good, version);
    await writeFile(join(good, '.npmrc'), npmrc);
    await run('npm', ['publish', '--registry', registry, '--tag', 'e2e'], good);

    const consumer = join(work, 'consumer');
    await mkdir(consumer, { recursive: true });
    await writeFile(join(consumer, '.npmrc'), npmrc);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'klody-memory-consumer',
        private: true,
        type: 'module',
        dependencies: { '@klody/memory': version, typescript: '5.9.3', '@types/node': '^20.19.0' },
      }),
    );
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          types: ['node'],
        },
        include: ['consumer.ts'],
      }),
    );
    await cp(join(packageRoot, 'e2e', 'consumer.ts'), join(consumer, 'consumer.ts'));
    // better-sqlite3 compiles from source here; onnxruntime-node must not try to download CUDA.
    const installEnvironment = { npm_config_nodedir: '/usr', ONNXRUNTIME_NODE_INSTALL: 'skip' };
    await run('npm', ['install', '--no-audit', '--no-fund'], consumer, installEnvironment);
    const installed = JSON.parse(
      await readFile(join(consumer, 'node_modules/@klody/memory/package.json'), 'utf8'),
    );
    expect(installed.version).toBe(version);

    await run(join(consumer, 'node_modules/.bin/tsc'), ['-p', '.'], consumer);
    const { stdout } = await run(
      process.execPath,
      ['out/consumer.js', join(consumer, 'consumer.db')],
      consumer,
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({
      top: 'doc:lighthouse',
      answer: 'The keeper climbed the tower. He lit the great lamp at dusk. [1]',
      worker: 'doc:bread',
    });

    // Now break the published exports on purpose: the same consumer must fail to type-check and run.
    const broken = join(work, 'stage-broken');
    const brokenVersion = `${version}-broken`;
    await stage(broken, brokenVersion, (manifest) => {
      const exports = manifest.exports as Record<string, Record<string, string>>;
      exports['.'] = { types: './dist/missing.d.ts', import: './dist/missing.js' };
    });
    await writeFile(join(broken, '.npmrc'), npmrc);
    await run('npm', ['publish', '--registry', registry, '--tag', 'e2e'], broken);
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', `@klody/memory@${brokenVersion}`],
      consumer,
      installEnvironment,
    );
    await rm(join(consumer, 'out'), { recursive: true, force: true });
    const typeCheck = await run(
      join(consumer, 'node_modules/.bin/tsc'),
      ['-p', '.', '--noEmitOnError', 'false'],
      consumer,
    ).then(
      () => null,
      (error: { stdout: string }) => error.stdout,
    );
    expect(typeCheck).toMatch(/Cannot find module '@klody\/memory'|TS2307|TS7016/);
    const execution = await run(
      process.execPath,
      ['out/consumer.js', join(consumer, 'broken.db')],
      consumer,
    ).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    expect(execution).toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
  }, 900_000);
});
