import type Database from 'better-sqlite3';

/**
 * The loop's tables. A turn's state is its stored messages and tool calls, so a turn waiting for an
 * approval continues after a restart from what is here, nothing else. Approvals have their own table
 * (src/approvals), the semantic memory its own (@klody/memory), in the same file.
 */
export function createAgentSchema(connection: Database.Database): void {
  connection.exec(`
    CREATE TABLE IF NOT EXISTS agent_sessions (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      system_context TEXT NOT NULL,
      recalled_facts INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS agent_turns (
      id TEXT PRIMARY KEY,
      session_id TEXT NOT NULL REFERENCES agent_sessions(id),
      position INTEGER NOT NULL,
      user_message TEXT NOT NULL,
      language TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'waiting_approval', 'waiting_continue', 'done')),
      steps_used INTEGER NOT NULL DEFAULT 0,
      budget_start INTEGER NOT NULL DEFAULT 0,
      untrusted_seen INTEGER NOT NULL DEFAULT 0,
      stop_reason TEXT,
      answer TEXT NOT NULL DEFAULT '',
      model_ms REAL NOT NULL DEFAULT 0,
      tools_ms REAL NOT NULL DEFAULT 0,
      approvals_waiting_ms REAL NOT NULL DEFAULT 0,
      active_ms REAL NOT NULL DEFAULT 0,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      UNIQUE (session_id, position)
    );
    CREATE TABLE IF NOT EXISTS agent_messages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      session_id TEXT NOT NULL REFERENCES agent_sessions(id),
      turn_id TEXT NOT NULL REFERENCES agent_turns(id),
      role TEXT NOT NULL,
      content TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS agent_messages_by_session ON agent_messages (session_id, id);
    CREATE TABLE IF NOT EXISTS agent_tool_calls (
      session_id TEXT NOT NULL REFERENCES agent_sessions(id),
      turn_id TEXT NOT NULL REFERENCES agent_turns(id),
      step INTEGER NOT NULL,
      position INTEGER NOT NULL,
      tool_call_id TEXT NOT NULL,
      tool TEXT NOT NULL,
      arguments TEXT NOT NULL,
      arguments_hash TEXT,
      effect TEXT NOT NULL,
      approval TEXT NOT NULL CHECK (approval IN ('not_needed', 'approved', 'denied', 'pending')),
      approval_id TEXT,
      approval_reason TEXT,
      approval_expires_at INTEGER,
      status TEXT NOT NULL CHECK (status IN ('waiting', 'running', 'done', 'failed', 'not_run')),
      note TEXT,
      output TEXT,
      model_output TEXT,
      repaired INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      duration_ms REAL,
      PRIMARY KEY (turn_id, step, position)
    );
    CREATE INDEX IF NOT EXISTS agent_tool_calls_by_approval ON agent_tool_calls (approval_id);
  `);
}
