import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createApprovalStore } from '../../approvals/approval-store.js';
import type { ModelObject } from '../../loop/model-object.js';
import { createAgentMemory } from '../../memory/agent-memory.js';
import { type AgentDatabase, agentDatabasePath, openAgentDatabase } from '../../store/open-agent-database.js';
import { type AgentTool, ToolError } from '../../tools/agent-tool.js';
import type { AgentEvent } from '../agent-events.js';
import { type CreateAgentOptions, type CreatedAgent, createAgent } from '../create-agent.js';

/** Every event of one stream, in order. */
export async function collect(stream: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function eventOf<T extends AgentEvent['type']>(
  events: AgentEvent[],
  type: T,
): Extract<AgentEvent, { type: T }> {
  const event = events.find((candidate) => candidate.type === type);
  if (!event)
    throw new Error(`no ${type} event in ${JSON.stringify(events.map((candidate) => candidate.type))}`);
  return event as Extract<AgentEvent, { type: T }>;
}

/** Calls of a tool, recorded (the spy the approval tests check). */
export interface ToolSpy {
  calls: unknown[];
}

/**
 * The registry the loop tests use: `lookup` (read, untrusted output, like a book search), `note` (write),
 * `erase` (destructive), `count` (read, numbers and booleans to coerce), `fail` (throws a ToolError or a
 * plain Error). Each records its calls.
 */
export function testTools() {
  const spies: Record<'lookup' | 'note' | 'erase' | 'count' | 'fail', ToolSpy> = {
    lookup: { calls: [] },
    note: { calls: [] },
    erase: { calls: [] },
    count: { calls: [] },
    fail: { calls: [] },
  };
  const tools: AgentTool[] = [
    {
      name: 'lookup',
      description: 'Looks up a passage in the books.',
      inputSchema: z.object({ query: z.string() }),
      effect: 'read',
      untrustedOutput: true,
      async execute(input) {
        spies.lookup.calls.push(input);
        return { text: `passage about ${(input as { query: string }).query}` };
      },
    },
    {
      name: 'note',
      description: 'Writes a note.',
      inputSchema: z.object({ text: z.string() }),
      effect: 'write',
      untrustedOutput: false,
      async execute(input) {
        spies.note.calls.push(input);
        return { text: 'noted' };
      },
    },
    {
      name: 'erase',
      description: 'Erases a book.',
      inputSchema: z.object({ book: z.string() }),
      effect: 'destructive',
      untrustedOutput: false,
      async execute(input) {
        spies.erase.calls.push(input);
        return { text: `erased ${(input as { book: string }).book}` };
      },
    },
    {
      name: 'count',
      description: 'Counts up to n.',
      inputSchema: z.object({ n: z.number().int(), exact: z.boolean() }),
      effect: 'read',
      untrustedOutput: false,
      async execute(input) {
        spies.count.calls.push(input);
        return { text: `counted to ${(input as { n: number }).n}` };
      },
    },
    {
      name: 'fail',
      description: 'Fails.',
      inputSchema: z.object({ kind: z.enum(['tool', 'internal']) }),
      effect: 'read',
      untrustedOutput: false,
      async execute(input) {
        spies.fail.calls.push(input);
        if ((input as { kind: string }).kind === 'tool')
          throw new ToolError('Library Brain is not running at http://127.0.0.1:9');
        throw new Error('secret internal detail at /home/user/file.ts:12');
      },
    },
  ];
  return { tools, spies };
}

/**
 * A real agent database in a temporary folder, and agents over it: `open` again over the same file is
 * what a restart does. `clock` drives the approval store's time (expiry tests).
 */
export function agentBench(options: { ttlMs?: number } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'klody-agent-loop-'));
  const path = agentDatabasePath(home);
  const opened: Array<{ database: AgentDatabase; agent: CreatedAgent }> = [];
  const clock = { now: Date.now() };
  const registry = testTools();
  return {
    path,
    clock,
    spies: registry.spies,
    /** A new agent over the database file; `withMemory` gives it the real semantic memory on the same file. */
    open(model: ModelObject, extra: Partial<CreateAgentOptions> & { withMemory?: boolean } = {}) {
      const { withMemory, ...agentOptions } = extra;
      const database = openAgentDatabase(path);
      const approvals = createApprovalStore(database.connection, {
        now: () => clock.now,
        ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
      });
      const memory = withMemory ? createAgentMemory({ connection: database.connection }) : null;
      const agent = createAgent({
        model,
        connection: database.connection,
        tools: registry.tools,
        approvals,
        ...(memory ? { memory } : {}),
        ...agentOptions,
      });
      opened.push({ database, agent });
      return { agent, approvals, database, memory };
    },
    /** Closes one agent and its connection, as a process that stops would. */
    async restart(agent: CreatedAgent) {
      const entry = opened.find((candidate) => candidate.agent === agent);
      if (!entry) return;
      await entry.agent.close();
      entry.database.close();
      opened.splice(opened.indexOf(entry), 1);
    },
    async cleanup() {
      for (const entry of opened.splice(0)) {
        await entry.agent.close();
        entry.database.close();
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
