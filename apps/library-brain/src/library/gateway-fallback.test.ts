import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaultUpstream, startFaultUpstream, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { readConfig } from '../config/config.js';
import { createLibrary } from './create-library.js';
import type { Library } from './library.js';

// The gateway is a fault upstream (a real HTTP server on loopback with a scripted chat answer): the
// model's quality is not under test here, the wiring is — down at start-up, up, gone, back.
describeRequiring({ data: ['books/fr/Candide.txt'] }, 'running without, then with, the gateway', () => {
  let library: Library;
  let upstream: FaultUpstream;
  const question = "Qu'enseignait Pangloss ?";

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-fallback-'));
    const books = join(home, 'in');
    mkdirSync(books);
    copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(books, 'Candide.txt'));
    upstream = await startFaultUpstream({
      models: ['brain'],
      chatAnswer: 'Pangloss enseignait la métaphysico-théologo-cosmolonigologie [1].',
    });
    await upstream.setFault('down');
    library = await createLibrary(readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: upstream.url }), {
      gatewayRetryMs: 0,
    });
    await library.ingest([books]);
  });
  afterAll(async () => {
    await library?.close();
    await upstream?.close();
  });

  it('answers extractively, cited, while the gateway does not answer, and says so', async () => {
    expect((await library.gatewayHealth()).state).toBe('unreachable');
    const answer = await library.ask(question);
    expect(answer.mode).toBe('extractive');
    expect(answer.refused).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.fallback?.code).toBe('gateway_unreachable');
    expect(answer.fallback?.message).toContain(upstream.url);
  });

  it('streams a generated answer once the gateway is up, without a restart', async () => {
    await upstream.setFault('ok');
    const tokens: string[] = [];
    const answer = await library.ask(question, { onToken: (token) => tokens.push(token) });
    expect((await library.gatewayHealth()).state).toBe('ok');
    expect(answer.mode).toBe('generated');
    expect(answer.fallback).toBeNull();
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe(answer.answer);
    expect(answer.citations.map((citation) => citation.n)).toEqual([1]);
    expect(
      library.passage(
        answer.citations[0]?.bookId ?? 0,
        answer.citations[0]?.start ?? 0,
        answer.citations[0]?.end ?? 0,
      )?.text,
    ).toBe(answer.citations[0]?.text);
  });

  it('falls back to an extractive answer, and says so, when the gateway goes away after start-up', async () => {
    await upstream.setFault('down');
    for (const onToken of [undefined, () => {}]) {
      const answer = await library.ask(question, { onToken });
      expect(answer.mode).toBe('extractive');
      expect(answer.refused).toBe(false);
      expect(answer.citations.length).toBeGreaterThan(0);
      expect(['gateway_error', 'gateway_unreachable']).toContain(answer.fallback?.code);
      expect(answer.fallback?.message).toContain(upstream.url);
    }
    expect((await library.gatewayHealth()).state).not.toBe('ok');
  });

  it('generates again when the gateway comes back', async () => {
    await upstream.setFault('ok');
    // /health asks a gateway that is not well again in the background (here at once: no retry delay).
    await vi.waitUntil(async () => (await library.gatewayHealth()).state === 'ok', {
      timeout: 5_000,
      interval: 20,
    });
    const answer = await library.ask(question);
    expect(answer.mode).toBe('generated');
    expect(answer.fallback).toBeNull();
    expect(await library.gatewayHealth()).toEqual({ state: 'ok', reason: null });
  });
});
