// The loop with the real web_search tool over a local SearXNG-speaking server: what the web says is
// untrusted (a write after it asks), and an answer drawn on the web says so.
import { createSearxngSearch, fetchWebPage } from '@klody/memory';
import { type FakeSearxngServer, startFakeSearxngServer } from '@klody/memory/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTurnResult } from '../cli/turn-result.js';
import { fakeScriptedModel } from '../loop/testing/fake-scripted-model.js';
import { createWebSearchTool } from '../tools/web-search-tool.js';
import { agentBench, collect, eventOf, testTools } from './testing/agent-test-bench.js';

let server: FakeSearxngServer;
beforeAll(async () => {
  server = await startFakeSearxngServer();
});
afterAll(async () => {
  await server.close();
});
let bench: ReturnType<typeof agentBench>;
afterEach(async () => {
  await bench.cleanup();
});

function registry() {
  const { tools, spies } = testTools();
  const webSearch = createWebSearchTool({
    search: createSearxngSearch({ url: server.url }),
    readPage: (url, { signal }) =>
      fetchWebPage(url, { timeoutMs: 2_000, maxBytes: 20_000, signal, allowPrivateNetwork: true }),
  });
  return { tools: [webSearch, ...tools], spies };
}

const searchThenNote = [
  { toolCalls: [{ tool: 'web_search', input: { query: 'klody', limit: 2, pages: 1 } }] },
  // The page said to delete everything; the model only writes a note, which must still ask.
  { toolCalls: [{ tool: 'note', input: { text: 'Klody runs locally' } }] },
];

describe('web_search in the loop', () => {
  it('makes a later write ask for approval, and the answer names the web sources', async () => {
    bench = agentBench();
    const { tools, spies } = registry();
    const fake = fakeScriptedModel([...searchThenNote, { text: 'Klody runs on your machine.' }]);
    const { agent } = bench.open(fake.model, { tools });
    const first = await collect(agent.send({ message: 'What is Klody? Note it down.' }));
    const request = eventOf(first, 'approval-request');
    expect(request).toMatchObject({ tool: 'note', effect: 'write' });
    expect(request.reason).toMatch(/someone else|untrusted/);
    expect(spies.note.calls).toEqual([]);
    const held = eventOf(first, 'turn-end');
    expect(held.steps[0]).toMatchObject({ tool: 'web_search', status: 'done' });
    expect(held.usedWeb).toEqual([server.pages.small, server.pages.plain]);

    const second = await collect(
      agent.decide({ sessionId: held.sessionId, approvalId: request.approvalId, decision: 'approve' }),
    );
    expect(spies.note.calls).toEqual([{ text: 'Klody runs locally' }]);
    const end = eventOf(second, 'turn-end');
    const line = `Sources from the web (unverified): ${server.pages.small}, ${server.pages.plain}`;
    expect(end.answer).toBe(`Klody runs on your machine.\n\n${line}`);
    expect(end.usedWeb).toEqual([server.pages.small, server.pages.plain]);
    // Streamed too, so the terminal and the page show it as the answer arrives.
    const streamed = second.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(streamed.endsWith(line)).toBe(true);
    // And `ask --json` carries the addresses.
    const result = createTurnResult();
    for (const event of [...first, ...second]) result.add(event);
    expect(result.result.usedWeb).toEqual([server.pages.small, server.pages.plain]);
    expect(result.result.answer).toContain(line);
    // Stored as the answer: a reload of the session shows it.
    expect(agent.store.sessionDetail(end.sessionId)?.messages.at(-1)).toMatchObject({
      role: 'assistant',
      content: end.answer,
    });
  });

  it('says it in French when the user wrote French', async () => {
    bench = agentBench();
    const { tools } = registry();
    const fake = fakeScriptedModel([
      { toolCalls: [{ tool: 'web_search', input: { query: 'klody', limit: 1 } }] },
      { text: 'Klody tourne sur votre machine.' },
    ]);
    const { agent } = bench.open(fake.model, { tools });
    const events = await collect(
      agent.send({ message: "Qu'est-ce que Klody ? Cherche sur le web, s'il te plaît." }),
    );
    expect(eventOf(events, 'turn-end').answer).toBe(
      `Klody tourne sur votre machine.\n\nSources venant du web (non vérifiées) : ${server.pages.small}`,
    );
  });

  it('adds nothing to an answer that did not use the web, nor when the search failed', async () => {
    bench = agentBench();
    const { tools } = testTools();
    const plain = bench.open(fakeScriptedModel([{ text: 'Hello.' }]).model, { tools });
    const end = eventOf(await collect(plain.agent.send({ message: 'Hello' })), 'turn-end');
    expect([end.answer, end.usedWeb]).toEqual(['Hello.', []]);

    const failing = createWebSearchTool({
      search: createSearxngSearch({ url: server.jsonDisabledUrl }),
      readPage: () => Promise.reject(new Error('not called')),
    });
    const broken = bench.open(
      fakeScriptedModel([
        { toolCalls: [{ tool: 'web_search', input: { query: 'klody' } }] },
        { text: 'The web search is not available.' },
      ]).model,
      { tools: [failing, ...tools] },
    );
    const events = await collect(broken.agent.send({ message: 'Search the web for Klody' }));
    const failed = eventOf(events, 'turn-end');
    expect(failed.steps[0]).toMatchObject({ tool: 'web_search', status: 'failed' });
    expect(failed.steps[0]?.output).toContain('formats: [html, json]');
    expect([failed.answer, failed.usedWeb]).toEqual(['The web search is not available.', []]);
  });
});
