import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { BookFilter, Citation } from './library.js';
import type { QuestionRewrite } from './question-rewrite.js';

const conversationTables = `
  CREATE TABLE IF NOT EXISTS library_conversations (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS library_conversation_turns (
    conversation_id TEXT NOT NULL REFERENCES library_conversations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    standalone_question TEXT,
    rewrite TEXT,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    citations TEXT NOT NULL,
    filter TEXT,
    asked_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, position)
  ) WITHOUT ROWID`;

export interface ConversationTurn {
  question: string;
  /** The question as searched, when it was rewritten; null when searched as asked. */
  standaloneQuestion: string | null;
  rewrite: QuestionRewrite | null;
  answer: string;
  refused: boolean;
  citations: Citation[];
  filter: BookFilter | null;
  /** ISO 8601. */
  askedAt: string;
}

export interface Conversation {
  id: string;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
  turns: ConversationTurn[];
}

interface TurnRow {
  question: string;
  standalone_question: string | null;
  rewrite: string | null;
  answer: string;
  refused: number;
  citations: string;
  filter: string | null;
  asked_at: number;
}

const toTurn = (row: TurnRow): ConversationTurn => ({
  question: row.question,
  standaloneQuestion: row.standalone_question,
  rewrite: row.rewrite ? (JSON.parse(row.rewrite) as QuestionRewrite) : null,
  answer: row.answer,
  refused: row.refused === 1,
  citations: JSON.parse(row.citations) as Citation[],
  filter: row.filter ? (JSON.parse(row.filter) as BookFilter) : null,
  askedAt: new Date(row.asked_at).toISOString(),
});

/** Conversations and their turns, in Library Brain's database (the CLI and the server share them). */
export function createConversationStore(connection: Database, clock: () => number = Date.now) {
  connection.exec(conversationTables);
  const conversationRow = connection.prepare(
    'SELECT id, created_at, updated_at FROM library_conversations WHERE id = ?',
  );
  const turnRows = connection.prepare(
    'SELECT * FROM library_conversation_turns WHERE conversation_id = ? ORDER BY position',
  );
  const lastTurnRows = connection.prepare(
    'SELECT * FROM (SELECT * FROM library_conversation_turns WHERE conversation_id = ? ORDER BY position DESC LIMIT ?) ORDER BY position',
  );
  const insertConversation = connection.prepare(
    'INSERT INTO library_conversations (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at',
  );
  const insertTurn = connection.prepare(
    `INSERT INTO library_conversation_turns
       (conversation_id, position, question, standalone_question, rewrite, answer, refused, citations, filter, asked_at)
     VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM library_conversation_turns WHERE conversation_id = ?), ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const append = connection.transaction(
    (id: string, turn: Omit<ConversationTurn, 'askedAt'>, now: number) => {
      insertConversation.run(id, now, now);
      insertTurn.run(
        id,
        id,
        turn.question,
        turn.standaloneQuestion,
        turn.rewrite ? JSON.stringify(turn.rewrite) : null,
        turn.answer,
        turn.refused ? 1 : 0,
        JSON.stringify(turn.citations),
        turn.filter ? JSON.stringify(turn.filter) : null,
        now,
      );
    },
  );
  return {
    /** A new conversation's id (it is stored with its first turn). */
    newId: (): string => randomUUID(),
    exists(id: string): boolean {
      return conversationRow.get(id) !== undefined;
    },
    get(id: string): Conversation | null {
      const row = conversationRow.get(id) as
        | { id: string; created_at: number; updated_at: number }
        | undefined;
      if (!row) return null;
      return {
        id: row.id,
        createdAt: new Date(row.created_at).toISOString(),
        updatedAt: new Date(row.updated_at).toISOString(),
        turns: (turnRows.all(id) as TurnRow[]).map(toTurn),
      };
    },
    /** The last `count` turns, oldest first. */
    lastTurns(id: string, count: number): ConversationTurn[] {
      return (lastTurnRows.all(id, count) as TurnRow[]).map(toTurn);
    },
    /** Adds a turn, creating the conversation on its first. */
    append(id: string, turn: Omit<ConversationTurn, 'askedAt'>): void {
      append(id, turn, clock());
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
