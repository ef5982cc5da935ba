// Gateway benchmark (not part of CI). Run from the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/gateway/relay-bench.ts [--quick] [--built]
//     [--relay-only] [--rounds N] [--cpu-prof DIR] [--out FILE] [--baseline-gateway DIR/cli.js]
// --relay-only measures the relay overhead only (no abort storm, no swap) and writes its JSON to a
// temporary file unless --out names one; --cpu-prof DIR runs the gateway under `node --cpu-prof` and
// leaves its profile in DIR when it stops (summarise it with cpu-profile-summary.ts);
// --baseline-gateway runs another build of the gateway (a bundle of the code before a change, say)
// as one more target of the same rounds, on its own fast upstream.
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
const relayOnly = process.argv.includes('--relay-only');
function option(name: string): string | null {
  const index = process.argv.indexOf(name);
  return index === -1 ? null : (process.argv[index + 1] ?? null);
}
const cpuProfileDirectory = option('--cpu-prof');
const baselineGateway = option('--baseline-gateway');
const rounds = Number(option('--rounds') ?? (quick ? 4 : 20));
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
  cli: string | null = null,
): { process: ChildProcess; stderr: () => string } {
  let stderr = '';
  const entry = cli
    ? [cli]
    : built
      ? [join(gatewayDirectory, 'dist', 'cli.js')]
      : ['--import', tsxLoader, '--conditions=@klody/source', join(gatewayDirectory, 'src', 'cli.ts')];
  const child = spawn(
    process.execPath,
    [
      ...(cpuProfileDirectory && !cli ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDirectory] : []),
      ...entry,
      'start',
      '--config',
      config,
      '--port',
      String(port),
      '--stop-workers-on-exit',
    ],
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

/** Each target's port: `direct` (the upstream itself), `nginx`, and the proxies compared with nginx. */
async function relayOverhead(targets: Record<string, number>) {
  type Target = string;
  const names = Object.keys(targets);
  // The proxies whose added p50 is compared with nginx's.
  const compared = names.filter((name) => name !== 'direct' && name !== 'nginx');
  const port = (name: Target) => targets[name] as number;
  const plain = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hi' }] });
  const streamed = JSON.stringify({
    model: 'bench',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const agents = Object.fromEntries(
    names.map((name) => [name, new Agent({ keepAlive: true, maxSockets: 1 })]),
  ) as Record<Target, Agent>;
  const byTarget = () => Object.fromEntries(names.map((name) => [name, [] as number[]]));
  const samples: Record<'plain' | 'ttfb', Record<Target, number[]>> = { plain: byTarget(), ttfb: byTarget() };
  for (const name of names) {
    for (let index = 0; index < 300; index++) {
      await timedRequest(agents[name] as Agent, port(name), plain);
      await timedRequest(agents[name] as Agent, port(name), streamed);
    }
  }
  // Each proxy's added p50 over nginx's, round by round: how much the ratio moves with this
  // machine's noise.
  const roundRatios: Record<'plain' | 'ttfb', Record<Target, number[]>> = {
    plain: byTarget(),
    ttfb: byTarget(),
  };
  for (let round = 0; round < rounds; round++) {
    // Interleaved, in a different order each round, so drift and noise from the other users of this
    // machine spread over every target alike.
    const order = names.map((_, index) => names[(index + round) % names.length] as Target);
    for (const name of order) {
      const agent = agents[name] as Agent;
      for (let index = 0; index < perRound; index++) {
        samples.plain[name]?.push((await timedRequest(agent, port(name), plain)).totalMs);
        samples.ttfb[name]?.push((await timedRequest(agent, port(name), streamed)).firstByteMs);
      }
    }
    for (const kind of ['plain', 'ttfb'] as const) {
      const roundP50 = (name: Target) => percentile((samples[kind][name] as number[]).slice(-perRound), 0.5);
      const nginxAdded = roundP50('nginx') - roundP50('direct');
      for (const name of compared) {
        if (nginxAdded > 0) roundRatios[kind][name]?.push((roundP50(name) - roundP50('direct')) / nginxAdded);
      }
    }
  }
  const rows = [];
  const perRoundRatios = [];
  for (const kind of ['plain', 'ttfb'] as const) {
    const direct = samples[kind].direct as number[];
    const nginxAdded = percentile(samples[kind].nginx as number[], 0.5) - percentile(direct, 0.5);
    const label = kind === 'plain' ? 'non-streaming, full answer' : 'streaming, first byte';
    for (const name of names) {
      const values = samples[kind][name] as number[];
      const added = percentile(values, 0.5) - percentile(direct, 0.5);
      rows.push({
        kind: label,
        target: name,
        requests: values.length,
        p50Ms: round3(percentile(values, 0.5)),
        p99Ms: round3(percentile(values, 0.99)),
        addedP50Ms: round3(added),
        addedP99Ms: round3(percentile(values, 0.99) - percentile(direct, 0.99)),
        // The figure the gateway is judged by: its added p50 over nginx's, in the same run.
        addedP50OverNginx: name === 'direct' || nginxAdded <= 0 ? null : round3(added / nginxAdded),
      });
    }
    for (const name of compared) {
      const ratios = roundRatios[kind][name] as number[];
      perRoundRatios.push({
        kind: label,
        target: name,
        rounds: ratios.length,
        median: ratios.length === 0 ? null : round3(percentile(ratios, 0.5)),
        min: ratios.length === 0 ? null : round3(Math.min(...ratios)),
        max: ratios.length === 0 ? null : round3(Math.max(...ratios)),
      });
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();
  return { rows, perRoundRatios };
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

/** The registry of the relay measurements: one fast upstream, started by the gateway on `port`. */
function fastUpstreamRegistry(port: number) {
  return {
    budgetGb: 4,
    workers: [
      {
        name: 'bench',
        command: process.execPath,
        args: [join(here, 'fast-upstream.mjs'), '--port', '{port}'],
        port,
        estimatedGb: 0.1,
        slots: 256,
        queue: { max: 20_000, timeoutSeconds: 120 },
      },
    ],
  };
}

/**
 * Another build of the gateway (`--baseline-gateway DIR/cli.js`), on its own home and its own fast
 * upstream, measured in the same rounds: before and after a change, on the same noise.
 */
async function startBaselineGateway(cli: string) {
  const home = mkdtempSync(join(tmpdir(), 'klody-bench-baseline-'));
  const [port, upstreamPort] = [await freePort(), await freePort()];
  const config = join(home, 'bench.json');
  writeFileSync(config, JSON.stringify(fastUpstreamRegistry(upstreamPort)));
  log(`starting the baseline gateway ${cli}`);
  const gateway = startGateway(config, port, home, cli);
  await waitHealthy(`http://127.0.0.1:${port}/health`);
  await fetch(`http://127.0.0.1:${port}/admin/ensure`, {
    method: 'POST',
    body: JSON.stringify({ model: 'bench' }),
    headers: { 'content-type': 'application/json' },
  });
  await waitHealthy(`http://127.0.0.1:${upstreamPort}/health`);
  return { gateway, port };
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
  writeFileSync(config, JSON.stringify(fastUpstreamRegistry(upstreamPort)));
  log('starting the gateway and its fast upstream');
  const gateway = startGateway(config, gatewayPort, home);
  await waitHealthy(`http://127.0.0.1:${gatewayPort}/health`);
  await fetch(`http://127.0.0.1:${gatewayPort}/admin/ensure`, {
    method: 'POST',
    body: JSON.stringify({ model: 'bench' }),
    headers: { 'content-type': 'application/json' },
  });
  await waitHealthy(`http://127.0.0.1:${upstreamPort}/health`);
  const baseline = baselineGateway ? await startBaselineGateway(baselineGateway) : null;

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
  const { rows: relay, perRoundRatios } = await relayOverhead({
    direct: upstreamPort,
    gateway: gatewayPort,
    ...(baseline ? { 'gateway-baseline': baseline.port } : {}),
    nginx: nginxPort,
    'bare-node-proxy': barePort,
  });
  await stop(bare);
  if (baseline) await stop(baseline.gateway.process);
  let storm: Awaited<ReturnType<typeof abortStorm>> | null = null;
  if (!relayOnly) {
    log(`abort storm: ${stormTotal} streamed requests, 30 % aborted mid-stream`);
    storm = await abortStorm(gatewayPort, upstreamPort);
  }
  await stop(nginxProcess);
  await stop(gateway.process);
  let swap: Awaited<ReturnType<typeof swapSplit>> | null = null;
  if (!relayOnly) {
    log('swap split with the two embedded workers of examples/tiny.yaml');
    swap = await swapSplit();
  }

  const find = (kind: string, target: string) =>
    relay.find((row) => row.kind.startsWith(kind) && row.target === target);
  const ratio = (kind: string, target = 'gateway') => find(kind, target)?.addedP50OverNginx ?? null;
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      nginx: nginxVersion,
    },
    quick,
    relayOnly,
    rounds,
    perRound,
    gatewayRunsOn: built ? 'dist (built)' : 'sources (tsx)',
    baselineGateway,
    relay,
    gatewayAddedOverNginxAddedP50: {
      nonStreaming: ratio('non-streaming'),
      streamingFirstByte: ratio('streaming'),
    },
    bareNodeProxyAddedOverNginxAddedP50: {
      nonStreaming: ratio('non-streaming', 'bare-node-proxy'),
      streamingFirstByte: ratio('streaming', 'bare-node-proxy'),
    },
    addedP50OverNginxPerRound: perRoundRatios,
    abortStorm: storm,
    swap,
  };
  const out =
    option('--out') ??
    (relayOnly
      ? join(tmpdir(), `relay-bench-relay-only${built ? '-built' : ''}.json`)
      : join(here, built ? 'last-run-built.json' : 'last-run.json'));
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`figures written to ${out}`);

  const lines = [
    `## Gateway relay overhead (${result.machine.cpus} cores, ${result.machine.node}, ${nginxVersion}, gateway on ${result.gatewayRunsOn})`,
    '',
    '| measure | target | requests | p50 ms | p99 ms | added p50 ms | added p99 ms | added p50 / nginx added p50 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...relay.map(
      (row) =>
        `| ${row.kind} | ${row.target} | ${row.requests} | ${row.p50Ms} | ${row.p99Ms} | ${row.addedP50Ms} | ${row.addedP99Ms} | ${row.addedP50OverNginx === null ? '' : `×${row.addedP50OverNginx}`} |`,
    ),
    '',
    `Gateway's added p50 over nginx's added p50: non-streaming ×${result.gatewayAddedOverNginxAddedP50.nonStreaming}, streaming first byte ×${result.gatewayAddedOverNginxAddedP50.streamingFirstByte} (the bare Node proxy: ×${result.bareNodeProxyAddedOverNginxAddedP50.nonStreaming}, ×${result.bareNodeProxyAddedOverNginxAddedP50.streamingFirstByte}).`,
    '',
    '| added p50 / nginx added p50, round by round | target | rounds | median | min | max |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...perRoundRatios.map(
      (row) => `| ${row.kind} | ${row.target} | ${row.rounds} | ×${row.median} | ×${row.min} | ×${row.max} |`,
    ),
    ...(storm
      ? [
          '',
          '| abort storm | value |',
          '| --- | ---: |',
          ...Object.entries(storm).map(([key, value]) => `| ${key} | ${value} |`),
        ]
      : []),
    ...(swap
      ? [
          '',
          '| swap phase (median) | ms |',
          '| --- | ---: |',
          ...Object.entries(swap).map(([key, value]) => `| ${key} | ${value} |`),
        ]
      : []),
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
