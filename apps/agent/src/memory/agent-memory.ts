import {
  createSemanticMemory,
  type Embedder,
  type RecalledFact,
  type SemanticMemory,
  type WriteLock,
} from '@klody/memory';
import type Database from 'better-sqlite3';
import { migrateNow } from './migrate-now.js';
import { summarizeTurn } from './summarize-turn.js';
import { createWriteLock } from './write-lock.js';

/** One finished turn, as mirrored into semantic memory (from the loop as it happens, or by backfill). */
export interface TurnSummarySource {
  sessionId: string;
  turnId: string;
  userMessage: string;
  /** The model's final answer; '' when the turn stopped to ask something. */
  answer: string;
  /** When the turn happened, in milliseconds since the epoch. */
  at: number;
}

export interface BackfillReport {
  /** Turns mirrored by this run. */
  added: number;
  /** Turns already mirrored before (by the loop or an earlier run), left as they were. */
  skipped: number;
}

export interface AgentMemory {
  /** Facts about the user (namespace `user`): the remember / recall / forget tools work on it. */
  facts: SemanticMemory;
  /**
   * Mirrors a turn into semantic memory as a `session_summary` tagged `session:<id>` and `turn:<id>`.
   * Idempotent: a turn already mirrored adds nothing (`added: false`), even if its summary was forgotten since.
   */
  mirrorTurn(turn: TurnSummarySource): Promise<{ added: boolean }>;
  /**
   * Mirrors a turn again after its answer changed (the user spoke over it: only what was played is
   * kept): the summary mirrored before is forgotten and replaced.
   */
  replaceTurn(turn: TurnSummarySource): Promise<void>;
  /** Mirrors every turn not mirrored yet (`pnpm agent backfill`); a second run adds nothing. */
  backfill(turns: Iterable<TurnSummarySource> | AsyncIterable<TurnSummarySource>): Promise<BackfillReport>;
  /**
   * Facts about the user to put into a new session's context: those relevant to its first message,
   * or, when none is, the most recently remembered ones. At most `limit` (default 5).
   */
  contextFor(message: string, options?: { limit?: number }): Promise<RecalledFact[]>;
}

export interface AgentMemoryOptions {
  /** The agent's one connection to agent.db; @klody/memory's tables (`memory_*`) are created in it. */
  connection: Database.Database;
  /**
   * Optional (e.g. the gateway's `embed` alias through `createOpenAiEmbedder` with e5's purposes):
   * without it recall is lexical (FTS5), with it hybrid (FTS5 + cosine, fused).
   */
  embedder?: Embedder | null;
  /** The lock @klody/memory's writes take; share it when something else writes memory on the same connection. */
  writeLock?: WriteLock;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

/** The namespace of everything the agent remembers about its user: facts and summaries of sessions. */
export const userNamespace = 'user';

const mirroredSchema = `
  CREATE TABLE IF NOT EXISTS agent_memory_mirrored_turns (
    session_id TEXT NOT NULL,
    turn_id TEXT NOT NULL,
    fact_id INTEGER,
    mirrored_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, turn_id)
  )
`;

/**
 * The agent's semantic memory in agent.db through @klody/memory. Facts and session summaries share the
 * namespace `user` (so `recall` also finds what was said in past sessions) and are told apart by their
 * kind: `fact` and `session_summary`. Which turns were mirrored is kept in its own table, because
 * @klody/memory merges near-duplicate texts (two "bonjour" turns are one summary) and a forgotten
 * summary must not come back on the next backfill.
 */
export function createAgentMemory(options: AgentMemoryOptions): AgentMemory {
  const { connection } = options;
  const now = options.now ?? Date.now;
  migrateNow(connection);
  connection.exec(mirroredSchema);
  const facts = createSemanticMemory({
    database: { getConnection: () => connection, writeLock: options.writeLock ?? createWriteLock() },
    embedder: options.embedder ?? null,
    namespace: userNamespace,
    // @klody/memory counts seconds.
    clock: () => now() / 1000,
  });
  const isMirrored = connection.prepare(
    'SELECT 1 FROM agent_memory_mirrored_turns WHERE session_id = ? AND turn_id = ?',
  );
  const markMirrored = connection.prepare(
    'INSERT OR IGNORE INTO agent_memory_mirrored_turns (session_id, turn_id, fact_id, mirrored_at) VALUES (?, ?, ?, ?)',
  );

  const mirroredFact = connection.prepare(
    'SELECT fact_id AS factId FROM agent_memory_mirrored_turns WHERE session_id = ? AND turn_id = ?',
  );
  const factSharers = connection.prepare(
    'SELECT COUNT(*) AS count FROM agent_memory_mirrored_turns WHERE fact_id = ?',
  );
  const unmarkMirrored = connection.prepare(
    'DELETE FROM agent_memory_mirrored_turns WHERE session_id = ? AND turn_id = ?',
  );

  // Mirroring one turn twice at the same moment (the loop and a backfill) must still add it once.
  const inFlight = new Map<string, Promise<{ added: boolean }>>();

  async function mirror(turn: TurnSummarySource): Promise<{ added: boolean }> {
    if (isMirrored.get(turn.sessionId, turn.turnId)) return { added: false };
    const text = summarizeTurn(turn);
    const result = await facts.remember(text, {
      kind: 'session_summary',
      tags: [`session:${turn.sessionId}`, `turn:${turn.turnId}`],
    });
    const inserted = markMirrored.run(turn.sessionId, turn.turnId, result.fact.id, Math.round(now())).changes;
    return { added: inserted > 0 };
  }

  function mirrorTurn(turn: TurnSummarySource): Promise<{ added: boolean }> {
    const key = JSON.stringify([turn.sessionId, turn.turnId]);
    const running = inFlight.get(key);
    if (running) return running.then(() => ({ added: false }));
    const started = mirror(turn).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  async function replaceTurn(turn: TurnSummarySource): Promise<void> {
    await inFlight.get(JSON.stringify([turn.sessionId, turn.turnId]));
    const row = mirroredFact.get(turn.sessionId, turn.turnId) as { factId: number | null } | undefined;
    // @klody/memory merges near-duplicate texts: a summary another turn shares stays.
    const sharers = row?.factId != null ? (factSharers.get(row.factId) as { count: number }).count : 0;
    if (row?.factId != null && sharers === 1) await facts.forget(row.factId);
    unmarkMirrored.run(turn.sessionId, turn.turnId);
    await mirrorTurn(turn);
  }

  return {
    facts,
    mirrorTurn,
    replaceTurn,
    async backfill(turns) {
      const report: BackfillReport = { added: 0, skipped: 0 };
      for await (const turn of turns) {
        if ((await mirrorTurn(turn)).added) report.added++;
        else report.skipped++;
      }
      return report;
    },
    async contextFor(message, contextOptions = {}) {
      const limit = contextOptions.limit ?? 5;
      const relevant = await facts.recall(message, { kind: 'fact', limit });
      if (relevant.length > 0) return relevant;
      return facts
        .list({ kind: 'fact' })
        .sort((left, right) => right.lastSeenAt - left.lastSeenAt || right.id - left.id)
        .slice(0, limit)
        .map((fact) => ({ ...fact, score: 0 }));
    },
  };
}
