import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder, EmbedPurpose } from '@klody/memory';
import { createFakeEmbedder } from '@klody/memory/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentMemory } from './agent-memory.js';

/** A fake embedder (feature hashing, not a model) that records the purpose of every call. */
function createFakePurposeRecordingEmbedder(): Embedder & { purposes: (EmbedPurpose | undefined)[] } {
  const fake = createFakeEmbedder({ dimensions: 64, id: 'fake:purposes' });
  const purposes: (EmbedPurpose | undefined)[] = [];
  return {
    id: fake.id,
    dimensions: fake.dimensions,
    asymmetric: true,
    purposes,
    embed(texts, options) {
      purposes.push(options?.purpose);
      return fake.embed(texts, options);
    },
  };
}

describe('createAgentMemory with an embedder (wiring, a fake embedder)', () => {
  let folder: string;
  let connection: Database.Database;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'klody-agent-memory-embedder-'));
    connection = new Database(join(folder, 'agent.db'));
    connection.pragma('journal_mode = WAL');
  });

  afterEach(() => {
    connection.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('embeds facts and summaries as passages, queries as queries, and keeps the vectors in agent.db', async () => {
    const embedder = createFakePurposeRecordingEmbedder();
    const memory = createAgentMemory({ connection, embedder });
    await memory.facts.remember('Camille joue du violoncelle depuis dix ans.');
    await memory.mirrorTurn({
      sessionId: 'session-a',
      turnId: 'turn-1',
      userMessage: 'Parle-moi de Bach.',
      answer: 'Bach a écrit six suites pour violoncelle seul.',
      at: Date.UTC(2026, 10, 30),
    });
    expect(embedder.purposes).toEqual(['passage', 'passage']);
    const context = await memory.contextFor('Qui joue du violoncelle ?');
    expect(embedder.purposes).toEqual(['passage', 'passage', 'query']);
    expect(context.map((fact) => fact.text)).toEqual(['Camille joue du violoncelle depuis dix ans.']);
    const stored = connection
      .prepare('SELECT kind, embedder_id, length(vector) AS bytes FROM memory_facts ORDER BY id')
      .all();
    expect(stored).toEqual([
      { kind: 'fact', embedder_id: 'fake:purposes', bytes: 64 * 4 },
      { kind: 'session_summary', embedder_id: 'fake:purposes', bytes: 64 * 4 },
    ]);
  });

  it('embeds nothing for turns already mirrored: a second backfill costs no model call', async () => {
    const embedder = createFakePurposeRecordingEmbedder();
    const memory = createAgentMemory({ connection, embedder });
    const turns = [1, 2, 3].map((index) => ({
      sessionId: 'session-a',
      turnId: `turn-${index}`,
      userMessage: `Question numéro ${index} sur les baleines de l'océan ${'abcdefghij'[index]}`,
      answer: `Réponse ${index}.`,
      at: Date.UTC(2026, 10, 30, 20, index),
    }));
    expect(await memory.backfill(turns)).toEqual({ added: 3, skipped: 0 });
    const calls = embedder.purposes.length;
    expect(calls).toBe(3);
    expect(await memory.backfill(turns)).toEqual({ added: 0, skipped: 3 });
    expect(embedder.purposes).toHaveLength(calls);
  });
});
