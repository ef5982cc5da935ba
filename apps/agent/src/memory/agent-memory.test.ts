import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../approvals/approval-store.js';
import { type AgentMemory, createAgentMemory, type TurnSummarySource } from './agent-memory.js';

describe('createAgentMemory (lexical, a real SQLite file)', () => {
  let folder: string;
  let path: string;
  let connection: Database.Database;
  let clock: number;
  let memory: AgentMemory;

  const open = () => {
    const opened = new Database(path);
    opened.pragma('journal_mode = WAL');
    return opened;
  };
  const turn = (overrides: Partial<TurnSummarySource> = {}): TurnSummarySource => ({
    sessionId: 'session-a',
    turnId: 'turn-1',
    userMessage: 'Quel est le premier chapitre de Candide ?',
    answer: 'Le premier chapitre raconte comment Candide fut élevé dans un beau château.',
    at: Date.UTC(2026, 10, 30, 21, 0, 0),
    ...overrides,
  });
  const summaries = () => memory.facts.list({ kind: 'session_summary' });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'klody-agent-memory-'));
    path = join(folder, 'agent.db');
    connection = open();
    clock = Date.UTC(2026, 10, 30, 22, 0, 0);
    memory = createAgentMemory({ connection, now: () => clock });
  });

  afterEach(() => {
    connection.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lives in the agent database beside the agent tables, and opens twice on one connection', () => {
    createApprovalStore(connection);
    const again = createAgentMemory({ connection });
    expect(again.facts.list()).toEqual([]);
    const tables = connection
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    expect(tables).toEqual(
      expect.arrayContaining([
        'agent_approvals',
        'agent_memory_mirrored_turns',
        'memory_facts',
        'memory_meta',
      ]),
    );
  });

  it('refuses, when it is created, a database whose memory schema is newer than this version knows', () => {
    connection.prepare("UPDATE memory_meta SET value = '999' WHERE key = 'schema_version'").run();
    expect(() => createAgentMemory({ connection })).toThrow(/schema 999/);
  });

  it('remembers facts about the user in the namespace user and recalls them after a restart', async () => {
    const { fact, created } = await memory.facts.remember(
      "L'utilisateur s'appelle Camille et joue du violoncelle.",
    );
    expect(created).toBe(true);
    expect(fact).toMatchObject({ namespace: 'user', kind: 'fact', createdAt: clock / 1000 });
    await memory.facts.remember('The user prefers answers in English about jazz records.');
    connection.close();
    connection = open();
    memory = createAgentMemory({ connection, now: () => clock });
    const recalled = await memory.facts.recall('Qui joue du violoncelle ?');
    expect(recalled.map((item) => item.text)).toEqual([
      "L'utilisateur s'appelle Camille et joue du violoncelle.",
    ]);
    const english = await memory.facts.recall('which jazz records?');
    expect(english[0]?.text).toBe('The user prefers answers in English about jazz records.');
    expect(await memory.facts.forget(fact.id)).toBe(true);
    expect(await memory.facts.recall('Qui joue du violoncelle ?')).toEqual([]);
  });

  it('mirrors a turn as a session summary tagged with its session and turn, extractive, once', async () => {
    expect(await memory.mirrorTurn(turn())).toEqual({ added: true });
    expect(await memory.mirrorTurn(turn())).toEqual({ added: false });
    const [summary, ...others] = summaries();
    expect(others).toEqual([]);
    expect(summary?.kind).toBe('session_summary');
    expect(summary?.namespace).toBe('user');
    expect(summary?.tags).toEqual(['session:session-a', 'turn:turn-1']);
    expect(summary?.text).toContain('Quel est le premier chapitre de Candide ?');
    expect(summary?.text).toContain('Le premier chapitre raconte comment Candide');
    expect(summary?.text).toContain('2026-11-30');
    // Found by recall (e.g. the recall tool) by its session tag, and by its words.
    const found = await memory.facts.recall('chapitre Candide', { tags: ['session:session-a'] });
    expect(found.map((item) => item.id)).toEqual([summary?.id]);
  });

  it('mirrors the same turn once even when asked twice at the same moment', async () => {
    const results = await Promise.all([memory.mirrorTurn(turn()), memory.mirrorTurn(turn())]);
    expect(results.filter((result) => result.added)).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
  });

  it('keeps a long turn short: the start of the message and of the answer', async () => {
    const long = 'mot '.repeat(1_000);
    await memory.mirrorTurn(turn({ userMessage: `Début ${long}`, answer: `Réponse ${long}` }));
    const [summary] = summaries();
    expect(summary?.text.length).toBeLessThan(1_000);
    expect(summary?.text).toContain('Début mot');
    expect(summary?.text).toContain('Agent: Réponse mot');
  });

  it('mirrors a turn that stopped to ask (no answer yet) with the message alone', async () => {
    await memory.mirrorTurn(turn({ answer: '' }));
    expect(summaries()[0]?.text).not.toContain('Agent:');
  });

  it('backfills every turn not yet mirrored, and a second run adds nothing', async () => {
    await memory.mirrorTurn(turn());
    const turns = [
      turn(),
      turn({
        turnId: 'turn-2',
        userMessage: 'Lis-moi la fin de Zadig.',
        answer: 'Zadig devient roi de Babylone.',
      }),
      turn({
        sessionId: 'session-b',
        turnId: 'turn-3',
        userMessage: 'What is a sonnet?',
        answer: 'A poem of 14 lines.',
      }),
    ];
    expect(await memory.backfill(turns)).toEqual({ added: 2, skipped: 1 });
    expect(summaries()).toHaveLength(3);
    // After a restart too: the record of what was mirrored is in the database.
    connection.close();
    connection = open();
    memory = createAgentMemory({ connection, now: () => clock });
    expect(await memory.backfill(turns)).toEqual({ added: 0, skipped: 3 });
    expect(summaries()).toHaveLength(3);
  });

  it('backfills from an async source (turns read page by page)', async () => {
    async function* pages() {
      yield turn({ turnId: 'turn-1' });
      yield turn({
        turnId: 'turn-2',
        userMessage: 'Et le deuxième chapitre ?',
        answer: 'Candide est enrôlé.',
      });
    }
    expect(await memory.backfill(pages())).toEqual({ added: 2, skipped: 0 });
    expect(await memory.backfill(pages())).toEqual({ added: 0, skipped: 2 });
  });

  it('counts two turns saying the same thing as two mirrored turns, kept as one summary with both tags', async () => {
    const hello = { userMessage: 'Bonjour', answer: 'Bonjour ! Que puis-je faire pour vous ?' };
    const report = await memory.backfill([
      turn({ sessionId: 'session-a', turnId: 'turn-1', ...hello }),
      turn({ sessionId: 'session-b', turnId: 'turn-9', ...hello }),
    ]);
    expect(report).toEqual({ added: 2, skipped: 0 });
    const [summary, ...others] = summaries();
    expect(others).toEqual([]);
    expect(summary?.repeats).toBe(2);
    expect(summary?.tags).toEqual(['session:session-a', 'turn:turn-1', 'session:session-b', 'turn:turn-9']);
  });

  it('does not bring a forgotten summary back on the next backfill', async () => {
    await memory.mirrorTurn(turn());
    const [summary] = summaries();
    await memory.facts.forget(summary?.id as number);
    expect(await memory.backfill([turn()])).toEqual({ added: 0, skipped: 1 });
    expect(summaries()).toEqual([]);
  });

  it('gives a new session the facts about the user relevant to its first message, never session summaries', async () => {
    await memory.facts.remember('Camille joue du violoncelle depuis dix ans.');
    clock += 1_000;
    await memory.facts.remember('Camille est allergique aux arachides.');
    clock += 1_000;
    await memory.facts.remember('Camille habite à Lyon.');
    await memory.mirrorTurn(
      turn({ userMessage: 'Parle-moi du violoncelle baroque.', answer: 'Le violoncelle baroque…' }),
    );
    const context = await memory.contextFor('Quel violoncelle acheter ?');
    expect(context.map((fact) => fact.text)).toEqual(['Camille joue du violoncelle depuis dix ans.']);
    expect(context[0]?.score).toBeGreaterThan(0);
  });

  it('gives the most recent facts when none is relevant, at most the limit', async () => {
    for (const [index, text] of [
      'Camille joue du violoncelle.',
      'Camille habite à Lyon.',
      'Camille préfère le thé au café.',
      'Camille lit surtout de la poésie.',
    ].entries()) {
      clock = Date.UTC(2026, 10, 30, 22, index, 0);
      await memory.facts.remember(text);
    }
    await memory.mirrorTurn(turn());
    const context = await memory.contextFor('Bonsoir !', { limit: 2 });
    expect(context.map((fact) => fact.text)).toEqual([
      'Camille lit surtout de la poésie.',
      'Camille préfère le thé au café.',
    ]);
    expect(context.every((fact) => fact.kind === 'fact' && fact.score === 0)).toBe(true);
    expect(await memory.contextFor('Bonsoir !')).toHaveLength(4);
  });

  it('gives no context when nothing is known about the user', async () => {
    await memory.mirrorTurn(turn());
    expect(await memory.contextFor('Bonjour')).toEqual([]);
  });
});
