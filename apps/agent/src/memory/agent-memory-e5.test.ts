// The agent's memory with the real multilingual-e5-small behind the real gateway (its CLI, as a user
// starts it): recall is hybrid, so a fact written in French is found from a question in English that
// shares no word with it, which lexical recall alone cannot do.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createOpenAiEmbedder, type Embedder } from '@klody/memory';
import { startE5Gateway } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAgentMemory } from './agent-memory.js';

describeRequiring({ models: ['multilingual-e5-small'] }, 'agent memory with e5 through the gateway', () => {
  const reaper = useProcessReaper();
  let home: string;
  let embedder: Embedder;

  beforeAll(async () => {
    const gateway = await startE5Gateway(reaper);
    home = gateway.home;
    embedder = await createOpenAiEmbedder({
      baseUrl: gateway.url,
      model: 'embed',
      purposes: { kind: 'input-type' },
      timeoutMs: 120_000,
    });
  }, 120_000);

  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('recalls a French fact from an English question with no shared word, after a restart', async () => {
    const path = join(home, 'agent.db');
    let connection = new Database(path);
    connection.pragma('journal_mode = WAL');
    let memory = createAgentMemory({ connection, embedder });
    await memory.facts.remember('Camille joue du violoncelle depuis dix ans.');
    await memory.facts.remember('Camille habite à Lyon, près de la Saône.');
    await memory.facts.remember('Camille est allergique aux arachides.');
    connection.close();
    connection = new Database(path);
    try {
      memory = createAgentMemory({ connection, embedder });
      const lexicalOnly = createAgentMemory({ connection });
      const question = 'Which musical instrument does the user play?';
      expect(await lexicalOnly.facts.recall(question, { kind: 'fact' })).toEqual([]);
      const [first] = await memory.facts.recall(question, { kind: 'fact' });
      expect(first?.text).toBe('Camille joue du violoncelle depuis dix ans.');
      const [context] = await memory.contextFor('Can you suggest a restaurant without peanuts?', {
        limit: 1,
      });
      expect(context?.text).toBe('Camille est allergique aux arachides.');
    } finally {
      connection.close();
    }
  }, 120_000);

  it('finds a past session by meaning: a French turn recalled from an English question', async () => {
    const connection = new Database(join(home, 'sessions.db'));
    try {
      const memory = createAgentMemory({ connection, embedder });
      await memory.backfill([
        {
          sessionId: 'session-a',
          turnId: 'turn-1',
          userMessage: 'Raconte-moi comment Achab chasse le cachalot blanc.',
          answer: 'Le capitaine Achab poursuit Moby Dick à travers les océans.',
          at: Date.UTC(2026, 10, 1),
        },
        {
          sessionId: 'session-b',
          turnId: 'turn-2',
          userMessage: 'Donne-moi une recette de pain au levain.',
          answer: 'Mélangez la farine, l’eau et le levain, puis laissez lever une nuit.',
          at: Date.UTC(2026, 10, 2),
        },
      ]);
      const [first] = await memory.facts.recall('What did we say about the whale hunt?', {
        kind: 'session_summary',
      });
      expect(first?.tags).toEqual(['session:session-a', 'turn:turn-1']);
    } finally {
      connection.close();
    }
  }, 120_000);
});
