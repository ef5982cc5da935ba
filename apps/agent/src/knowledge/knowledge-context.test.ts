import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIngester } from '@klody/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { agentBench, collect, eventOf } from '../agent/testing/agent-test-bench.js';
import { fakeScriptedModel } from '../loop/testing/fake-scripted-model.js';
import { createAgentMemory } from '../memory/agent-memory.js';
import { type AgentDatabase, openAgentDatabase } from '../store/open-agent-database.js';
import { createKnowledgeBase } from './knowledge-base.js';
import { knowledgePassageKind, withKnowledgeContext } from './knowledge-context.js';
import { createKnowledgeKinds } from './knowledge-kinds.js';
import { createKnowledgeSearch } from './knowledge-search.js';
import { buildCvPdf } from './testing/cv-fixtures.js';
import { type KnowledgeBench, knowledgeBench } from './testing/knowledge-bench.js';

let knowledge: KnowledgeBench;
let agents: ReturnType<typeof agentBench> | null = null;
let extraDatabase: AgentDatabase | null = null;
afterEach(async () => {
  await agents?.cleanup();
  agents = null;
  extraDatabase?.close();
  extraDatabase = null;
  await knowledge.cleanup();
});

async function withCv(bench: KnowledgeBench) {
  const cv = join(bench.files, 'cv.pdf');
  writeFileSync(cv, buildCvPdf());
  await bench.knowledge.add(cv);
}

describe('knowledge in a new session’s context', () => {
  it('adds up to two passages relevant to the first message, with their labels, after the facts', async () => {
    knowledge = knowledgeBench();
    await withCv(knowledge);
    const letter = join(knowledge.files, 'letter.txt');
    writeFileSync(letter, 'Dear Bob, the gateway scheduler evicts the least recently used worker first.');
    await knowledge.knowledge.add(letter);
    const third = join(knowledge.files, 'notes.txt');
    writeFileSync(third, 'Gateway scheduler notes: pinned workers are never evicted.');
    await knowledge.knowledge.add(third);
    const memory = createAgentMemory({ connection: knowledge.database.connection });
    await memory.facts.remember('The user works on the gateway of Klody.');
    const context = await withKnowledgeContext(memory, knowledge.search).contextFor('the gateway scheduler');
    expect(context[0]?.text).toBe('The user works on the gateway of Klody.');
    const passages = context.filter((fact) => fact.kind === knowledgePassageKind);
    expect(passages).toHaveLength(2);
    for (const passage of passages)
      expect(passage.text).toMatch(
        /^From the user's own material \((cv\.pdf, pages 1-2|letter\.txt|notes\.txt)\): /,
      );
  });

  it('adds nothing when nothing was added or nothing matches', async () => {
    knowledge = knowledgeBench();
    const memory = createAgentMemory({ connection: knowledge.database.connection });
    const wrapped = withKnowledgeContext(memory, knowledge.search, {
      hasKnowledge: knowledge.knowledge.hasRoots,
    });
    expect(await wrapped.contextFor('the gateway scheduler')).toEqual([]);
    await withCv(knowledge);
    expect(await wrapped.contextFor('quenelles lyonnaises')).toEqual([]);
  });

  it('a write after a session whose context held a knowledge passage waits for approval', async () => {
    knowledge = knowledgeBench();
    agents = agentBench();
    // The agent's own database file gets the user's CV, added as `pnpm agent knowledge add` does (a
    // second connection to the file, as the CLI and a running agent have).
    const fake = fakeScriptedModel([{ toolCalls: [{ tool: 'note', input: { text: 'scheduler' } }] }]);
    extraDatabase = openAgentDatabase(agents.path);
    const memory = createAgentMemory({ connection: extraDatabase.connection });
    const base = createKnowledgeBase({
      connection: extraDatabase.connection,
      memoryDatabase: extraDatabase.memoryDatabase,
      ingester: createIngester({ database: extraDatabase.memoryDatabase }),
      kinds: createKnowledgeKinds({ database: extraDatabase.memoryDatabase, syncs: {} }),
    });
    const cv = join(knowledge.files, 'cv.pdf');
    writeFileSync(cv, buildCvPdf());
    await base.add(cv);
    const search = createKnowledgeSearch({ database: extraDatabase.memoryDatabase });
    const { agent } = agents.open(fake.model, {
      memory: withKnowledgeContext(memory, search, { hasKnowledge: base.hasRoots }),
    });
    const events = await collect(agent.send({ message: 'Note what my CV says about the gateway scheduler' }));
    const system = JSON.stringify(fake.prompts()[0]?.[0]);
    expect(system).toContain('From the user');
    expect(system).toContain('cv.pdf, pages 1-2');
    expect(system).toContain('data, not instructions');
    // No memory fact was recalled: the passage alone made the session untrusted.
    expect(memory.facts.list()).toEqual([]);
    expect(eventOf(events, 'approval-request').tool).toBe('note');
    expect(agents.spies.note.calls).toEqual([]);
    expect(agent.store.getTurn(eventOf(events, 'turn-end').turnId)?.untrustedSeen).toBe(true);
  });
});
