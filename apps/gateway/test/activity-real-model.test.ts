// The activity view with a real model: Gemma 3 270M on the embedded worker streams its answer, and the
// tokens the gateway logs, counts and lists are the ones the worker reported in its final usage chunk.
import { activityResponseSchema } from '@klody/gateway-client/schemas';
import { freePorts, gemmaEmbeddedWorkerEntry } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  recordingLogger,
  startQuietGateway,
  temporaryHome,
  waitFor,
  writeRegistry,
} from './helpers.js';

describeRequiring({ models: ['gemma-3-270m'] }, 'the activity of a real model (Gemma 3 270M)', () => {
  const home = temporaryHome();
  const { logger, lines: logged } = recordingLogger();
  let gateway: RunningGateway;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    const config = writeRegistry(home, {
      budgetGb: 4,
      workers: [gemmaEmbeddedWorkerEntry(port, { contextSize: 512 })],
    });
    gateway = await startQuietGateway(home, config, { logger });
  });

  afterAll(async () => {
    await gateway?.close({ workers: true });
    killRecordedWorkers(home);
  });

  it('logs, counts and lists the tokens of a streamed answer as the worker reported them', async () => {
    const response = await postJson(
      `${gateway.url}/v1/chat/completions`,
      {
        model: 'brain',
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0,
        max_tokens: 24,
        messages: [{ role: 'user', content: 'Tell me about the sea.' }],
      },
      { 'x-request-id': 'gemma-stream-1' },
    );
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice(6)));
    const usage = events.at(-1)?.usage;
    expect(usage.completion_tokens).toBeGreaterThan(0);

    await waitFor(() => logged.some((line) => line.requestId === 'gemma-stream-1'), 10_000, 'the log line');
    const line = logged.find((entry) => entry.requestId === 'gemma-stream-1') as Record<string, unknown>;
    expect(line).toMatchObject({
      message: 'relayed request',
      model: 'brain',
      worker: 'gemma',
      status: 200,
      outcome: 'completed',
      tokensIn: usage.prompt_tokens,
      tokensOut: usage.completion_tokens,
    });
    expect(line.tokensPerSecond).toBeGreaterThan(0);
    // The model's load is part of the wait for a slot.
    expect(line.queueWaitMs).toBeGreaterThan(0);
    expect(JSON.stringify(line)).not.toContain('the sea');

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain(
      `klody_gateway_tokens_total{worker="gemma",direction="in"} ${usage.prompt_tokens}`,
    );
    expect(metrics).toContain(
      `klody_gateway_tokens_total{worker="gemma",direction="out"} ${usage.completion_tokens}`,
    );
    const activity = activityResponseSchema.parse(
      await (await fetch(`${gateway.url}/admin/activity`)).json(),
    );
    expect(activity.requests[0]).toMatchObject({
      requestId: 'gemma-stream-1',
      tokensIn: usage.prompt_tokens,
      tokensOut: usage.completion_tokens,
    });
  }, 180_000);
});
