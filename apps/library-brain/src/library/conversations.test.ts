import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversationStore } from './conversations.js';

// The store on a real SQLite connection (in memory: the tables are all it needs).
describe('createConversationStore', () => {
  const connection = new Database(':memory:');
  afterEach(() => {
    connection.exec('DELETE FROM library_conversation_turns; DELETE FROM library_conversations');
  });

  const turn = (question: string) => ({
    question,
    standaloneQuestion: question.startsWith('And') ? `${question} (whale)` : null,
    rewrite: question.startsWith('And') ? ({ method: 'carried_terms', fallback: null } as const) : null,
    answer: `answer to ${question}`,
    refused: false,
    citations: [
      { n: 1, book: 'Moby Dick', bookId: 3, chapter: null, page: null, start: 10, end: 20, text: 'Call me' },
    ],
    filter: { books: ['Moby Dick'] },
  });

  it('creates a conversation with its first turn and keeps the turns in order, with their times', () => {
    let now = Date.parse('2026-12-01T02:00:00Z');
    const store = createConversationStore(connection, () => now);
    const id = store.newId();
    expect(store.exists(id)).toBe(false);
    expect(store.get(id)).toBeNull();
    store.append(id, turn('Who is Ahab?'));
    now += 60_000;
    store.append(id, turn('And his ship?'));
    const conversation = store.get(id);
    expect(conversation).toEqual({
      id,
      createdAt: '2026-12-01T02:00:00.000Z',
      updatedAt: '2026-12-01T02:01:00.000Z',
      turns: [
        { ...turn('Who is Ahab?'), askedAt: '2026-12-01T02:00:00.000Z' },
        { ...turn('And his ship?'), askedAt: '2026-12-01T02:01:00.000Z' },
      ],
    });
    expect(store.exists(id)).toBe(true);
  });

  it('reads the last turns, oldest first, and keeps conversations apart', () => {
    const store = createConversationStore(connection);
    const [first, second] = [store.newId(), store.newId()];
    expect(first).not.toBe(second);
    for (const question of ['one', 'two', 'three', 'four', 'five']) store.append(first, turn(question));
    store.append(second, turn('other'));
    expect(store.lastTurns(first, 3).map((entry) => entry.question)).toEqual(['three', 'four', 'five']);
    expect(store.lastTurns(second, 3).map((entry) => entry.question)).toEqual(['other']);
    expect(store.lastTurns('unknown', 3)).toEqual([]);
  });
});
