// Generation speed of the same GGUF on two engines (not part of CI). From the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/models/generation-bench.ts [--quick]
// Gemma 3 270M (`pnpm klody-models install`) on our embedded worker (node-llama-cpp 3.21.1's prebuilt
// llama.cpp) and on llama-cpp-python's server (llama.cpp compiled here from its sdist), both behind one
// gateway, both with 1 thread (the setting of examples/small.yaml on this 2-core machine class), the
// same raw-text prompt on /v1/completions (the base model has no chat template, and a raw prompt gives
// both engines the same tokens), greedy (temperature 0), the same max_tokens. Runs alternate between
// the engines so that the other users of the machine weigh on both alike; medians are reported, and the
// embedded worker's rate over llama-cpp-python's (the baseline) as a ratio.
// Prints a Markdown table and writes tooling/bench/models/generation-last-run.json.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelsFolder, readManifest } from '../../models/src/model-manifest.js';
import { median } from '../repeated-runs.js';
import { freePort, log, repository, round2, startGatewayProcess } from './gateway-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 7;
const maxTokens = quick ? 64 : 128;
// --threads N: 1 by default, the setting of examples/small.yaml (TOOLCHAIN.md: spin-waiting threads
// fight over 2 cores).
const threadsFlag = process.argv.indexOf('--threads');
const threads = threadsFlag > 0 ? Number(process.argv[threadsFlag + 1]) : 1;
const prompt =
  'The history of the city of Lyon begins in Roman times, when the town of Lugdunum was founded on the hill of Fourvière. Over the following centuries,';

const engines = { embedded: 'bench-embedded', 'llama-cpp-python': 'bench-llamacpp' } as const;
type Engine = keyof typeof engines;

interface Run {
  engine: Engine;
  promptTokens: number;
  completionTokens: number;
  text: string;
  seconds: number;
  tokensPerSecond: number;
}

async function complete(url: string, engine: Engine): Promise<Run> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: engines[engine], prompt, max_tokens: maxTokens, temperature: 0 }),
  });
  const answer = (await response.json()) as {
    usage?: { prompt_tokens: number; completion_tokens: number };
    choices?: Array<{ text: string }>;
    error?: unknown;
  };
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 200 || !answer.usage) {
    throw new Error(`${engine}: status ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
  }
  return {
    engine,
    promptTokens: answer.usage.prompt_tokens,
    completionTokens: answer.usage.completion_tokens,
    text: answer.choices?.[0]?.text ?? '',
    seconds,
    tokensPerSecond: answer.usage.completion_tokens / seconds,
  };
}

async function main(): Promise<void> {
  const manifest = readManifest(modelsFolder(repository));
  const model = (name: string) => {
    const found = manifest?.models.find((entry) => entry.name === name);
    if (!found) throw new Error(`${name} is not installed: run pnpm klody-models install`);
    return found;
  };
  const gguf = model('gemma-3-270m');
  const server = model('llama-cpp-server');
  const gateway = await startGatewayProcess({
    // Both stay loaded (the budget holds both); only one generates at a time.
    budgetGb: 4,
    workers: [
      {
        name: 'embedded',
        aliases: [engines.embedded],
        embedded: { model: gguf.path, threads, contextSize: 1024, chatWrapper: 'auto', embeddings: false },
        port: await freePort(),
        estimatedGb: 0.6,
        startTimeoutSeconds: 120,
      },
      {
        name: 'llama-cpp-python',
        aliases: [engines['llama-cpp-python']],
        command: server.executables.python,
        args: [
          '-m',
          'llama_cpp.server',
          '--model',
          gguf.path,
          '--host',
          '127.0.0.1',
          '--port',
          '{port}',
          '--n_ctx',
          '1024',
          '--n_threads',
          String(threads),
          '--n_threads_batch',
          String(threads),
        ],
        env: { API_KEY: '{workerKey}', HOST: '127.0.0.1', PORT: '{port}' },
        port: await freePort(),
        healthPath: '/docs',
        estimatedGb: 0.6,
        startTimeoutSeconds: 120,
      },
    ],
  });
  try {
    // One warm-up each: loads the worker and pages the weights in; not counted.
    for (const engine of Object.keys(engines) as Engine[]) {
      const started = performance.now();
      await complete(gateway.url, engine);
      log(`${engine}: loaded and warmed up in ${round2((performance.now() - started) / 1000)} s`);
    }
    const results: Run[] = [];
    for (let round = 0; round < runs; round++) {
      const order: Engine[] =
        round % 2 === 0 ? ['embedded', 'llama-cpp-python'] : ['llama-cpp-python', 'embedded'];
      for (const engine of order) {
        const run = await complete(gateway.url, engine);
        results.push(run);
        log(
          `${engine}: ${run.completionTokens} tokens in ${round2(run.seconds)} s (${round2(run.tokensPerSecond)}/s)`,
        );
      }
    }
    const summary = (Object.keys(engines) as Engine[]).map((engine) => {
      const mine = results.filter((run) => run.engine === engine);
      return {
        engine,
        runs: mine.length,
        promptTokens: mine[0]?.promptTokens ?? 0,
        completionTokens: median(mine.map((run) => run.completionTokens)),
        medianSeconds: round2(median(mine.map((run) => run.seconds))),
        medianTokensPerSecond: round2(median(mine.map((run) => run.tokensPerSecond))),
        minTokensPerSecond: round2(Math.min(...mine.map((run) => run.tokensPerSecond))),
        maxTokensPerSecond: round2(Math.max(...mine.map((run) => run.tokensPerSecond))),
      };
    });
    const [embedded, baseline] = summary as [(typeof summary)[0], (typeof summary)[0]];
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      quick,
      model: { name: gguf.name, sha256: gguf.sha256 },
      llamaCppPython: server.version,
      threads,
      maxTokens,
      temperature: 0,
      summary,
      embeddedOverLlamaCppPython: round2(embedded.medianTokensPerSecond / baseline.medianTokensPerSecond),
      // Greedy decoding of the same weights and prompt: the texts agree unless the two llama.cpp builds
      // round differently somewhere (different kernels), which then shows here.
      sameText:
        results.find((run) => run.engine === 'embedded')?.text ===
        results.find((run) => run.engine === 'llama-cpp-python')?.text,
      runs: results,
    };
    writeFileSync(
      join(here, threads === 1 ? 'generation-last-run.json' : `generation-last-run-${threads}-threads.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    const lines = [
      `## Generation, Gemma 3 270M Q4_K_M (${result.machine.cpus} cores, ${threads} thread${threads === 1 ? '' : 's'}, greedy, max_tokens ${maxTokens}, ${runs} runs each)`,
      '',
      '| engine | prompt tokens | completion tokens (median) | median s | median tokens/s | min–max tokens/s |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...summary.map(
        (row) =>
          `| ${row.engine} | ${row.promptTokens} | ${row.completionTokens} | ${row.medianSeconds} | ${row.medianTokensPerSecond} | ${row.minTokensPerSecond}–${row.maxTokensPerSecond} |`,
      ),
      '',
      `Embedded worker over llama-cpp-python ${server.version} (median tokens/s): ×${result.embeddedOverLlamaCppPython}. Both through the gateway; rates are end to end (prompt and generation). Same greedy text from both: ${result.sameText}.`,
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
