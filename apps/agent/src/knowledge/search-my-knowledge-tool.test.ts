import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSearchMyKnowledgeTool, noKnowledgeText } from './search-my-knowledge-tool.js';
import { buildCvPdf } from './testing/cv-fixtures.js';
import { type KnowledgeBench, knowledgeBench } from './testing/knowledge-bench.js';

let bench: KnowledgeBench;
afterEach(async () => {
  await bench.cleanup();
});

const context = { sessionId: 'session_test', toolCallId: 'call_1', signal: new AbortController().signal };

describe('search_my_knowledge', () => {
  it('reads, and its output is untrusted', () => {
    bench = knowledgeBench();
    const tool = createSearchMyKnowledgeTool({
      search: bench.search,
      hasKnowledge: bench.knowledge.hasRoots,
    });
    expect(tool.effect).toBe('read');
    expect(tool.untrustedOutput).toBe(true);
  });

  it('before anything was added, says how the user adds knowledge', async () => {
    bench = knowledgeBench();
    const tool = createSearchMyKnowledgeTool({
      search: bench.search,
      hasKnowledge: bench.knowledge.hasRoots,
    });
    const output = await tool.execute({ query: 'my job' }, context);
    expect(output.text).toBe(noKnowledgeText);
    expect(output.text).toContain('pnpm agent knowledge add <path>');
  });

  it('returns numbered passages with the labels to cite', async () => {
    bench = knowledgeBench();
    const cv = join(bench.files, 'cv.pdf');
    writeFileSync(cv, buildCvPdf());
    await bench.knowledge.add(cv);
    const tool = createSearchMyKnowledgeTool({
      search: bench.search,
      hasKnowledge: bench.knowledge.hasRoots,
    });
    const output = await tool.execute(tool.inputSchema.parse({ query: 'gateway scheduler' }), context);
    const lines = output.text.split('\n');
    expect(lines[0]).toContain('Cite each one you use by its label');
    expect(lines[1]).toMatch(/^\[1\] \(cv\.pdf, pages 1-2\) Alice Martin Senior engineer at Klody/);
    expect(output.data).toMatchObject({
      passages: [{ number: 1, label: 'cv.pdf, pages 1-2', sourceUri: cv }],
    });
    const none = await tool.execute(tool.inputSchema.parse({ query: 'gateway', kind: 'note' }), context);
    expect(none.text).toBe('Nothing in the user\'s knowledge matches "gateway".');
  });
});
