// The server with everything disabled (KLODY_GATEWAY_URL, KLODY_LIBRARY_BRAIN_URL and
// KLODY_VOCALBRAIN_URL set to `none`): every tool still answers, with a sentence saying what to set.
// The SDK's own client over its in-memory transport pair; real SQLite memory.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { useTemporarySemanticMemory } from '../tools/testing/temporary-semantic-memory.js';
import { createKlodyMcpServer } from './klody-mcp-server.js';

const temporary = useTemporarySemanticMemory('klody-mcp-server-');
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

async function connect(): Promise<Client> {
  const server = createKlodyMcpServer({
    gateway: null,
    library: null,
    vocalBrain: null,
    memory: temporary.memory,
    modelTimeLimits: { firstPartMs: 1_000, idleMs: 1_000 },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'disabled-test', version: '1.0.0' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

function textOf(result: object): string {
  return ((result as { content: { text?: string }[] }).content ?? []).map((part) => part.text ?? '').join('');
}

describe('createKlodyMcpServer with the gateway and the organs disabled', () => {
  it('says the gateway is disabled and how to enable it, for each model tool', async () => {
    const client = await connect();
    const calls = [
      { name: 'chat', arguments: { messages: [{ role: 'user', content: 'Bonjour' }] } },
      { name: 'complete', arguments: { prompt: 'Once' } },
      { name: 'summarize', arguments: { text: 'Candide est chassé du château.' } },
    ];
    for (const call of calls) {
      const result = await client.callTool(call);
      expect(result.isError, call.name).toBe(true);
      expect(textOf(result)).toMatch(
        /^the gateway is disabled \(KLODY_GATEWAY_URL=none\): set KLODY_GATEWAY_URL/,
      );
    }
  });

  it('says Library Brain is disabled for rag_query, and health reports all three disabled', async () => {
    const client = await connect();
    const rag = await client.callTool({ name: 'rag_query', arguments: { question: 'Qui est Pangloss ?' } });
    expect(rag.isError).toBe(true);
    expect(textOf(rag)).toMatch(/^Library Brain is disabled \(KLODY_LIBRARY_BRAIN_URL=none\)/);
    const health = await client.callTool({ name: 'health', arguments: {} });
    expect(health.structuredContent).toEqual({
      status: 'ok',
      services: [
        { name: 'gateway', url: null, state: 'disabled', reason: 'KLODY_GATEWAY_URL is "none"' },
        { name: 'library_brain', url: null, state: 'disabled', reason: 'KLODY_LIBRARY_BRAIN_URL is "none"' },
        { name: 'vocalbrain', url: null, state: 'disabled', reason: 'KLODY_VOCALBRAIN_URL is "none"' },
      ],
    });
  });

  it('keeps memory working without any of them', async () => {
    const client = await connect();
    await client.callTool({ name: 'remember', arguments: { fact: 'The user reads Voltaire in French.' } });
    const recalled = await client.callTool({ name: 'recall', arguments: { query: 'Voltaire', limit: 3 } });
    expect(textOf(recalled)).toMatch(/#\d+: The user reads Voltaire in French\./);
  });
});
