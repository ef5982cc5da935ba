// Gateway benchmark (not part of CI). Run from the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/gateway/relay-bench.ts [--quick]
// 1. Relay overhead: the same fast upstream called directly, through the gateway, through nginx
//    (Debian's package, the reference proxy) and through a bare Node.js proxy (the floor of any Node
//    proxy), interleaved in rounds in the same run; p50/p99 of the full answer (non-streaming) and of
//    the time to first byte (streaming).
// 2. 10,000 streamed requests through the gateway with 30 % of the clients aborting mid-stream:
//    in-flight afterwards, and the aborts the upstream saw.
// 3. A swap between the two embedded workers of examples/tiny.yaml, split into stop → RAM recovered
//    → spawn → healthy (from the gateway's own timings).
// Prints a Markdown table and writes tooling/bench/gateway/last-run.json.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadRegistry } from '../../../apps/gateway/src/registry/index.js';
import type { StatusResponse } from '../../../packages/gateway-client/src/schemas/index.js';
import { freePort, log, repository } from '../models/gateway-process.js';

interface UpstreamHealth {
  aborted: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const gatewayDirectory = join(repository, 'apps', 'gateway');
const quick = process.argv.includes('--quick');
// --built runs the gateway from apps/gateway/dist (`pnpm --filter @klody/gateway build` first), the way
// a production start does; by default it runs on sources through tsx, like `pnpm klody-gateway`.
const built = process.argv.includes('--built');
const rounds = quick ? 4 : 20;
const perRound = quick ? 100 : 250;
const stormTotal = quick ? 2_000 : 10_000;
const children: ChildProcess[] = [];

async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not yet
    }
    await new Promise((wait) => setTimeout(wait, 50));
  }
  throw new Error(`${url} not healthy`);
}

const require = createRequire(join(gatewayDirectory, 'package.json'));
const tsxLoader = pathToFileURL(
  join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

function startGateway(
  config: string,
  port: number,
  home: string,
): { process: ChildProcess; stderr: () => string } {
  let stderr = '';
  const entry = built
    ? [join(gatewayDirectory, 'dist', 'cli.js')]
    : ['--import', tsxLoader, '--conditions=@klody/source', join(gatewayDirectory, 'src', 'cli.ts')];
  const child = spawn(
    process.execPath,
    [...entry, 'start', '--config', config, '--port', String(port), '--stop-workers-on-exit'],
    {
      env: { ...process.env, KLODY_HOME: home, KLODY_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (data) => {
    stderr += data;
  });
  children.push(child);
  return { process: child, stderr: () => stderr };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 8_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

interface Sample {
  totalMs: number;
  firstByteMs: number;
}

/** One request on a keep-alive connection: time to the first body byte and to the end. */
function timedRequest(agent: Agent, port: number, body: string): Promise<Sample> {
  return new Promise((done, fail) => {
    const started = performance.now();
    let firstByte = 0;
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.on('data', () => {
          if (firstByte === 0) firstByte = performance.now();
        });
        response.on('end', () => {
          if (response.statusCode !== 200) fail(new Error(`status ${response.statusCode}`));
          else done({ totalMs: performance.now() - started, firstByteMs: firstByte - started });
        });
        response.on('error', fail);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

async function relayOverhead(upstreamPort: number, gatewayPort: number, nginxPort: number, barePort: number) {
  const targets = {
    direct: upstreamPort,
    gateway: gatewayPort,
    nginx: nginxPort,
    'bare-node-proxy': barePort,
  } as const;
  type Target = keyof typeof targets;
  const plain = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hi' }] });
  const streamed = JSON.stringify({
    model: 'bench',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const agents = Object.fromEntries(
    Object.keys(targets).map((name) => [name, new Agent({ keepAlive: true, maxSockets: 1 })]),
  ) as Record<Target, Agent>;
  const samples: Record<string, Record<Target, number[]>> = {
    plain: { direct: [], gateway: [], nginx: [], 'bare-node-proxy': [] },
    ttfb: { direct: [], gateway: [], nginx: [], 'bare-node-proxy': [] },
  };
  for (const name of Object.keys(targets) as Target[]) {
    for (let index = 0; index < 300; index++) {
      await timedRequest(agents[name], targets[name], plain);
      await timedRequest(agents[name], targets[name], streamed);
    }
  }
  for (let round = 0; round < rounds; round++) {
    // Interleaved, in a different order each round, so drift and noise from the other users of this
    // machine spread over every target alike.
    const names = Object.keys(targets) as Target[];
    const order = names.map((_, index) => names[(index + round) % names.length] as Target);
    for (const name of order) {
      for (let index = 0; index < perRound; index++) {
        samples.plain?.[name].push((await timedRequest(agents[name], targets[name], plain)).totalMs);
        samples.ttfb?.[name].push((await timedRequest(agents[name], targets[name], streamed)).firstByteMs);
      }
    }
  }
  const rows = [];
  for (const kind of ['plain', 'ttfb'] as const) {
    const direct = samples[kind]?.direct as number[];
    for (const name of ['direct', 'gateway', 'nginx', 'bare-node-proxy'] as Target[]) {
      const values = samples[kind]?.[name] as number[];
      rows.push({
        kind: kind === 'plain' ? 'non-streaming, full answer' : 'streaming, first byte',
        target: name,
        requests: values.length,
        p50Ms: round3(percentile(values, 0.5)),
        p99Ms: round3(percentile(values, 0.99)),
        addedP50Ms: round3(percentile(values, 0.5) - percentile(direct, 0.5)),
        addedP99Ms: round3(percentile(values, 0.99) - percentile(direct, 0.99)),
      });
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();
  return rows;
}

async function abortStorm(gatewayPort: number, upstreamPort: number) {
  const before = (await (await fetch(`http://127.0.0.1:${upstreamPort}/health`)).json()) as UpstreamHealth;
  let aborted = 0;
  let completed = 0;
  let next = 0;
  const started = performance.now();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const one = (index: number) =>
    new Promise<void>((done, fail) => {
      const abort = index % 10 < 3;
      const body = JSON.stringify({
        model: 'bench',
        stream: true,
        slow: true,
        messages: [{ role: 'user', content: String(index) }],
      });
      const outgoing = request(
        {
          host: '127.0.0.1',
          port: gatewayPort,
          path: '/v1/chat/completions',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.once('data', () => {
            if (abort) {
              aborted++;
              outgoing.destroy();
              done();
            }
          });
          response.on('end', () => {
            if (!abort) completed++;
            done();
          });
          response.on('error', () => (abort ? undefined : fail(new Error('stream broke'))));
          response.resume();
        },
      );
      outgoing.on('error', (error) => (abort ? done() : fail(error)));
      outgoing.end(body);
    });
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < stormTotal) await one(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((wait) => setTimeout(wait, 500));
  const status = (await (
    await fetch(`http://127.0.0.1:${gatewayPort}/admin/status`)
  ).json()) as StatusResponse;
  const after = (await (await fetch(`http://127.0.0.1:${upstreamPort}/health`)).json()) as UpstreamHealth;
  agent.destroy();
  return {
    requests: stormTotal,
    clientAborts: aborted,
    completed,
    seconds: round3(seconds),
    inflightAfter: status.workers[0]?.inflight ?? null,
    queuedAfter: status.workers[0]?.queued ?? null,
    upstreamSawAborts: after.aborted - before.aborted,
  };
}

async function swapSplit() {
  const home = mkdtempSync(join(tmpdir(), 'klody-bench-swap-'));
  const { registry } = loadRegistry(join(gatewayDirectory, 'examples', 'tiny.yaml'));
  const workers = [];
  for (const worker of registry.workers) workers.push({ ...worker, port: await freePort() });
  const config = join(home, 'tiny.json');
  writeFileSync(config, JSON.stringify({ ...registry, workers }));
  const port = await freePort();
  const gateway = startGateway(config, port, home);
  await waitHealthy(`http://127.0.0.1:${port}/health`);
  const clientMs: number[] = [];
  const sequence = quick
    ? ['toy-story', 'toy-random', 'toy-story', 'toy-random']
    : ['toy-story', 'toy-random', 'toy-story', 'toy-random', 'toy-story', 'toy-random', 'toy-story'];
  for (const model of sequence) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        max_tokens: 4,
        messages: [{ role: 'user', content: 'Once upon a time' }],
      }),
    });
    await response.text();
    clientMs.push(performance.now() - started);
  }
  await stop(gateway.process);
  const timings = gateway
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"worker ready"'))
    .map((line) => JSON.parse(line).timings)
    .filter((timing) => timing && timing.evicted.length > 0);
  const median = (values: number[]) => (values.length === 0 ? null : round3(percentile(values, 0.5)));
  return {
    swaps: timings.length,
    stopMs: median(timings.map((timing) => timing.stopMs)),
    ramRecoveredMs: median(timings.map((timing) => timing.ramRecoveredMs).filter((value) => value !== null)),
    ramRecoveredSeen: timings.filter((timing) => timing.ramRecoveredMs !== null).length,
    spawnMs: median(timings.map((timing) => timing.spawnMs)),
    healthyMs: median(timings.map((timing) => timing.healthyMs)),
    requestWithSwapMs: median(clientMs.slice(1)),
  };
}

async function main(): Promise<void> {
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (nginx.error) throw new Error('nginx is needed: apt-get install -y nginx');
  const nginxVersion = nginx.stderr.trim();
  const home = mkdtempSync(join(tmpdir(), 'klody-bench-'));
  const [upstreamPort, gatewayPort, nginxPort, barePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const config = join(home, 'bench.json');
  writeFileSync(
    config,
    JSON.stringify({
      budgetGb: 4,
      workers: [
        {
          name: 'bench',
          command: process.execPath,
          args: [join(here, 'fast-upstream.mjs'), '--port', '{port}'],
          port: upstreamPort,
          estimatedGb: 0.1,
          slots: 256,
          queue: { max: 20_000, timeoutSeconds: 120 },
        },
      ],
    }),
  );
  log('starting the gateway and its fast upstream');
  const gateway = startGateway(config, gatewayPort, home);
  await waitHealthy(`http://127.0.0.1:${gatewayPort}/health`);
  await fetch(`http://127.0.0.1:${gatewayPort}/admin/ensure`, {
    method: 'POST',
    body: JSON.stringify({ model: 'bench' }),
    headers: { 'content-type': 'application/json' },
  });
  await waitHealthy(`http://127.0.0.1:${upstreamPort}/health`);

  log('starting nginx as the reference proxy');
  const nginxPrefix = join(home, 'nginx');
  mkdirSync(join(nginxPrefix, 'logs'), { recursive: true });
  const nginxConfig = join(nginxPrefix, 'nginx.conf');
  writeFileSync(
    nginxConfig,
    `worker_processes 1;
daemon off;
pid ${nginxPrefix}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${nginxPrefix}/body;
  proxy_temp_path ${nginxPrefix}/proxy;
  fastcgi_temp_path ${nginxPrefix}/fastcgi;
  uwsgi_temp_path ${nginxPrefix}/uwsgi;
  scgi_temp_path ${nginxPrefix}/scgi;
  upstream worker { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://worker;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  const nginxProcess = spawn('nginx', ['-p', nginxPrefix, '-c', nginxConfig, '-e', 'stderr'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(nginxProcess);
  await new Promise((wait) => setTimeout(wait, 500));

  const bare = spawn(
    process.execPath,
    [join(here, 'bare-node-proxy.mjs'), String(barePort), String(upstreamPort)],
    { stdio: 'ignore' },
  );
  children.push(bare);
  await new Promise((wait) => setTimeout(wait, 300));

  log(`relay overhead: ${rounds} rounds × ${perRound} requests per target and kind`);
  const relay = await relayOverhead(upstreamPort, gatewayPort, nginxPort, barePort);
  await stop(bare);
  log(`abort storm: ${stormTotal} streamed requests, 30 % aborted mid-stream`);
  const storm = await abortStorm(gatewayPort, upstreamPort);
  await stop(nginxProcess);
  await stop(gateway.process);
  log('swap split with the two embedded workers of examples/tiny.yaml');
  const swap = await swapSplit();

  const find = (kind: string, target: string) =>
    relay.find((row) => row.kind.startsWith(kind) && row.target === target);
  const ratio = (kind: string) => {
    const ours = find(kind, 'gateway')?.addedP50Ms ?? 0;
    const theirs = find(kind, 'nginx')?.addedP50Ms ?? 0;
    return theirs > 0 ? round3(ours / theirs) : null;
  };
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      nginx: nginxVersion,
    },
    quick,
    gatewayRunsOn: built ? 'dist (built)' : 'sources (tsx)',
    relay,
    gatewayAddedOverNginxAddedP50: {
      nonStreaming: ratio('non-streaming'),
      streamingFirstByte: ratio('streaming'),
    },
    abortStorm: storm,
    swap,
  };
  writeFileSync(
    join(here, built ? 'last-run-built.json' : 'last-run.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );

  const lines = [
    `## Gateway relay overhead (${result.machine.cpus} cores, ${result.machine.node}, ${nginxVersion}, gateway on ${result.gatewayRunsOn})`,
    '',
    '| measure | target | requests | p50 ms | p99 ms | added p50 ms | added p99 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...relay.map(
      (row) =>
        `| ${row.kind} | ${row.target} | ${row.requests} | ${row.p50Ms} | ${row.p99Ms} | ${row.addedP50Ms} | ${row.addedP99Ms} |`,
    ),
    '',
    `Gateway's added p50 over nginx's added p50: non-streaming ×${result.gatewayAddedOverNginxAddedP50.nonStreaming}, streaming first byte ×${result.gatewayAddedOverNginxAddedP50.streamingFirstByte}.`,
    '',
    '| abort storm | value |',
    '| --- | ---: |',
    ...Object.entries(storm).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '| swap phase (median) | ms |',
    '| --- | ---: |',
    ...Object.entries(swap).map(([key, value]) => `| ${key} | ${value} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) await stop(child);
  });
